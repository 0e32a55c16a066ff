"""`/goal`: the mentee sets the goal, its progress and marks it done; the mentor hears each."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.core.numbers import typed_digits
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.when import Day, parse_day
from bot.domain.when_words import is_cjk, vocabulary
from bot.features.programs.my_pair import PairInContext, actor_pair
from bot.features.programs.reach import Voice, dm_from
from storage.program_loop_repo import LoopRepository
from storage.program_models import ProgramGoal

GOAL_EXAMPLE = N_("/goal open my online shop by march 31")
PROGRESS_EXAMPLE = N_("/goal progress 40")
MAX_GOAL = 300
_BY = re.compile(r"(?<=\s)by(?=\s)", re.IGNORECASE)
"""A standalone `by`; the lookarounds keep `say by by dec 5` from hiding the last one."""
_DATE_AFTER = {"es": re.compile(r"(?<=\s)(?:para el|antes del|antes de|hasta el|para)(?=\s)", re.I)}
"""Spanish puts the date after the goal (`abrir la tienda para el 31 de marzo`); `para` is
also an everyday word, so these count only when what follows reads as a date."""
_DATE_BEFORE = {
    "zh": re.compile(r"^\s*在?\s*(?P<date>.+?)\s*(?:之前|以前|前)\s*(?P<goal>.+)$"),
    "hi": re.compile(r"^\s*(?P<date>.+?)\s+तक\s+(?P<goal>.+)$"),
}
"""Chinese and Hindi put the date first: `3月31日前開網店`, `31 मार्च तक दुकान खोलना`."""
_DATE_LAST = {
    "zh": re.compile(r"^(?P<body>.+?)\s*(?:之前|以前|前)\s*$"),
    "hi": re.compile(r"^(?P<body>.+?)\s+तक\s*$"),
}
"""…or last: `在三家店上架 3月31日前`, `दुकान खोलना 20 दिसंबर तक`."""
_PROGRESS = re.compile(
    r"^(?:progress|progreso|進度|进度|प्रगति)(?:\s*[:：]\s*|\s+|(?=\d)|$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
"""`/goal progress 40` in every shipped language, also `進度40` and `進度：40`."""
_DONE = frozenset(
    {
        "done", "hecho", "listo", "cumplido", "terminado", "lo logré", "lo logre",
        "完成", "完成了", "達成", "達成了", "做完了", "已完成",
        "पूरा", "पूरा हुआ", "पूरा हो गया", "हो गया",
    }
)  # fmt: skip
"""`/goal done` as people say it in each shipped language (the whole text, nothing more)."""


def goal_command(text: str) -> tuple[str, str]:
    """What `/goal <text>` asks: ("progress", the rest), ("done", ""), or ("set", text)."""
    cleaned = text.strip()
    progress = _PROGRESS.match(cleaned)
    if progress is not None:
        return "progress", progress.group("rest").strip()
    if cleaned.casefold().rstrip(" .!！。।") in _DONE:
        return "done", ""
    return "set", cleaned


def names_a_duration(words: str, language: str) -> bool:
    """`3天`, `10 दिन`, `3 días`: a length of time, not a deadline (`3天前開始` is the past)."""
    vocab = vocabulary(language)
    text = words.casefold()
    for day_name in sorted(vocab.weekdays, key=len, reverse=True):  # `週五` holds `週`
        if not day_name.isascii():
            text = text.replace(day_name, " ")
    spaced = set(text.split())  # Chinese writes `3天` without a space: look inside it
    return any(unit in spaced or (is_cjk(unit) and unit in text) for unit in vocab.units)


def _trailing_date(body: str, is_date: Callable[[str], bool]) -> tuple[str, str] | None:
    """The longest end of `body` that is a date (its last words, or the end of its last
    word for Chinese written without spaces), with a goal left before it."""
    words = body.split()
    candidates = [" ".join(words[-n:]) for n in (3, 2, 1) if len(words) > n]
    if is_cjk(words[-1][-1]):  # `…上架3月31日`: no space before the date
        candidates += [words[-1][start:] for start in range(1, len(words[-1]))]
    for date_words in candidates:
        goal = body[: len(body) - len(date_words)].strip()
        if goal and is_date(date_words):
            return goal, date_words
    return None


def split_target(
    text: str, language: str = "en", is_date: Callable[[str], bool] = lambda _: True
) -> tuple[str, str | None]:
    """`open my shop by march 31` → the goal and the date words after the last ` by `; the
    reader's language adds its own way of saying it when `is_date` accepts the date part."""
    base = language.split("_")[0]
    before = _DATE_BEFORE.get(base)
    found = before.match(text) if before is not None else None
    if found is not None and is_date(found.group("date")):
        return found.group("goal").strip(), found.group("date").strip()
    last = _DATE_LAST.get(base)
    ending = last.match(text) if last is not None else None
    if ending is not None:
        split = _trailing_date(ending.group("body"), is_date)
        if split is not None:
            return split
    after = _DATE_AFTER.get(base)
    for marker in reversed(list(after.finditer(text)) if after is not None else []):
        when = text[marker.end() :].strip()
        if when and is_date(when):
            return text[: marker.start()].strip(), when
    by = list(_BY.finditer(text))
    if not by:
        return text.strip(), None
    final = by[-1]
    return text[: final.start()].strip(), text[final.end() :].strip() or None


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


def goal_line(goal: ProgramGoal) -> Mapping[str, object]:
    """The values every goal sentence uses."""
    return {
        "goal": goal.text,
        "progress": goal.progress,
        "date": goal.target_on.isoformat() if goal.target_on else "",
    }


async def remind_goal(ctx: Ctx) -> None:
    """Under a mentee's check-in: their open mentoring goal, so the day's plan can serve it."""
    loop = LoopRepository(ctx.repo.session)
    for pair in await loop.active_pairs_of(ctx.person.id):
        goal = await loop.goal(pair.id) if pair.mentee_id == ctx.person.id else None
        if goal is not None and goal.done_at is None:
            # The mentee's own goal: to them alone (a DM, or ephemeral), not the busy group.
            ctx.reply(
                "🎯 Your mentoring goal: “{goal}”, progress {progress}%.",
                goal_line(goal),
                private=True,
            )
            return


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
