"""SQLite's log is checkpointed in the background, not inside a command's commit."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.wal import BACKSTOP_PAGES


async def test_commands_leave_checkpoints_to_the_background(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    try:
        await database.upgrade()
        async with database.engine.connect() as connection:
            pages = await connection.scalar(text("PRAGMA wal_autocheckpoint"))
        assert pages == BACKSTOP_PAGES  # commits checkpoint only as a backstop
        async with database.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE filler (body TEXT)"))
            for _ in range(200):
                await connection.execute(
                    text("INSERT INTO filler VALUES (:body)"), {"body": "x" * 2000}
                )
        assert database.checkpointer is not None
        database.checkpointer._interval = 0.05
        database.keep_wal_short()
        async with asyncio.timeout(30):
            while database.checkpointer.checkpoints < 1:
                await asyncio.sleep(0.02)
        busy, in_log, copied = await asyncio.to_thread(database.checkpointer.checkpoint)
        assert busy == 0
        assert in_log > 0
        assert copied == in_log
    finally:
        await database.dispose()
    assert database.checkpointer.checkpoints >= 2


async def test_memory_databases_need_no_checkpointer() -> None:
    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        assert database.checkpointer is None
        database.keep_wal_short()  # a no-op, not an error
    finally:
        await database.dispose()
