"""Fixtures: one real adapter (python-telegram-bot or discord.py) against its fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from bot.app import Core
from tests.discord_fake import FakeDiscord
from tests.telegram_fake import FakeBotApi

DISCORD_TOKEN = "fake.discord-token.never-logged"


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API, closed (long polls released) after the adapter stops."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram_bot(core: Core, telegram_api: FakeBotApi) -> AsyncIterator[TelegramAdapter]:
    """The real Telegram adapter, started on the test's event loop like the runner does."""
    config = TelegramConfig(
        token=telegram_api.token, api_base_url=telegram_api.base_url, poll_timeout=5
    )
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    yield adapter
    await adapter.stop()


@pytest.fixture
async def discord_api() -> AsyncIterator[FakeDiscord]:
    """The fake Discord REST API and gateway."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def discord_bot(core: Core, discord_api: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    """The real Discord adapter against the fake."""
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        DISCORD_TOKEN,
        api_base_url=discord_api.api_base_url,
        gateway_url=discord_api.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    await adapter.start()
    yield adapter
    await adapter.stop()
