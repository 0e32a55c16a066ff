"""Check-ins: plans, done, blockers, board, streaks, the scheduled ping, reply and nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from adapters.console import PLATFORM
from bot.app import Core
from bot.core.events import Address, ChatKind, Message, Sender
from bot.core.markup import plain
from bot.domain.streaks import streak_for
from bot.features.checkins import BOARD_ROWS
from storage.models import CheckIn, HelpRequest, OutboxMessage, Schedule
from tests.harness import ChatDriver, FakeClock, deliver


def test_streak_rules() -> None:
    monday = date(2026, 11, 16)
    week = [date(2026, 11, 16 + offset) for offset in range(7)]
    assert streak_for(week, date(2026, 11, 22)).current == 7
    # Wednesday missed: forgiven once that week
    gap = [d for d in week if d.weekday() != 2]
    result = streak_for(gap, date(2026, 11, 22))
    assert (result.current, result.freeze_used_this_week) == (6, True)
    # two missed days in one week break it
    two = [d for d in week if d.weekday() not in (2, 3)]
    assert streak_for(two, date(2026, 11, 22)).current == 3
    # away days neither count nor break
    away = (date(2026, 11, 18), date(2026, 11, 21))
    assert (
        streak_for(
            [monday, date(2026, 11, 17), date(2026, 11, 22)], date(2026, 11, 22), away
        ).current
        == 3
    )
    # today not yet checked in does not break the streak
    assert streak_for(week[:6], date(2026, 11, 22)).current == 6
    assert streak_for([], date(2026, 11, 22)).best == 0


async def test_checkin_twice_updates_and_done_flow(chat: ChatDriver, core: Core) -> None:
    assert "No plan for today yet" in await chat.say("bob", "g", "/done")
    assert "Checked in, Bob: “ship it” — streak 1" in await chat.say("bob", "g", "/checkin ship it")
    assert "Updated your plan for today" in await chat.say("bob", "g", "/checkin ship it twice")
    assert "needs <plan>" in await chat.say("bob", "g", "/checkin")
    assert "Done, Bob: “ship it twice”" in await chat.say("bob", "g", "/done went well")
    assert "Already marked done" in await chat.say("bob", None, "/done")
    async with core.database.sessions() as session:
        rows = (await session.scalars(select(CheckIn))).all()
        assert [(r.plan, r.done, r.done_note) for r in rows] == [
            ("ship it twice", True, "went well")
        ]


async def test_checkin_days_follow_the_persons_timezone(
    chat: ChatDriver, clock: FakeClock, core: Core
) -> None:
    await chat.say("bob", "g", "/timezone Asia/Kolkata")  # UTC+05:30
    clock.current = datetime(2026, 11, 23, 18, 29, tzinfo=UTC)  # 23:59 in Kolkata
    await chat.say("bob", "g", "/checkin late plan")
    clock.current = datetime(2026, 11, 23, 18, 31, tzinfo=UTC)  # 00:01 the next day
    assert "Checked in" in await chat.say("bob", "g", "/checkin early plan")
    async with core.database.sessions() as session:
        days = sorted((await session.scalars(select(CheckIn.local_date))).all())
    assert days == [date(2026, 11, 23), date(2026, 11, 24)]
    assert "current streak 2" in await chat.say("bob", "g", "/streak")


async def test_blocked_opens_a_request_and_notifies(chat: ChatDriver, core: Core) -> None:
    await chat.say("mia", "g", "/skills stripe")
    out = await chat.say("bob", "g", "/blocked payments fail #Stripe")
    assert "opened request #1" in out
    assert "told 1 member who can help" in out
    assert "#Stripe" in await chat.say("mia", "g", "how can I help?")
    assert "[dm mia]" in await deliver(core, chat)
    async with core.database.sessions() as session:
        entry = await session.scalar(select(CheckIn))
        assert entry is not None
        assert entry.blocker == "payments fail"
        assert entry.request_id is not None
    assert "not only #topics" in await chat.say("bob", "g", "/blocked #stripe")


async def test_board_shows_done_planned_skipped_missing(chat: ChatDriver, clock: FakeClock) -> None:
    await chat.say("ann", "g", "/checkin yesterday's plan")
    clock.advance(days=1)
    assert "Nobody has checked in yet" in await chat.say("bob", "g", "/board")
    await chat.say("bob", "g", "/checkin write")
    await chat.say("cid", "g", "/checkin call")
    await chat.say("cid", "g", "/done")
    out = await chat.say("bob", "g", "/board")
    assert "✅ Cid: call" in out
    assert "📝 Bob: write" in out
    assert "not yet: Ann" in out
    assert "@" not in out  # the board names, it never pings


async def test_schedule_checkin_ping_button_reply_and_nudge(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    assert "Only organizers" in await chat.say("bob", "g", "/schedule checkin 09:00")
    assert "not a time" in await chat.say("olga", "g", "/schedule checkin 25:00")
    assert "can't read the days" in await chat.say("olga", "g", "/schedule checkin 09:00 funday")
    assert "Scheduled: daily check-in ping at 09:00" in await chat.say(
        "olga", "g", "/schedule checkin 9:00"
    )
    assert "Updated" in await chat.say("olga", "g", "/schedule checkin 08:30 weekdays")
    # yesterday bob and ann were active, so today they are nudged if silent
    clock.current = datetime(2026, 11, 22, 10, tzinfo=UTC)
    await chat.say("bob", "g", "/checkin old")
    await chat.say("ann", "g", "/checkin old")
    await chat.say("kim", "g", "/checkin old")
    await chat.say("kim", "g", "/away 2026-11-30")
    async with core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule).where(Schedule.kind == "checkin"))
        assert schedule is not None
    occurrence = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    clock.current = occurrence
    try:
        assert await core.schedules.fire(schedule.id, occurrence)
        assert not await core.schedules.fire(schedule.id, occurrence)  # once per occurrence
        ping = await deliver(core, chat)
        assert "[g] mentorbot: ☀️ Check-in for Mon 23 Nov" in ping
        assert "Check in" in ping
        # ann presses the button; bob replies to the ping message
        assert "Checked in, Ann! What's your plan?" in await chat.press("ann", "Check in")
        async with core.database.sessions() as session:
            ping_row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.key.startswith("checkin:"))
            )
            assert ping_row is not None
            assert ping_row.message_id is not None
        reply = Message(
            Address(PLATFORM, "g", "bob"),
            ChatKind.GROUP,
            Sender("Bob", "bob"),
            "finish the invoices",
            chat_title="g",
            reply_to_message_id=ping_row.message_id,
        )
        out = await core.router.handle(reply, chat.console.messenger)
        assert "Checked in, Bob: “finish the invoices”" in plain(out[0].message.text)
        other = Message(
            Address(PLATFORM, "g", "bob"),
            ChatKind.GROUP,
            Sender("Bob", "bob"),
            "nice",
            chat_title="g",
            reply_to_message_id="999",
        )
        assert await core.router.handle(other, chat.console.messenger) == []
        # nudge 4 h later: nobody left but... add a silent active member
        await chat.say("dan", "g", "/join")
        async with core.database.sessions() as session:
            nudge = await session.scalar(select(Schedule).where(Schedule.kind == "nudge"))
            assert nudge is not None
            assert nudge.run_at == datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
        clock.current = nudge.run_at
        await core.schedules.fire(nudge.id, nudge.run_at)
        nudges = await deliver(core, chat)
        assert nudges == ""  # ann and bob checked in, kim is away, dan was never active
    finally:
        await core.schedules.stop()


async def test_nudge_reaches_active_silent_members_once(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/schedule checkin 09:00")
    clock.current = datetime(2026, 11, 22, 10, tzinfo=UTC)
    await chat.say("bob", "g", "/checkin yesterday")
    await chat.say("ann", "g", "/checkin yesterday")
    chat.console.messenger.unreachable.add("ann")
    await chat.say("zoe", "g", "/checkin yesterday")
    async with core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule).where(Schedule.kind == "checkin"))
        assert schedule is not None
    occurrence = datetime(2026, 11, 23, 9, tzinfo=UTC)
    clock.current = occurrence
    await core.schedules.fire(schedule.id, occurrence)
    await deliver(core, chat)
    await chat.press("zoe", "Skip today")
    async with core.database.sessions() as session:
        nudge = await session.scalar(select(Schedule).where(Schedule.kind == "nudge"))
        assert nudge is not None
        assert nudge.run_at is not None
    clock.current = nudge.run_at
    assert await core.schedules.fire(nudge.id, nudge.run_at)
    assert not await core.schedules.fire(nudge.id, nudge.run_at)
    out = await deliver(core, chat)
    assert "[dm bob] mentorbot: 👋 Quick nudge" in out
    # Her DMs are closed: the group hears that something waits for her, never the nudge.
    assert "[g] mentorbot: @Ann, I have a private message for you" in out
    assert "[g] mentorbot: @Ann: 👋" not in out
    assert "zoe" not in out.lower()
    async with core.database.sessions() as session:
        assert (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.key.startswith("nudge:"))
            )
            == 2  # bob's, and ann's waiting for her DM
        )


async def test_skip_after_checkin_is_refused(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/schedule checkin 09:00")
    async with core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule))
        assert schedule is not None
    clock.current = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await core.schedules.fire(schedule.id, clock.current)
    await deliver(core, chat)
    await chat.say("bob", "g", "/checkin plan")
    assert "already checked in" in await chat.press("bob", "Skip today")
    assert "Skipping today" in await chat.press("ann", "Skip today")
    assert "What's your plan?" in await chat.press("ann", "Check in")  # changed her mind
    async with core.database.sessions() as session:
        skipped = await session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.skipped)
        )
        assert skipped == 0
        assert await session.scalar(select(func.count()).select_from(HelpRequest)) == 0


async def test_settings_list_schedules_and_timezone_change_replans(
    chat: ChatDriver, core: Core
) -> None:
    chat.make_admin("olga", "g")
    assert "Active schedules: none" in await chat.say("olga", "g", "/settings")
    await chat.say("olga", "g", "/schedule checkin 09:00")
    assert "Active schedules: #1 checkin 09:00" in await chat.say("olga", "g", "/settings")
    await core.start_delivery()  # stopped with the core by the fixture
    assert core.schedules.planned(1) == datetime(2026, 11, 24, 9, tzinfo=UTC)
    await chat.say("olga", "g", "/settings timezone Asia/Taipei")
    assert core.schedules.planned(1) == datetime(2026, 11, 24, 1, tzinfo=UTC)


async def test_board_of_a_big_group_shows_the_first_plans_and_counts_the_rest(
    chat: ChatDriver,
) -> None:
    for number in range(BOARD_ROWS + 5):
        await chat.say(f"p{number:02d}", "g", f"/checkin plan {number}")
    board = await chat.say("p00", "g", "/board")
    assert board.count("📝") == BOARD_ROWS + 1  # the rows, then the count of the rest
    assert "📝 …and 5 more" in board
