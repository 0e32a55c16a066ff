"""Storage: migrations match the models, SQLite runs with WAL and foreign keys."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.app import Core
from bot.core.context import Ctx
from bot.core.registry import CommandSpec
from storage.db import Database, alembic_config, migration_head
from storage.models import Base, Person, managed_by_models
from tests.harness import ChatDriver


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": managed_by_models}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_models(db_url: str) -> None:
    database = Database(db_url)
    try:
        await database.upgrade()  # a second upgrade is a no-op
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert migration_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_start_up_skips_alembic_only_at_head(tmp_path: object) -> None:
    """A new database and one a migration behind are both brought to head."""
    from alembic import command

    database = Database(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    try:
        assert await database.applied_revisions() is None
        await database.upgrade()
        assert await database.applied_revisions() == [migration_head()]

        def one_back(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), "-1")

        async with database.engine.begin() as connection:
            await connection.run_sync(one_back)
        assert await database.applied_revisions() != [migration_head()]
        await database.upgrade()
        assert await database.applied_revisions() == [migration_head()]
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()


async def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: object) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/p.db")
    try:
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await database.dispose()


async def test_naive_datetimes_are_refused(core: Core) -> None:
    async with core.database.sessions() as session:
        session.add(Person(display_name="x", created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            await session.flush()


async def test_times_come_back_aware_utc(core: Core) -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    async with core.database.sessions() as session, session.begin():
        person = Person(display_name="x", created_at=moment)
        session.add(person)
    async with core.database.sessions() as session:
        loaded = await session.get(Person, person.id)
        assert loaded is not None
        assert loaded.created_at == moment
        assert loaded.created_at.tzinfo is not None


async def test_crash_in_handler_rolls_back_and_answers(
    chat: ChatDriver, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(ctx: Ctx, args: object) -> None:
        ctx.person.display_name = "half-written"
        await ctx.repo.session.flush()
        raise RuntimeError("boom")

    core.registry.add_command(CommandSpec("explode", "Crashes", explode, "/explode"))
    with caplog.at_level(logging.ERROR):
        out = await chat.say("alice", "group-a", "/explode")
    assert "something went wrong on my side" in out
    assert "boom" not in out
    assert any("unhandled error" in record.message for record in caplog.records)
    assert "Traceback" not in out
    async with core.database.sessions() as session:
        names = (await session.execute(text("SELECT display_name FROM people"))).scalars().all()
        assert "half-written" not in names
