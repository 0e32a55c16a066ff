"""Reads and writes of a pair's weekly loop: meetings, ratings, fit, goals, reflections, pulses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Account, Base, Membership, Role
from storage.program_models import (
    PairStatus,
    Program,
    ProgramCloseout,
    ProgramFit,
    ProgramGoal,
    ProgramMeeting,
    ProgramPair,
    ProgramPulse,
    ProgramRating,
    ProgramReflection,
    ReflectionStatus,
)
from storage.programs_repo import LIVE


def _active_on_side(person: InstrumentedAttribute[int]) -> Select[int]:
    """Active pairs with the person on one side, found through that side's (person, status)
    index: SQLite answered `mentee_id = ? OR mentor_id = ?` through the status index alone,
    reading every active pair of every program."""
    return select(ProgramPair.id).where(
        person == bindparam("person_id"), ProgramPair.status == PairStatus.ACTIVE.value
    )


# Built once: every program command asks it.
_ACTIVE_PAIRS_OF = (
    select(ProgramPair)
    .join(Program, Program.id == ProgramPair.program_id)
    .where(
        ProgramPair.id.in_(
            union(_active_on_side(ProgramPair.mentee_id), _active_on_side(ProgramPair.mentor_id))
        ),
        Program.status.in_(LIVE),
    )
    .order_by(ProgramPair.id)
)


class OpenGoal(NamedTuple):
    """What a check-in shows of the mentee's open goal."""

    text: str
    progress: int
    target_on: date | None


_PAIRS = cast(Table, ProgramPair.__table__)
_GOALS = cast(Table, ProgramGoal.__table__)
_PROGRAMS = cast(Table, Program.__table__)
_LATER = _GOALS.alias("later")
# Built once, on the tables (no ORM objects): every check-in asks it, in its day's context
# (`storage/checkins_repo.py`).
OPEN_GOAL_OF = (
    select(_GOALS.c.text, _GOALS.c.progress, _GOALS.c.target_on)
    .select_from(
        _PAIRS.join(_PROGRAMS, _PROGRAMS.c.id == _PAIRS.c.program_id).join(
            _GOALS, _GOALS.c.pair_id == _PAIRS.c.id
        )
    )
    .where(
        _PAIRS.c.mentee_id == bindparam("person_id"),
        _PAIRS.c.status == PairStatus.ACTIVE.value,
        or_(*(_PROGRAMS.c.status == status for status in LIVE)),  # no IN list to expand
        _GOALS.c.id
        == select(func.max(_LATER.c.id)).where(_LATER.c.pair_id == _PAIRS.c.id).scalar_subquery(),
        _GOALS.c.done_at.is_(None),
    )
    .order_by(_PAIRS.c.id)
    .limit(1)
)


class LoopRepository:
    """The loop's rows; the features decide when, this only stores and counts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Pairs and people

    async def active_pairs_of(self, person_id: int) -> list[ProgramPair]:
        """The person's active pairs in live programs (either side), oldest first."""
        found = await self.session.execute(_ACTIVE_PAIRS_OF, {"person_id": person_id})
        return list(found.scalars())

    async def live_active_pairs(self) -> list[tuple[ProgramPair, Program]]:
        """Every active pair of every live program (the sweeps walk them)."""
        found = await self.session.execute(
            select(ProgramPair, Program)
            .join(Program, Program.id == ProgramPair.program_id)
            .where(ProgramPair.status == PairStatus.ACTIVE.value, Program.status.in_(LIVE))
            .order_by(ProgramPair.id)
        )
        return [(pair, program) for pair, program in found.all()]

    async def live_programs(self) -> list[Program]:
        """Every open or running program."""
        found = await self.session.execute(
            select(Program).where(Program.status.in_(LIVE)).order_by(Program.id)
        )
        return list(found.scalars())

    async def accounts(self, person_id: int) -> list[Account]:
        """The person's accounts, oldest first."""
        found = await self.session.execute(
            select(Account).where(Account.person_id == person_id).order_by(Account.id)
        )
        return list(found.scalars())

    async def organizers(self, community_ids: Collection[int]) -> list[int]:
        """People with a stored organizer role in these communities, by id."""
        found = await self.session.execute(
            select(Membership.person_id)
            .where(
                Membership.community_id.in_(list(community_ids)),
                Membership.role == Role.ORGANIZER.value,
            )
            .distinct()
            .order_by(Membership.person_id)
        )
        return list(found.scalars())

    # Meetings and ratings

    async def waiting_meeting(self, pair_id: int, since: datetime) -> ProgramMeeting | None:
        """An unconfirmed meeting of the pair logged since `since`."""
        return await self.session.scalar(
            select(ProgramMeeting)
            .where(
                ProgramMeeting.pair_id == pair_id,
                ProgramMeeting.confirmed_at.is_(None),
                ProgramMeeting.logged_at >= since,
            )
            .limit(1)
        )

    async def log_meeting(
        self, pair_id: int, person_id: int, note: str | None, now: datetime
    ) -> ProgramMeeting:
        """Records a meeting waiting for the other side's confirmation."""
        meeting = ProgramMeeting(pair_id=pair_id, logged_by=person_id, note=note, logged_at=now)
        self.session.add(meeting)
        await self.session.flush()
        return meeting

    async def meeting(self, meeting_id: int) -> ProgramMeeting | None:
        """One meeting by id."""
        return await self.session.get(ProgramMeeting, meeting_id)

    async def confirmed_meetings(self, pair_id: int) -> int:
        """How many of the pair's meetings are confirmed."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(ProgramMeeting)
            .where(ProgramMeeting.pair_id == pair_id, ProgramMeeting.confirmed_at.is_not(None))
        )
        return int(count or 0)

    async def rate(self, meeting_id: int, person_id: int, rating: int, now: datetime) -> None:
        """Stores (or replaces) one person's private rating of a meeting."""
        row = await self.session.scalar(
            select(ProgramRating).where(
                ProgramRating.meeting_id == meeting_id, ProgramRating.person_id == person_id
            )
        )
        if row is None:
            row = ProgramRating(meeting_id=meeting_id, person_id=person_id)
            self.session.add(row)
        row.rating = rating
        row.rated_at = now
        await self.session.flush()

    # Fit

    async def fit(self, pair_id: int, person_id: int) -> ProgramFit | None:
        """The mentee's fit answer for the pair, if given."""
        return await self.session.scalar(
            select(ProgramFit).where(
                ProgramFit.pair_id == pair_id, ProgramFit.person_id == person_id
            )
        )

    async def save_fit(self, pair_id: int, person_id: int, answer: str, now: datetime) -> None:
        """Keeps the fit answer (a second press replaces the first)."""
        row = await self.fit(pair_id, person_id)
        if row is None:
            row = ProgramFit(pair_id=pair_id, person_id=person_id)
            self.session.add(row)
        row.answer = answer
        row.answered_at = now
        await self.session.flush()

    # Goals

    async def goal(self, pair_id: int) -> ProgramGoal | None:
        """The pair's current (latest) goal."""
        return await self.session.scalar(
            select(ProgramGoal)
            .where(ProgramGoal.pair_id == pair_id)
            .order_by(ProgramGoal.id.desc())
            .limit(1)
        )

    async def set_goal(
        self, pair_id: int, text: str, target_on: date | None, now: datetime
    ) -> ProgramGoal:
        """A new goal for the pair; the previous one stays in the history."""
        goal = ProgramGoal(
            pair_id=pair_id, text=text, target_on=target_on, progress=0, created_at=now
        )
        goal.updated_at = now
        self.session.add(goal)
        await self.session.flush()
        return goal

    # Reflections

    async def reflection(self, reflection_id: int) -> ProgramReflection | None:
        """One reflection by id."""
        return await self.session.get(ProgramReflection, reflection_id)

    async def reflection_of_week(self, pair_id: int, week_start: date) -> ProgramReflection | None:
        """The pair's reflection of the week starting on that Monday."""
        return await self.session.scalar(
            select(ProgramReflection).where(
                ProgramReflection.pair_id == pair_id, ProgramReflection.week_start == week_start
            )
        )

    async def add_reflection(
        self, pair_id: int, week_start: date, due_at: datetime, now: datetime
    ) -> ProgramReflection | None:
        """This week's reflection, sent now; None when it exists already."""
        if await self.reflection_of_week(pair_id, week_start) is not None:
            return None
        row = ProgramReflection(
            pair_id=pair_id,
            week_start=week_start,
            status=ReflectionStatus.SENT.value,
            due_at=due_at,
            sent_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def unanswered_reflections(self) -> list[ProgramReflection]:
        """Sent reflections not answered yet (to remind once, or to mark missed)."""
        found = await self.session.execute(
            select(ProgramReflection)
            .where(ProgramReflection.status == ReflectionStatus.SENT.value)
            .order_by(ProgramReflection.id)
        )
        return list(found.scalars())

    # Pulses

    async def pulse(self, pulse_id: int) -> ProgramPulse | None:
        """One pulse by id."""
        return await self.session.get(ProgramPulse, pulse_id)

    async def add_pulse(
        self, pair_id: int, person_id: int, due_at: datetime, now: datetime
    ) -> ProgramPulse | None:
        """The pulse due for one side at `due_at`; None when it exists already."""
        found = await self.session.scalar(
            select(ProgramPulse.id).where(
                ProgramPulse.pair_id == pair_id,
                ProgramPulse.person_id == person_id,
                ProgramPulse.due_at == due_at,
            )
        )
        if found is not None:
            return None
        row = ProgramPulse(pair_id=pair_id, person_id=person_id, due_at=due_at, sent_at=now)
        self.session.add(row)
        await self.session.flush()
        return row

    # Activity (stuck)

    async def last_activity(self, pair_id: int) -> datetime | None:
        """The latest confirmed meeting or answered reflection of the pair."""
        meeting = await self.session.scalar(
            select(func.max(ProgramMeeting.confirmed_at)).where(ProgramMeeting.pair_id == pair_id)
        )
        reflection = await self.session.scalar(
            select(func.max(ProgramReflection.answered_at)).where(
                ProgramReflection.pair_id == pair_id
            )
        )
        moments = [moment for moment in (meeting, reflection) if moment is not None]
        return max(moments) if moments else None

    # Forgetting

    async def answers_of(self, person_id: int) -> int:
        """The person's program answers: ratings, pulses, fit, reflections, close-outs."""
        ratings = await self._count(ProgramRating, ProgramRating.person_id == person_id)
        pulses = await self._count(
            ProgramPulse,
            and_(ProgramPulse.person_id == person_id, ProgramPulse.score.is_not(None)),
        )
        fits = await self._count(ProgramFit, ProgramFit.person_id == person_id)
        closeouts = await self._count(ProgramCloseout, ProgramCloseout.person_id == person_id)
        reflections = await self.session.scalar(
            select(func.count())
            .select_from(ProgramReflection)
            .join(ProgramPair, ProgramPair.id == ProgramReflection.pair_id)
            .where(
                ProgramPair.mentee_id == person_id,
                ProgramReflection.status == ReflectionStatus.ANSWERED.value,
            )
        )
        return ratings + pulses + fits + closeouts + int(reflections or 0)

    async def _count(self, model: type[Base], condition: ColumnElement[bool]) -> int:
        count = await self.session.scalar(select(func.count()).select_from(model).where(condition))
        return int(count or 0)
