"""The few queries operations need: is the database answering, how full is the outbox."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


async def ping(session: AsyncSession) -> None:
    """Raises unless the database answers a query on the schema (not just a connection)."""
    await session.execute(text("SELECT 1"))
    await session.execute(select(OutboxMessage.id).limit(1))


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """How many outbox rows are in each state."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {str(getattr(status, "value", status)): int(count) for status, count in rows.all()}


async def held_advisory_locks(session: AsyncSession) -> set[tuple[int, int]]:
    """(classid, objid) of every one-bigint advisory lock held in this database right now."""
    rows = await session.execute(
        text(
            "SELECT classid::bigint, objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    )
    return {(int(classid), int(objid)) for classid, objid in rows.all()}


REPLAN_CHANNEL = "mentorbot_replan"


async def announce_replan(session: AsyncSession, community_id: int) -> None:
    """PostgreSQL: tells the scheduling process, on commit, that a community's schedules
    changed (NOTIFY is delivered only if the transaction commits)."""
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": REPLAN_CHANNEL, "payload": str(community_id)},
    )
