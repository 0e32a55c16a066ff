"""What `/forgetme` and leaving the community do to programs: pairs end, partners are told."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.departures import Departure
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.features.programs.my_pair import name_of
from bot.features.programs.reach import Voice, organizer_ids, partner_of, send_dm
from storage.program_loop_repo import LoopRepository
from storage.program_models import IntakeStatus, PairStatus, Program, ProgramPair
from storage.programs_repo import ProgramRepository


async def leave_programs(ctx: Ctx) -> int:
    """Tells the partners of the person's active pairs that the pair ended; returns how many
    program answers go with the person (their rows cascade when the person is deleted)."""
    session = ctx.repo.session
    loop = LoopRepository(session)
    answers = await loop.answers_of(ctx.person.id)
    voice = Voice(ctx.translator, ctx.default_language)
    for pair in await loop.active_pairs_of(ctx.person.id):
        program = await ProgramRepository(session).by_id(pair.program_id)
        if program is None:
            continue
        reader = await voice.reader(session, partner_of(pair, ctx.person.id), program)
        if reader is None:
            continue
        template = (
            N_(
                "Your mentee in **{program}** has left and deleted their data, so your pair has "
                "ended. The organizers can pair you with someone else."
            )
            if pair.mentor_id == reader.person.id
            else N_(
                "Your mentor in **{program}** has left and deleted their data, so your pair "
                "has ended. The organizers can pair you with someone else."
            )
        )
        text = voice.say(reader, template, {"program": program.name})
        created = await send_dm(session, reader, f"pair-ended:{pair.id}", OutMessage(text), ctx.now)
        ctx.enqueued = ctx.enqueued or created
    return answers


PARTNER_LEFT = "partner_left"


class ProgramDepartures:
    """Someone left the community: their pairs end as "partner left", the partners and the
    organizers are told by DM, and they leave the program's pool (a mentor's slots with them)."""

    def __init__(self, voice: Voice) -> None:
        self._voice = voice

    async def member_left(self, departure: Departure) -> None:
        """Lets go of the person in the circle's live program, if they were in it."""
        if departure.still_in_circle:
            return
        session = departure.session
        programs = ProgramRepository(session)
        program = await programs.live(departure.circle)
        if program is None:
            return
        participant = await programs.participant(program.id, departure.person_id)
        if participant is not None:
            participant.intake = IntakeStatus.WITHDRAWN.value
            participant.updated_at = departure.now
        ended: list[int] = []
        for pair in await programs.pairs_of(
            departure.person_id, program.id, (PairStatus.ACTIVE, PairStatus.PROPOSED)
        ):
            active = pair.status == PairStatus.ACTIVE.value
            pair.status = PairStatus.ENDED.value
            pair.ended_at = departure.now
            pair.end_reason = PARTNER_LEFT
            if active:
                partner = partner_of(pair, departure.person_id)
                ended.append(partner)
                await self._tell_partner(departure, program, pair, partner)
        if participant is not None or ended:
            await self._tell_organizers(departure, program, ended)

    async def _tell_partner(
        self, departure: Departure, program: Program, pair: ProgramPair, partner: int
    ) -> None:
        reader = await self._voice.reader(departure.session, partner, program)
        if reader is None:
            return
        template = (
            N_(
                "Your mentee {name} has left the community, so your pair in **{program}** has "
                "ended. The organizers can pair you with someone else."
            )
            if pair.mentor_id == partner
            else N_(
                "Your mentor {name} has left the community, so your pair in **{program}** has "
                "ended. The organizers can pair you with someone else."
            )
        )
        name = await name_of(departure.session, departure.person_id, reader.account.platform)
        text = self._voice.say(reader, template, {"name": name, "program": program.name})
        key = f"pair-left:{pair.id}"
        if await send_dm(departure.session, reader, key, OutMessage(text), departure.now):
            departure.enqueued = True

    async def _tell_organizers(
        self, departure: Departure, program: Program, partners: list[int]
    ) -> None:
        session = departure.session
        for organizer_id in await organizer_ids(session, program):
            if organizer_id == departure.person_id:
                continue
            reader = await self._voice.reader(session, organizer_id, program)
            if reader is None:
                continue
            platform = reader.account.platform
            values = {
                "name": await name_of(session, departure.person_id, platform),
                "program": program.name,
                "partners": ", ".join([await name_of(session, p, platform) for p in partners]),
            }
            template = (
                N_(
                    "{name} has left the community, so they are out of **{program}** and their "
                    "pair with {partners} has ended. I told {partners}; you can pair them again "
                    "with `/program match`."
                )
                if partners
                else N_(
                    "{name} has left the community, so they are out of **{program}** and won't "
                    "be matched."
                )
            )
            text = self._voice.say(reader, template, values)
            moment = int(departure.now.timestamp())
            key = f"left:{program.id}:{departure.person_id}:{organizer_id}:{moment}"
            if await send_dm(session, reader, key, OutMessage(text), departure.now):
                departure.enqueued = True
