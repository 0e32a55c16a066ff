"""Fires each schedule row at its local wall-clock time, at most once, from one timer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from bot.core.clock import Clock
from bot.delivery.firing import FireHandler, Firing, fire_in, is_paused_on, zone_of
from bot.delivery.observe import DeliveryObserver, Unobserved
from bot.delivery.plan import DEFAULT_WINDOW, Plan, missed_occurrence, next_occurrence
from storage.models import Schedule
from storage.schedule_repo import ScheduleRepository, Timing

__all__ = [
    "FireHandler",
    "Firing",
    "ScheduleEngine",
    "is_paused_on",
    "upcoming",
    "zone_of",
]  # where callers look

log = logging.getLogger(__name__)

BATCH = 200
"""Schedules fired in one transaction when many are due at the same instant."""
LONGEST_SLEEP = 60.0
"""The timer re-reads the wall clock at least this often (it may jump; the loop's may not)."""


def upcoming(schedule: Schedule, after: datetime) -> datetime | None:
    """The next occurrence strictly after `after` (and after a pause), or None for a spent
    one-off."""
    return next_occurrence(Timing.of(schedule), after)


class ScheduleEngine:
    """Plans every enabled schedule's next fire from the tables and fires them from one timer.

    APScheduler runs the housekeeping jobs; the schedules share one timer task that sleeps
    until the earliest due time in the plan's window and fires everything due at that instant
    in batches, one transaction per batch.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_enqueued: Callable[[], None],
        scheduler: AsyncIOScheduler | None = None,
        *,
        autonomous: bool = True,
        observer: DeliveryObserver | None = None,
        window: timedelta = DEFAULT_WINDOW,
        batch: int = BATCH,
    ) -> None:
        self._sessions = sessions
        self._observer: DeliveryObserver = observer or Unobserved()
        # False for a clock that a test moves by hand: the timer would wait on the real clock
        # and fire "overdue" schedules at once, so only the test fires them.
        self._autonomous = autonomous
        self._clock = clock
        self._on_enqueued = on_enqueued
        self._scheduler = scheduler or AsyncIOScheduler(timezone="UTC")
        self._kinds: dict[str, FireHandler] = {}
        self._plan = Plan(window)
        self._batch = batch
        self._timer: asyncio.Task[None] | None = None
        self._rearm = asyncio.Event()
        self._stopping = False
        self._running: set[asyncio.Task[Any]] = set()
        self._housekeeping: list[tuple[str, float, Callable[[], Awaitable[object]]]] = []

    def every(self, name: str, seconds: float, job: Callable[[], Awaitable[object]]) -> None:
        """Runs a housekeeping job (like the escalation sweep) at a fixed interval."""
        self._housekeeping.append((name, seconds, job))

    def register_kind(self, kind: str, handler: FireHandler) -> None:
        """Says what firing a schedule of this kind sends."""
        self._kinds[kind] = handler

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds this build can fire."""
        return frozenset(self._kinds)

    async def start(self) -> None:
        """Starts the timer, catches up on fires missed while down, plans the next ones."""
        if not self._scheduler.running:
            self._scheduler.start(paused=not self._autonomous)
        for name, seconds, job in self._housekeeping:
            self._scheduler.add_job(
                self._run_housekeeping,
                IntervalTrigger(seconds=seconds),
                args=[name, job],
                id=f"every:{name}",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                next_run_time=self._clock.now(),
            )
        self._stopping = False
        self._plan.open(self._clock.now())
        await self.reload()
        if self._autonomous and self._timer is None:
            self._timer = asyncio.create_task(self._run_timer(), name="schedule-timer")

    async def _run_housekeeping(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        self._track()
        try:
            await job()
        except asyncio.CancelledError:
            log.info("housekeeping job %s stopped by shutdown", name)
        except Exception:
            log.exception("housekeeping job %s failed", name)

    async def stop(self, grace: float = 10.0) -> None:
        """Stops firing, letting a batch in progress finish; the tables keep everything else."""
        self._stopping = True
        self._rearm.set()
        timer, self._timer = self._timer, None
        if self._scheduler.running:
            self._scheduler.pause()
        waiting = set(self._running) | ({timer} if timer is not None else set())
        if waiting:
            await asyncio.wait(waiting, timeout=grace)
        if timer is not None and not timer.done():
            timer.cancel()  # its batch rolls back; the next start catches it up
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._plan.clear()

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _run_timer(self) -> None:
        """Sleeps until the next due time (or the window's end), then fires what is due."""
        while not self._stopping:
            self._rearm.clear()
            try:
                if await self.tick():
                    continue
            except Exception:  # the timer must outlive any one bad schedule
                log.exception("schedule timer step failed; trying again shortly")
                await asyncio.sleep(1.0)
                continue
            wake = self.next_wake()
            delay = LONGEST_SLEEP
            if wake is not None:
                delay = min(delay, max(0.0, (wake - self._clock.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._rearm.wait(), timeout=delay)

    async def tick(self) -> int:
        """Fires what is due by the clock's now, batched per instant, moving the window when
        it has ended; returns how many schedules were due."""
        now = self._clock.now()
        horizon = self._plan.horizon
        if horizon is None or now >= horizon:
            self._plan.open(now)  # the window moves: schedules due in it join the timer
        due = self._plan.take_due(now)
        by_instant: dict[datetime, list[int]] = {}
        for at, schedule_id in due:
            by_instant.setdefault(at, []).append(schedule_id)
        try:
            for at, schedule_ids in by_instant.items():
                await self.fire_many(schedule_ids, at)
        except asyncio.CancelledError:
            log.info("%d schedules interrupted by shutdown; resume on next start", len(due))
            raise
        return len(due)

    def next_wake(self) -> datetime | None:
        """When the timer looks next: the earliest due time in the window, or its end."""
        wakes = [at for at in (self._plan.next_at(), self._plan.horizon) if at is not None]
        return min(wakes, default=None)

    async def reload(self, community_id: int | None = None) -> None:
        """Re-plans every enabled schedule (of one community), firing a missed occurrence once."""
        async with self._sessions() as session:
            timings = await ScheduleRepository(session).timings(community_id)
        enabled = {timing.id for timing in timings}
        for schedule_id in self._plan.scheduled(community_id) - enabled:
            self.unplan(schedule_id)
        await self._catch_up_or_plan(timings)

    async def _catch_up_or_plan(self, timings: Sequence[Timing]) -> None:
        """Fires each schedule's missed occurrence once (batched per instant), or plans its next."""
        now = self._clock.now()
        missed: dict[datetime, list[int]] = {}
        for timing in timings:
            occurrence = missed_occurrence(timing, now)
            if occurrence is not None:
                missed.setdefault(occurrence, []).append(timing.id)
            else:
                self._plan_timing(timing, now)
        for occurrence, schedule_ids in sorted(missed.items()):
            await self.fire_many(schedule_ids, occurrence)

    def unplan(self, schedule_id: int) -> None:
        """Removes a schedule's pending fire, if any."""
        self._plan.drop(schedule_id)

    def planned(self, schedule_id: int) -> datetime | None:
        """When the schedule will fire next (for /schedule list and tests)."""
        return self._plan.due(schedule_id)

    def _plan_timing(self, timing: Timing, after: datetime) -> None:
        at = next_occurrence(timing, max(after, timing.last_fired_at or after))
        if at is None:
            self.unplan(timing.id)
            return
        self._plan.put(timing.id, timing.community_id, at)
        self._rearm.set()

    async def fire(self, schedule_id: int, occurrence: datetime) -> bool:
        """Fires one occurrence once: enqueues its messages and records it, then plans the next."""
        return schedule_id in await self._fire_batch([schedule_id], occurrence)

    async def fire_many(self, schedule_ids: Sequence[int], occurrence: datetime) -> int:
        """Fires schedules due at the same instant, one transaction per batch; returns how many.

        A batch that fails is rolled back whole and fired again one schedule at a time, so one
        broken schedule cannot hold the others back (and none fires twice).
        """
        fired = 0
        for first in range(0, len(schedule_ids), self._batch):
            chunk = schedule_ids[first : first + self._batch]
            try:
                fired += len(await self._fire_batch(chunk, occurrence))
                continue
            except Exception:
                if len(chunk) == 1:
                    log.exception("schedule %s failed to fire for %s", chunk[0], occurrence)
                    continue
                log.warning("a batch of %d schedules failed; firing them one by one", len(chunk))
            for schedule_id in chunk:
                try:
                    fired += await self.fire(schedule_id, occurrence)
                except Exception:
                    log.exception("schedule %s failed to fire for %s", schedule_id, occurrence)
        return fired

    async def _fire_batch(self, schedule_ids: Sequence[int], occurrence: datetime) -> set[int]:
        """Fires these schedules' occurrence in one transaction; returns the ones that sent."""
        now = self._clock.now()
        fired: set[int] = set()
        follow_ups: Sequence[Schedule] = ()
        async with self._sessions() as session, session.begin():
            repo = ScheduleRepository(session)
            schedules = await repo.enabled_among(schedule_ids)
            follow_up_ids: list[int] = []
            stamped: list[int] = []
            spent: list[int] = []
            for schedule in schedules:
                handler = self._kinds.get(schedule.kind)
                outcome = await fire_in(session, schedule, occurrence, now, handler, follow_up_ids)
                if outcome is not None:
                    stamped.append(schedule.id)
                    # Written below in one UPDATE per batch, not one per schedule.
                    set_committed_value(schedule, "last_fired_at", occurrence)
                if outcome:
                    fired.add(schedule.id)
                if schedule.run_at is not None and schedule.last_fired_at is not None:
                    spent.append(schedule.id)
                    set_committed_value(schedule, "enabled", False)
            await repo.mark_fired(stamped, occurrence, spent)
            if follow_up_ids:  # schedules of their own (like a nudge), planned below
                follow_ups = await repo.enabled_among(follow_up_ids)
        for _ in fired:
            self._observer.schedule_fired((now - occurrence).total_seconds())
        if fired:
            self._on_enqueued()
        for schedule in schedules:
            if schedule.enabled:
                self._plan_timing(Timing.of(schedule), max(now, occurrence))
            else:
                self.unplan(schedule.id)
        await self._catch_up_or_plan([Timing.of(schedule) for schedule in follow_ups])
        return fired
