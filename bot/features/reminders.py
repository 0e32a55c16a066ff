"""`/remind <when> <text>`, `/reminders`, `/remind off <N>`: personal reminders by DM."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button, OutMessage
from bot.core.i18n import N_
from bot.core.markup import RichText, plain
from bot.core.paging import Page, PagedList, Pager
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.when import Moment, format_moment, parse_moment
from bot.features.limits import MAX_PENDING_REMINDERS
from bot.features.notify import DM_NEEDS_OPT_IN, can_dm
from storage.models import Reminder, ReminderStatus
from storage.outbox_repo import Delivery
from storage.reminders_repo import ReminderRepository

# Translators: write the time the way people type it in your language (the parser reads it).
EXAMPLE = N_("/remind tomorrow 9am send the invoice")
EXAMPLE_OFF = "/remind off 1"
CANCEL_ACTION = "rem-cancel"
# Pending reminders one person may have: `/reminders` always fits one message with its buttons.
MAX_PENDING = MAX_PENDING_REMINDERS
PREVIEW = 80
REMINDERS_LIST = "reminders"
PAGE_SIZE = 10
_OFF_WORDS = ("off", "cancel", "delete")


def person_zone(ctx: Ctx) -> str:
    """The zone a person's times are read in: theirs, else the community's, else UTC."""
    return ctx.person.timezone or (ctx.community.timezone if ctx.community else "UTC")


class Reminders:
    """Personal reminders: rows people can list and cancel, each delivered through the outbox."""

    def __init__(self, registry: Registry, pager: Pager) -> None:
        self._registry = registry
        self._pager = pager

    def register(self) -> None:
        """Declares /remind, /reminders and the Cancel button."""
        self._registry.extend(
            [
                CommandSpec(
                    "remind",
                    "A personal reminder by DM (in 2h, tomorrow 9am, friday 18:00, dec 5)",
                    self.remind,
                    EXAMPLE,
                    (Param("reminder", ParamKind.TEXT, "When, then what", max_length=1000),),
                    details="`/remind off <N>` cancels reminder #N; `/reminders` lists yours.",
                    usage_override="/remind <when> <text> | /remind off <N>",
                ),
                CommandSpec(
                    "reminders",
                    "Your pending reminders, each with a Cancel button (sent privately)",
                    self.list_reminders,
                    "/reminders",
                ),
            ]
        )
        self._registry.add_button(CANCEL_ACTION, self.cancel_pressed)
        self._pager.add(PagedList(REMINDERS_LIST, self.reminders_page, PAGE_SIZE, private=True))

    async def remind(self, ctx: Ctx, args: Args) -> None:
        """Reads the time in the person's zone, stores the reminder and queues its DM."""
        text = str(args["reminder"])
        first, _, rest = text.strip().partition(" ")
        if first.lower() in _OFF_WORDS:
            await self._cancel_numbered(ctx, rest.strip())
            return
        zone = person_zone(ctx)
        found = parse_moment(text, zone, ctx.reader_language, ctx.now)
        if not isinstance(found, Moment):
            raise UsageError(found.template, found.values, EXAMPLE)
        if not found.rest:
            raise UsageError("What should I remind you of? Put it after the time.", example=EXAMPLE)
        repo = ReminderRepository(ctx.repo.session)
        if await repo.count_pending(ctx.person.id) >= MAX_PENDING:
            raise UsageError(
                "You already have {limit} pending reminders, the most I keep. Cancel one with "
                "`/remind off <N>` first; `/reminders` lists them.",
                {"limit": MAX_PENDING},
                EXAMPLE_OFF,
            )
        reminder = await repo.add(
            ctx.person.id,
            ctx.community.id if ctx.community else None,
            found.rest,
            found.at,
            ctx.now,
        )
        delivery = Delivery(
            ctx.platform,
            user_id=ctx.account.user_id,
            fallback_chat_id=ctx.event.address.chat_id if ctx.in_group else None,
            person_id=ctx.person.id,
            community_id=ctx.community.id if ctx.community else None,
        )
        message = OutMessage(  # a DM: the person's own language, even when set in a group
            ctx.t_in(ctx.reader_language, "⏰ Reminder: {text}", {"text": found.rest})
        )
        await ctx.enqueue(reminder.outbox_key, delivery, message, due_at=found.at)
        values = {"number": reminder.number, "when": format_moment(found.at, zone, ctx.language)}
        if ctx.in_group:  # the text is private: the group sees only that a reminder was set
            ctx.reply("⏰ Reminder #{number} set for {when}. I'll DM you then.", values)
        else:
            ctx.reply(
                "⏰ Reminder #{number} set for {when}: “{text}”", {**values, "text": found.rest}
            )
        if not can_dm(ctx.account):
            self._say_dm_is_closed(ctx)

    def _say_dm_is_closed(self, ctx: Ctx) -> None:
        """Tells at once that the reminder cannot arrive yet, and how to fix that."""
        if ctx.platform in DM_NEEDS_OPT_IN:
            ctx.reply(
                "I can't send you direct messages yet, so this reminder could not reach you. "
                "Open a private chat with me and send /start; the reminder stays set."
            )
        else:
            ctx.reply(
                "I can't send you direct messages at the moment, so this reminder could not "
                "reach you. Allow direct messages from this server's members; the reminder "
                "stays set."
            )

    async def list_reminders(self, ctx: Ctx, args: Args) -> None:
        """Lists the person's pending reminders, privately, a page at a time."""
        await self._pager.show(ctx, REMINDERS_LIST)

    async def reminders_page(self, ctx: Ctx, query: str, offset: int, limit: int) -> Page:
        """One page of the presser's own pending reminders, each with a Cancel button."""
        waiting = await ReminderRepository(ctx.repo.session).pending(ctx.person.id)
        if not waiting:
            empty = ctx.t(
                "You have no pending reminders. Set one like this: `{example}`",
                {"example": EXAMPLE},
            )
            return Page(0, empty)
        zone = person_zone(ctx)
        shown = waiting[offset : offset + limit]
        buttons = tuple(
            (
                Button(
                    plain(ctx.t("Cancel #{number}", {"number": reminder.number})),
                    CANCEL_ACTION,
                    str(reminder.id),
                ),
            )
            for reminder in shown
        )
        heading = ctx.t("⏰ Your pending reminders:")
        items = tuple(self._line(ctx, reminder, zone) for reminder in shown)
        return Page(len(waiting), heading, items, buttons)

    def _line(self, ctx: Ctx, reminder: Reminder, zone: str) -> RichText:
        """`#3 · Tue 2026-12-01 18:00 (Asia/Taipei) · “pay rent”`."""
        text = reminder.text
        if len(text) > PREVIEW:
            text = text[: PREVIEW - 1] + "…"
        return ctx.t(
            "#{number} · {when} · “{text}”",
            {
                "number": reminder.number,
                "when": format_moment(reminder.due_at, zone, ctx.language),
                "text": text,
            },
        )

    async def _cancel_numbered(self, ctx: Ctx, raw: str) -> None:
        """`/remind off 3`: cancels the person's own reminder #3."""
        cleaned = raw.removeprefix("#")
        if not raw:
            raise UsageError(
                "Say which reminder to cancel, by its number in `/reminders`.",
                example=EXAMPLE_OFF,
            )
        if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9):
            raise UsageError(
                "“{text}” is not a reminder number. Use the number `/reminders` shows.",
                {"text": raw},
                EXAMPLE_OFF,
            )
        repo = ReminderRepository(ctx.repo.session)
        reminder = await repo.numbered(ctx.person.id, int(cleaned))
        await self._cancel(ctx, repo, reminder, int(cleaned))

    async def cancel_pressed(self, ctx: Ctx, payload: str) -> None:
        """The Cancel button under `/reminders`: only the reminder's owner may press it."""
        repo = ReminderRepository(ctx.repo.session)
        known = payload.isascii() and payload.isdigit() and len(payload) <= 9
        reminder = await repo.get(int(payload)) if known else None
        if reminder is not None and reminder.person_id != ctx.person.id:
            raise PermissionDenied("That reminder belongs to someone else.")
        await self._cancel(ctx, repo, reminder, reminder.number if reminder else None)

    async def _cancel(
        self,
        ctx: Ctx,
        repo: ReminderRepository,
        reminder: Reminder | None,
        number: int | None,
    ) -> None:
        """Cancels one of the person's reminders, or says why it can't."""
        if reminder is None or reminder.status == ReminderStatus.CANCELLED.value:
            raise UsageError(
                "You have no pending reminder #{number}. `/reminders` lists yours.",
                {"number": number if number is not None else "?"},
                EXAMPLE_OFF,
            )
        outcome = await repo.cancel(reminder)
        if outcome == "sending":
            ctx.reply(
                "Reminder #{number} is being sent right now, so it can't be cancelled.",
                {"number": reminder.number},
                private=True,
            )
        elif outcome == "sent":
            ctx.reply(
                "Reminder #{number} has already been sent, so there is nothing to cancel.",
                {"number": reminder.number},
                private=True,
            )
        else:
            ctx.reply("Reminder #{number} is cancelled.", {"number": reminder.number}, private=True)
