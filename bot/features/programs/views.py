"""`/program pairs` and `/mentor`: each pair with its last meeting, reflection, goal and health.

They read the loop's tables (meetings, reflections, goals, pulses), empty until the pair
starts meeting. Dates are `YYYY-MM-DD` in the reader's zone; both answers are private.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.i18n import N_
from bot.core.markup import RichText, join, plain
from bot.core.paging import Page, PagedList, Pager
from bot.domain.dates import local_today
from bot.features.programs import common
from bot.features.programs.reflections import week_start
from storage.program_loop_repo import LoopRepository
from storage.program_models import PairStatus, Program, ProgramPair, ProgramStatus
from storage.programs_repo import PairActivity

PAIRS_LIST = "progpairs"
PAGE_SIZE = 10
STUCK_AFTER = timedelta(days=21)
LOW_PULSE = 2
FIRST_REFLECTION_AFTER = timedelta(days=3)


def health(pair: ProgramPair, activity: PairActivity, now: datetime) -> str:
    """How the pair is doing, as a template: ended, needs attention, stuck, new, or on track."""
    if pair.status == PairStatus.ENDED.value:
        return N_("ended")
    if activity.lowest_pulse is not None and activity.lowest_pulse <= LOW_PULSE:
        return N_("needs attention")
    if pair.paired_at is None:
        return N_("new")
    moments = (pair.paired_at, activity.last_meeting, activity.last_reflection)
    since = max(moment for moment in moments if moment is not None)
    if now - since >= STUCK_AFTER:
        return N_("stuck")
    if activity.last_meeting is None:
        return N_("new")
    return N_("on track")


def next_reflection(
    program: Program,
    pair: ProgramPair,
    zone: str,
    now: datetime,
    done_week: date | None = None,
) -> datetime:
    """The next weekly reflection moment in the mentee's zone, at least 3 days after pairing;
    a week whose reflection was already sent (`done_week`, its Monday) has no other."""
    tz = ZoneInfo(zone)
    hour, minute = (int(part) for part in program.reflection_time.split(":"))
    earliest = max(now, (pair.paired_at or now) + FIRST_REFLECTION_AFTER).astimezone(tz)
    day = earliest.date() + timedelta(days=(program.reflection_weekday - earliest.weekday()) % 7)
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    if moment < earliest:
        moment += timedelta(days=7)
    if week_start(moment.date()) == done_week:
        moment += timedelta(days=7)
    return moment


class Views:
    """The pair lists: all pairs for organizers (paged), one's own pairs for others."""

    def __init__(self, pager: Pager) -> None:
        self._pager = pager
        pager.add(PagedList(PAIRS_LIST, self.pairs_page, PAGE_SIZE, private=True))

    async def pairs(self, ctx: Ctx) -> None:
        """`/program pairs`: a page of pairs, privately."""
        program = await common.latest_here(ctx)
        if program is None:
            ctx.reply(common.NO_PROGRAM)
            return
        await self._pager.show(ctx, PAIRS_LIST, str(program.id))

    async def pairs_page(self, ctx: Ctx, query: str, offset: int, limit: int) -> Page:
        """Organizers see every pair of the program; anyone else only their own."""
        store = common.repo(ctx)
        program = await store.by_id(int(query)) if query.isascii() and query.isdigit() else None
        if program is None:
            return Page(0, ctx.t(common.NO_PROGRAM))
        statuses = (PairStatus.ACTIVE, PairStatus.ENDED)
        if await common.is_organizer(ctx, program):
            pairs = await store.pairs(program.id, statuses)
            heading = ctx.t("Pairs of “{program}”:", {"program": program.name})
        else:
            pairs = await store.pairs_of(ctx.person.id, program.id, statuses)
            heading = ctx.t("Your pairs in “{program}”:", {"program": program.name})
        if not pairs:
            empty = ctx.t("“{program}” has no pairs yet.", {"program": program.name})
            return Page(0, empty)
        items = [await self._line(ctx, pair) for pair in pairs[offset : offset + limit]]
        return Page(len(pairs), heading, tuple(items))

    async def _line(self, ctx: Ctx, pair: ProgramPair) -> RichText:
        activity = await common.repo(ctx).activity(pair.id)
        zone = common.zone_of(ctx)
        never = plain(ctx.t("none yet"))
        goal = activity.goal
        return ctx.t(
            "{mentee} with {mentor}: last meeting {meeting}, last reflection {reflection}, "
            "goal progress {progress}, health: {health}.",
            {
                "mentee": await common.name_of(ctx, pair.mentee_id),
                "mentor": await common.name_of(ctx, pair.mentor_id),
                "meeting": common.local_date(activity.last_meeting, zone) or never,
                "reflection": common.local_date(activity.last_reflection, zone) or never,
                "progress": f"{goal.progress}%" if goal is not None else never,
                "health": ctx.t(health(pair, activity, ctx.now)),
            },
        )

    async def mentor(self, ctx: Ctx) -> None:
        """`/mentor`: my pairs, with who, the goal, the next reflection and the last meeting."""
        store = common.repo(ctx)
        pairs = await store.pairs_of(ctx.person.id)
        if not pairs:
            ctx.reply(
                "You have no mentoring pair yet. Join a program with `/program join mentor` or "
                "`/program join mentee`; you'll hear from me once you are paired.",
                private=True,
            )
            return
        zone = common.zone_of(ctx)
        never = plain(ctx.t("none yet"))
        blocks: list[RichText] = []
        for pair in pairs:
            program = await store.by_id(pair.program_id)
            assert program is not None
            activity = await store.activity(pair.id)
            mentee = await store.participant(program.id, pair.mentee_id)
            goal = activity.goal.text if activity.goal is not None else None
            goal = goal or (mentee.goal if mentee is not None else None) or never
            values: dict[str, object] = {
                "program": program.name,
                "mentee": await common.name_of(ctx, pair.mentee_id),
                "mentor": await common.name_of(ctx, pair.mentor_id),
                "goal": goal,
                "meeting": common.local_date(activity.last_meeting, zone) or never,
            }
            if pair.mentor_id == ctx.person.id:
                who = ctx.t("In “{program}” you mentor {mentee}. Their goal: {goal}.", values)
            else:
                who = ctx.t("In “{program}” your mentor is {mentor}. Your goal: {goal}.", values)
            if pair.status == PairStatus.ACTIVE.value and program.status != ProgramStatus.ENDED:
                mentee_zone = await self._mentee_zone(ctx, pair)
                this_week = week_start(local_today(mentee_zone, ctx.now))
                sent = await LoopRepository(ctx.repo.session).reflection_of_week(pair.id, this_week)
                done_week = this_week if sent is not None else None
                moment = next_reflection(program, pair, mentee_zone, ctx.now, done_week)
                values["next"] = common.local_date(moment, zone)
                values["end"] = common.end_date(program).isoformat()
                if moment.astimezone(ZoneInfo(mentee_zone)).date() > common.end_date(program):
                    when = ctx.t(
                        "No more reflections: the program ends on {end}. Last meeting: {meeting}.",
                        values,
                    )
                else:
                    when = ctx.t("Next reflection: {next}. Last meeting: {meeting}.", values)
            else:
                when = ctx.t("This pair has ended. Last meeting: {meeting}.", values)
            lines = [who, when]
            goal_row = activity.goal
            if goal_row is not None and goal_row.done_at is not None:
                lines.append(
                    ctx.t(
                        "Goal done on {date}.",
                        {"date": goal_row.done_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")},
                    )
                )
            elif goal_row is not None and goal_row.target_on is not None:
                lines.append(
                    ctx.t(
                        "Goal progress: {progress}%, target date {date}.",
                        {"progress": goal_row.progress, "date": goal_row.target_on.isoformat()},
                    )
                )
            elif goal_row is not None:
                lines.append(ctx.t("Goal progress: {progress}%.", {"progress": goal_row.progress}))
            blocks.append(join(lines))
        ctx.reply_rich(join(blocks, "\n\n"), private=True)

    async def _mentee_zone(self, ctx: Ctx, pair: ProgramPair) -> str:
        """The mentee's zone, else their community's, for reflection times."""
        mentee = await common.person(ctx, pair.mentee_id)
        if mentee.timezone:
            return mentee.timezone
        return ctx.community.timezone if ctx.community is not None else "UTC"
