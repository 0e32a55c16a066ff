"""Inbound Discord: `/checkin` slash interactions per second end to end (discord.py → adapter →
core → SQLite → interaction response), against a bare discord.py bot on the same fake server."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import DiscordAdapter
from bench.common import Report, percentile, verdict
from bench.discord_load import LoadDiscord
from bot.app import Core
from bot.config import Settings

TARGET_RATIO = 0.2  # issue #19 (wave 1 asked 0.5)
GROUPS = 50
CHECKINS_PER_PERSON = 4
WINDOW = 16
TOKEN = "bench.discord-token.never-logged"
USER_BASE = 610_000_000_000_000_000

Stop = Callable[[], Awaitable[None]]


class _CoreErrors(logging.Handler):
    """Counts the core's unhandled errors by cause: each one answered "something went wrong"."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: collections.Counter[str] = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        cause = getattr(error, "orig", None) or error
        self.seen[f"{type(cause).__name__}: {cause}" if cause else record.getMessage()] += 1


class _BareBot(discord.Client):
    """The floor: discord.py's own command tree answering `/checkin` with the plan."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        intents.dm_messages = True
        super().__init__(
            intents=intents,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree: app_commands.CommandTree[_BareBot] = app_commands.CommandTree(self)

        @self.tree.command(name="checkin", description="Today's plan")
        async def checkin(interaction: discord.Interaction, plan: str) -> None:
            """Says the plan back as the interaction's response."""
            await interaction.response.send_message(plan)

    async def setup_hook(self) -> None:
        """Syncs the one command, as our adapter syncs its registry."""
        await self.tree.sync()


async def start_bare_bot(fake: LoadDiscord, _directory: Path) -> Stop:
    """A discord.py client on the fake server, pointed there the way the adapter does it."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    client = _BareBot()
    await client.login(TOKEN)
    gateway = asyncio.create_task(client.connect())
    await asyncio.wait_for(client.wait_until_ready(), 10)

    async def stop() -> None:
        await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await gateway
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved

    return stop


async def start_mentorbot(fake: LoadDiscord, directory: Path) -> Stop:
    """The real Core and DiscordAdapter on a fresh SQLite file, as `mentorbot run` wires them."""
    url = f"sqlite+aiosqlite:///{directory / 'inbound-discord.db'}"
    core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    await core.start()
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        TOKEN,
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    await adapter.start()
    core.attach(adapter.messenger)
    await core.start_delivery()

    async def stop() -> None:
        await adapter.stop()
        await core.stop()

    return stop


async def measure(
    starter: Callable[[LoadDiscord, Path], Awaitable[Stop]],
    updates: int,
    directory: Path,
    window: int,
) -> tuple[float, int, list[float]]:
    """Interactions per second (first injected to last answered), deferrals, answer times."""
    fake = LoadDiscord(GROUPS, window)
    await fake.start()
    try:
        stop = await starter(fake, directory)
        try:
            people = [
                fake.add_person(str(USER_BASE + number), f"person{number}")
                for number in range(max(1, updates // CHECKINS_PER_PERSON))
            ]
            payloads = [
                fake.checkin_payload(
                    people[number % len(people)],
                    fake.channel_ids[(number % len(people)) % GROUPS],
                    f"plan number {number}",
                )
                for number in range(updates)
            ]
            began = time.perf_counter()
            await fake.run(payloads, give_up_after=300)
            elapsed = time.perf_counter() - began
        finally:
            await stop()
    finally:
        await fake.stop()
    return updates / elapsed, len(fake.deferred), fake.answer_times


async def run(updates: int, rounds: int, window: int = WINDOW) -> Report:
    """Alternates the two bots `rounds` times each, so noise hits both alike."""
    report = Report(
        f"Inbound Discord: {updates} /checkin slash interactions, bot vs bare discord.py bot"
    )
    for name in ("discord", "adapters.discord"):
        logging.getLogger(name).setLevel(logging.ERROR)
    bare: list[float] = []
    ours: list[float] = []
    deferred = 0
    errors = _CoreErrors()
    router_log = logging.getLogger("bot.core.router")
    bare_waits: list[float] = []
    our_waits: list[float] = []
    with tempfile.TemporaryDirectory() as name, contextlib.ExitStack() as restore:
        router_log.addHandler(errors)
        router_log.propagate = False  # counted below instead of a traceback per failure
        restore.callback(router_log.removeHandler, errors)
        restore.callback(setattr, router_log, "propagate", True)
        for number in range(rounds):
            round_dir = Path(name) / str(number)
            round_dir.mkdir()
            rate, _, waits = await measure(start_bare_bot, updates, round_dir, window)
            bare.append(rate)
            bare_waits.extend(waits)
            rate, late, waits = await measure(start_mentorbot, updates, round_dir, window)
            ours.append(rate)
            our_waits.extend(waits)
            deferred += late
    bare_rate, our_rate = statistics.median(bare), statistics.median(ours)
    ratio = our_rate / bare_rate
    report.line(
        f"bare discord.py bot: {bare_rate:,.0f} interactions/s (rounds: "
        + ", ".join(f"{rate:,.0f}" for rate in bare)
        + ")"
    )
    report.line(
        f"mentorbot /checkin: {our_rate:,.0f} interactions/s (rounds: "
        + ", ".join(f"{rate:,.0f}" for rate in ours)
        + f"); {updates // CHECKINS_PER_PERSON} people, {CHECKINS_PER_PERSON} check-ins each, "
        f"{GROUPS} channels"
    )
    report.line(
        f"at most {window} interactions awaiting an answer at a time (discord.py runs each "
        f"in its own task); answers deferred past the 2 s deadline: {deferred}"
    )
    failed = sum(errors.seen.values())
    report.line(
        f'interactions answered with the core\'s "something went wrong": {failed}'
        + (f" ({'; '.join(f'{n}x {cause}' for cause, n in errors.seen.items())})" if failed else "")
    )
    report.line(
        "time from injecting an interaction to its answer, all rounds: "
        f"bare p50 {percentile(bare_waits, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(bare_waits, 0.99) * 1000:.0f} ms; "
        f"ours p50 {percentile(our_waits, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(our_waits, 0.99) * 1000:.0f} ms, "
        f"max {max(our_waits, default=float('nan')) * 1000:.0f} ms"
    )
    report.line(
        f"our extra cost per interaction: {1000 / our_rate - 1000 / bare_rate:.1f} ms "
        f"(bare {1000 / bare_rate:.1f} ms, ours {1000 / our_rate:.1f} ms of wall time each)"
    )
    report.line(
        f"ratio {ratio:.2f}x the bare bot [target >= {TARGET_RATIO}x: "
        f"{verdict(ratio >= TARGET_RATIO)}]"
    )
    report.done()
    return report
