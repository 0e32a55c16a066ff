"""SQLite's log is checkpointed in the background, not inside a command's commit."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.wal import BACKSTOP_PAGES, WalCheckpointer


async def _fill(database: Database, rows: int) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS filler (body TEXT)"))
        for _ in range(rows):
            await connection.execute(
                text("INSERT INTO filler VALUES (:body)"), {"body": "x" * 2000}
            )


async def test_commands_leave_checkpoints_to_the_background(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade()
        async with database.engine.connect() as connection:
            pages = await connection.scalar(text("PRAGMA wal_autocheckpoint"))
        assert pages == BACKSTOP_PAGES  # commits checkpoint only as a backstop
        await _fill(database, 200)
        before = path.stat().st_size  # the rows are still only in the log
        assert database.checkpointer is not None
        database.checkpointer._interval = 0.05
        database.keep_wal_short()
        checkpointer = database.checkpointer
        # The file grows while a checkpoint runs; its count moves when the checkpoint returns.
        async with asyncio.timeout(30):
            while path.stat().st_size < before + 200 * 2000 or checkpointer.checkpoints < 1:
                await asyncio.sleep(0.02)
        assert path.stat().st_size >= before + 200 * 2000  # the background copied them in
    finally:
        await database.dispose()


async def test_stopping_mid_checkpoint_waits_for_it(tmp_path: Path) -> None:
    """The task awaiting a checkpoint is cancelled at stop; the close must not overtake it."""
    path = tmp_path / "busy.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade()
        for round_ in range(40):
            await _fill(database, 20)
            checkpointer = WalCheckpointer(str(path), interval=0)
            checkpointer.start()
            await asyncio.sleep(0.001 * (round_ % 5))
            await checkpointer.stop()
    finally:
        await database.dispose()


async def test_memory_databases_need_no_checkpointer() -> None:
    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        assert database.checkpointer is None
        database.keep_wal_short()  # a no-op, not an error
    finally:
        await database.dispose()
