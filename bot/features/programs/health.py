"""The organizers' program page: each pair's health, the stuck pairs and reflection counts.

It reads what `/program pairs` and the weekly stuck list read, with their rules (`health`,
`stuck_pairs`). Never a reflection's text, a private profile field, or one person's answer:
a pair's mean rating or pulse is shown only once it averages at least two answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.dashboard_data.slices import PAGE_SIZE, Slice, clamp, offset
from bot.features.programs.my_pair import name_of
from bot.features.programs.sweeps import stuck_pairs
from bot.features.programs.views import health
from storage.bridge_repo import BridgeRepository
from storage.program_health_repo import PairCounts, ProgramHealthRepository
from storage.program_models import PairStatus, Program
from storage.programs_repo import ProgramCounts, ProgramRepository

MIN_ANSWERS = 2
"""A mean over fewer answers would be one person's answer."""


@dataclass(frozen=True, slots=True)
class PairHealth:
    """One pair as the page shows it."""

    pair_id: int
    mentee: str
    mentor: str
    status: str
    health: str
    """An untranslated template from `views.health` ("on track", "stuck", …)."""
    paired_at: datetime | None
    last_meeting: datetime | None
    meetings: int
    mean_rating: float | None
    mean_pulse: float | None
    reflections_answered: int
    reflections_expected: int
    stuck: bool


@dataclass(frozen=True, slots=True)
class ProgramHealth:
    """The program and one page of its pairs; `stuck` counts over all pairs."""

    program: Program
    counts: ProgramCounts
    pairs: Slice[PairHealth]
    stuck: int
    reflections_answered: int
    reflections_expected: int


def _mean(total: int, answers: int) -> float | None:
    return round(total / answers, 1) if answers >= MIN_ANSWERS else None


async def program_health(
    session: AsyncSession, community_id: int, platform: str, page: int, now: datetime
) -> ProgramHealth | None:
    """The community's latest program (shared across a bridge) with a page of pairs, or None."""
    programs = ProgramRepository(session)
    circle = await BridgeRepository(session).circle_ids(community_id)
    program = await programs.latest(circle)
    if program is None:
        return None
    pairs = await programs.pairs(program.id, (PairStatus.ACTIVE, PairStatus.ENDED))
    counts = await ProgramHealthRepository(session).pair_counts(program.id)
    stuck = {pair.id for pair in await stuck_pairs(session, program, now)}
    page = clamp(page, len(pairs))
    start = offset(page)
    rows = []
    for pair in pairs[start : start + PAGE_SIZE]:
        activity = await programs.activity(pair.id)
        numbers = counts.get(pair.id, PairCounts())
        rows.append(
            PairHealth(
                pair_id=pair.id,
                mentee=await name_of(session, pair.mentee_id, platform),
                mentor=await name_of(session, pair.mentor_id, platform),
                status=pair.status,
                health=health(pair, activity, now),
                paired_at=pair.paired_at,
                last_meeting=activity.last_meeting,
                meetings=numbers.meetings,
                mean_rating=_mean(numbers.rating_sum, numbers.ratings),
                mean_pulse=_mean(numbers.pulse_sum, numbers.pulses),
                reflections_answered=numbers.reflections_answered,
                reflections_expected=numbers.reflections_expected,
                stuck=pair.id in stuck,
            )
        )
    return ProgramHealth(
        program=program,
        counts=await programs.counts(program.id),
        pairs=Slice(tuple(rows), len(pairs), page),
        stuck=len(stuck),
        reflections_answered=sum(c.reflections_answered for c in counts.values()),
        reflections_expected=sum(c.reflections_expected for c in counts.values()),
    )
