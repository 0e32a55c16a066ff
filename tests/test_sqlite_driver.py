"""SQLite statements make one trip to aiosqlite's thread and keep every DBAPI result."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select, text, update

from storage.db import Database
from storage.models import Person
from storage.sqlite_driver import OneHopConnection


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file."""
    instance = Database(f"sqlite+aiosqlite:///{tmp_path / 'one_hop.db'}")
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


async def test_the_engine_uses_the_one_hop_adapter(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.dbapi_connection, OneHopConnection)


async def test_a_select_is_one_trip(database: Database, trips: list[str]) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # checkout and BEGIN out of the way
        trips.clear()
        rows = (await connection.execute(text("SELECT 1, 'two' UNION ALL SELECT 3, 'x'"))).all()
    assert [tuple(row) for row in rows] == [(1, "two"), (3, "x")]
    assert trips[0] == "_run"
    assert trips.count("_run") == 1


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
