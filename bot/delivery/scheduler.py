"""Fires each schedule row at its local wall-clock time through APScheduler, at most once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.delivery.observe import DeliveryObserver, Unobserved
from bot.delivery.timing import day_span, last_fire_at_or_before, local_date_of, next_fire
from storage.models import Schedule
from storage.schedule_repo import ScheduleRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Firing:
    """One occurrence of a schedule being fired, inside its database transaction."""

    session: AsyncSession
    schedule: Schedule
    occurrence: datetime
    local_date: date
    now: datetime
    follow_ups: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The idempotency-key stem: kind, schedule and local date."""
        return f"{self.schedule.kind}:{self.schedule.id}:{self.local_date.isoformat()}"


FireHandler = Callable[[Firing], Awaitable[None]]


def zone_of(schedule: Schedule) -> str:
    """A schedule runs in its own timezone if set, else its community's."""
    return schedule.timezone or schedule.community.timezone


def upcoming(schedule: Schedule, after: datetime) -> datetime | None:
    """The next occurrence strictly after `after` (and after a pause), or None for a spent
    one-off."""
    if schedule.run_at is not None:
        fired = schedule.last_fired_at is not None
        return None if fired else schedule.run_at
    zone = zone_of(schedule)
    if schedule.paused_until is not None:
        resumes, _ = day_span(zone, schedule.paused_until + timedelta(days=1))
        after = max(after, resumes - timedelta(microseconds=1))
    return next_fire(schedule.local_time, schedule.days, zone, after)


def is_paused_on(schedule: Schedule, local_day: date) -> bool:
    """Whether a pause covers this local day."""
    return schedule.paused_until is not None and local_day <= schedule.paused_until


class ScheduleEngine:
    """Keeps one APScheduler job per enabled schedule, rebuilt from the tables on start."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_enqueued: Callable[[], None],
        scheduler: AsyncIOScheduler | None = None,
        *,
        autonomous: bool = True,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self._sessions = sessions
        self._observer: DeliveryObserver = observer or Unobserved()
        # False for a clock that a test moves by hand: APScheduler keeps the plan on the real
        # clock and would fire "overdue" jobs at once, so only the test fires them.
        self._autonomous = autonomous
        self._clock = clock
        self._on_enqueued = on_enqueued
        self._scheduler = scheduler or AsyncIOScheduler(timezone="UTC")
        self._kinds: dict[str, FireHandler] = {}
        self._community_of: dict[int, int] = {}
        self._planned_in: dict[int, set[int]] = {}
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
        """Starts APScheduler, catches up on fires missed while down, plans the next ones."""
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
        await self.reload()

    async def _run_housekeeping(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        self._track()
        try:
            await job()
        except asyncio.CancelledError:
            log.info("housekeeping job %s stopped by shutdown", name)
        except Exception:
            log.exception("housekeeping job %s failed", name)

    async def stop(self, grace: float = 10.0) -> None:
        """Stops firing, letting jobs in progress finish; the tables keep everything else."""
        if self._scheduler.running:
            self._scheduler.pause()
            if self._running:
                await asyncio.wait(set(self._running), timeout=grace)
            self._scheduler.shutdown(wait=False)

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def reload(self, community_id: int | None = None) -> None:
        """Re-plans every enabled schedule (of one community), firing a missed occurrence once."""
        async with self._sessions() as session:
            schedules = await ScheduleRepository(session).enabled(community_id)
            session.expunge_all()
        enabled = {schedule.id for schedule in schedules}
        if community_id is None:
            planned = set(self._community_of)
        else:
            planned = set(self._planned_in.get(community_id, ()))
        for schedule_id in planned - enabled:
            self.unplan(schedule_id)
        await self._catch_up_or_plan(schedules)

    async def _catch_up_or_plan(self, schedules: Sequence[Schedule]) -> None:
        """Fires each schedule's missed occurrence once, or plans its next one."""
        now = self._clock.now()
        for schedule in schedules:
            missed = self._missed(schedule, now)
            if missed is not None:
                await self.fire(schedule.id, missed)
            else:
                self._plan(schedule, now)

    def _missed(self, schedule: Schedule, now: datetime) -> datetime | None:
        if schedule.run_at is not None:
            return (
                schedule.run_at
                if schedule.last_fired_at is None and schedule.run_at <= now
                else None
            )
        latest = last_fire_at_or_before(schedule.local_time, schedule.days, zone_of(schedule), now)
        if latest is None or latest < schedule.created_at:
            return None
        if schedule.last_fired_at is not None and latest <= schedule.last_fired_at:
            return None
        return latest

    def unplan(self, schedule_id: int) -> None:
        """Removes a schedule's pending job, if any."""
        owner = self._community_of.pop(schedule_id, None)
        if owner is not None:
            in_community = self._planned_in.get(owner)
            if in_community is not None:
                in_community.discard(schedule_id)
                if not in_community:
                    del self._planned_in[owner]
        job = self._scheduler.get_job(f"schedule:{schedule_id}")
        if job is not None:
            job.remove()

    def planned(self, schedule_id: int) -> datetime | None:
        """When the schedule's job will run next (for /schedule list and tests)."""
        job = self._scheduler.get_job(f"schedule:{schedule_id}")
        return None if job is None else job.next_run_time

    def _plan(self, schedule: Schedule, after: datetime) -> None:
        at = upcoming(schedule, max(after, schedule.last_fired_at or after))
        if at is None:
            self.unplan(schedule.id)
            return
        owner = self._community_of.get(schedule.id)
        if owner != schedule.community_id:
            if owner is not None:
                self.unplan(schedule.id)
            self._community_of[schedule.id] = schedule.community_id
            self._planned_in.setdefault(schedule.community_id, set()).add(schedule.id)
        self._scheduler.add_job(
            self._run_job,
            DateTrigger(run_date=at),
            args=[schedule.id, at],
            id=f"schedule:{schedule.id}",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    async def _run_job(self, schedule_id: int, occurrence: datetime) -> None:
        self._track()
        try:
            await self.fire(schedule_id, occurrence)
        except asyncio.CancelledError:
            log.info("schedule %s interrupted by shutdown; resumes on next start", schedule_id)
        except Exception:
            log.exception("schedule %s failed to fire for %s", schedule_id, occurrence)

    async def fire(self, schedule_id: int, occurrence: datetime) -> bool:
        """Fires one occurrence once: enqueues its messages and records it, then plans the next."""
        now = self._clock.now()
        fired = False
        follow_ups: Sequence[Schedule] = ()
        async with self._sessions() as session, session.begin():
            repo = ScheduleRepository(session)
            schedule = await repo.get(schedule_id)
            if schedule is None or not schedule.enabled:
                return False
            already = schedule.last_fired_at is not None and schedule.last_fired_at >= occurrence
            late = now - occurrence
            handler = self._kinds.get(schedule.kind)
            if already:
                pass
            elif is_paused_on(schedule, local_date_of(occurrence, zone_of(schedule))):
                schedule.last_fired_at = occurrence  # a paused day is skipped, not owed
            elif late > timedelta(seconds=schedule.grace_seconds):
                log.warning(
                    "schedule %s (%s) missed by %s, beyond its grace: skipped",
                    schedule.id,
                    schedule.kind,
                    late,
                )
                schedule.last_fired_at = occurrence
            elif handler is None:
                log.error(
                    "schedule %s has kind %r, which this build cannot fire",
                    schedule.id,
                    schedule.kind,
                )
            else:
                local_day = local_date_of(occurrence, zone_of(schedule))
                firing = Firing(session, schedule, occurrence, local_day, now)
                await handler(firing)
                if firing.follow_ups:  # schedules of its own (like a nudge), planned below
                    follow_ups = await repo.enabled_among(firing.follow_ups)
                schedule.last_fired_at = occurrence
                fired = True
            if schedule.run_at is not None and schedule.last_fired_at is not None:
                schedule.enabled = False
        if fired:
            self._observer.schedule_fired((now - occurrence).total_seconds())
            self._on_enqueued()
        if schedule.enabled:
            self._plan(schedule, max(now, occurrence))
        else:
            self.unplan(schedule.id)
        await self._catch_up_or_plan(follow_ups)
        return fired
