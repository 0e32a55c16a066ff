"""SQLite statements run on the loop's thread, keep every DBAPI result, and wait for a taken
lock on aiosqlite's thread without stopping the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select, text, update

from storage.db import Database
from storage.models import Person
from storage.sqlite_driver import InlineConnection


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
    """Another connection holds the write lock for 0.4 s: the loop keeps ticking meanwhile,
    and the transaction goes on once the lock is free."""
    path = str(database.engine.url.database)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.4, other.commit)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    released.start()
    try:
        now = datetime(2026, 11, 23, tzinfo=UTC)
        async with database.sessions() as session, session.begin():
            session.add(Person(display_name="waited", created_at=now))
    finally:
        ticking.cancel()
        released.join()
        other.close()
    assert ticks >= 20  # the loop ran while the lock was waited for
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
