"""`/board` counts a check-in on the community's day it was made, whatever the member's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Core
from storage.models import Account, OutboxMessage, Schedule
from tests.harness import ChatDriver, FakeClock

COMMUNITY_ZONE = "America/New_York"


async def new_york_group(chat: ChatDriver, member_zone: str) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", f"/settings timezone {COMMUNITY_ZONE}")
    await chat.say("ann", "g", f"/timezone {member_zone}")


# (member's zone, check-in and board times in UTC (2026), the board's New York day, on it?)
CASES = [
    # Taipei is already on Tuesday; New York's Monday board counts her.
    ("Asia/Taipei", "11-23 17:00", "11-23 18:00", "Mon 23 Nov", True),
    # 23:30 Monday in New York, 12:30 Tuesday in Taipei: still Monday's board ...
    ("Asia/Taipei", "11-24 04:30", "11-24 04:50", "Mon 23 Nov", True),
    # ... and not Tuesday's, which starts at New York's midnight.
    ("Asia/Taipei", "11-24 04:30", "11-24 05:10", "Tue 24 Nov", False),
    # 22:30 Monday in Los Angeles is 01:30 Tuesday in New York: Tuesday's board.
    ("America/Los_Angeles", "11-24 06:30", "11-24 07:00", "Tue 24 Nov", True),
    # 20:30 Monday in Los Angeles, 23:30 in New York: Monday's board, not Tuesday's.
    ("America/Los_Angeles", "11-24 04:30", "11-24 04:50", "Mon 23 Nov", True),
    ("America/Los_Angeles", "11-24 04:30", "11-24 06:00", "Tue 24 Nov", False),
    # New York's Sunday 1 November has 25 hours (DST ends): 23:30 EST is still Sunday.
    ("Asia/Taipei", "11-02 04:30", "11-02 04:55", "Sun 1 Nov", True),
    ("Asia/Taipei", "11-02 04:30", "11-02 05:00", "Mon 2 Nov", False),
    # The community's own zone, either side of its midnight.
    ("America/New_York", "11-24 04:59", "11-24 04:59", "Mon 23 Nov", True),
    ("America/New_York", "11-24 04:59", "11-24 05:00", "Tue 24 Nov", False),
    # Kiritimati (UTC+14) is a whole day ahead of New York for most of the day.
    ("Pacific/Kiritimati", "11-23 15:00", "11-23 16:00", "Mon 23 Nov", True),
]


def utc(text: str) -> datetime:
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@pytest.mark.parametrize(("zone", "checked_in", "looked", "day", "shown"), CASES)
async def test_board_counts_the_community_day_of_the_check_in(
    chat: ChatDriver,
    clock: FakeClock,
    zone: str,
    checked_in: str,
    looked: str,
    day: str,
    shown: bool,
) -> None:
    clock.current = utc(checked_in) - timedelta(hours=1)
    await new_york_group(chat, zone)
    clock.current = utc(checked_in)
    assert "Checked in" in await chat.say("ann", "g", "/checkin ship the shop page")
    clock.current = utc(looked)
    board = await chat.say("bob", "g", "/board")
    assert f"Board for {day}" in board
    assert ("📝 Ann: ship the shop page" in board) is shown, board
    if not shown:
        assert "not yet: Ann" in board or "Nobody has checked in yet" in board


async def test_checking_in_again_moves_onto_the_board_of_that_day(
    chat: ChatDriver, clock: FakeClock
) -> None:
    clock.current = utc("11-24 03:00")
    await new_york_group(chat, "Asia/Taipei")
    clock.current = utc("11-24 04:30")  # Mon 23:30 in New York, Tue 12:30 in Taipei
    await chat.say("ann", "g", "/checkin draft the newsletter")
    clock.current = utc("11-24 05:30")  # Tue 00:30 in New York, still Tue in Taipei
    assert "Updated your plan for today" in await chat.say("ann", "g", "/checkin send it")
    board = await chat.say("bob", "g", "/board")
    assert "Board for Tue 24 Nov" in board
    assert "📝 Ann: send it" in board


async def test_done_shows_on_the_community_board_across_zones(
    chat: ChatDriver, clock: FakeClock
) -> None:
    await new_york_group(chat, "Asia/Taipei")
    clock.current = datetime(2026, 11, 23, 17, tzinfo=UTC)  # Tue 01:00 Taipei, Mon 12:00 NY
    await chat.say("ann", "g", "/checkin ship the shop page")
    assert "Done" in await chat.say("ann", "g", "/done")
    board = await chat.say("bob", "g", "/board")
    assert "Board for Mon 23 Nov" in board
    assert "✅ Ann: ship the shop page" in board


async def test_a_member_in_taipei_who_checked_in_is_not_nudged(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await new_york_group(chat, "Asia/Taipei")
    await chat.say("bob", "g", "/checkin warm up")  # Bob, on New York time: active
    await chat.say("olga", "g", "/schedule checkin 09:00")
    async with core.database.sessions() as session:
        ping = await session.scalar(select(Schedule.id).where(Schedule.kind == "checkin"))
    assert ping is not None
    clock.current = datetime(2026, 11, 24, 14, tzinfo=UTC)  # Tue 09:00 in New York
    assert await core.schedules.fire(ping, clock.current)
    clock.current = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # Wed 00:30 in Taipei
    await chat.say("ann", "g", "/checkin day two")  # New York's Tuesday, her Wednesday
    async with core.database.sessions() as session:
        nudge = await session.scalar(select(Schedule).where(Schedule.kind == "nudge"))
        people = dict((await session.execute(select(Account.user_id, Account.person_id))).all())
    assert nudge is not None
    assert nudge.run_at is not None
    assert nudge.run_at > clock.current
    clock.current = nudge.run_at
    assert await core.schedules.fire(nudge.id, nudge.run_at)
    async with core.database.sessions() as session:
        nudged = await session.scalars(
            select(OutboxMessage.person_id).where(OutboxMessage.key.startswith("nudge:"))
        )
        assert set(nudged.all()) == {people["bob"]}
