"""One schedule's occurrence fired inside a transaction: the handler's view, at most once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.timing import local_date_of
from storage.models import Schedule

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


def is_paused_on(schedule: Schedule, local_day: date) -> bool:
    """Whether a pause covers this local day."""
    return schedule.paused_until is not None and local_day <= schedule.paused_until


async def fire_in(
    session: AsyncSession,
    schedule: Schedule,
    occurrence: datetime,
    now: datetime,
    handler: FireHandler | None,
    follow_ups: list[int],
) -> bool | None:
    """Fires one loaded schedule in the batch's transaction: True when it sent, False when it
    was skipped (to be recorded as fired), None when there is nothing to record."""
    if schedule.last_fired_at is not None and schedule.last_fired_at >= occurrence:
        return None
    local_day = local_date_of(occurrence, zone_of(schedule))
    if is_paused_on(schedule, local_day):
        return False  # a paused day is skipped (recorded as fired), not owed
    late = now - occurrence
    if late > timedelta(seconds=schedule.grace_seconds):
        log.warning(
            "schedule %s (%s) missed by %s, beyond its grace: skipped",
            schedule.id,
            schedule.kind,
            late,
        )
        return False
    if handler is None:
        log.error(
            "schedule %s has kind %r, which this build cannot fire", schedule.id, schedule.kind
        )
        return None
    firing = Firing(
        session, schedule, occurrence, local_date_of(occurrence, zone_of(schedule)), now
    )
    await handler(firing)
    follow_ups.extend(firing.follow_ups)
    return True
