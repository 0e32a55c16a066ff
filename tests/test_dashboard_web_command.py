"""`mentorbot web`: the dashboard alone on PostgreSQL; on SQLite a one-line refusal."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx
import pytest

from tests.ops_process import WAIT, bot_env
from tests.ports import free_port


async def _web(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_on_sqlite_web_exits_2_with_one_line(tmp_path: Path) -> None:
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    process = await _web(env, tmp_path)
    async with asyncio.timeout(WAIT):
        out, err = await process.communicate()
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1
    assert "inside `mentorbot run`" in lines[0]
    assert not out


async def test_on_postgres_web_serves_the_dashboard_alone(
    postgres_url: str | None, tmp_path: Path
) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL unavailable on 127.0.0.1:5432")
    port = free_port()
    env = bot_env(DATABASE_URL=postgres_url, WEB_PORT=str(port), WEB_HOST="127.0.0.1")
    process = await _web(env, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            async with asyncio.timeout(WAIT):
                while True:  # wait for the port to answer (a condition, not a sleep race)
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        assert process.returncode is None, await process.communicate()
                    await asyncio.sleep(0.1)
            page = await client.get("/login")
            assert page.status_code == 200
            assert "/dashboard" in page.text
            refused = await client.post("/login/not-a-token")
            assert refused.status_code == 403
            assert (await client.get("/")).status_code == 303
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(WAIT):
            await process.communicate()
        assert process.returncode == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
