"""Schedule rows: the source of truth the scheduler is rebuilt from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage.models import Community, Schedule


@dataclass(frozen=True, slots=True)
class Timing:
    """What planning a schedule needs, read as plain columns (no ORM objects at start-up)."""

    id: int
    community_id: int
    local_time: str
    days: str
    zone: str
    run_at: datetime | None
    last_fired_at: datetime | None
    created_at: datetime
    paused_until: date | None = None

    @classmethod
    def of(cls, schedule: Schedule) -> Timing:
        """The timing of a loaded schedule (its community loaded too)."""
        return cls(
            schedule.id,
            schedule.community_id,
            schedule.local_time,
            schedule.days,
            schedule.timezone or schedule.community.timezone,
            schedule.run_at,
            schedule.last_fired_at,
            schedule.created_at,
            schedule.paused_until,
        )


class ScheduleRepository:
    """Reads and writes of the schedules table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        community_id: int,
        kind: str,
        local_time: str,
        days: str,
        now: datetime,
        *,
        created_by: int | None = None,
        text: str | None = None,
        run_at: datetime | None = None,
        grace_seconds: int = 7200,
    ) -> Schedule:
        """Creates an enabled schedule."""
        schedule = Schedule(
            community_id=community_id,
            kind=kind,
            local_time=local_time,
            days=days,
            enabled=True,
            text=text,
            run_at=run_at,
            grace_seconds=grace_seconds,
            created_by=created_by,
            created_at=now,
        )
        self.session.add(schedule)
        await self.session.flush()
        return schedule

    async def get(self, schedule_id: int) -> Schedule | None:
        """One schedule with its community loaded, in one statement."""
        return await self.session.scalar(
            select(Schedule)
            .options(joinedload(Schedule.community))
            .where(Schedule.id == schedule_id)
        )

    async def enabled(self, community_id: int | None = None) -> Sequence[Schedule]:
        """Every enabled schedule (of one community, when given), with communities loaded."""
        query = (
            select(Schedule)
            .options(selectinload(Schedule.community))
            .where(Schedule.enabled.is_(True))
            .order_by(Schedule.id)
        )
        if community_id is not None:
            query = query.where(Schedule.community_id == community_id)
        return list((await self.session.scalars(query)).all())

    async def timings(self, community_id: int | None = None) -> list[Timing]:
        """The timing of every enabled schedule (of one community), in one plain SELECT."""
        query = (
            select(
                Schedule.id,
                Schedule.community_id,
                Schedule.local_time,
                Schedule.days,
                func.coalesce(Schedule.timezone, Community.timezone),
                Schedule.run_at,
                Schedule.last_fired_at,
                Schedule.created_at,
                Schedule.paused_until,
            )
            .join(Community, Community.id == Schedule.community_id)
            .where(Schedule.enabled.is_(True))
            .order_by(Schedule.id)
        )
        if community_id is not None:
            query = query.where(Schedule.community_id == community_id)
        return [Timing(*row) for row in (await self.session.execute(query)).all()]

    async def enabled_among(self, schedule_ids: Sequence[int]) -> Sequence[Schedule]:
        """The enabled ones of these schedules, with communities loaded, in one statement."""
        query = (
            select(Schedule)
            .options(joinedload(Schedule.community))
            .where(Schedule.id.in_(list(schedule_ids)), Schedule.enabled.is_(True))
            .order_by(Schedule.id)
        )
        return list((await self.session.scalars(query)).all())

    async def mark_fired(
        self, schedule_ids: Sequence[int], occurrence: datetime, spent: Sequence[int]
    ) -> None:
        """Records a batch's occurrence as fired (or skipped) and disables its spent one-offs."""
        for ids, values in (
            (schedule_ids, {"last_fired_at": occurrence}),
            (spent, {"enabled": False}),
        ):
            if ids:
                await self.session.execute(
                    update(Schedule)
                    .where(Schedule.id.in_(list(ids)))
                    .values(values)
                    .execution_options(synchronize_session=False)
                )

    async def of_kind(self, community_id: int, kind: str) -> Sequence[Schedule]:
        """The enabled schedules of one kind in a community."""
        query = select(Schedule).where(
            Schedule.community_id == community_id, Schedule.kind == kind, Schedule.enabled.is_(True)
        )
        return list((await self.session.scalars(query)).all())
