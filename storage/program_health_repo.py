"""Per-pair counts for the organizers' program page: numbers only, never an answer's text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.program_models import (
    ProgramMeeting,
    ProgramPair,
    ProgramPulse,
    ProgramRating,
    ProgramReflection,
    ReflectionStatus,
)


@dataclass(frozen=True, slots=True)
class PairCounts:
    """How much one pair did: meetings, ratings, pulses (count and sum), reflections."""

    meetings: int = 0
    ratings: int = 0
    rating_sum: int = 0
    pulses: int = 0
    pulse_sum: int = 0
    reflections_answered: int = 0
    reflections_expected: int = 0


class ProgramHealthRepository:
    """Counts over the pairs of one program, one query per kind, whatever the pair count."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pair_counts(self, program_id: int) -> dict[int, PairCounts]:
        """Counts per pair id of the program; a pair with nothing yet is absent (all zero)."""
        pairs = select(ProgramPair.id).where(ProgramPair.program_id == program_id)
        meetings = await self._grouped(
            select(ProgramMeeting.pair_id, func.count(), func.count())
            .where(ProgramMeeting.pair_id.in_(pairs), ProgramMeeting.confirmed_at.is_not(None))
            .group_by(ProgramMeeting.pair_id)
        )
        ratings = await self._grouped(
            select(ProgramMeeting.pair_id, func.count(), func.sum(ProgramRating.rating))
            .join(ProgramMeeting, ProgramMeeting.id == ProgramRating.meeting_id)
            .where(ProgramMeeting.pair_id.in_(pairs))
            .group_by(ProgramMeeting.pair_id)
        )
        pulses = await self._grouped(
            select(ProgramPulse.pair_id, func.count(), func.sum(ProgramPulse.score))
            .where(ProgramPulse.pair_id.in_(pairs), ProgramPulse.score.is_not(None))
            .group_by(ProgramPulse.pair_id)
        )
        answered = ProgramReflection.status == ReflectionStatus.ANSWERED.value
        reflections = await self._grouped(
            select(
                ProgramReflection.pair_id,
                func.count(),
                func.count(ProgramReflection.id).filter(answered),
            )
            .where(ProgramReflection.pair_id.in_(pairs))
            .group_by(ProgramReflection.pair_id)
        )
        found: dict[int, PairCounts] = {}
        for pair_id in {*meetings, *ratings, *pulses, *reflections}:
            found[pair_id] = PairCounts(
                meetings=meetings.get(pair_id, (0, 0))[0],
                ratings=ratings.get(pair_id, (0, 0))[0],
                rating_sum=ratings.get(pair_id, (0, 0))[1],
                pulses=pulses.get(pair_id, (0, 0))[0],
                pulse_sum=pulses.get(pair_id, (0, 0))[1],
                reflections_expected=reflections.get(pair_id, (0, 0))[0],
                reflections_answered=reflections.get(pair_id, (0, 0))[1],
            )
        return found

    async def _grouped(self, query: Select[int, int, int | None]) -> dict[int, tuple[int, int]]:
        rows = await self.session.execute(query)
        return {int(pair): (int(a or 0), int(b or 0)) for pair, a, b in rows.all()}
