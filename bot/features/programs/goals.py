"""`/goal`: the mentee sets the goal, its progress and marks it done; the mentor hears each."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.numbers import typed_digits
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.goal_text import goal_command, names_a_duration, split_target
from bot.domain.when import Day, parse_day
from bot.features.programs.my_pair import PairInContext, actor_pair
from bot.features.programs.reach import Voice, dm_from
from storage.program_loop_repo import LoopRepository, OpenGoal
from storage.program_models import ProgramGoal

GOAL_EXAMPLE = N_("/goal open my online shop by march 31")
PROGRESS_EXAMPLE = N_("/goal progress 40")
MAX_GOAL = 300


def read_progress(text: str) -> int:
    """A progress of 0–100, typed `40` or `40%`."""
    cleaned = typed_digits(text).strip().removesuffix("%").removesuffix("％").strip()
    if not cleaned.isascii() or not cleaned.isdigit() or not 0 <= int(cleaned) <= 100:
        raise UsageError(
            "Progress is a whole number from 0 to 100, not “{value}”.",
            {"value": text.strip()},
            PROGRESS_EXAMPLE,
        )
    return int(cleaned)


def goal_line(goal: ProgramGoal | OpenGoal) -> Mapping[str, object]:
    """The values every goal sentence uses."""
    return {
        "goal": goal.text,
        "progress": goal.progress,
        "date": goal.target_on.isoformat() if goal.target_on else "",
    }


def remind_goal(ctx: Ctx, goal: OpenGoal | None) -> None:
    """Under a mentee's check-in: their open mentoring goal, so the day's plan can serve it."""
    if goal is not None:
        # The mentee's own goal: to them alone (a DM, or ephemeral), not the busy group.
        ctx.reply(
            "🎯 Your mentoring goal: “{goal}”, progress {progress}%.",
            goal_line(goal),
            private=True,
        )


class Goals:
    """The pair's goal: set, progress, done, and shown."""

    def __init__(self, registry: Registry, voice: Voice) -> None:
        self._registry = registry
        self._voice = voice

    def register(self) -> None:
        """Declares `/goal`."""
        self._registry.add_command(
            CommandSpec(
                "goal",
                "Set your mentoring goal, its progress, or mark it done (mentees)",
                self.goal,
                GOAL_EXAMPLE,
                params=(
                    Param(
                        "goal",
                        ParamKind.TEXT,
                        "the goal [by <date>], progress <0–100> or done",
                        required=False,
                    ),
                ),
                usage_override="/goal <text> [by <date>] | /goal progress <0–100> | /goal done",
            )
        )

    async def goal(self, ctx: Ctx, args: Args) -> None:
        """Routes `/goal …` to set, progress or done; bare `/goal` shows the current one."""
        text = str(args.get("goal", "")).strip()
        found = await actor_pair(ctx, "", GOAL_EXAMPLE, mentee_only=True)
        loop = LoopRepository(ctx.repo.session)
        current = await loop.goal(found.pair.id)
        asked, rest = goal_command(text)
        if not text:
            self._show(ctx, current)
        elif asked == "progress":
            await self._progress(ctx, found, current, rest)
        elif asked == "done":
            await self._done(ctx, found, current)
        else:
            await self._set(ctx, found, text)

    def _show(self, ctx: Ctx, goal: ProgramGoal | None) -> None:
        if goal is None:
            raise UsageError("You have no goal yet. Set one like this:", example=GOAL_EXAMPLE)
        ctx.reply("Your goal: “{goal}”, progress {progress}%.", goal_line(goal), private=True)

    async def _set(self, ctx: Ctx, found: PairInContext, text: str) -> None:
        me = await self._voice.reader(ctx.repo.session, ctx.person.id, found.program)
        zone = me.zone if me is not None else "UTC"
        language = ctx.reader_language
        goal_text, when = split_target(text)
        for typed_in in ctx.languages_typed:  # the mentee's words, or the group's example's

            def is_date(words: str, typed_in: str = typed_in) -> bool:
                day = parse_day(words, zone, typed_in, ctx.now)
                return isinstance(day, Day) and not names_a_duration(words, typed_in)

            found_text, found_when = split_target(text, typed_in, is_date)
            if found_when is not None:
                goal_text, when, language = found_text, found_when, typed_in
                break
        if not goal_text:
            raise UsageError("Say what the goal is, not only its date.", example=GOAL_EXAMPLE)
        if len(goal_text) > MAX_GOAL:
            raise UsageError(
                "Your goal is too long ({length} characters; the limit is {limit}).",
                {"length": len(goal_text), "limit": MAX_GOAL},
                GOAL_EXAMPLE,
            )
        target = None
        if when is not None:
            day = parse_day(when, zone, language, ctx.now)
            if not isinstance(day, Day):
                raise UsageError(day.template, day.values, GOAL_EXAMPLE)
            target = day.day
        goal = await LoopRepository(ctx.repo.session).set_goal(
            found.pair.id, goal_text, target, ctx.now
        )
        values = goal_line(goal)
        if target is None:
            ctx.reply("Your goal is set: “{goal}”. Your mentor sees it.", values, private=True)
            await self._tell_mentor(ctx, found, "{mentee} set a new goal: “{goal}”.", values, "set")
        else:
            ctx.reply(
                "Your goal is set: “{goal}”, by {date}. Your mentor sees it.", values, private=True
            )
            await self._tell_mentor(
                ctx, found, "{mentee} set a new goal: “{goal}”, by {date}.", values, "set"
            )

    async def _progress(
        self, ctx: Ctx, found: PairInContext, goal: ProgramGoal | None, text: str
    ) -> None:
        if not text.strip():
            raise UsageError(
                "Give the progress as a number from 0 to 100.", example=PROGRESS_EXAMPLE
            )
        progress = read_progress(text)
        if goal is None:
            raise UsageError("Set a goal first, then its progress.", example=GOAL_EXAMPLE)
        goal.progress = progress
        goal.updated_at = ctx.now
        values = goal_line(goal)
        ctx.reply("Progress on “{goal}”: {progress}%.", values, private=True)
        await self._tell_mentor(
            ctx, found, "{mentee}'s goal “{goal}” is now at {progress}%.", values, "progress"
        )

    async def _done(self, ctx: Ctx, found: PairInContext, goal: ProgramGoal | None) -> None:
        if goal is None:
            raise UsageError("Set a goal first, then mark it done.", example=GOAL_EXAMPLE)
        if goal.done_at is not None:
            ctx.reply("“{goal}” is already marked done.", goal_line(goal), private=True)
            return
        goal.done_at = ctx.now
        goal.progress = 100
        goal.updated_at = ctx.now
        values = goal_line(goal)
        ctx.reply("Well done! “{goal}” is marked done. 🎉", values, private=True)
        await self._tell_mentor(
            ctx, found, "{mentee} reached the goal “{goal}”. 🎉", values, "done"
        )

    async def _tell_mentor(
        self,
        ctx: Ctx,
        found: PairInContext,
        template: str,
        values: Mapping[str, object],
        change: str,
    ) -> None:
        reader = await self._voice.reader(ctx.repo.session, found.pair.mentor_id, found.program)
        if reader is None:
            return
        text = self._voice.say(reader, template, {**values, "mentee": ctx.account.display_name})
        key = f"goal:{found.pair.id}:{change}:{uuid.uuid4().hex}"
        await dm_from(ctx, reader, key, OutMessage(text))
