"""`/remind <when> <text>`: a personal reminder by DM, at a time read in the person's zone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.delivery.timing import resolve_local
from storage.outbox_repo import Delivery

EXAMPLE = "/remind tomorrow 9am send the invoice"
MAX_AHEAD = timedelta(days=366)
MAX_WHEN_WORDS = 6


def split_when(text: str, zone: str, now: datetime) -> tuple[datetime, str] | None:
    """Finds the longest leading phrase that reads as a time; returns it (UTC) and the rest."""
    words = text.split()
    local_now = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now, "DATE_ORDER": "DMY"}
    for size in range(min(MAX_WHEN_WORDS, len(words) - 1), 0, -1):
        parsed = dateparser.parse(" ".join(words[:size]), settings=settings)
        if parsed is not None:
            naive = parsed.replace(tzinfo=None, second=0, microsecond=0)
            moment = resolve_local(naive.date(), naive.time(), ZoneInfo(zone))
            return moment, " ".join(words[size:])
    return None


class Reminders:
    """Personal reminders, delivered through the outbox."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares /remind."""
        self._registry.add_command(
            CommandSpec(
                "remind",
                "A personal reminder by DM (in 2h, tomorrow 9am, 2026-12-01 18:00)",
                self.remind,
                EXAMPLE,
                (Param("reminder", ParamKind.TEXT, "When, then what", max_length=1000),),
                usage_override="/remind <when> <text>",
            )
        )

    async def remind(self, ctx: Ctx, args: Args) -> None:
        """Reads the time in the person's zone and queues the DM."""
        zone = ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")
        found = split_when(str(args["reminder"]), zone, ctx.now)
        if found is None and split_when(f"{args['reminder']} .", zone, ctx.now) is not None:
            raise UsageError("What should I remind you of? Put it after the time.", example=EXAMPLE)
        if found is None:
            raise UsageError(
                "I couldn't find when. Start with a time like `in 2h`, `tomorrow 9am` or "
                "`2026-12-01 18:00`, then the text.",
                example=EXAMPLE,
            )
        due, text = found
        if due <= ctx.now:
            raise UsageError("That time is in the past. Give a time from now on.", example=EXAMPLE)
        if due - ctx.now > MAX_AHEAD:
            raise UsageError("That is more than a year away.", example=EXAMPLE)
        message = OutMessage(ctx.t("⏰ Reminder: {text}", {"text": text}))
        delivery = Delivery(
            ctx.platform,
            user_id=ctx.account.user_id,
            fallback_chat_id=ctx.event.address.chat_id if ctx.in_group else None,
            person_id=ctx.person.id,
            community_id=ctx.community.id if ctx.community else None,
        )
        await ctx.enqueue(
            f"remind:{ctx.person.id}:{uuid.uuid4().hex}", delivery, message, due_at=due
        )
        local = due.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")
        ctx.reply(
            "Got it. I'll remind you on **{when}** ({zone}) by DM: “{text}”",
            {"when": local, "zone": zone, "text": text},
        )
