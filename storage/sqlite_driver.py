"""SQLAlchemy's aiosqlite adapter with one trip to aiosqlite's thread per statement.

The stock cursor makes four (open a cursor, execute, fetch the rows, close it), each a queue
put, a thread wake-up and a wake-up of the event loop; on a busy machine those hops cost more
than SQLite's own work. Here one function does all four on aiosqlite's thread. The
statements, their order, the transaction and every result stay the same.
"""

from __future__ import annotations

import collections
import sqlite3
from threading import Thread
from types import ModuleType
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_only

_Outcome = tuple[Any, list[Any], int, int | None]
"""What one statement leaves: description, rows, rowcount, lastrowid."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """On aiosqlite's thread: the whole life of one cursor."""
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


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose execute is a single call on aiosqlite's thread."""

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

    async def _one_trip(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            outcome: _Outcome = await connection._execute(
                _run, connection._conn, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._one_trip(operation, seq_of_parameters, many=True)

    async def _async_soft_close(self) -> None:
        """Nothing is open on the thread once `execute` returns."""

    def close(self) -> None:
        """Drops unread rows; the sqlite3 cursor was closed on the thread."""
        self._rows.clear()

    def nextset(self) -> None:
        """SQLite has one result set per statement."""


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """The stock connection adapter, handing out `OneHopCursor`s."""

    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The stock DBAPI shim (pass as `module=`), connecting with `OneHopConnection`."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        """Opens an aiosqlite connection (its thread a daemon, as the stock shim does)."""
        creator = kw.pop("async_creator_fn", None)
        connection = creator(*arg, **kw) if creator else self.aiosqlite.connect(*arg, **kw)
        thread = connection if isinstance(connection, Thread) else connection._thread
        thread.daemon = True
        return OneHopConnection(self, await_only(connection))


def one_hop_dbapi() -> OneHopDbapi | None:
    """The shim, or None when this aiosqlite lacks the internals it relies on."""
    needed: tuple[tuple[ModuleType | type, str], ...] = (
        (aiosqlite.Connection, "_execute"),
        (aiosqlite.Connection, "_conn"),
    )
    if not all(hasattr(owner, name) for owner, name in needed):
        return None
    return OneHopDbapi(aiosqlite, sqlite3)
