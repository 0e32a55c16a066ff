"""A running process's identity on PostgreSQL: an advisory lock that dies with the process.

Each outbox lease names its worker; the worker's process holds `process:<worker>` for as
long as it runs. A lease whose holder's lock is gone (SIGKILL, lost connection) is claimed
by any other process at once instead of after the lease lapses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.liveness import current_holders, dead_among
from bot.ops.leader import Leadership, lock_key
from storage import ops_repo

RETRY = 1.0
"""Seconds between attempts to take (or take back) the identity lock."""


def identity_key(worker: str) -> int:
    """The advisory-lock key a worker's process holds while it is alive."""
    return lock_key(f"process:{worker}")


class ProcessIdentity:
    """Holds this process's identity lock and judges other lease holders by theirs."""

    def __init__(self, database_url: str, worker: str, *, retry: float = RETRY) -> None:
        self.worker = worker
        self._started = False
        self._lock = Leadership(
            database_url, f"process:{worker}", self._nothing, self._nothing, retry=retry
        )

    @staticmethod
    async def _nothing() -> None:
        """The identity lock has no work of its own to start or stop."""

    async def prepare(self) -> None:
        """Takes the identity lock once (retried in the background if PostgreSQL is not there)."""
        if not self._started:
            self._started = True
            await self._lock.start()

    async def stop(self) -> None:
        """Lets go of the identity lock; call only after the dispatcher has stopped."""
        self._started = False
        await self._lock.stop()

    def ready(self) -> bool:
        """Whether the lock is held: without it, another process would take our claims."""
        return self._lock.held

    async def dead_holders(self, session: AsyncSession, me: str, now: datetime) -> list[str]:
        """Lease holders whose process no longer holds its identity lock."""
        holders = await current_holders(session, me, now)
        if not holders:
            return []
        live = await ops_repo.held_advisory_locks(session)
        return dead_among(holders, live, identity_key)
