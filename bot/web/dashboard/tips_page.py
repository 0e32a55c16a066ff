"""The tips page: search, top rated first, paged; edit (authors, like `/tip edit`) and delete
(organizers, like `/tip delete`) through the same feature functions as the commands."""

from __future__ import annotations

from starlette.responses import Response

from bot.core.i18n import N_
from bot.domain.tips import MAX_TIP_LENGTH, search_terms
from bot.features.tip_management import delete_tip, edit_tip
from bot.web.dashboard.pages import Action, NotFound, Page, PageContext, PageRegistry
from storage.models import Tip
from storage.tips_repo import TipLibrary

PER_PAGE = 20
MAX_QUERY = 200


def register(pages: PageRegistry) -> None:
    """The page and its two forms."""
    pages.add_page(Page("tips", "tips", N_("Tips"), show))
    pages.add_action(Action("tip_edit", "tips/{tip_id}/edit", edit, page="tips"))
    pages.add_action(Action("tip_delete", "tips/{tip_id}/delete", delete, page="tips"))


async def show(pc: PageContext) -> Response:
    """This community's tips: best match for a search, else the most helpful first."""
    query = pc.request.query_params.get("q", "")[:MAX_QUERY].strip()
    page = max(1, pc.number("page")) if pc.request.query_params.get("page") else 1
    words, topics = search_terms(query) if query else ([], [])
    found = await TipLibrary(pc.db).search(
        [pc.community.id], words, topics, PER_PAGE, (page - 1) * PER_PAGE
    )
    pages = max(1, -(-found.total // PER_PAGE))
    return pc.render(
        "tips.html",
        {
            "query": query,
            "hits": found.hits,
            "total": found.total,
            "page": page,
            "pages": pages,
            "previous": pc.url("tips", q=query, page=page - 1) if page > 1 else None,
            "next": pc.url("tips", q=query, page=page + 1) if page < pages else None,
            "limit": MAX_TIP_LENGTH,
        },
    )


async def _tip(pc: PageContext) -> Tip:
    """The tip in the URL, if it is this community's (any other id: 404)."""
    tip = await TipLibrary(pc.db).get(pc.number("tip_id"))
    if tip is None or tip.community_id != pc.community.id:
        raise NotFound("tip")
    return tip


async def edit(pc: PageContext) -> Response:
    """Replaces a tip's text with the `/tip edit` rules (author only, length, topics)."""
    tip = await _tip(pc)
    await edit_tip(pc.db, tip, pc.person.id, pc.form.get("text", ""))
    await pc.log(N_("edited tip"), f"#{tip.id}")
    return pc.redirect("tips", q=pc.form.get("q", ""))


async def delete(pc: PageContext) -> Response:
    """Deletes a tip as an organizer of its community (the page's gate checked that)."""
    tip = await _tip(pc)
    await delete_tip(pc.db, tip, pc.person.id, moderates=True)
    await pc.log(N_("deleted tip"), f"#{tip.id}")
    return pc.redirect("tips", q=pc.form.get("q", ""))
