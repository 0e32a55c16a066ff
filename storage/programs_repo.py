"""Every basic read and write of mentorship programs, participants and pairs.

Programs are found through a community's circle (`BridgeRepository.circle_ids`), so both
sides of a bridge share one program. The loop's own tables (meetings, goals, reflections,
pulses) are read here only for what the pair views show; the loop writes them elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.program_models import (
    IntakeStatus,
    PairStatus,
    Program,
    ProgramCloseout,
    ProgramGoal,
    ProgramMeeting,
    ProgramPair,
    ProgramParticipant,
    ProgramPulse,
    ProgramReflection,
    ProgramRole,
    ProgramStatus,
    ReflectionStatus,
)

LIVE = (ProgramStatus.OPEN.value, ProgramStatus.RUNNING.value)


def json_list(text: str | None) -> list[str]:
    """A stored JSON list of strings (topics, languages); anything else reads as empty."""
    value = json.loads(text or "[]")
    return [str(item) for item in value] if isinstance(value, list) else []


def json_object(text: str | None) -> dict[str, Any]:
    """A stored JSON object (availability, reasons, answers); anything else reads as empty."""
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def dumps(value: Mapping[str, Any] | Sequence[Any]) -> str:
    """JSON for a column; non-ASCII kept readable, keys sorted so equal values store alike."""
    plain: Any = dict(value) if isinstance(value, Mapping) else list(value)
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class ProgramCounts:
    """How many people are in a program, as `/program` shows them."""

    mentors: int
    mentees: int
    in_progress: int
    pairs: int


@dataclass(frozen=True, slots=True)
class PairActivity:
    """What the pair views show of one pair's loop: the latest of each kind, if any."""

    last_meeting: datetime | None
    last_reflection: datetime | None
    goal: ProgramGoal | None
    lowest_pulse: int | None


class ProgramRepository:
    """Creates and finds programs, participants and pairs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Programs

    async def live(self, community_ids: Collection[int]) -> Program | None:
        """The open or running program of these communities (a circle), if any."""
        found = await self.session.execute(
            select(Program)
            .where(Program.community_id.in_(community_ids), Program.status.in_(LIVE))
            .order_by(Program.id.desc())
            .limit(1)
        )
        return found.scalar_one_or_none()

    async def latest(self, community_ids: Collection[int]) -> Program | None:
        """The newest program of these communities, ended or not."""
        found = await self.session.execute(
            select(Program)
            .where(Program.community_id.in_(community_ids))
            .order_by(Program.id.desc())
            .limit(1)
        )
        return found.scalar_one_or_none()

    async def by_id(self, program_id: int) -> Program | None:
        """One program by id."""
        return await self.session.get(Program, program_id)

    async def create(
        self, community_id: int, name: str, created_by: int, starts_on: date, now: datetime
    ) -> Program:
        """Opens a program with the defaults (12 weeks, Mondays 18:00, organizer approval)."""
        program = Program(
            community_id=community_id,
            name=name,
            status=ProgramStatus.OPEN.value,
            starts_on=starts_on,
            weeks=12,
            reflection_weekday=0,
            reflection_time="18:00",
            created_by=created_by,
            created_at=now,
        )
        self.session.add(program)
        await self.session.flush()
        return program

    async def programs_of(self, person_id: int) -> list[Program]:
        """Every program the person takes part in, newest first."""
        found = await self.session.execute(
            select(Program)
            .join(ProgramParticipant, ProgramParticipant.program_id == Program.id)
            .where(ProgramParticipant.person_id == person_id)
            .order_by(Program.id.desc())
        )
        return list(found.scalars())

    # Participants

    async def participant(self, program_id: int, person_id: int) -> ProgramParticipant | None:
        """The person's place in the program, withdrawn or not."""
        found = await self.session.execute(
            select(ProgramParticipant).where(
                ProgramParticipant.program_id == program_id,
                ProgramParticipant.person_id == person_id,
            )
        )
        return found.scalar_one_or_none()

    async def join(
        self, program_id: int, person_id: int, role: ProgramRole, now: datetime
    ) -> ProgramParticipant:
        """Adds the person (or re-adds a withdrawn one) with an intake in progress."""
        row = await self.participant(program_id, person_id)
        if row is None:
            row = ProgramParticipant(program_id=program_id, person_id=person_id, joined_at=now)
            self.session.add(row)
        row.role = role.value
        row.intake = IntakeStatus.IN_PROGRESS.value
        row.updated_at = now
        await self.session.flush()
        return row

    async def participants(
        self,
        program_id: int,
        role: ProgramRole | None = None,
        intake: IntakeStatus | None = IntakeStatus.COMPLETE,
    ) -> list[ProgramParticipant]:
        """The program's participants, by person id; complete intakes unless told otherwise."""
        query = select(ProgramParticipant).where(ProgramParticipant.program_id == program_id)
        if role is not None:
            query = query.where(ProgramParticipant.role == role.value)
        if intake is not None:
            query = query.where(ProgramParticipant.intake == intake.value)
        found = await self.session.execute(query.order_by(ProgramParticipant.person_id))
        return list(found.scalars())

    async def counts(self, program_id: int) -> ProgramCounts:
        """Mentors and mentees with complete intakes, intakes in progress, and active pairs."""
        rows = await self.session.execute(
            select(ProgramParticipant.role, ProgramParticipant.intake, func.count())
            .where(ProgramParticipant.program_id == program_id)
            .group_by(ProgramParticipant.role, ProgramParticipant.intake)
        )
        tally = {(role, intake): int(n) for role, intake, n in rows.all()}
        complete = IntakeStatus.COMPLETE.value
        pairs = await self.session.scalar(
            select(func.count())
            .select_from(ProgramPair)
            .where(
                ProgramPair.program_id == program_id,
                ProgramPair.status == PairStatus.ACTIVE.value,
            )
        )
        return ProgramCounts(
            mentors=tally.get((ProgramRole.MENTOR.value, complete), 0),
            mentees=tally.get((ProgramRole.MENTEE.value, complete), 0),
            in_progress=sum(
                n for (_, intake), n in tally.items() if intake == IntakeStatus.IN_PROGRESS.value
            ),
            pairs=int(pairs or 0),
        )

    # Pairs

    async def pair(self, pair_id: int) -> ProgramPair | None:
        """One pair by id."""
        return await self.session.get(ProgramPair, pair_id)

    async def find_pair(
        self, program_id: int, mentee_id: int, mentor_id: int
    ) -> ProgramPair | None:
        """These two's pair in the program, in whatever state (a pair never repeats)."""
        found = await self.session.execute(
            select(ProgramPair).where(
                ProgramPair.program_id == program_id,
                ProgramPair.mentee_id == mentee_id,
                ProgramPair.mentor_id == mentor_id,
            )
        )
        return found.scalar_one_or_none()

    async def pairs(
        self, program_id: int, statuses: Collection[PairStatus] = (PairStatus.ACTIVE,)
    ) -> list[ProgramPair]:
        """The program's pairs in these states, oldest first."""
        found = await self.session.execute(
            select(ProgramPair)
            .where(
                ProgramPair.program_id == program_id,
                ProgramPair.status.in_([status.value for status in statuses]),
            )
            .order_by(ProgramPair.id)
        )
        return list(found.scalars())

    async def pairs_of(
        self,
        person_id: int,
        program_id: int | None = None,
        statuses: Collection[PairStatus] = (PairStatus.ACTIVE, PairStatus.ENDED),
    ) -> list[ProgramPair]:
        """The person's pairs (either side), in one program or all, oldest first."""
        query = select(ProgramPair).where(
            or_(ProgramPair.mentee_id == person_id, ProgramPair.mentor_id == person_id),
            ProgramPair.status.in_([status.value for status in statuses]),
        )
        if program_id is not None:
            query = query.where(ProgramPair.program_id == program_id)
        found = await self.session.execute(query.order_by(ProgramPair.id))
        return list(found.scalars())

    async def past_mentors(self, program_id: int) -> dict[int, set[int]]:
        """Each mentee's mentors in this program so far (any state), so no pair repeats."""
        found = await self.session.execute(
            select(ProgramPair.mentee_id, ProgramPair.mentor_id).where(
                ProgramPair.program_id == program_id
            )
        )
        past: dict[int, set[int]] = {}
        for mentee_id, mentor_id in found.all():
            past.setdefault(mentee_id, set()).add(mentor_id)
        return past

    async def active_load(self, program_id: int) -> dict[int, int]:
        """How many active pairs each mentor has in the program."""
        found = await self.session.execute(
            select(ProgramPair.mentor_id, func.count())
            .where(
                ProgramPair.program_id == program_id,
                ProgramPair.status == PairStatus.ACTIVE.value,
            )
            .group_by(ProgramPair.mentor_id)
        )
        return {mentor_id: int(n) for mentor_id, n in found.all()}

    async def add_pair(
        self,
        program_id: int,
        mentee_id: int,
        mentor_id: int,
        score: int,
        reasons: Mapping[str, Any],
        now: datetime,
    ) -> ProgramPair:
        """Records a proposed pair (the caller checked it does not repeat)."""
        pair = ProgramPair(
            program_id=program_id,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            score=score,
            reasons=dumps(reasons),
            status=PairStatus.PROPOSED.value,
            proposed_at=now,
        )
        self.session.add(pair)
        await self.session.flush()
        return pair

    async def drop_proposals(self, program_id: int) -> None:
        """Forgets proposals not approved, so a new `/program match` starts afresh."""
        for pair in await self.pairs(program_id, (PairStatus.PROPOSED,)):
            await self.session.delete(pair)
        await self.session.flush()

    # What the pair views read from the loop

    async def activity(self, pair_id: int) -> PairActivity:
        """The pair's last confirmed meeting, last answered reflection, goal and lowest pulse."""
        meeting = await self.session.scalar(
            select(func.max(ProgramMeeting.logged_at)).where(
                ProgramMeeting.pair_id == pair_id, ProgramMeeting.confirmed_at.is_not(None)
            )
        )
        reflection = await self.session.scalar(
            select(func.max(ProgramReflection.answered_at)).where(
                ProgramReflection.pair_id == pair_id,
                ProgramReflection.status == ReflectionStatus.ANSWERED.value,
            )
        )
        goal = await self.session.scalar(
            select(ProgramGoal)
            .where(ProgramGoal.pair_id == pair_id)
            .order_by(ProgramGoal.id.desc())
            .limit(1)
        )
        pulse = await self.session.scalar(
            select(func.min(ProgramPulse.score)).where(
                ProgramPulse.pair_id == pair_id, ProgramPulse.score.is_not(None)
            )
        )
        return PairActivity(meeting, reflection, goal, None if pulse is None else int(pulse))

    # Close-out

    async def save_closeout(
        self, program_id: int, person_id: int, answers: Mapping[str, Any], now: datetime
    ) -> None:
        """Keeps a participant's close-out answers (a second answer replaces the first)."""
        found = await self.session.execute(
            select(ProgramCloseout).where(
                ProgramCloseout.program_id == program_id, ProgramCloseout.person_id == person_id
            )
        )
        row = found.scalar_one_or_none()
        if row is None:
            row = ProgramCloseout(program_id=program_id, person_id=person_id)
            self.session.add(row)
        row.answers = dumps(answers)
        row.answered_at = now
        await self.session.flush()
