"""Engine and session factory; SQLite gets WAL, foreign keys and a lock wait of 10 s."""

from __future__ import annotations

import asyncio
import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_driver import LOCK_WAIT_MS, OFF_LOOP, InlineConnection, inline_dbapi
from storage.wal import BACKSTOP_PAGES, LOG_FILE_LIMIT, WalCheckpointer

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")  # WalCheckpointer does it
    cursor.execute(f"PRAGMA journal_size_limit={LOG_FILE_LIMIT}")  # the log file shrinks back
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    # Take the write lock at BEGIN: a deferred transaction that later upgrades to a write can
    # fail at once with SQLITE_BUSY (busy_timeout does not apply), which two members pressing
    # the same button at the same moment would hit.
    adapted = connection.connection.dbapi_connection
    if isinstance(adapted, InlineConnection):  # long reads run off the loop, BEGIN included
        adapted.off_loop = bool(connection.get_execution_options().get(OFF_LOOP))
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the async engine and hands out sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.checkpointer: WalCheckpointer | None = None
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.checkpointer = WalCheckpointer(parsed.database)
        # A pre-ping guards against a server that dropped the connection; a SQLite file has no
        # server, and the ping cost a thread hop to aiosqlite on every checkout (every event).
        options: dict[str, object] = {"pool_pre_ping": not self.is_sqlite}
        if self.is_sqlite and parsed.database not in (None, "", ":memory:"):
            # SQLite has one writer at a time and BEGIN IMMEDIATE takes it at once, so
            # concurrent transactions only busy-poll for it, unfairly (bench inbound_discord:
            # p99 3.2-3.8 s, answers deferred past Discord's deadline). One pooled connection
            # makes them queue in order instead: p99 0.35-0.45 s, throughput up 10-25%.
            options.update(pool_size=1, max_overflow=0, pool_timeout=30)
        if self.is_sqlite:
            options["connect_args"] = {"timeout": LOCK_WAIT_MS / 1000}
        if parsed.get_driver_name() == "aiosqlite":
            module = inline_dbapi()  # statements in place, not on aiosqlite's thread
            if module is not None:
                options["module"] = module
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )
        self.long_sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine.execution_options(**{OFF_LOOP: True}), expire_on_commit=False
        )
        """For work that may read a lot (the dashboard): on SQLite its statements run on
        aiosqlite's thread, so the event loop keeps answering meanwhile."""

    async def upgrade(self) -> None:
        """Applies every Alembic migration not yet applied (none to import when at head)."""
        head = migration_head()
        if head is None or await self.applied_revisions() != [head]:
            async with self.engine.begin() as connection:
                await connection.run_sync(_upgrade_sync)
        log.info("database schema is up to date")

    async def applied_revisions(self) -> list[str] | None:
        """What `alembic_version` records, or None for a database never migrated."""
        try:
            async with self.engine.connect() as connection:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return sorted(rows.scalars())
        except DBAPIError:
            return None

    def keep_wal_short(self) -> None:
        """SQLite: checkpoints in the background from now on, not inside commands' commits."""
        if self.checkpointer is not None:
            self.checkpointer.start()

    async def dispose(self) -> None:
        """Stops the checkpoints and closes every pooled connection."""
        if self.checkpointer is not None:
            await self.checkpointer.stop()
        await self.engine.dispose()


@cache
def migration_head() -> str | None:
    """The newest migration's revision, read from the files without importing Alembic.

    Alembic with Mako and Pygments was a fifth of start-up; a database already at head
    (every start but the first after an upgrade) never needs it.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            continue
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None  # unreadable here: let Alembic decide


_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:: [^=]+)? = (\([^)]*\)|.+)$", re.MULTILINE)
_QUOTED = re.compile(r'"([^"]+)"')


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade_sync(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def upgrade_blocking(url: str) -> None:
    """`mentorbot db upgrade`: migrate and exit."""

    async def _run() -> None:
        database = Database(url)
        try:
            await database.upgrade()
        finally:
            await database.dispose()

    asyncio.run(_run())
