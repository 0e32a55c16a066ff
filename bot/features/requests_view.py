"""How a help request reads in a list or a notification."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.events import Button
from bot.core.i18n import N_
from bot.core.markup import Fill, RichText, plain
from bot.features.bridges import where as shown_where
from storage.models import HelpRequest, RequestStatus

STATUS_TEXT = {
    RequestStatus.OPEN.value: N_("open"),
    RequestStatus.CLAIMED.value: N_("claimed"),
    RequestStatus.RESOLVED.value: N_("resolved"),
    RequestStatus.CLOSED.value: N_("closed"),
}
PREVIEW = 160


def preview(question: str) -> str:
    """The question, shortened for lists."""
    return question if len(question) <= PREVIEW else question[: PREVIEW - 1] + "…"


def topics_text(request: HelpRequest) -> str:
    """` #pricing #etsy` (with a leading space), or nothing."""
    return "".join(f" #{topic.label}" for topic in request.topics)


def line(ctx: Ctx, request: HelpRequest) -> RichText:
    """One request in a list: number, question, topics, who asked, where it stands.

    A request from another community (a bridged one, or any in a DM) says where it lives.
    """
    status = ctx.t(STATUS_TEXT[request.status])
    if request.status == RequestStatus.CLAIMED.value and request.helper is not None:
        status = ctx.t("claimed by {name}", {"name": request.helper.display_name})
    elsewhere = ctx.community is None or request.community_id != ctx.community.id
    where = f" · {shown_where(request.community)}" if elsewhere else ""
    return ctx.t(
        # Translators: {topics} is empty or " #pricing #etsy"; {status} is a translated word like
        # "open"; {where} is empty or " · community".
        "**#{number}** “{question}”{topics} — {asker}, {status}{where}",
        {
            "number": request.number,
            "question": preview(request.question),
            "topics": topics_text(request),
            "asker": request.asker.display_name,
            "status": status,
            "where": where,
        },
    )


def help_button(request: HelpRequest, t: Fill) -> Button:
    """The **I'll help** button, labelled in the reader's language; its payload is the id."""
    return Button(
        plain(t("I'll help #{number}", {"number": request.number})), "claim", str(request.id)
    )
