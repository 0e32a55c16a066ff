"""Schedule changes made in another process (a `mentorbot web`, a standby bot) reach the one
that schedules: PostgreSQL NOTIFY from the changer, LISTEN on the scheduler's connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.ops.leader import asyncpg_dsn
from storage.ops_repo import REPLAN_CHANNEL

log = logging.getLogger(__name__)


class ReplanListener:
    """While this process schedules, re-plans each community another process announces."""

    def __init__(self, database_url: str, replan: Callable[[int], Awaitable[None]]) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._replan = replan
        self._connection: Any = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Opens its own connection and listens; a failure leaves re-plans to the next start."""
        import asyncpg  # here: a SQLite process never loads it (start-up)

        try:
            self._connection = await asyncpg.connect(self._dsn)
            await self._connection.add_listener(REPLAN_CHANNEL, self._heard)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            log.warning("replan: cannot listen for schedule changes of other processes")
            await self.stop()

    def _heard(self, connection: object, pid: int, channel: str, payload: str) -> None:
        if not (payload.isascii() and payload.isdigit()):
            return
        task = asyncio.create_task(self._run(int(payload)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, community_id: int) -> None:
        try:
            await self._replan(community_id)
        except Exception:
            log.exception("replan of community %s failed", community_id)

    async def stop(self) -> None:
        """Stops listening and closes the connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 2.0)
        for task in list(self._tasks):
            task.cancel()
