"""/readyz asks the real adapters whether they are connected (fake platforms on 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from bot.app import Core
from bot.web.server import WebServer, bind
from tests.discord_fake import FakeDiscord
from tests.ops_process import WAIT
from tests.telegram_fake import FakeBotApi


@pytest.fixture
async def web(core: Core) -> AsyncIterator[httpx.AsyncClient]:
    server = WebServer(core.web_app(), bind("127.0.0.1", 0))
    await server.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield client
    await server.stop()


async def ready_text(web: httpx.AsyncClient, status: int) -> str:
    """Polls /readyz (bounded) until it answers `status`; returns its body."""
    async with asyncio.timeout(WAIT):
        while (response := await web.get("/readyz")).status_code != status:
            await asyncio.sleep(0.1)
    return response.text


async def test_telegram_polling_failure_makes_the_process_not_ready(
    core: Core, web: httpx.AsyncClient
) -> None:
    fake = FakeBotApi()
    await fake.start()
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, poll_timeout=1)
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    try:
        await adapter.start()
        core.attach(adapter.messenger, adapter)
        assert await ready_text(web, 200) == "ready\n"
        fake.fail("getUpdates", 502, "Bad Gateway", times=3)
        assert await ready_text(web, 503) == "not ready: telegram: not connected\n"
    finally:
        await adapter.stop()
        await fake.close()
    assert await ready_text(web, 503) == "not ready: telegram: not connected\n"


async def test_discord_is_ready_while_its_gateway_is_open(
    core: Core, web: httpx.AsyncClient
) -> None:
    fake = FakeDiscord()
    await fake.start()
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        "fake.discord-token.ready",
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    try:
        await adapter.start()
        core.attach(adapter.messenger, adapter)
        assert await ready_text(web, 200) == "ready\n"
    finally:
        await adapter.stop()
        await fake.stop()
    assert await ready_text(web, 503) == "not ready: discord: not connected\n"
