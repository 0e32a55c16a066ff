"""Scheduler leadership on PostgreSQL: one holder at a time, taken over when it goes."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest

from bot.ops.leader import Leadership, asyncpg_dsn, is_postgres, lock_key
from tests.ops_process import WAIT, BotProcess, bot_env
from tests.ports import free_port


@pytest.fixture
def pg_url(postgres_url: str | None) -> str:
    """Leadership exists only on PostgreSQL (SQLite is single-process)."""
    if postgres_url is None:
        if os.environ.get("MENTORBOT_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required but unavailable")
        pytest.skip("PostgreSQL unavailable on 127.0.0.1:5432")
    return postgres_url


def test_keys_and_dsn() -> None:
    assert lock_key("scheduler") == lock_key("scheduler")
    assert lock_key("scheduler") != lock_key("telegram_receiver")
    assert -(2**63) <= lock_key("scheduler") < 2**63
    dsn = asyncpg_dsn("postgresql+asyncpg://bot:s%40cret@db:5432/mentorbot")
    assert dsn == "postgresql://bot:s%40cret@db:5432/mentorbot"
    assert not is_postgres("sqlite+aiosqlite:///x.db")


class Role:
    """Records when a Leadership starts and stops its role."""

    def __init__(self) -> None:
        self.log: list[str] = []

    async def gain(self) -> None:
        self.log.append("gain")

    async def loss(self) -> None:
        self.log.append("loss")


async def until(predicate: Callable[[], bool]) -> None:
    """Waits (bounded) for a state the standby's retry loop brings about."""
    async with asyncio.timeout(WAIT):
        while not predicate():
            await asyncio.sleep(0.05)


async def test_one_holder_and_a_standby_takes_over_on_stop(pg_url: str) -> None:
    first_role, second_role = Role(), Role()
    first = Leadership(pg_url, "scheduler", first_role.gain, first_role.loss, retry=0.2)
    second = Leadership(pg_url, "scheduler", second_role.gain, second_role.loss, retry=0.2)
    try:
        await first.start()
        await second.start()
        assert (first.held, second.held) == (True, False)
        assert (first_role.log, second_role.log) == (["gain"], [])
        await first.stop()
        assert first_role.log == ["gain", "loss"]
        await until(lambda: second.held)
        assert second_role.log == ["gain"]
    finally:
        await first.stop()
        await second.stop()


async def test_processes_starting_at_the_same_moment_elect_exactly_one(pg_url: str) -> None:
    roles = [Role() for _ in range(4)]
    contenders = [Leadership(pg_url, "scheduler", r.gain, r.loss, retry=0.2) for r in roles]
    try:
        await asyncio.gather(*(contender.start() for contender in contenders))
        assert sum(contender.held for contender in contenders) == 1
        assert sorted(len(role.log) for role in roles) == [0, 0, 0, 1]
    finally:
        for contender in contenders:
            await contender.stop()


async def test_a_lost_connection_gives_the_role_away_at_once(pg_url: str) -> None:
    first_role, second_role = Role(), Role()
    first = Leadership(pg_url, "scheduler", first_role.gain, first_role.loss, retry=0.2)
    second = Leadership(pg_url, "scheduler", second_role.gain, second_role.loss, retry=0.2)
    admin = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        await first.start()
        await second.start()
        assert first.held
        # The database ends the holder's session, as a network cut or a restart would.
        ended = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
            "WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        assert ended == 1
        # The holder stops its role as soon as it hears; then whichever process tries first
        # once the server has let the lock go leads again: the standby, or the old holder on
        # a fresh connection (both are alive, and either may win that race).
        await until(lambda: first_role.log[:2] == ["gain", "loss"])
        await until(lambda: first.held or second.held)
        assert not (first.held and second.held)
        if second.held:
            assert (first_role.log, second_role.log) == (["gain", "loss"], ["gain"])
        else:
            assert (first_role.log, second_role.log) == (["gain", "loss", "gain"], [])
    finally:
        await admin.close()
        await first.stop()
        await second.stop()


async def _leads(port: int) -> bool | None:
    """Whether the bot on this port says it holds the scheduler role (None: not answering)."""
    try:
        async with httpx.AsyncClient() as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)).text
    except httpx.HTTPError:
        return None
    found = re.search(r'^mentorbot_leader\{role="scheduler"\} (\S+)$', text, re.MULTILINE)
    assert found is not None
    return float(found.group(1)) == 1.0


async def _eventually(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(WAIT):
        while not await check():
            await asyncio.sleep(0.2)


async def test_two_processes_one_scheduler_and_a_sigkill_hands_it_over(
    pg_url: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    bots = [
        BotProcess(bot_env(DATABASE_URL=pg_url, WEB_PORT=str(port)), tmp_path) for port in ports
    ]
    try:
        for bot in bots:
            await bot.start()
            await bot.wait_for_output("mentorbot console.")

        async def exactly_one() -> bool:
            states = [await _leads(port) for port in ports]
            return sorted(states, key=str) == [False, True]

        await _eventually(exactly_one)
        leader = 0 if await _leads(ports[0]) else 1
        standby = 1 - leader
        process = bots[leader].process
        assert process is not None
        process.send_signal(signal.SIGKILL)  # no chance to let go: the lock dies with it
        await process.wait()

        async def standby_leads() -> bool:
            return await _leads(ports[standby]) is True

        await _eventually(standby_leads)
        code, _, err = await bots[standby].finish()
        assert code == 0, err
        assert "Traceback" not in err
    finally:
        for bot in bots:
            await bot.kill()
