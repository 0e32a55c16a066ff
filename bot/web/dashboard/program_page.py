"""The program page: the community's mentorship program, its pairs and how each is doing,
the stuck ones, and reflection counts. Never a reflection's text or a private profile field."""

from __future__ import annotations

from starlette.responses import Response

from bot.core.i18n import N_
from bot.features.dashboard_data.slices import read_page
from bot.features.programs.health import program_health
from bot.web.dashboard.pages import Page, PageContext, PageRegistry
from bot.web.dashboard.paging import pager

PAIR_STATUS = {"active": N_("active"), "ended": N_("ended")}


def register(pages: PageRegistry) -> None:
    """A read-only page; pairs change through `/program` in the chat."""
    pages.add_page(Page("program", "program", N_("Program"), show))


async def show(pc: PageContext) -> Response:
    """The latest program of the community (shared across a bridge), or how to open one."""
    found = await program_health(
        pc.db,
        pc.community.id,
        pc.community.platform,
        read_page(pc.request.query_params.get("page")),
        pc.now,
    )
    if found is None:
        return pc.render("program.html", {"program": None})
    return pc.render(
        "program.html",
        {
            "program": found.program,
            "found": found,
            "rows": [
                {
                    "pair": pair,
                    "status": pc.t(PAIR_STATUS.get(pair.status, pair.status)),
                    "health": pc.t(pair.health),
                    "paired": pc.when(pair.paired_at),
                    "last_meeting": pc.when(pair.last_meeting),
                }
                for pair in found.pairs.items
            ],
            "links": pager(pc, "program", found.pairs),
            "zone": pc.community.timezone,
        },
    )
