"""`/schedule`: list and stop a community's schedules; features add their own kinds."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.core.numbers import read_number
from bot.core.registry import Access, Args, CommandSpec, Param, ParamKind, Registry, Where
from bot.delivery.scheduler import ScheduleEngine, upcoming, zone_of
from bot.delivery.timing import parse_days, parse_hhmm
from bot.domain.when import local_moment_text
from storage.models import Schedule
from storage.schedule_repo import ScheduleRepository

SubHandler = Callable[[Ctx, str], Awaitable[None]]
KIND_NAMES = {
    "checkin": N_("check-in ping"),
    "tips": N_("tip of the day"),
    "recap": N_("weekly recap"),
    "tip": N_("one tip"),
    "partners": N_("weekly partners"),
}
"""The kinds people schedule; any other kind (a nudge after a ping) is the system's own."""
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_PAUSE = timedelta(days=366)


def is_listed(schedule: Schedule) -> bool:
    """Whether people see (and may stop) this schedule: theirs, enabled and still to come."""
    if not schedule.enabled or schedule.kind not in KIND_NAMES:
        return False
    return schedule.run_at is None or schedule.last_fired_at is None  # a one-off not yet sent


async def listed_schedules(ctx: Ctx, community_id: int) -> Sequence[Schedule]:
    """The community's schedules people made, without the rows the system keeps for itself."""
    found = await ScheduleRepository(ctx.repo.session).enabled(community_id)
    return [schedule for schedule in found if is_listed(schedule)]


def retime(
    schedule: Schedule,
    time_text: str,
    days_text: str,
    example: str,
    languages: Iterable[str] = (),
) -> None:
    """Moves a repeating schedule to a new wall-clock time and days, read by the same parsers
    as `/schedule <kind> <HH:MM> [days]` (a time like `25:00` is refused with the example)."""
    local_time = parse_hhmm(time_text, example)
    days = parse_days(days_text, example, languages)
    schedule.local_time, schedule.days = local_time, days


def pause_until(schedule: Schedule, text: str, today: date, example: str) -> None:
    """Pauses a repeating schedule through a local date (`YYYY-MM-DD`, up to a year ahead),
    or resumes it when `text` is empty; the engine skips the paused days."""
    cleaned = text.strip()
    if not cleaned:
        schedule.paused_until = None
        return
    try:
        day = date.fromisoformat(cleaned) if _ISO_DATE.match(cleaned) else None
    except ValueError:
        day = None
    if day is None:
        raise UsageError("“{text}” is not a date; use YYYY-MM-DD.", {"text": text}, example)
    if day < today:
        raise UsageError(
            "{date} is in the past; pause until today or a later date.",
            {"date": day.isoformat()},
            example,
        )
    if day > today + MAX_PAUSE:
        raise UsageError(
            "A pause can last up to a year; {date} is further away.",
            {"date": day.isoformat()},
            example,
        )
    schedule.paused_until = day


@dataclass(frozen=True, slots=True)
class Subcommand:
    """One `/schedule <name> …` form, with who may use it."""

    name: str
    handler: SubHandler
    access: Access
    usage: str


class Schedules:
    """The /schedule command; other features plug their schedule kinds into it."""

    def __init__(self, registry: Registry, engine: ScheduleEngine) -> None:
        self._registry = registry
        self.engine = engine
        self._subcommands: dict[str, Subcommand] = {}

    def add_subcommand(self, sub: Subcommand) -> None:
        """Lets a feature offer `/schedule <its kind> …`."""
        self._subcommands[sub.name] = sub

    def register(self) -> None:
        """Declares /schedule with its list and off forms."""
        self.add_subcommand(Subcommand("list", self.show, Access.MEMBER, "/schedule list"))
        self.add_subcommand(
            Subcommand("off", self.off, Access.ORGANIZER, "/schedule off <kind or id>")
        )
        self._registry.add_command(
            CommandSpec(
                "schedule",
                "Show this community's schedules; organizers add or stop them",
                self.schedule,
                "/schedule list",
                (
                    Param("what", ParamKind.WORD, "list, off, or a kind to schedule"),
                    Param("details", ParamKind.TEXT, "Time, days or text", required=False),
                ),
                where=Where.GROUP,
                usage_override="/schedule list | /schedule off <kind or id> | /schedule <kind> …",
            )
        )

    async def schedule(self, ctx: Ctx, args: Args) -> None:
        """Dispatches to the named form."""
        name = str(args["what"]).lower()
        sub = self._subcommands.get(name)
        if sub is None:
            raise UsageError(
                "I can't schedule “{name}”. Use one of: {forms}.",
                {"name": name, "forms": "; ".join(s.usage for s in self._subcommands.values())},
                "/schedule list",
            )
        await ctx.require(sub.access, f"schedule {sub.name}")
        await sub.handler(ctx, str(args.get("details", "")))

    async def show(self, ctx: Ctx, rest: str) -> None:
        """Shows every active schedule with its next local fire time."""
        community, _ = ctx.group()
        schedules = await listed_schedules(ctx, community.id)
        if not schedules:
            ctx.reply(
                "No schedules here yet. Organizers can add one, e.g. `/schedule checkin 09:00`."
            )
            return
        lines: list[RichText] = [ctx.t("**Schedules of {title}**", {"title": community.title})]
        lines += [self._line(ctx, schedule) for schedule in schedules]
        lines.append(ctx.t("Organizers stop one with `/schedule off <id>`."))
        ctx.reply_rich(join(lines))

    @staticmethod
    def _line(ctx: Ctx, schedule: Schedule) -> RichText:
        """One schedule: id, kind, time, days (or the date of a one-off), zone, next run."""
        zone = zone_of(schedule)
        next_at = upcoming(schedule, ctx.now)
        values = {
            "id": schedule.id,
            "kind": ctx.t(KIND_NAMES[schedule.kind]),
            "time": schedule.local_time,
            "zone": zone,
            "when": local_moment_text(next_at, zone, ctx.language) if next_at else "—",
        }
        if schedule.run_at is not None:
            return ctx.t("#{id} {kind}: {time} once, on {when} ({zone})", values)
        return ctx.t(
            "#{id} {kind}: {time} {days} ({zone}) — next {when}",
            {**values, "days": ctx.days_text(schedule.days)},
        )

    async def off(self, ctx: Ctx, rest: str) -> None:
        """Stops one schedule by id, or every schedule of a kind."""
        community, _ = ctx.group()
        target = rest.strip().lstrip("#").lower()
        example = "/schedule off checkin"
        if not target:
            raise UsageError(
                "Say which schedule to stop: a kind or an id from `/schedule list`.",
                example=example,
            )
        repo = ScheduleRepository(ctx.repo.session)
        number = read_number(target)
        if number is not None:
            found = await repo.get(number)
            if found is None or found.community_id != community.id or not is_listed(found):
                raise UsageError("There is no active schedule #{id} here.", {"id": target}, example)
            stopped = [found]
        else:
            kind = await repo.of_kind(community.id, target)
            stopped = [schedule for schedule in kind if is_listed(schedule)]
            if not stopped:
                raise UsageError(
                    "There is no active “{kind}” schedule here.", {"kind": target}, example
                )
        for schedule in stopped:
            schedule.enabled = False
        ctx.replan_after_commit(community.id)
        ctx.reply(
            "Stopped: {ids}.",
            {"ids": ", ".join(f"#{s.id} {s.kind} {s.local_time}" for s in stopped)},
        )
