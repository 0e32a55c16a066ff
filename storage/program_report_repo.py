"""The program report's numbers and the program CSVs: aggregates only, never a rating alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Person
from storage.program_models import (
    PairStatus,
    ProgramGoal,
    ProgramMeeting,
    ProgramPair,
    ProgramRating,
    ProgramReflection,
    ReflectionStatus,
)
from storage.report_repo import Row


@dataclass(frozen=True, slots=True)
class ProgramNumbers:
    """What `/program report` shows."""

    pairs: int
    meetings: int
    reflections_sent: int
    reflections_expected: int
    goals_set: int
    goals_done: int
    mean_rating: float | None


class ProgramReportRepository:
    """Counts over one program's pairs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def numbers(
        self, program_id: int, month_from: datetime, month_to: datetime
    ) -> ProgramNumbers:
        """The report's numbers; meetings are confirmed ones logged in [month_from, month_to)."""
        pairs = select(ProgramPair.id).where(ProgramPair.program_id == program_id)
        active = await self._scalar(
            select(func.count())
            .select_from(ProgramPair)
            .where(
                ProgramPair.program_id == program_id, ProgramPair.status == PairStatus.ACTIVE.value
            )
        )
        meetings = await self._scalar(
            select(func.count())
            .select_from(ProgramMeeting)
            .where(
                ProgramMeeting.pair_id.in_(pairs),
                ProgramMeeting.confirmed_at.is_not(None),
                ProgramMeeting.logged_at >= month_from,
                ProgramMeeting.logged_at < month_to,
            )
        )
        expected = await self._scalar(
            select(func.count())
            .select_from(ProgramReflection)
            .where(ProgramReflection.pair_id.in_(pairs))
        )
        sent = await self._scalar(
            select(func.count())
            .select_from(ProgramReflection)
            .where(
                ProgramReflection.pair_id.in_(pairs),
                ProgramReflection.status == ReflectionStatus.ANSWERED.value,
            )
        )
        goals_set = await self._scalar(
            select(func.count(distinct(ProgramGoal.pair_id))).where(ProgramGoal.pair_id.in_(pairs))
        )
        goals_done = await self._scalar(
            select(func.count(distinct(ProgramGoal.pair_id))).where(
                ProgramGoal.pair_id.in_(pairs), ProgramGoal.done_at.is_not(None)
            )
        )
        mean = await self.session.scalar(
            select(func.avg(ProgramRating.rating))
            .join(ProgramMeeting, ProgramMeeting.id == ProgramRating.meeting_id)
            .where(ProgramMeeting.pair_id.in_(pairs))
        )
        return ProgramNumbers(
            pairs=active,
            meetings=meetings,
            reflections_sent=sent,
            reflections_expected=expected,
            goals_set=goals_set,
            goals_done=goals_done,
            mean_rating=None if mean is None else float(mean),
        )

    async def _scalar(self, query: Select[int]) -> int:
        return int(await self.session.scalar(query) or 0)

    async def pair_rows(self, program_id: int) -> list[Row]:
        """One row per pair: mentee, mentor, status, score, paired, ended."""
        mentee, mentor = aliased(Person), aliased(Person)
        found = await self.session.execute(
            select(
                mentee.display_name,
                mentor.display_name,
                ProgramPair.status,
                ProgramPair.score,
                ProgramPair.paired_at,
                ProgramPair.ended_at,
            )
            .join(mentee, mentee.id == ProgramPair.mentee_id)
            .join(mentor, mentor.id == ProgramPair.mentor_id)
            .where(ProgramPair.program_id == program_id)
            .order_by(ProgramPair.id)
        )
        return [tuple(row) for row in found.all()]

    async def meeting_rows(self, program_id: int) -> list[Row]:
        """One row per meeting: mentee, mentor, who logged it, when, confirmed when (no note)."""
        mentee, mentor, logger = aliased(Person), aliased(Person), aliased(Person)
        found = await self.session.execute(
            select(
                mentee.display_name,
                mentor.display_name,
                logger.display_name,
                ProgramMeeting.logged_at,
                ProgramMeeting.confirmed_at,
            )
            .join(ProgramPair, ProgramPair.id == ProgramMeeting.pair_id)
            .join(mentee, mentee.id == ProgramPair.mentee_id)
            .join(mentor, mentor.id == ProgramPair.mentor_id)
            .join(logger, logger.id == ProgramMeeting.logged_by)
            .where(ProgramPair.program_id == program_id)
            .order_by(ProgramMeeting.id)
        )
        return [tuple(row) for row in found.all()]

    async def goal_rows(self, program_id: int) -> list[Row]:
        """One row per goal: mentee, mentor, goal, target date, progress, done."""
        mentee, mentor = aliased(Person), aliased(Person)
        found = await self.session.execute(
            select(
                mentee.display_name,
                mentor.display_name,
                ProgramGoal.text,
                ProgramGoal.target_on,
                ProgramGoal.progress,
                ProgramGoal.done_at,
            )
            .join(ProgramPair, ProgramPair.id == ProgramGoal.pair_id)
            .join(mentee, mentee.id == ProgramPair.mentee_id)
            .join(mentor, mentor.id == ProgramPair.mentor_id)
            .where(ProgramPair.program_id == program_id)
            .order_by(ProgramGoal.id)
        )
        return [tuple(row) for row in found.all()]
