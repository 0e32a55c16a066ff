"""Which active pair a loop command is about, and how its people are named."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.i18n import N_
from storage.models import Person
from storage.program_loop_repo import LoopRepository
from storage.program_models import Program, ProgramPair
from storage.programs_repo import ProgramRepository


@dataclass(frozen=True, slots=True)
class PairInContext:
    """The actor's pair, its program, the partner's id and what the actor typed after a name."""

    pair: ProgramPair
    program: Program
    partner_id: int
    rest: str


NOT_IN_PAIR = N_(
    "You're not in an active mentoring pair, so there is nothing to log here. "
    "Organizers pair mentees with mentors through `/program match`."
)


async def name_of(session: AsyncSession, person_id: int, platform: str) -> str:
    """The person's name as shown on this platform, else their display name."""
    names = await LoopRepository(session).accounts(person_id)
    here = next((a.display_name for a in names if a.platform == platform), None)
    if here is not None:
        return here
    person = await session.get(Person, person_id)
    return person.display_name if person is not None else "?"


async def _handles(session: AsyncSession, person_id: int) -> set[str]:
    """Every way the actor may name this person: display names and @usernames, folded."""
    found: set[str] = set()
    for account in await LoopRepository(session).accounts(person_id):
        found.add(account.display_name.casefold())
        if account.username:
            found.add(f"@{account.username}".casefold())
        found.add(account.user_id.casefold())
    return found


async def actor_pair(
    ctx: Ctx, text: str, example: str, *, mentee_only: bool = False
) -> PairInContext:
    """The actor's one active pair; with several, the first word names the partner."""
    session = ctx.repo.session
    pairs = await LoopRepository(session).active_pairs_of(ctx.person.id)
    if mentee_only:
        pairs = [pair for pair in pairs if pair.mentee_id == ctx.person.id]
    if not pairs:
        if mentee_only:
            raise UsageError(
                "Only a mentee in an active pair can do this; you're not a mentee in one.",
                example=example,
            )
        raise UsageError(NOT_IN_PAIR, example=example)
    chosen = pairs[0]
    rest = text.strip()
    if len(pairs) > 1:
        first, _, after = rest.partition(" ")
        for pair in pairs:
            other = pair.mentor_id if pair.mentee_id == ctx.person.id else pair.mentee_id
            if first.casefold() in await _handles(session, other):
                chosen, rest = pair, after.strip()
                break
        else:
            names = [
                await name_of(
                    session,
                    p.mentee_id if p.mentor_id == ctx.person.id else p.mentor_id,
                    ctx.platform,
                )
                for p in pairs
            ]
            raise UsageError(
                "You're in {count} pairs ({names}). Start with who it is about.",
                {"count": len(pairs), "names": ", ".join(names)},
                example,
            )
    program = await ProgramRepository(session).by_id(chosen.program_id)
    assert program is not None  # a pair cascades from its program
    partner = chosen.mentor_id if chosen.mentee_id == ctx.person.id else chosen.mentee_id
    return PairInContext(chosen, program, partner, rest)
