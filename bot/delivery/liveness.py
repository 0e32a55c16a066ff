"""Which outbox lease holders are gone, so their rows are claimed at once, not after the lease."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus


class Liveness(Protocol):
    """Tells a dispatcher whether it may claim, and which other holders are dead."""

    async def prepare(self) -> None:
        """Establishes this process's identity (idempotent); the dispatcher calls it first."""
        ...

    def ready(self) -> bool:
        """Whether this process's identity is established (no claims before it is)."""
        ...

    async def dead_holders(self, session: AsyncSession, me: str, now: datetime) -> list[str]:
        """Workers other than `me` that hold unexpired leases but are no longer running."""
        ...


async def current_holders(session: AsyncSession, me: str, now: datetime) -> list[str]:
    """Workers other than `me` holding a lease that has not lapsed yet."""
    rows = await session.scalars(
        select(OutboxMessage.leased_by)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.lease_until >= now,
            OutboxMessage.leased_by.is_not(None),
            OutboxMessage.leased_by != me,
        )
        .distinct()
    )
    return [holder for holder in rows.all() if holder is not None]


class SingleProcess:
    """SQLite: the file lock admits one process, so every other holder is a dead predecessor."""

    async def prepare(self) -> None:
        """Nothing to establish: the process lock was taken at start."""

    def ready(self) -> bool:
        """Always: the process lock was taken before the dispatcher started."""
        return True

    async def dead_holders(self, session: AsyncSession, me: str, now: datetime) -> list[str]:
        """Every other holder: a restarted process reclaims its predecessor's claims at once."""
        return await current_holders(session, me, now)


def unsigned_halves(key: int) -> tuple[int, int]:
    """The (classid, objid) pair pg_locks shows for a one-bigint advisory lock."""
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def dead_among(holders: Sequence[str], live: set[tuple[int, int]], key_of: KeyOf) -> list[str]:
    """The holders whose identity lock nobody holds any more."""
    return [holder for holder in holders if unsigned_halves(key_of(holder)) not in live]


class KeyOf(Protocol):
    """Maps a worker id to the advisory-lock key its process holds while it runs."""

    def __call__(self, worker: str) -> int: ...
