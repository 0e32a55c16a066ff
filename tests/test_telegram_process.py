"""`python -m bot run` with a Telegram token serves the fake Bot API and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.telegram_fake import FakeBotApi, group, user

ALICE = user(2001, "Alice", "alice")
MAKERS = group(-5001, "Makers")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API for the child process."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


async def test_bot_run_serves_telegram_and_exits_cleanly_on_sigterm(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "LOG_"))
    }
    env.update(
        TELEGRAM_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url.removesuffix("/bot"),  # the adapter adds /bot
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        LOG_LEVEL="DEBUG",  # the strictest case: PTB logs its API URL at DEBUG
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
        try:
            await fake.wait_until(lambda: bool(fake.calls_to("getUpdates")))
            fake.say(MAKERS, ALICE, "/start")
            hello = await fake.wait_sent(MAKERS["id"])
            assert "Hello, Makers!" in hello[0].text
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 30)
    logs = log_path.read_text(encoding="utf-8", errors="replace")
    assert code == 0, logs[-2000:]
    assert fake.token not in logs
    assert fake.token.split(":", 1)[1] not in logs
    assert "bot<telegram-token>" in logs  # PTB did log its URL, with the token redacted
    assert "Traceback" not in logs
