"""`/request <N>`: one request in full with its history; `/request edit <N> <text>`."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.when import weekday_name
from bot.features.bridges import circle_ids, circles_of_person, where
from bot.features.mentoring import MAX_QUESTION
from bot.features.numbered import read_number
from bot.features.requests_view import STATUS_TEXT, topics_text
from storage.mentoring_repo import MentoringRepository
from storage.models import HelpRequest, RequestEvent, RequestStatus
from storage.outbox_repo import Delivery
from storage.request_history_repo import RequestHistory, RequestStep

EXAMPLE = "/request 12"
EDIT_EXAMPLE = "/request edit 12 How should I price handmade candles for a market stall?"
_STEP_TEXT = {
    RequestStep.CLAIMED.value: N_("{when} — claimed by {who}"),
    RequestStep.UNCLAIMED.value: N_("{when} — given back by {who}"),
    RequestStep.RESOLVED.value: N_("{when} — resolved by {who}"),
    RequestStep.CLOSED.value: N_("{when} — closed by {who}"),
    RequestStep.REOPENED.value: N_("{when} — reopened by {who}"),
    RequestStep.EDITED.value: N_("{when} — edited by {who}"),
    RequestStep.RELEASED.value: N_(
        "{when} — open again: the bridge to its helper's community ended"
    ),
}


def moment(ctx: Ctx, at: datetime, fallback_zone: str) -> str:
    """`Mon 2026-11-23 12:00 (Asia/Taipei)`, in the reader's zone (else the community's)."""
    zone = ctx.person.timezone or fallback_zone
    try:
        local = at.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, local = "UTC", at.astimezone(zoneinfo.ZoneInfo("UTC"))
    return f"{weekday_name(local.date(), ctx.language)} {local:%Y-%m-%d %H:%M} ({zone})"


class RequestDetail:
    """Reads one request in full, and lets its asker correct the question while it is open."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares `/request`."""
        self._registry.add_command(
            CommandSpec(
                "request",
                "One request in full, with its history (its asker can correct it: /request edit)",
                self.request,
                EXAMPLE,
                (
                    Param("number", ParamKind.WORD, "The request number, or `edit`", max_length=64),
                    Param(
                        "text",
                        ParamKind.TEXT,
                        "With `edit`: the number and the new question",
                        required=False,
                        max_length=MAX_QUESTION + 20,
                    ),
                ),
                details=(
                    "`/request N` shows the whole question, its topics, who asked, its status, "
                    "its helper and its history. The asker can correct an open request with "
                    "`/request edit N <new question>`; members who were told about it get the "
                    "new text by DM."
                ),
                usage_override="/request <N> | /request edit <N> <text>",
            )
        )

    async def request(self, ctx: Ctx, args: Args) -> None:
        """Shows request #N, or edits it when the first word is `edit`."""
        first = str(args["number"])
        rest = str(args.get("text", "")).strip()
        if first.casefold() == "edit":
            await self.edit(ctx, rest)
            return
        if rest:
            raise UsageError(
                "`/request` takes only a number. To change your question, use "
                "`/request edit <N> <text>`.",
                example=EXAMPLE,
            )
        request = await self._find(ctx, read_number(first, "request", EXAMPLE), EXAMPLE)
        ctx.reply_rich(await self._full(ctx, request))

    async def _full(self, ctx: Ctx, request: HelpRequest) -> RichText:
        """The whole request and its history, times in the reader's zone."""
        zone = request.community.timezone
        status = ctx.t(STATUS_TEXT[request.status])
        lines = [
            ctx.t(
                # Translators: {where} is the community name; {status} is a translated word like
                # "open".
                "**Request #{number}** in {where} — {status}",
                {"number": request.number, "where": where(request.community), "status": status},
            ),
            ctx.t("“{question}”", {"question": request.question}),
        ]
        if request.topics:
            lines.append(ctx.t("Topics:{topics}", {"topics": topics_text(request)}))
        lines.append(ctx.t("Asked by {asker}", {"asker": request.asker.display_name}))
        if request.helper is not None:
            lines.append(ctx.t("Helper: {helper}", {"helper": request.helper.display_name}))
        if request.thanks:
            lines.append(ctx.t("Thanks: “{thanks}”", {"thanks": request.thanks}))
        lines.append(ctx.t("**History**"))
        lines.append(
            ctx.t(
                "{when} — opened by {who}",
                {"when": moment(ctx, request.created_at, zone), "who": request.asker.display_name},
            )
        )
        steps: list[tuple[datetime, RichText]] = [
            (event.at, self._step(ctx, event, zone))
            for event in await RequestHistory(ctx.repo.session).of(request.id)
        ]
        if request.escalated_at is not None:
            text = ctx.t(
                "{when} — nobody had claimed it, so all mentors were asked again",
                {"when": moment(ctx, request.escalated_at, zone)},
            )
            steps.append((request.escalated_at, text))
        lines += [text for _, text in sorted(steps, key=lambda step: step[0])]
        return join(lines)

    @staticmethod
    def _step(ctx: Ctx, event: RequestEvent, zone: str) -> RichText:
        who = event.actor.display_name if event.actor is not None else ctx.t("a former member")
        return ctx.t(_STEP_TEXT[event.kind], {"when": moment(ctx, event.at, zone), "who": who})

    async def edit(self, ctx: Ctx, raw: str) -> None:
        """The asker corrects an open request; those told about it get the new text."""
        token, text = ([*raw.split(maxsplit=1), "", ""])[:2]
        if not token:
            raise UsageError(
                "Which request? Write its number, then the corrected question.",
                example=EDIT_EXAMPLE,
            )
        request = await self._find(ctx, read_number(token, "request", EDIT_EXAMPLE), EDIT_EXAMPLE)
        values = {"number": request.number}
        if request.asker_id != ctx.person.id:
            raise PermissionDenied("Only the person who asked #{number} can edit it.", values)
        if request.status != RequestStatus.OPEN.value:
            raise UsageError(
                "#{number} is {status}, so it can no longer be edited. Ask a new question "
                "with `/ask`.",
                {**values, "status": ctx.t(STATUS_TEXT[request.status])},
                "/ask How should I price candles? #pricing",
            )
        question = text.strip()
        if not question:
            raise UsageError("Write the corrected question after the number.", example=EDIT_EXAMPLE)
        if len(question) > MAX_QUESTION:
            raise UsageError(
                "Your question is too long ({length} characters; the limit is {limit}).",
                {"length": len(question), "limit": MAX_QUESTION},
                EDIT_EXAMPLE,
            )
        if question == request.question:
            raise UsageError("#{number} already says exactly that.", values, EDIT_EXAMPLE)
        request.question = question
        history = RequestHistory(ctx.repo.session)
        await history.record(request.id, RequestStep.EDITED, ctx.person.id, ctx.now)
        told = [t for t in await history.told_about(request.id) if t.person_id != ctx.person.id]
        told_values = {
            "asker": ctx.account.display_name,
            "number": request.number,
            "title": where(request.community),
            "question": question,
        }
        stamp = ctx.now.isoformat()
        for person in told:
            update = await ctx.t_for(  # each told person reads it in their own language
                person,
                "✏️ {asker} corrected request #{number} in **{title}**. It now reads:\n“{question}”",
                told_values,
                about=request.community,
            )
            await ctx.enqueue(
                f"edit:{request.id}:{stamp}:dm:{person.person_id}",
                Delivery(
                    person.platform,
                    user_id=person.user_id,
                    person_id=person.person_id,
                    community_id=request.community_id,
                ),
                OutMessage(update),
                due_at=ctx.now,
            )
        ctx.reply_rich(
            ctx.tn(
                "✏️ #{number} is updated. {count} member who was told about it gets the new text.",
                "✏️ #{number} is updated. {count} members who were told about it get the new text.",
                len(told),
                values,
            )
        )

    @staticmethod
    async def _find(ctx: Ctx, number: int, example: str) -> HelpRequest:
        """#N here (bridged communities share numbers), or in a DM among the person's circles."""
        if number == 0:
            raise UsageError("Request numbers start at 1. `/requests` lists them.", example=example)
        if ctx.community is not None:
            shared = await circle_ids(ctx)
        else:
            shared = await circles_of_person(ctx)
        found = await MentoringRepository(ctx.repo.session).numbered(shared, number)
        if not found:
            raise UsageError(
                "There is no request #{number} here. `/requests` lists them.",
                {"number": number},
                example,
            )
        if len(found) > 1 and ctx.community is None:
            raise UsageError(
                "There is a #{number} in several of your communities ({places}). Send the "
                "command in the group you mean.",
                {"number": number, "places": ", ".join(where(r.community) for r in found)},
                example,
            )
        return found[0]
