"""Both platforms at once: the real python-telegram-bot and discord.py on their fake servers,
one core, wired like the runner does (a pytest plugin: `both` is a fixture everywhere)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from bot.app import Core
from tests.discord_fake import CHANNEL_ID, FakeDiscord
from tests.telegram_fake import FakeBotApi

TOKEN = "fake.discord-token.never-logged"


@pytest.fixture
async def both(core: Core) -> AsyncIterator[tuple[FakeBotApi, FakeDiscord]]:
    """Both fake platforms and both real adapters on one core, wired like the runner does."""
    telegram_api, discord_api = FakeBotApi(), FakeDiscord()
    await telegram_api.start()
    await discord_api.start()
    config = TelegramConfig(
        token=telegram_api.token, api_base_url=telegram_api.base_url, poll_timeout=5
    )
    adapters = [
        TelegramAdapter(
            core.router, core.registry, config, community_mover(core.database.sessions)
        ),
        DiscordAdapter(
            core.router,
            core.registry,
            TOKEN,
            api_base_url=discord_api.api_base_url,
            gateway_url=discord_api.gateway_url,
            guild_ready_timeout=0.05,
            ready_timeout=10.0,
        ),
    ]
    for adapter in adapters:
        await adapter.start()
        core.attach(adapter.messenger)
    await core.start_delivery()
    yield telegram_api, discord_api
    for adapter in reversed(adapters):
        await adapter.stop()
    await telegram_api.close()
    await discord_api.stop()


async def slash(discord: FakeDiscord, *args: Any, **options: Any) -> str:
    """Runs a slash command and returns the bot's answer to it."""
    token = await discord.slash(*args, **options)
    calls = await discord.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    content: str = calls[0].json["data"]["content"]
    return content


def channel_posts(discord: FakeDiscord) -> list[str]:
    """Each post's text, whether plain content or an embed (tips are cards on Discord)."""
    calls = discord.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    return [
        call.json.get("content")
        or " ".join(e.get("description", "") for e in call.json.get("embeds", []))
        for call in calls
    ]
