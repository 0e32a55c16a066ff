"""Fixtures: every database test runs on SQLite and on a real PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Core
from bot.config import Settings
from storage.db import Database
from storage.models import Base
from tests.harness import ChatDriver, FakeClock

# `both`: Telegram and Discord at once; `telegram_bot` or `discord_bot`: one real adapter.
pytest_plugins = ["tests.both_platforms", "tests.one_platform", "tests.dashboard_world"]

POSTGRES_SERVER = os.environ.get(
    "MENTORBOT_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
_skipped_postgres: list[str] = []


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()


async def _create_postgres_database(name: str) -> str:
    admin = create_async_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"


async def _drop_postgres_database(name: str) -> None:
    admin = create_async_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A migrated PostgreSQL database for this test run, or None when none can be had."""
    name = f"mentorbot_test_{uuid.uuid4().hex[:10]}"
    try:
        url = asyncio.run(_create_postgres_database(name))
        asyncio.run(_migrate(url))
    except (OSError, Exception) as error:
        _skipped_postgres.append(f"{type(error).__name__}: {error}")
        yield None
        return
    yield url
    asyncio.run(_drop_postgres_database(name))


async def _truncate(url: str) -> None:
    """Empties every table and restarts every id, as a fresh database would have them.

    DELETE, not TRUNCATE: TRUNCATE gives each of the ~40 tables and their indexes new files
    (about 270 ms per test here, a quarter of the suite's time); deleting the few rows a
    test leaves takes about 70 ms. Children go first, so a row left in a table outside the
    models would fail loudly on its foreign key rather than be skipped."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())
            sequences = await connection.scalars(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            )
            for sequence in sequences.all():
                await connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(
    request: pytest.FixtureRequest, sqlite_template: Path, postgres_url: str | None, tmp_path: Path
) -> str:
    """A clean, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "mentorbot.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    if postgres_url is None:
        if os.environ.get("MENTORBOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but unavailable: {_skipped_postgres}")
        pytest.skip("PostgreSQL unavailable on 127.0.0.1:5432")
    asyncio.run(_truncate(postgres_url))
    return postgres_url


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2026-11-23 12:00 UTC, moved only by the test."""
    return FakeClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))


@pytest.fixture
async def core(db_url: str, clock: FakeClock) -> AsyncIterator[Core]:
    """The real core on a clean database."""
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    instance = Core(settings, clock=clock)
    await instance.start()
    yield instance
    await instance.stop()


@pytest.fixture
def chat(core: Core) -> ChatDriver:
    """People talking to the bot through the console adapter."""
    return ChatDriver(core)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Says loudly when PostgreSQL tests could not run."""
    if _skipped_postgres:
        terminalreporter.write_sep("!", "PostgreSQL TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"reason: {_skipped_postgres[0]}")
