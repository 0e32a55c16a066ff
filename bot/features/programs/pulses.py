"""The health pulse: one 1–5 question to each side of a pair; a low answer alerts organizers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import OutMessage
from bot.dialogs import Completion, Dialogs, DialogSpec, Kind, Option, Step
from bot.features.programs.my_pair import name_of
from bot.features.programs.reach import Voice, organizer_ids, send_dm
from storage.program_loop_repo import LoopRepository
from storage.program_models import Program, ProgramPair
from storage.programs_repo import ProgramRepository

PULSE = "pulse"
LOW = 2
"""A pulse of this or less alerts the organizers."""
STEPS = (
    Step(
        "score",
        "A quick health check: how is your mentoring with {partner} going, from 1 (not well) "
        "to 5 (very well)? Only the organizers see totals; they never see your answer alone.",
        Kind.CHOICE,
        options=(
            Option("1", "1 – not well"),
            Option("2", "2"),
            Option("3", "3"),
            Option("4", "4"),
            Option("5", "5 – very well"),
        ),
        next=None,
    ),
)


class Pulses:
    """Declares the pulse dialog and takes its answer."""

    def __init__(self, dialogs: Dialogs, voice: Voice) -> None:
        self._dialogs = dialogs
        self._voice = voice

    def register(self) -> None:
        """Declares the one-step pulse dialog."""
        self._dialogs.add(DialogSpec(PULSE, STEPS, self.answered))

    async def answered(self, end: Completion) -> None:
        """Stores the score; a low one alerts the organizers, naming the pair only."""
        ctx = end.ctx
        loop = LoopRepository(ctx.repo.session)
        pulse_id = end.context.get("pulse")
        pulse = await loop.pulse(int(pulse_id)) if isinstance(pulse_id, int) else None
        score = end.answers.get("score")
        if pulse is None or not isinstance(score, str) or not score.isdigit():
            ctx.reply("Thank you.", private=True)
            return
        pulse.score = int(score)
        pulse.answered_at = ctx.now
        ctx.reply("Thank you. Organizers only ever see totals of these answers.", private=True)
        if pulse.score > LOW or pulse.alerted_at is not None:
            return
        pair = await ProgramRepository(ctx.repo.session).pair(pulse.pair_id)
        program = await ProgramRepository(ctx.repo.session).by_id(pair.program_id) if pair else None
        if pair is None or program is None:
            return
        if await self.alert(ctx.repo.session, pair, program, pulse.id, ctx.now):
            ctx.enqueued = True
        pulse.alerted_at = ctx.now

    async def alert(
        self,
        session: AsyncSession,
        pair: ProgramPair,
        program: Program,
        pulse_id: int,
        now: datetime,
    ) -> bool:
        """Tells each organizer privately which pair may need attention, without the answer."""
        queued = False
        for organizer_id in await organizer_ids(session, program):
            reader = await self._voice.reader(session, organizer_id, program)
            if reader is None:
                continue
            platform = reader.account.platform
            text = self._voice.say(
                reader,
                "🩺 The pair {mentee} and {mentor} in **{program}** may need attention: a "
                "health check came back low. A friendly word with them may help.",
                {
                    "mentee": await name_of(session, pair.mentee_id, platform),
                    "mentor": await name_of(session, pair.mentor_id, platform),
                    "program": program.name,
                },
            )
            key = f"pulse:{pulse_id}:org:{organizer_id}"
            queued = await send_dm(session, reader, key, OutMessage(text), now) or queued
        return queued
