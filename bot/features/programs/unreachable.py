"""Who in a program the bot cannot reach by DM (blocked it, closed DMs): the loop's questions
don't arrive, so the organizers' weekly list says so, by name and why."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.markup import RichText
from bot.features.programs.my_pair import name_of
from bot.features.programs.reach import Reader, Voice
from storage.program_models import Program
from storage.programs_repo import ProgramRepository


async def unreachable_sides(
    session: AsyncSession, voice: Voice, program: Program
) -> list[tuple[int, int]]:
    """(person, partner) for each side of an active pair whose DM fails, in pair order."""
    found: list[tuple[int, int]] = []
    for pair in await ProgramRepository(session).pairs(program.id):
        for person_id, partner_id in (
            (pair.mentee_id, pair.mentor_id),
            (pair.mentor_id, pair.mentee_id),
        ):
            reader = await voice.reader(session, person_id, program)
            if reader is not None and reader.account.dm_unreachable:
                found.append((person_id, partner_id))
    return found


async def unreachable_lines(
    session: AsyncSession, voice: Voice, reader: Reader, sides: list[tuple[int, int]]
) -> list[RichText]:
    """One line per person, in the organizer's language and names from their platform."""
    platform = reader.account.platform
    return [
        voice.say(
            reader,
            N_(
                "• {name} (paired with {partner}): I can't reach them by DM; they may have "
                "blocked me or closed their DMs."
            ),
            {
                "name": await name_of(session, person_id, platform),
                "partner": await name_of(session, partner_id, platform),
            },
        )
        for person_id, partner_id in sides
    ]
