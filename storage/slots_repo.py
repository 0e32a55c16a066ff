"""Reserves send slots on PostgreSQL, so processes share one platform-wide send rate."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_RESERVE = text(
    "INSERT INTO send_slots (platform, next_at) "
    "VALUES (:platform, extract(epoch FROM clock_timestamp())::float8 + :gap) "
    "ON CONFLICT (platform) DO UPDATE SET next_at = "
    "greatest(send_slots.next_at, extract(epoch FROM clock_timestamp())::float8) + :gap "
    "RETURNING next_at - :gap, extract(epoch FROM clock_timestamp())::float8"
)


async def reserve(session: AsyncSession, platform: str, gap: float) -> tuple[float, float]:
    """Takes the platform's next slot; returns (slot, now) in the database's epoch seconds."""
    row = (await session.execute(_RESERVE, {"platform": platform, "gap": gap})).one()
    return float(row[0]), float(row[1])
