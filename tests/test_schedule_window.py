"""The scheduler's one timer over a planning window: the window moves, edits take effect at
once, DST inside the window, and a burst due at one instant fires in batches, once each."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.app import Core
from bot.delivery.plan import Plan
from bot.delivery.scheduler import Firing, ScheduleEngine
from storage.models import Community, Schedule
from storage.repo import NewCommunityDefaults, Repository
from storage.schedule_repo import ScheduleRepository
from tests.harness import FakeClock
from tests.test_schedules import outbox_keys, ping


async def add_schedule(
    core: Core, now: datetime, chat: str, zone: str, local_time: str, days: str = "0123456"
) -> int:
    """A `ping` schedule in its own community, created a week before `now`."""
    async with core.database.sessions() as session, session.begin():
        community, _ = await Repository(session).ensure_community(
            "console", chat, chat, NewCommunityDefaults(zone, "en"), now
        )
        schedule = await ScheduleRepository(session).add(
            community.id, "ping", local_time, days, now - timedelta(days=7)
        )
        schedule.last_fired_at = now - timedelta(hours=1)  # nothing to catch up
        return schedule.id


def engine_for(core: Core, clock: FakeClock, **options: object) -> ScheduleEngine:
    engine = ScheduleEngine(
        core.database.sessions,
        clock,
        lambda: None,
        AsyncIOScheduler(timezone="UTC"),
        autonomous=False,
        **options,  # type: ignore[arg-type]
    )
    engine.register_kind("ping", ping)
    return engine


async def test_a_schedule_beyond_the_window_joins_the_timer_when_the_window_moves(
    core: Core, clock: FakeClock
) -> None:
    # Monday 12:00 UTC; the weekly Monday 09:00 Berlin ping is next due in a week.
    weekly = await add_schedule(core, clock.now(), "weekly", "Europe/Berlin", "09:00", "0")
    engine = engine_for(core, clock)
    await engine.start()
    try:
        next_monday = datetime(2026, 11, 30, 8, tzinfo=UTC)
        assert engine.planned(weekly) == next_monday
        assert engine.next_wake() == clock.now() + timedelta(hours=24)  # only the window's end
        for _ in range(6):  # Tuesday .. Sunday noon: the window moves a day at a time
            clock.advance(days=1)
            assert await engine.tick() == 0
        assert engine.next_wake() == next_monday  # now inside the window
        clock.current = next_monday
        assert await engine.tick() == 1
        assert await outbox_keys(core) == [f"ping:{weekly}:2026-11-30:weekly"]
        assert engine.planned(weekly) == datetime(2026, 12, 7, 8, tzinfo=UTC)
        assert await engine.tick() == 0  # once
    finally:
        await engine.stop()


async def test_dst_change_inside_the_window(core: Core) -> None:
    # Berlin springs forward on Sunday 2026-03-29: 02:30 does not exist that night.
    clock = FakeClock(datetime(2026, 3, 28, 12, tzinfo=UTC))
    night = await add_schedule(core, clock.now(), "night", "Europe/Berlin", "02:30")
    engine = engine_for(core, clock)
    await engine.start()
    try:
        gap = datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 CEST, the first valid minute
        assert engine.planned(night) == gap
        assert engine.next_wake() == gap
        clock.current = gap - timedelta(seconds=1)
        assert await engine.tick() == 0
        clock.current = gap
        assert await engine.tick() == 1
        assert await outbox_keys(core) == [f"ping:{night}:2026-03-29:night"]
        assert engine.planned(night) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST
    finally:
        await engine.stop()


async def test_a_burst_fires_in_batches_once_each(core: Core, clock: FakeClock) -> None:
    ids = [await add_schedule(core, clock.now(), f"g{n}", "UTC", "13:00") for n in range(7)]
    engine = engine_for(core, clock, batch=3)
    await engine.start()
    try:
        clock.current = datetime(2026, 11, 23, 13, tzinfo=UTC)
        assert await engine.tick() == 7
        assert sorted(await outbox_keys(core)) == sorted(
            f"ping:{sid}:2026-11-23:g{n}" for n, sid in enumerate(ids)
        )
        assert await engine.fire_many(ids, clock.now()) == 0  # at most once per due time
        async with core.database.sessions() as session:
            stamps = set((await session.scalars(select(Schedule.last_fired_at))).all())
        assert stamps == {clock.now()}
        assert {engine.planned(sid) for sid in ids} == {datetime(2026, 11, 24, 13, tzinfo=UTC)}
    finally:
        await engine.stop()


async def test_a_failing_schedule_does_not_hold_its_batch_back(
    core: Core, clock: FakeClock
) -> None:
    ids = [await add_schedule(core, clock.now(), f"g{n}", "UTC", "13:00") for n in range(4)]
    engine = engine_for(core, clock, batch=4)

    async def broken_for_one(firing: Firing) -> None:
        if firing.schedule.id == ids[1]:
            raise RuntimeError("boom")
        await ping(firing)

    engine.register_kind("ping", broken_for_one)
    await engine.start()
    try:
        clock.current = datetime(2026, 11, 23, 13, tzinfo=UTC)
        assert await engine.tick() == 4
        keys = await outbox_keys(core)
        assert sorted(keys) == sorted(
            f"ping:{sid}:2026-11-23:g{n}" for n, sid in enumerate(ids) if sid != ids[1]
        )
    finally:
        await engine.stop()


def test_the_plan_keeps_only_the_window_in_its_heap() -> None:
    start = datetime(2026, 11, 23, 12, tzinfo=UTC)
    plan = Plan(timedelta(hours=1))
    plan.open(start)
    plan.put(1, 10, start + timedelta(minutes=30))
    plan.put(2, 10, start + timedelta(hours=3))
    plan.put(1, 10, start + timedelta(minutes=20))  # re-planned: the old time no longer counts
    assert plan.next_at() == start + timedelta(minutes=20)
    assert plan.take_due(start + timedelta(minutes=40)) == [(start + timedelta(minutes=20), 1)]
    assert plan.next_at() is None
    assert plan.due(2) == start + timedelta(hours=3)
    plan.open(start + timedelta(hours=2, minutes=30))
    assert plan.next_at() == start + timedelta(hours=3)
    plan.drop(2)
    assert plan.next_at() is None
    assert plan.scheduled() == set()


class ShiftedClock:
    """The real clock moved so that the next minute starts in `lead` seconds."""

    def __init__(self, lead: float) -> None:
        real = datetime.now(UTC)
        minute = real.replace(second=0, microsecond=0) + timedelta(minutes=1)
        self._offset = minute - timedelta(seconds=lead) - real

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def test_a_schedule_edited_to_the_next_minute_fires_then(core: Core) -> None:
    clock = ShiftedClock(lead=5.0)
    now = clock.now()
    schedule_id = await add_schedule(
        core, now, "soon", "UTC", (now - timedelta(hours=2)).strftime("%H:%M")
    )
    woken = asyncio.Event()
    engine = ScheduleEngine(
        core.database.sessions, clock, woken.set, AsyncIOScheduler(timezone="UTC")
    )
    engine.register_kind("ping", ping)
    await engine.start()
    try:
        next_minute = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
        async with core.database.sessions() as session, session.begin():
            stored = await session.get(Schedule, schedule_id)
            assert stored is not None
            stored.local_time = next_minute.strftime("%H:%M")
            community = await session.scalar(select(Community).where(Community.chat_id == "soon"))
            assert community is not None
        await engine.reload(community.id)  # what a change (command or dashboard) calls
        assert engine.planned(schedule_id) == next_minute
        await asyncio.wait_for(woken.wait(), timeout=20)
    finally:
        await engine.stop()
    day = next_minute.date().isoformat()
    assert await outbox_keys(core) == [f"ping:{schedule_id}:{day}:soon"]


async def test_stop_does_not_wait_for_the_timer_to_wake(core: Core) -> None:
    await add_schedule(core, datetime.now(UTC), "later", "UTC", "00:00")
    engine = ScheduleEngine(
        core.database.sessions, ShiftedClock(30.0), lambda: None, AsyncIOScheduler()
    )
    await engine.start()
    assert engine.next_wake() is not None
    await asyncio.wait_for(engine.stop(grace=1.0), timeout=5)
    assert engine.next_wake() is None
