"""A person's active pairs, on either side, read through each side's own index: the same pairs
a plain filter over every pair finds, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Core
from storage.models import Account, Community
from storage.program_loop_repo import LoopRepository
from storage.program_models import PairStatus, ProgramPair, ProgramStatus
from storage.programs_repo import LIVE, ProgramRepository
from tests.harness import ChatDriver, FakeClock

PEOPLE = ("max", "ann", "bob", "cid", "dan", "olga")


async def test_active_pairs_of_either_side_in_live_programs(
    core: Core, chat: ChatDriver, clock: FakeClock
) -> None:
    for name in PEOPLE:
        await chat.say(name, "g", "/help")
    now = clock.now()
    async with core.database.sessions() as session, session.begin():
        found = await session.execute(select(Account.user_id, Account.person_id))
        ids = {user_id: person_id for user_id, person_id in found}
        community = await session.scalar(select(Community.id).where(Community.chat_id == "g"))
        assert community is not None
        programs = ProgramRepository(session)
        spring, summer, past = [
            await programs.create(community, name, ids["olga"], now.date(), now)
            for name in ("Spring", "Summer", "Past")
        ]
        spring.status = summer.status = ProgramStatus.RUNNING.value
        past.status = ProgramStatus.ENDED.value
        made = [
            (spring, "ann", "max", PairStatus.ACTIVE),  # max mentors two
            (spring, "bob", "max", PairStatus.ACTIVE),
            (spring, "cid", "max", PairStatus.ENDED),  # an ended pair
            (spring, "dan", "max", PairStatus.PROPOSED),  # not yet approved
            (summer, "max", "olga", PairStatus.ACTIVE),  # and is a mentee elsewhere
            (past, "dan", "max", PairStatus.ACTIVE),  # in an ended program
            (summer, "ann", "bob", PairStatus.ACTIVE),  # max in neither side
        ]
        for program, mentee, mentor, status in made:
            pair = await programs.add_pair(program.id, ids[mentee], ids[mentor], 3, {}, now)
            pair.status = status.value
    async with core.database.sessions() as session:
        loop = LoopRepository(session)
        every = list(
            (await session.execute(select(ProgramPair).order_by(ProgramPair.id))).scalars()
        )
        live = {spring.id: spring.status, summer.id: summer.status, past.id: past.status}
        for name in PEOPLE:
            person = ids[name]
            expected = [
                pair.id
                for pair in every
                if person in (pair.mentee_id, pair.mentor_id)
                and pair.status == PairStatus.ACTIVE.value
                and live[pair.program_id] in LIVE
            ]
            got = [pair.id for pair in await loop.active_pairs_of(person)]
            assert got == expected, name
        assert len(await loop.active_pairs_of(ids["max"])) == 3
