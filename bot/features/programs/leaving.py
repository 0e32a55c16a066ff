"""What `/forgetme` does to programs: counts the person's answers and tells each partner."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.events import OutMessage
from bot.core.i18n import N_
from bot.features.programs.reach import Voice, partner_of, send_dm
from storage.program_loop_repo import LoopRepository
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
                "Your mentee in **{program}** has left and deleted their data, so your pair "
                "has ended. The organizers can pair you with someone else."
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
