"""A delivery-only bot process for fault tests: the real Dispatcher and platform messengers.

Run as `python -m tests.fault_worker` with DATABASE_URL and either TELEGRAM_TOKEN and
TELEGRAM_API_BASE_URL (a fake Bot API) or DISCORD_TOKEN and DISCORD_API_BASE_URL (a fake
Discord); it delivers the outbox until nothing is pending or being sent, then exits 0.
Tests SIGKILL it mid-way and start it again.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from datetime import timedelta

import discord
from discord.http import Route
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.discord.adapter import api_base
from adapters.discord.messenger import DiscordMessenger
from adapters.telegram.messenger import TelegramMessenger
from bot.core.clock import SystemClock
from bot.core.messenger import Messenger
from bot.delivery.outbox import Dispatcher
from bot.delivery.pacing import Pacer
from storage.db import Database
from storage.outbox_repo import OutboxRepository


async def main() -> None:
    concurrency = int(os.environ.get("OUTBOX_CONCURRENCY", "8"))
    lease = float(os.environ.get("OUTBOX_LEASE_SECONDS", "1"))
    database = Database(os.environ["DATABASE_URL"])
    async with AsyncExitStack() as stack:
        messenger: Messenger
        if "DISCORD_TOKEN" in os.environ:
            Route.BASE = api_base(os.environ["DISCORD_API_BASE_URL"])
            client = discord.Client(intents=discord.Intents.none())
            await stack.enter_async_context(client)
            await client.login(os.environ["DISCORD_TOKEN"])  # REST only; sends need no gateway
            messenger = DiscordMessenger(client)
        else:
            request = HTTPXRequest(connection_pool_size=concurrency + 2)
            bot = Bot(
                os.environ["TELEGRAM_TOKEN"],
                base_url=os.environ["TELEGRAM_API_BASE_URL"],
                request=request,
            )
            await stack.enter_async_context(bot)
            messenger = TelegramMessenger(bot)
        dispatcher = Dispatcher(
            database.sessions,
            {messenger.platform: messenger},
            SystemClock(),
            Pacer({}),  # pacing has its own tests; here the fake server takes any rate
            concurrency=concurrency,
            lease=timedelta(seconds=lease),
            idle_poll=0.1,
        )
        print("worker ready", flush=True)
        dispatcher.start()
        try:
            while True:
                async with database.sessions() as session:
                    counts = await OutboxRepository(session).counts()
                if not counts.get("pending") and not counts.get("sending"):
                    break
                await asyncio.sleep(0.1)
        finally:
            await dispatcher.stop()
    await database.dispose()
    print(f"worker done {counts}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
