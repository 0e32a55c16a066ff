"""A real Core and TelegramAdapter against the limited fake Bot API, on the old or new path."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from telegram.ext import AIORateLimiter

from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from adapters.telegram.messenger import TelegramMessenger
from bench.limited_api import LimitedBotApi
from bot.app import Core
from bot.config import Settings
from bot.core.platform import PlatformInfo
from tests.telegram_fake import TOKEN


class NoReactions(TelegramMessenger):
    """The old path's messenger: a check-in is confirmed by a group message, as before."""

    @property
    def info(self) -> PlatformInfo:
        return replace(super().info, reacts=False)


@dataclass
class Running:
    """What a benchmark drives and reads: the fake API, the core and the adapter."""

    api: LimitedBotApi
    core: Core
    adapter: TelegramAdapter


async def core_and_adapter(database: Path, base_url: str) -> tuple[Core, TelegramAdapter]:
    """A started Core on a fresh SQLite file, and its (not yet started) Telegram adapter."""
    url = f"sqlite+aiosqlite:///{database}"
    core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    await core.start()
    adapter = TelegramAdapter(
        core.router,
        core.registry,
        TelegramConfig(token=TOKEN, api_base_url=base_url, poll_timeout=1),
        community_mover(core.database.sessions),
    )
    return core, adapter


@asynccontextmanager
async def limited_bot(directory: Path, *, old: bool) -> AsyncIterator[Running]:
    """Starts the bot on a fresh SQLite file; `old` restores the path before issue #19:
    confirmations as group messages, replies paced only by PTB's AIORateLimiter (whose
    buckets start full), the outbox by its own pacer."""
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    logging.getLogger("bot.delivery").setLevel(logging.ERROR)
    api = LimitedBotApi()
    base_url = await api.start()
    core, adapter = await core_and_adapter(directory / ("old.db" if old else "new.db"), base_url)
    if old:
        adapter._app.bot._rate_limiter = AIORateLimiter(max_retries=3)  # type: ignore[attr-defined]
        adapter._messenger = NoReactions(adapter._app.bot)
        core.router.replies.pacer = None
    try:
        await adapter.start()
        core.attach(adapter.messenger)
        await core.start_delivery()
        yield Running(api, core, adapter)
    finally:
        await adapter.stop()
        await core.stop()
        await api.close()
