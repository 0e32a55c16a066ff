"""A program's life: `/program new`, `/program set …`, `/program` and `/program end`."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.core.registry import Access
from bot.dialogs import Completion, Dialogs, DialogSpec, Kind, Step
from bot.domain.weekly_windows import weekday_of
from bot.domain.when import Day, format_day, parse_day, weekday_long
from bot.features.programs import common
from storage.program_models import (
    IntakeStatus,
    PairingMode,
    PairStatus,
    Program,
    ProgramStatus,
)

NEW_EXAMPLE = "/program new Spring mentoring"
SET_EXAMPLE = "/program set weeks 12"
REFLECTION_EXAMPLE = "/program set reflection monday 18:00"
START_EXAMPLE = "/program set start 2026-12-07"
MAX_NAME = 100
MIN_WEEKS, MAX_WEEKS = 4, 52
CLOSEOUT = "prog_closeout"
_CLOCK = re.compile(r"^([01]?\d|2[0-3])(?::([0-5]\d))?$")

CLOSEOUT_STEPS = (
    Step(
        "useful",
        "The program “{program}” has ended. How useful was it for you, from 1 (not at all) "
        "to 5 (very)?",
        Kind.NUMBER,
        example="4",
        low=1,
        high=5,
    ),
    Step(
        "change",
        "What is one thing the next program should keep or change?",
        example=N_("Keep the weekly reflections; meet in person once."),
        max_length=500,
    ),
)


class Lifecycle:
    """Opens, configures, describes and ends programs; ends them with a close-out dialog."""

    def __init__(self, dialogs: Dialogs) -> None:
        self._dialogs = dialogs
        dialogs.add(DialogSpec(CLOSEOUT, CLOSEOUT_STEPS, self.closed_out))

    async def new(self, ctx: Ctx, rest: str) -> None:
        """Opens a program with the defaults, unless one is open or running here."""
        community = common.need_group(ctx, NEW_EXAMPLE)
        await ctx.require(Access.ORGANIZER, "program new")
        name = " ".join(rest.split())
        if not name:
            raise UsageError("Give the program a name.", example=NEW_EXAMPLE)
        if len(name) > MAX_NAME:
            raise UsageError(
                "That name is too long ({length} characters; the limit is {limit}).",
                {"length": len(name), "limit": MAX_NAME},
                NEW_EXAMPLE,
            )
        live = await common.live_here(ctx)
        if live is not None:
            ctx.reply(
                "The program “{name}” is still {status} here, and a community runs one program "
                "at a time. End it with `/program end` before opening a new one.",
                {"name": live.name, "status": common.status_label(ctx, live)},
            )
            return
        today = ctx.now.astimezone(ZoneInfo(community.timezone)).date()
        program = await common.repo(ctx).create(community.id, name, ctx.person.id, today, ctx.now)
        ctx.reply(
            "The mentorship program “{name}” is open! It runs {weeks} weeks from {start}, with a "
            "weekly reflection on {weekday} at {time} in each mentee's own timezone, and an "
            "organizer approves the pairs. Organizers can change this with `/program set`. "
            "Join with `/program join mentor` or `/program join mentee`.",
            self._values(ctx, program),
        )

    async def configure(self, ctx: Ctx, rest: str) -> None:
        """`/program set weeks|start|reflection|pairing …`: changes one setting, shows it."""
        common.need_group(ctx, SET_EXAMPLE)
        program = await common.live_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        await common.require_organizer(ctx, program, "program set")
        setting, _, value = rest.strip().partition(" ")
        value = value.strip()
        handlers = {
            "weeks": self._weeks,
            "start": self._start,
            "reflection": self._reflection,
            "pairing": self._pairing,
        }
        handler = handlers.get(setting.casefold())
        if handler is None:
            raise UsageError(
                "I can change `weeks`, `start`, `reflection` or `pairing`.", example=SET_EXAMPLE
            )
        handler(ctx, program, value)

    def _weeks(self, ctx: Ctx, program: Program, value: str) -> None:
        if not (value.isascii() and value.isdigit() and len(value) <= 3):
            raise UsageError(
                "Give the number of weeks as a whole number from {low} to {high}.",
                {"low": MIN_WEEKS, "high": MAX_WEEKS},
                SET_EXAMPLE,
            )
        weeks = int(value)
        if not MIN_WEEKS <= weeks <= MAX_WEEKS:
            raise UsageError(
                "A program runs from {low} to {high} weeks, so {weeks} won't do.",
                {"low": MIN_WEEKS, "high": MAX_WEEKS, "weeks": weeks},
                SET_EXAMPLE,
            )
        program.weeks = weeks
        ctx.reply(
            "The program now runs {weeks} weeks: from {start} to {end}.",
            self._values(ctx, program),
        )

    def _start(self, ctx: Ctx, program: Program, value: str) -> None:
        if not value:
            raise UsageError("Give the start date.", example=START_EXAMPLE)
        zone = common.zone_of(ctx)
        found = parse_day(value, zone, ctx.reader_language, ctx.now)
        if not isinstance(found, Day):
            raise UsageError(found.template, found.values, START_EXAMPLE)
        program.starts_on = found.day
        ctx.reply(
            "The program now starts on {start} and ends on {end}.", self._values(ctx, program)
        )

    def _reflection(self, ctx: Ctx, program: Program, value: str) -> None:
        day_word, _, clock = value.partition(" ")
        weekday = weekday_of(day_word)
        found = _CLOCK.match(clock.strip())
        if weekday is None or found is None:
            raise UsageError(
                "Give a weekday and a 24-hour time, like `monday 18:00`.",
                example=REFLECTION_EXAMPLE,
            )
        program.reflection_weekday = weekday
        program.reflection_time = f"{int(found.group(1)):02d}:{found.group(2) or '00'}"
        ctx.reply(
            "Weekly reflections now come on {weekday} at {time}, in each mentee's own timezone.",
            self._values(ctx, program),
        )

    def _pairing(self, ctx: Ctx, program: Program, value: str) -> None:
        mode = value.casefold()
        if mode == PairingMode.APPROVE.value:
            program.pairing = mode
            ctx.reply(
                "Pairing is now approved by an organizer: `/program match` proposes pairs "
                "and waits for your approval."
            )
        elif mode == PairingMode.AUTO.value:
            program.pairing = mode
            ctx.reply(
                "Pairing is now automatic: `/program match` makes the proposed pairs at once "
                "and introduces them."
            )
        else:
            raise UsageError(
                "Pairing is `approve` or `auto`.", example="/program set pairing approve"
            )

    async def overview(self, ctx: Ctx) -> None:
        """`/program`: what it is, its dates, who is in, and how to join."""
        program = await common.latest_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        counts = await common.repo(ctx).counts(program.id)
        values = {
            **self._values(ctx, program),
            "mentors": counts.mentors,
            "mentees": counts.mentees,
            "pairs": counts.pairs,
            "in_progress": counts.in_progress,
        }
        if program.status == ProgramStatus.ENDED.value:
            ctx.reply(
                "The mentorship program “{name}” has ended. It ran {weeks} weeks from {start}. "
                "Mentors: {mentors}. Mentees: {mentees}. Pairs: {pairs}.",
                values,
            )
            return
        ctx.reply(
            "**{name}** is a mentorship program, {status}: mentees are paired with mentors and "
            "meet for {weeks} weeks, from {start} to {end}, with a weekly reflection on "
            "{weekday} at {time}.\nMentors: {mentors}. Mentees: {mentees}. Pairs: {pairs}. "
            "Intakes in progress: {in_progress}.\n"
            "Join with `/program join mentor` or `/program join mentee`.",
            values,
        )

    async def end(self, ctx: Ctx) -> None:
        """Ends the program; pairs stay readable and every participant gets a close-out."""
        common.need_group(ctx, "/program end")
        program = await common.live_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        await common.require_organizer(ctx, program, "program end")
        store = common.repo(ctx)
        await store.drop_proposals(program.id)
        for pair in await store.pairs(program.id):
            pair.status = PairStatus.ENDED.value
            pair.ended_at = ctx.now
            pair.end_reason = "program_ended"
        program.status = ProgramStatus.ENDED.value
        program.ended_at = ctx.now
        asked = 0
        for participant in await store.participants(program.id, intake=IntakeStatus.COMPLETE):
            target = await common.reach(ctx, program, participant.person_id)
            if target is None:
                continue
            context = {"program": program.name, "program_id": program.id}
            community_id = target.community.id if target.community is not None else None
            await self._dialogs.offer(
                ctx.repo.session, target.account, CLOSEOUT, context, ctx.now, community_id
            )
            asked += 1
        ctx.enqueued = True
        ctx.reply_rich(
            ctx.tn(
                "The program “{name}” has ended. I'm asking its {count} participant two "
                "close-out questions by DM. Pairs stay readable with `/program pairs` and "
                "`/mentor`.",
                "The program “{name}” has ended. I'm asking each of its {count} participants two "
                "close-out questions by DM. Pairs stay readable with `/program pairs` and "
                "`/mentor`.",
                asked,
                {"name": program.name},
            )
        )

    async def closed_out(self, end: Completion) -> None:
        """Keeps a participant's close-out answers."""
        ctx = end.ctx
        program_id = int(end.context["program_id"])
        await common.repo(ctx).save_closeout(program_id, ctx.person.id, dict(end.answers), ctx.now)
        ctx.reply("Thank you! Your answers help the organizers plan the next program.")

    def _values(self, ctx: Ctx, program: Program) -> dict[str, object]:
        zone = ctx.community.timezone if ctx.community is not None else common.zone_of(ctx)
        return {
            "name": program.name,
            "status": common.status_label(ctx, program),
            "weeks": program.weeks,
            "start": format_day(program.starts_on, zone, ctx.language),
            "end": format_day(common.end_date(program), zone, ctx.language),
            "weekday": weekday_long(program.reflection_weekday, ctx.language),
            "time": program.reflection_time,
        }
