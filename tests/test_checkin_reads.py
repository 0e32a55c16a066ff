"""A check-in's one read (its day's row, the person's days, the mentee's goal) says what the
separate queries it replaced say, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.app import Core
from storage.checkins_repo import CheckInRepository, DayRow
from storage.models import Account, CheckIn, Community
from storage.program_loop_repo import LoopRepository, OpenGoal
from tests.harness import ChatDriver, FakeClock
from tests.program_seed import seed_running_pair

SINCE = date(2025, 10, 1)


async def _ids(core: Core, user: str, chat_id: str) -> tuple[int, int]:
    async with core.database.sessions() as session:
        person = await session.scalar(select(Account.person_id).where(Account.user_id == user))
        community = await session.scalar(select(Community.id).where(Community.chat_id == chat_id))
    assert person is not None
    assert community is not None
    return person, community


async def _check_in_on(
    core: Core, clock: FakeClock, chat: ChatDriver, day: int, group: str
) -> None:
    """A check-in `day` days before the clock's day."""
    saved = clock.current
    clock.current = saved - timedelta(days=day)
    try:
        await chat.say("mia", group, f"/checkin plan of day -{day}")
    finally:
        clock.current = saved


async def test_the_one_read_equals_the_reads_it_replaced(
    core: Core, chat: ChatDriver, clock: FakeClock
) -> None:
    for day in (1, 2, 4):
        await _check_in_on(core, clock, chat, day, "g")
    await _check_in_on(core, clock, chat, 2, "other")  # the same day in a second group
    await _check_in_on(core, clock, chat, 3, "other")
    await chat.say("max", "g", "/help")
    await chat.say("olga", "g", "/help")
    mia, group = await _ids(core, "mia", "g")
    _, other = await _ids(core, "mia", "other")
    today = clock.now().date()
    async with core.database.sessions() as session, session.begin():
        skipped = await session.scalar(
            select(CheckIn).where(
                CheckIn.community_id == other, CheckIn.local_date == today - timedelta(days=3)
            )
        )
        assert skipped is not None
        skipped.skipped = True  # a skipped day is no checked-in day

    async with core.database.sessions() as session:
        read = await CheckInRepository(session).day_context(group, mia, today, SINCE)
        assert read.today is None  # no check-in today yet
        assert read.goal is None  # no program yet
        assert sorted(read.days) == sorted(await CheckInRepository(session).days_of(mia, SINCE))
        assert sorted(read.days) == [today - timedelta(days=day) for day in (4, 2, 1)]
        assert await CheckInRepository(session).day_context(group, mia, today, today) == (
            None,
            [],
            None,
        )

    await chat.say("mia", "g", "/checkin today's plan")
    pair = await seed_running_pair(core, "g", "olga", "mia", "max", clock.now() - timedelta(days=5))
    await chat.say("mia", "g", "/goal open my online shop by march 31")
    async with core.database.sessions() as session:
        read = await CheckInRepository(session).day_context(group, mia, today, SINCE)
        row = await CheckInRepository(session).on(group, mia, today)
        assert row is not None
        assert read.today == DayRow(row.id, "today's plan", False)
        assert sorted(read.days) == sorted(await CheckInRepository(session).days_of(mia, SINCE))
        assert today in read.days
        goal = await LoopRepository(session).goal(pair)
        assert goal is not None
        assert read.goal == OpenGoal(goal.text, goal.progress, goal.target_on)
        assert read.goal.text == "open my online shop"
        assert read.goal.target_on is not None
        # another group's day row is not this group's
        elsewhere = await CheckInRepository(session).day_context(other, mia, today, SINCE)
        assert elsewhere.today is None
        assert sorted(elsewhere.days) == sorted(read.days)

    await chat.say("mia", "g", "/goal done")
    async with core.database.sessions() as session:
        assert (await CheckInRepository(session).day_context(group, mia, today, SINCE)).goal is None
