"""One process at a time holds a role, by a PostgreSQL advisory lock on its own connection."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

RETRY = 3.0
"""Seconds between a standby's attempts, and between a holder's checks of its connection."""


def lock_key(role: str) -> int:
    """A stable signed 64-bit advisory-lock key for a role name."""
    digest = hashlib.sha256(f"mentorbot:{role}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def asyncpg_dsn(database_url: str) -> str:
    """The plain libpq DSN asyncpg takes, from a SQLAlchemy `postgresql+asyncpg://` URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def is_postgres(database_url: str) -> bool:
    """Whether several processes may share this database (and so must elect leaders)."""
    return make_url(database_url).get_backend_name() == "postgresql"


Connect = Callable[[str], Awaitable[Any]]


class Leadership:
    """Tries for the role's lock; runs `on_gain` when it gets it and `on_loss` when it goes.

    The lock is session-level on a dedicated connection outside any pool, so it lives exactly
    as long as that connection: a process that dies or loses its connection loses the role,
    and a standby retrying every RETRY seconds takes it over.
    """

    def __init__(
        self,
        database_url: str,
        role: str,
        on_gain: Callable[[], Awaitable[None]],
        on_loss: Callable[[], Awaitable[None]],
        *,
        retry: float = RETRY,
        connect: Connect | None = None,
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self.role = role
        self._key = lock_key(role)
        self._on_gain = on_gain
        self._on_loss = on_loss
        self._retry = retry
        if connect is None:
            import asyncpg  # here: a SQLite process never loads it (start-up)

            connect = asyncpg.connect
        self._connect: Connect = connect
        self._connection: Any = None
        self._lost = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.held = False

    async def start(self) -> None:
        """Makes a first attempt now (a lone process leads at once), then keeps trying."""
        await self._attempt()
        self._task = asyncio.create_task(self._run(), name=f"leader-{self.role}")

    async def stop(self) -> None:
        """Gives the role up (the next process takes it within RETRY seconds) and disconnects."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._give_up()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            if self.held:
                await self._watch()
            else:
                await self._pause(self._retry)
                if not self._stopping.is_set():
                    await self._attempt()

    async def _attempt(self) -> None:
        """One try for the lock; on success the role's work starts."""
        import asyncpg

        try:
            connection = await self._connect(self._dsn)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            log.warning("leader %s: cannot reach PostgreSQL (%s)", self.role, type(error).__name__)
            return
        try:
            got = await connection.fetchval("SELECT pg_try_advisory_lock($1)", self._key)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            await _close(connection)
            return
        if not got:
            await _close(connection)
            return
        self._connection = connection
        self._lost.clear()
        connection.add_termination_listener(lambda _connection: self._lost.set())
        self.held = True
        log.info("leader %s: this process now holds the role", self.role)
        try:
            await self._on_gain()
        except Exception:
            log.exception("leader %s: starting the role failed; giving it up", self.role)
            await self._give_up()

    async def _watch(self) -> None:
        """Waits until the lock's connection drops (checked every RETRY seconds too)."""
        await self._pause(self._retry, self._lost)
        if self._stopping.is_set():
            return
        alive = not self._lost.is_set()
        if alive:
            import asyncpg

            try:
                await asyncio.wait_for(self._connection.fetchval("SELECT 1"), self._retry)
            except (OSError, asyncpg.PostgresError, TimeoutError, asyncpg.InterfaceError):
                alive = False
        if not alive:
            log.warning("leader %s: lost the lock's connection; standing by", self.role)
            await self._give_up()

    async def _give_up(self) -> None:
        connection, self._connection = self._connection, None
        was_held, self.held = self.held, False
        if was_held:
            try:
                await self._on_loss()
            except Exception:
                log.exception("leader %s: stopping the role failed", self.role)
        if connection is not None:
            with contextlib.suppress(Exception):
                if not connection.is_closed():
                    await connection.fetchval("SELECT pg_advisory_unlock($1)", self._key)
            await _close(connection)

    async def _pause(self, seconds: float, *events: asyncio.Event) -> None:
        """Sleeps up to `seconds`, waking early on stop or any of `events`."""
        waiters = [asyncio.ensure_future(e.wait()) for e in (self._stopping, *events)]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


async def _close(connection: Any) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), 2.0)
