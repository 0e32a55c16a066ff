"""SQLite stays single-process: a second bot on the same file refuses with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.process_lock import DatabaseInUse, ProcessLock, sqlite_file
from tests.ops_process import BotProcess, bot_env


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///./bot.db", Path("bot.db").resolve()),
        ("sqlite+aiosqlite:////srv/mentorbot/bot.db", Path("/srv/mentorbot/bot.db")),
        ("sqlite+aiosqlite://", None),
        ("sqlite+aiosqlite:///:memory:", None),
        ("sqlite+aiosqlite:///file:shared?mode=memory&cache=shared&uri=true", None),
        ("postgresql+asyncpg://postgres@127.0.0.1:5432/mentorbot", None),
    ],
)
def test_which_databases_are_locked(url: str, expected: Path | None) -> None:
    assert sqlite_file(url) == expected


def test_a_second_holder_in_the_same_process_is_refused_until_release(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    first = ProcessLock.for_url(url)
    first.acquire()
    with pytest.raises(DatabaseInUse, match=r"another mentorbot process uses the database file"):
        ProcessLock.for_url(url).acquire()
    first.release()
    with ProcessLock.for_url(url):
        pass


def test_a_database_in_a_new_directory_gets_its_lock_beside_it(tmp_path: Path) -> None:
    with ProcessLock.for_url(f"sqlite+aiosqlite:///{tmp_path}/new/dir/bot.db") as lock:
        assert lock.path == tmp_path / "new" / "dir" / "bot.db.lock"
        assert lock.path.exists()


def test_in_memory_sqlite_needs_no_lock() -> None:
    for _ in range(2):
        ProcessLock.for_url("sqlite+aiosqlite://").acquire()


async def test_second_process_on_the_same_sqlite_file_exits_2(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    first = BotProcess(env, tmp_path)
    second = BotProcess(env, tmp_path)
    third = BotProcess(env, tmp_path, "--script", "-")
    try:
        await first.start()
        await first.wait_for_output("mentorbot console.")
        await second.start()
        code, out, err = await second.finish()
        assert code == 2, out + err
        [line] = err.strip().splitlines()
        assert line.startswith("mentorbot: another mentorbot process uses the database file")
        assert str(database) in line
        await first.send("/as dana")
        await first.send("/help")
        await first.wait_for_output("mentorbot:")  # the first one is undisturbed
        code, out, err = await first.finish()
        assert code == 0, err
        assert "Traceback" not in err
        await third.start()  # the file is free again
        await third.send("/help")
        code, out, err = await third.finish()
        assert code == 0, err
        assert "mentorbot:" in out
    finally:
        for bot in (first, second, third):
            await bot.kill()
