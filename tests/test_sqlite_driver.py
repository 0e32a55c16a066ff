"""SQLite statements run on the loop's thread, keep every DBAPI result, and wait for a taken
lock on aiosqlite's thread without stopping the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select, text, update

from storage.db import Database
from storage.models import Person
from storage.sqlite_driver import InlineConnection, _lock_taken


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file."""
    instance = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await instance.upgrade()
    yield instance
    await instance.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to aiosqlite's thread."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return seen


async def test_the_engine_uses_the_inline_adapter(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.dbapi_connection, InlineConnection)


async def test_a_transaction_makes_no_trip_to_the_thread(
    database: Database, trips: list[str]
) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # checkout out of the way
        await connection.commit()
        trips.clear()
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        rows = (await connection.execute(text("SELECT 1, 'two' UNION ALL SELECT 3, 'x'"))).all()
        await connection.commit()
        await connection.execute(text("INSERT INTO t VALUES (1)"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    assert [tuple(row) for row in rows] == [(1, "two"), (3, "x")]
    assert trips == []


async def test_a_taken_lock_is_waited_for_without_stopping_the_loop(
    database: Database, trips: list[str]
) -> None:
    """Another connection holds the write lock until a coroutine on the loop has ticked 20
    times and lets it go: only a loop that keeps running while the lock is waited for gets
    there (a wait on the loop would stall the ticker and fail with "database is locked")."""
    path = str(database.engine.url.database)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0
    longest_stall = 0.0  # a wait on the loop would stall it for the whole busy timeout (10 s)

    async def ticker() -> None:
        nonlocal ticks, longest_stall
        while ticks < 20:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            longest_stall = max(longest_stall, time.monotonic() - before)
            ticks += 1
        other.commit()

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # the ticker is asleep in its first tick before the transaction
    try:
        now = datetime(2026, 11, 23, tzinfo=UTC)
        async with database.sessions() as session, session.begin():
            session.add(Person(display_name="waited", created_at=now))
        await ticking
    finally:
        ticking.cancel()
        other.close()
    assert ticks == 20
    assert longest_stall < 5.0
    assert "_run_waiting" in trips
    async with database.sessions() as session:
        assert await session.scalar(select(Person.display_name)) == "waited"


async def test_inserts_updates_and_returning_keep_ids_and_counts(database: Database) -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with database.sessions() as session, session.begin():
        people = [Person(display_name=f"P{number}", created_at=now) for number in range(3)]
        session.add_all(people)
        await session.flush()  # ids from lastrowid or RETURNING
        ids = [person.id for person in people]
        assert len(set(ids)) == 3
        assert all(isinstance(value, int) for value in ids)
        changed = await session.execute(
            update(Person).where(Person.id.in_(ids[:2])).values(display_name="renamed")
        )
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        returned = await session.execute(
            update(Person)
            .where(Person.id == ids[2])
            .values(display_name="last")
            .returning(Person.id)
        )
        assert returned.scalars().all() == [ids[2]]
    async with database.sessions() as session:
        names = await session.scalars(select(Person.display_name).order_by(Person.id))
        assert list(names) == ["renamed", "renamed", "last"]
        assert await session.scalar(select(func.count()).select_from(Person)) == 3


async def test_an_error_leaves_the_connection_usable(database: Database) -> None:
    async with database.engine.connect() as connection:
        with pytest.raises(Exception, match="no such table"):
            await connection.execute(text("SELECT * FROM nowhere"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT 2"))).scalar() == 2


async def test_a_long_session_runs_on_the_thread_and_leaves_the_connection_inline(
    database: Database, trips: list[str]
) -> None:
    """The dashboard's sessions (OFF_LOOP) keep the loop free; the next transaction on the
    same pooled connection is back in place."""
    now = datetime(2026, 11, 23, tzinfo=UTC)
    async with database.long_sessions() as session, session.begin():
        session.add(Person(display_name="long", created_at=now))
        await session.flush()
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
    assert trips.count("_run_waiting") >= 3  # BEGIN, the INSERT, the SELECT
    assert "_end_waiting" in trips  # and the COMMIT
    trips.clear()
    async with database.sessions() as session, session.begin():
        assert await session.scalar(select(Person.display_name)) == "long"
    assert trips == []


@pytest.mark.parametrize(
    ("code", "taken"),
    [
        (5, True),  # SQLITE_BUSY
        (261, True),  # SQLITE_BUSY_RECOVERY
        (773, True),  # SQLITE_BUSY_TIMEOUT
        (517, False),  # SQLITE_BUSY_SNAPSHOT: a stale snapshot, waiting cannot help
        (6, False),  # SQLITE_LOCKED: a conflict inside this connection
        (1, False),  # SQLITE_ERROR
    ],
)
def test_which_errors_mean_a_lock_to_wait_for(code: int, taken: bool) -> None:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    assert _lock_taken(error) is taken
