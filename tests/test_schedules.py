"""The schedule engine (fires at most once, catches up within grace) and /remind, /schedule."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select

from bot.app import Core
from bot.core.clock import SystemClock
from bot.core.events import OutMessage
from bot.core.markup import fmt
from bot.delivery.scheduler import Firing, ScheduleEngine
from storage.models import Community, OutboxMessage, Schedule
from storage.outbox_repo import Delivery
from storage.repo import NewCommunityDefaults, Repository
from storage.schedule_repo import ScheduleRepository
from tests.harness import ChatDriver, FakeClock


async def ping(firing: Firing) -> None:
    community = firing.schedule.community
    from bot.delivery.outbox import enqueue

    await enqueue(
        firing.session,
        f"{firing.key}:{community.chat_id}",
        Delivery(community.platform, chat_id=community.chat_id, community_id=community.id),
        OutMessage(fmt("ping")),
        due_at=firing.occurrence,
        now=firing.now,
    )


async def make_schedule(
    core: Core, clock: FakeClock, zone: str = "Europe/Berlin", **kw: object
) -> int:
    async with core.database.sessions() as session, session.begin():
        community, _ = await Repository(session).ensure_community(
            "console", "group-a", "A", NewCommunityDefaults(zone, "en"), clock.now()
        )
        schedule = await ScheduleRepository(session).add(
            community.id,
            "ping",
            str(kw.get("local_time", "09:00")),
            "0123456",
            clock.now() - timedelta(days=7),
        )
        if "last_fired_at" in kw:
            schedule.last_fired_at = kw["last_fired_at"]  # type: ignore[assignment]
        return schedule.id


async def outbox_keys(core: Core) -> list[str]:
    async with core.database.sessions() as session:
        return list(
            (await session.scalars(select(OutboxMessage.key).order_by(OutboxMessage.id))).all()
        )


@pytest.fixture
async def engine(core: Core, clock: FakeClock) -> ScheduleEngine:
    scheduler = AsyncIOScheduler(timezone="UTC")
    engine = ScheduleEngine(
        core.database.sessions, clock, lambda: None, scheduler, autonomous=False
    )
    engine.register_kind("ping", ping)
    yield engine  # type: ignore[misc]
    await engine.stop()


async def test_start_plans_next_local_fire(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    # 12:00 UTC is 13:00 in Berlin; 09:00 today has passed and was fired already.
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 23, 8, tzinfo=UTC)
    )
    await engine.start()
    assert engine.planned(schedule_id) == datetime(2026, 11, 24, 8, tzinfo=UTC)
    assert await outbox_keys(core) == []


async def test_fire_is_once_per_occurrence(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 23, 8, tzinfo=UTC)
    )
    await engine.start()
    occurrence = datetime(2026, 11, 24, 8, tzinfo=UTC)
    clock.current = occurrence
    assert await engine.fire(schedule_id, occurrence)
    assert not await engine.fire(schedule_id, occurrence)  # a repeat of the same occurrence
    assert await outbox_keys(core) == [f"ping:{schedule_id}:2026-11-24:group-a"]
    assert engine.planned(schedule_id) == datetime(2026, 11, 25, 8, tzinfo=UTC)


async def test_restart_within_grace_fires_late_once(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    clock.current = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 10:30 Berlin: 09:00 missed by 1h30
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 22, 8, tzinfo=UTC)
    )
    await engine.start()
    await engine.reload()  # a second restart must not fire it again
    assert await outbox_keys(core) == [f"ping:{schedule_id}:2026-11-23:group-a"]
    assert engine.planned(schedule_id) == datetime(2026, 11, 24, 8, tzinfo=UTC)


async def test_restart_beyond_grace_skips_and_logs(
    core: Core, clock: FakeClock, engine: ScheduleEngine, caplog: pytest.LogCaptureFixture
) -> None:
    clock.current = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 12:00 Berlin: 3h late
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 22, 8, tzinfo=UTC)
    )
    with caplog.at_level(logging.WARNING):
        await engine.start()
    assert await outbox_keys(core) == []
    assert any("beyond its grace" in record.message for record in caplog.records)
    async with core.database.sessions() as session:
        schedule = await session.get(Schedule, schedule_id)
        assert schedule is not None
        assert schedule.last_fired_at == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert engine.planned(schedule_id) == datetime(2026, 11, 24, 8, tzinfo=UTC)


async def test_timezone_change_replans(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 23, 8, tzinfo=UTC)
    )
    await engine.start()
    async with core.database.sessions() as session, session.begin():
        community = await session.scalar(select(Community))
        assert community is not None
        community.timezone = "Asia/Kolkata"
    await engine.reload(community.id)
    assert engine.planned(schedule_id) == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)


async def ping_with_follow_up(firing: Firing) -> None:
    """Like the check-in ping: posts, then creates a one-off an hour later."""
    await ping(firing)
    follow_up = await ScheduleRepository(firing.session).add(
        firing.schedule.community_id,
        "ping",
        "00:00",
        "0123456",
        firing.now,
        run_at=firing.occurrence + timedelta(hours=1),
    )
    firing.follow_ups.append(follow_up.id)


async def test_follow_ups_are_planned_without_touching_other_communities(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    engine.register_kind("ping+", ping_with_follow_up)
    first = await make_schedule(core, clock, last_fired_at=datetime(2026, 11, 23, 8, tzinfo=UTC))
    async with core.database.sessions() as session, session.begin():
        other, _ = await Repository(session).ensure_community(
            "console", "group-b", "B", NewCommunityDefaults("UTC", "en"), clock.now()
        )
        second = await ScheduleRepository(session).add(
            other.id, "ping+", "10:00", "0123456", clock.now() - timedelta(days=7)
        )
        second.last_fired_at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    await engine.start()
    occurrence = datetime(2026, 11, 24, 10, tzinfo=UTC)
    clock.current = occurrence
    assert await engine.fire(second.id, occurrence)
    async with core.database.sessions() as session:
        follow_up = await session.scalar(select(Schedule).where(Schedule.run_at.is_not(None)))
        assert follow_up is not None
    assert engine.planned(follow_up.id) == occurrence + timedelta(hours=1)
    assert engine.planned(second.id) == datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert engine.planned(first) == datetime(2026, 11, 24, 8, tzinfo=UTC)
    # Stopping the second community's schedules unplans only theirs.
    async with core.database.sessions() as session, session.begin():
        for schedule_id in (second.id, follow_up.id):
            stored = await session.get(Schedule, schedule_id)
            assert stored is not None
            stored.enabled = False
    await engine.reload(other.id)
    assert engine.planned(second.id) is None
    assert engine.planned(follow_up.id) is None
    assert engine.planned(first) == datetime(2026, 11, 24, 8, tzinfo=UTC)


async def test_a_follow_up_already_due_fires_at_once(
    core: Core, clock: FakeClock, engine: ScheduleEngine
) -> None:
    engine.register_kind("ping+", ping_with_follow_up)
    schedule_id = await make_schedule(
        core, clock, last_fired_at=datetime(2026, 11, 22, 8, tzinfo=UTC)
    )
    async with core.database.sessions() as session, session.begin():
        stored = await session.get(Schedule, schedule_id)
        assert stored is not None
        stored.kind = "ping+"
    # Today's 09:00 Berlin (08:00 UTC) is caught up at 09:30 UTC: its follow-up (09:00 UTC)
    # is already due, so it fires too, once.
    clock.current = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    await engine.start()
    keys = await outbox_keys(core)
    assert keys[0] == f"ping+:{schedule_id}:2026-11-23:group-a"
    assert len(keys) == 2
    assert keys[1].startswith("ping:")


async def test_apscheduler_really_fires_a_due_job(core: Core) -> None:
    real = SystemClock()
    woken = asyncio.Event()
    engine = ScheduleEngine(
        core.database.sessions, real, woken.set, AsyncIOScheduler(timezone="UTC")
    )
    engine.register_kind("ping", ping)
    async with core.database.sessions() as session, session.begin():
        community, _ = await Repository(session).ensure_community(
            "console", "g", "G", NewCommunityDefaults("UTC", "en"), real.now()
        )
        schedule = await ScheduleRepository(session).add(
            community.id,
            "ping",
            "00:00",
            "0123456",
            real.now(),
            run_at=real.now() + timedelta(seconds=0.3),
        )
    await engine.start()
    try:
        await asyncio.wait_for(woken.wait(), timeout=10)
    finally:
        await engine.stop()
    assert len(await outbox_keys(core)) == 1
    async with core.database.sessions() as session:
        stored = await session.get(Schedule, schedule.id)
        assert stored is not None
        assert not stored.enabled


async def test_remind_in_person_timezone_and_delivery(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await chat.say("alice", "group-a", "/timezone Asia/Kolkata")  # server and community are UTC
    out = await chat.say("alice", "group-a", "/remind tomorrow 9am send the invoice")
    assert out == (
        "[group-a] mentorbot: ⏰ Reminder #1 set for Tue 2026-11-24 09:00 (Asia/Kolkata). "
        "I'll DM you then."
    )  # the text is private: never in the group, not even in the confirmation
    async with core.database.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert row.due_at == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
        assert (row.user_id, row.fallback_chat_id) == ("alice", "group-a")
    core.attach(chat.console.messenger)
    assert await core.dispatcher.drain_once() == 0
    clock.current = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    assert await core.dispatcher.drain_once() == 1
    assert chat.output[-1] == "[dm alice] mentorbot: ⏰ Reminder: send the invoice"


async def test_remind_relative_and_bad_input(chat: ChatDriver, core: Core) -> None:
    assert await chat.say("bob", None, "/remind in 2h call mom") == (
        "[dm bob] mentorbot: ⏰ Reminder #1 set for Mon 2026-11-23 14:00 (UTC): “call mom”"
    )
    assert "couldn't find when" in await chat.say("bob", None, "/remind banana bread")
    assert "What should I remind you of" in await chat.say("bob", None, "/remind tomorrow")
    assert "in the past" in await chat.say("bob", None, "/remind 2020-01-01 10:00 old news")
    assert "more than a year" in await chat.say("bob", None, "/remind 2029-01-01 10:00 far")
    assert "needs <reminder>" in await chat.say("bob", None, "/remind")
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_forgetme_drops_pending_reminders(chat: ChatDriver, core: Core) -> None:
    await chat.say("bob", None, "/remind in 2h call mom")
    await chat.say("bob", None, "/forgetme")
    out = await chat.press("bob", "Delete everything")
    assert "and 1 message." in out
    async with core.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_schedule_list_and_off(chat: ChatDriver, core: Core, clock: FakeClock) -> None:
    assert "No schedules here yet" in await chat.say("bob", "group-a", "/schedule list")
    schedule_id = await make_schedule(core, clock, zone="UTC")
    async with core.database.sessions() as session, session.begin():
        schedule = await session.get(Schedule, schedule_id)
        assert schedule is not None
        schedule.kind = "checkin"
    out = await chat.say("bob", "group-a", "/schedule list")
    assert f"#{schedule_id} check-in ping: 09:00 daily (UTC) — next Tue 24 Nov 09:00" in out
    assert "Only organizers" in await chat.say("bob", "group-a", "/schedule off checkin")
    chat.make_admin("alice", "group-a")
    assert "no active schedule #999" in await chat.say("alice", "group-a", "/schedule off 999")
    assert "Say which schedule" in await chat.say("alice", "group-a", "/schedule off")
    assert "can't schedule “dance”" in await chat.say("alice", "group-a", "/schedule dance")
    # another community's organizer can neither stop nor see it
    chat.make_admin("alice", "group-b")
    assert "no active schedule" in await chat.say(
        "alice", "group-b", f"/schedule off {schedule_id}"
    )
    assert "No schedules here yet" in await chat.say("alice", "group-b", "/schedule list")
    assert f"Stopped: #{schedule_id} checkin 09:00" in await chat.say(
        "alice", "group-a", "/schedule off checkin"
    )
    assert "No schedules here yet" in await chat.say("bob", "group-a", "/schedule list")
