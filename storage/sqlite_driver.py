"""SQLAlchemy's aiosqlite adapter running each statement on the event loop's own thread.

The stock cursor sends every statement to aiosqlite's thread (four trips: open a cursor,
execute, fetch, close), each a queue put, a thread wake-up, a wake-up of the event loop and
a fight for the GIL; for SQLite's own work of tens of microseconds that was a third of a
`/checkin`. SQLite is one process with one pooled connection here (SPEC: a second process
on the file exits), so statements already run one at a time; doing them in place only stops
paying for the hops. The one wait SQLite can have, another connection's write lock, is not
waited for on the loop: the connection's busy timeout is 0, and a statement that finds the
lock taken is run again on aiosqlite's thread, which waits for it as before. A transaction
begun with the `OFF_LOOP` execution option (the dashboard's pages, `/export`: reads that may
take long on a big database) runs wholly on that thread, so the loop keeps serving meanwhile.
The statements, their order, the transaction and every result stay the same.
"""

from __future__ import annotations

import collections
import contextlib
import sqlite3
from collections.abc import Iterator
from threading import Thread
from types import ModuleType
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_only

_Outcome = tuple[Any, list[Any], int, int | None]
"""What one statement leaves: description, rows, rowcount, lastrowid."""

LOCK_WAIT_MS = 10_000
"""How long a statement that found the write lock taken waits for it (on the thread)."""
SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517  # a stale read snapshot: waiting cannot help
OFF_LOOP = "mentorbot_off_loop"
"""Execution option: this transaction's statements run on aiosqlite's thread."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """The whole life of one cursor, in one call."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


@contextlib.contextmanager
def _lock_wait(connection: sqlite3.Connection) -> Iterator[None]:
    """On aiosqlite's thread: waits up to LOCK_WAIT_MS for a lock, then back to not waiting."""
    connection.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    try:
        yield
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def _run_waiting(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool = False
) -> _Outcome:
    """The statement, waiting for the lock if another connection has it."""
    with _lock_wait(connection):
        return _run(connection, operation, parameters, many)


def _end_waiting(connection: sqlite3.Connection, commit: bool) -> None:
    """COMMIT (or ROLLBACK), waiting for the lock if it must."""
    with _lock_wait(connection):
        connection.commit() if commit else connection.rollback()


def _lock_taken(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY and its kinds: another connection holds a lock (the statement did nothing)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == SQLITE_BUSY and code != SQLITE_BUSY_SNAPSHOT


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statements run in place, without a trip to another thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor: no hop here
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        """The last statement's columns (None for one that returns no rows)."""
        return self._description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed (or returned, for DML with RETURNING)."""
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        """The rowid of the last inserted row."""
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        """Rows per fetchmany() by default, as sqlite3's cursor has it."""
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        """Ignored: every row is fetched at once."""

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        # A coroutine (awaited through SQLAlchemy's greenlet, which requires one) that only
        # suspends off the loop: a long transaction, or a lock to wait for.
        if self._off_loop:
            self._keep(await self._on_thread(operation, parameters, many=False))
            return
        try:
            outcome = _run(self._connection._conn, operation, parameters, many=False)
        except sqlite3.OperationalError as error:
            if not _lock_taken(error):
                raise
            outcome = await self._on_thread(operation, parameters, many=False)
        self._keep(outcome)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        # A batch runs inside a transaction, which already holds the lock: nothing to wait for.
        if self._off_loop:
            self._keep(await self._on_thread(operation, seq_of_parameters, many=True))
            return
        self._keep(_run(self._connection._conn, operation, seq_of_parameters, many=True))

    @property
    def _off_loop(self) -> bool:
        return cast("InlineConnection", self._adapt_connection).off_loop

    async def _on_thread(self, operation: Any, parameters: Any, *, many: bool) -> _Outcome:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            outcome: _Outcome = await connection._execute(
                _run_waiting, connection._conn, operation, parameters, many
            )
        return outcome

    def _keep(self, outcome: _Outcome) -> None:
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        """Nothing stays open once `execute` returns."""

    def close(self) -> None:
        """Drops unread rows; the sqlite3 cursor was closed with its statement."""
        self._rows.clear()

    def nextset(self) -> None:
        """SQLite has one result set per statement."""


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    """The stock connection adapter with `InlineCursor`s; commit and rollback in place too."""

    __slots__ = ("off_loop",)
    _cursor_cls = InlineCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.off_loop = False
        """Set per transaction at its BEGIN (from the `OFF_LOOP` execution option)."""

    def commit(self) -> None:
        """Ends the transaction (WAL: with the write lock held there is nothing to wait for)."""
        self._end(commit=True)

    def rollback(self) -> None:
        """Undoes the transaction."""
        self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        if not self._connection._connection:
            return
        connection = self._connection._conn
        try:
            if self.off_loop:
                await_only(self._connection._execute(_end_waiting, connection, commit))
                return
            try:
                connection.commit() if commit else connection.rollback()
            except sqlite3.OperationalError as error:
                if not _lock_taken(error):  # a rollback journal may wait for readers
                    raise
                await_only(self._connection._execute(_end_waiting, connection, commit))
        except Exception as error:
            self._handle_exception(error)
        finally:
            self.off_loop = False


class InlineDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The stock DBAPI shim (pass as `module=`), connecting with `InlineConnection`."""

    def connect(self, *arg: Any, **kw: Any) -> InlineConnection:
        """Opens an aiosqlite connection usable from the loop's thread, busy timeout 0."""
        creator = kw.pop("async_creator_fn", None)
        kw["check_same_thread"] = False  # statements run here, open and close on its thread
        kw["timeout"] = 0  # a taken lock is waited for on the thread, never on the loop
        connection = creator(*arg, **kw) if creator else self.aiosqlite.connect(*arg, **kw)
        thread = connection if isinstance(connection, Thread) else connection._thread
        thread.daemon = True
        return InlineConnection(self, await_only(connection))


def inline_dbapi() -> InlineDbapi | None:
    """The shim, or None when this aiosqlite lacks the internals it relies on."""
    needed: tuple[tuple[ModuleType | type, str], ...] = (
        (aiosqlite.Connection, "_execute"),
        (aiosqlite.Connection, "_conn"),
    )
    if not all(hasattr(owner, name) for owner, name in needed):
        return None
    return InlineDbapi(aiosqlite, sqlite3)
