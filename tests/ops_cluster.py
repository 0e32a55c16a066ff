"""Several `python -m bot run` processes on one PostgreSQL database, for fail-over tests.

Each process talks to the fake Telegram under its own URL prefix, so the fake knows which
process made each call; each serves /metrics on its own WEB_PORT.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from sqlalchemy import insert, select

from storage.db import Database
from storage.models import Community, Schedule
from tests.ops_process import BotProcess, bot_env
from tests.ports import free_port
from tests.telegram_fake import FakeBotApi

FIRST_CHAT = -3_000_000_000
MIN_LEAD = 25  # seconds between seeding and the fire: three processes start in less

LeaderCheck = Callable[[], Awaitable[bool]]
_caller: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="")


class TaggedBotApi(FakeBotApi):
    """The fake Bot API, also served under `/<tag>/bot…`, recording which tag called what."""

    def __init__(self) -> None:
        super().__init__()
        self.by: list[tuple[str, str]] = []  # (tag, method), in arrival order
        self.sends: list[tuple[str, int]] = []  # (tag, chat id) of each accepted sendMessage
        self.sent_at: list[float] = []  # time.time() of each of those
        self.port = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tag}/bot{token}/{method}", self._tagged)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        return self.base_url

    async def _tagged(self, request: web.Request) -> web.Response:
        self.by.append((request.match_info["tag"], request.match_info["method"]))
        _caller.set(request.match_info["tag"])
        return await self._handle(request)

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        result = await super()._answer(method, params)
        if method == "sendMessage":
            self.sends.append((_caller.get(), int(params["chat_id"])))
            self.sent_at.append(time.time())
        return result

    def pollers(self) -> list[str]:
        """The tags of getUpdates calls, in order, each run of one tag collapsed to one entry."""
        runs: list[str] = []
        for tag, method in self.by:
            if method == "getUpdates" and (not runs or runs[-1] != tag):
                runs.append(tag)
        return runs


class Cluster:
    """N bot processes sharing a database, the fake Telegram and (optionally) more settings."""

    def __init__(self, tmp: Path, database_url: str, fake: TaggedBotApi, **extra: str) -> None:
        self.ports: dict[str, int] = {}
        self.bots: dict[str, BotProcess] = {}
        self._tmp = tmp
        self._url = database_url
        self._fake = fake
        self._extra = extra

    async def start(self, *tags: str) -> None:
        for tag in tags:
            port = free_port()
            env = bot_env(
                DATABASE_URL=self._url,
                WEB_PORT=str(port),
                TELEGRAM_TOKEN=self._fake.token,
                TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{self._fake.port}/{tag}",
                **self._extra,
            )
            bot = BotProcess(env, self._tmp)
            self.ports[tag] = port
            self.bots[tag] = bot
            await bot.start()

    def alive(self) -> list[str]:
        return [
            tag
            for tag, bot in self.bots.items()
            if bot.process is not None and bot.process.returncode is None
        ]

    async def metrics(self, tag: str) -> str | None:
        """The process's /metrics text (None while it does not answer)."""
        try:
            async with httpx.AsyncClient() as client:
                answer = await client.get(f"http://127.0.0.1:{self.ports[tag]}/metrics", timeout=5)
        except httpx.HTTPError:
            return None
        return answer.text if answer.status_code == 200 else None

    async def ready(self, tag: str) -> bool:
        try:
            async with httpx.AsyncClient() as client:
                answer = await client.get(f"http://127.0.0.1:{self.ports[tag]}/readyz", timeout=5)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    async def holders(self, role: str) -> dict[str, bool | None]:
        """For each live process: whether it says it holds `role` (None: not answering)."""
        states: dict[str, bool | None] = {}
        for tag in self.alive():
            text = await self.metrics(tag)
            found = (
                None
                if text is None
                else re.search(rf'^mentorbot_leader\{{role="{role}"\}} (\S+)$', text, re.M)
            )
            states[tag] = None if found is None else float(found.group(1)) == 1.0
        return states

    async def sole_holder(self, role: str) -> str | None:
        """The one live process holding `role` while every other says it does not."""
        states = await self.holders(role)
        if None in states.values():
            return None
        holding = [tag for tag, held in states.items() if held]
        return holding[0] if len(holding) == 1 else None

    async def kill(self, tag: str, sig: int = signal.SIGKILL) -> int:
        process = self.bots[tag].process
        assert process is not None
        process.send_signal(sig)
        return await process.wait()

    async def close(self) -> None:
        for bot in self.bots.values():
            await bot.kill()


async def eventually(check: Callable[[], Awaitable[Any]], bound: float) -> Any:
    """Polls `check` until it returns something truthy, failing after `bound` seconds."""
    async with asyncio.timeout(bound):
        while not (result := await check()):
            await asyncio.sleep(0.2)
    return result


def next_fire(now: datetime) -> datetime:
    """The first whole minute at least MIN_LEAD seconds away."""
    minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return minute if (minute - now).total_seconds() >= MIN_LEAD else minute + timedelta(minutes=1)


async def seed(url: str, at: datetime, groups: int) -> list[int]:
    """`groups` Telegram groups, each with a daily check-in at `at` (UTC); returns chat ids."""
    created = at - timedelta(days=7)
    chats = [FIRST_CHAT - number for number in range(groups)]
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                insert(Community),
                [
                    {
                        "platform": "telegram",
                        "chat_id": str(chat),
                        "title": f"group {index}",
                        "timezone": "UTC",
                        "language": "en",
                        "created_at": created,
                    }
                    for index, chat in enumerate(chats)
                ],
            )
            ids = (await connection.scalars(select(Community.id))).all()
            await connection.execute(
                insert(Schedule),
                [
                    {
                        "community_id": community_id,
                        "kind": "checkin",
                        "local_time": at.strftime("%H:%M"),
                        "days": "0123456",
                        "created_at": created,
                    }
                    for community_id in ids
                ],
            )
    finally:
        await database.dispose()
    return chats
