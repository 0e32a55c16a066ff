"""Runs the core with the adapters the settings enable, on one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from socket import socket

from adapters.base import Adapter, Receiver
from adapters.console import ConsoleChat, run_interactive, run_script
from bot.app import Core
from bot.config import Settings
from bot.ops.process_lock import ProcessLock, ProcessLockError
from bot.web.server import PortUnavailable, WebServer, bind

log = logging.getLogger(__name__)


def build_adapters(core: Core, settings: Settings) -> list[Adapter]:
    """The platform adapters whose tokens are set."""
    adapters: list[Adapter] = []
    if settings.telegram_token:
        from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover

        config = TelegramConfig(
            token=settings.telegram_token.get_secret_value(),
            api_base_url=str(settings.telegram_api_base_url or "") or None,
            webhook_url=str(settings.telegram_webhook_url or "") or None,
            webhook_port=settings.telegram_webhook_port,
            receive_on_start=False,  # the receiver role starts it, in one process at a time
        )
        telegram = TelegramAdapter(
            core.router, core.registry, config, community_mover(core.database.sessions)
        )
        adapters.append(telegram)
    if settings.discord_token:
        from adapters.discord import DiscordAdapter  # lazy: only Discord runs import discord.py

        adapters.append(
            DiscordAdapter(
                core.router,
                core.registry,
                settings.discord_token.get_secret_value(),
                api_base_url=str(settings.discord_api_base_url or "") or None,
                gateway_url=settings.discord_gateway_url,
                message_content=settings.discord_message_content,
                members=settings.discord_members,
                shard_count=settings.discord_shard_count,
                shard_ids=settings.discord_shard_ids,
            )
        )
    return adapters


async def run(settings: Settings, *, script: str | None = None) -> int:
    """Holds the database for this process (SQLite: one process), then runs the bot."""
    lock = ProcessLock.for_url(settings.database_url)
    try:
        lock.acquire()
        listener = None if settings.web_port is None else bind(settings.web_host, settings.web_port)
    except (ProcessLockError, PortUnavailable) as refusal:
        lock.release()
        print(f"mentorbot: {refusal}", file=sys.stderr)
        return 2
    with lock:
        return await _run_core(settings, script, listener)


async def _run_core(settings: Settings, script: str | None, listener: socket | None) -> int:
    """Starts the core and the web port, then the console (no tokens) or the adapters."""
    core = Core(settings)
    web = WebServer(core.web_app(), listener) if listener is not None else None
    await core.start()
    try:
        if web is not None:
            await web.start()
        if settings.telegram_token or settings.discord_token:
            return await _run_platforms(core, settings)
        if settings.log_level == "INFO" and settings.log_format == "text":  # a person reads it
            logging.getLogger("mentorbot.events").setLevel(logging.WARNING)
        chat = ConsoleChat(core.router, _print, Path("attachments"))
        core.attach(chat.messenger)
        await core.start_delivery()
        if script is None:
            await run_interactive(chat, _stop_on_signals())
        else:
            await run_script(chat, _script_lines(script), core.dispatcher.drain_due)
    finally:
        if web is not None:
            await web.stop()
        await core.stop()
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event that SIGINT or SIGTERM sets: stop taking input, finish what is in flight."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def _run_platforms(core: Core, settings: Settings) -> int:
    """Runs every enabled adapter until SIGINT/SIGTERM; one failing leaves the others up."""
    adapters = build_adapters(core, settings)
    if not adapters:
        print("mentorbot: no platform adapter is available in this build", file=sys.stderr)
        return 2
    stop = _stop_on_signals()
    started: list[Adapter] = []
    for adapter in adapters:
        try:
            await adapter.start()
        except Exception:
            log.exception("adapter %s failed to start", type(adapter).__name__)
            with contextlib.suppress(Exception):
                await adapter.stop()
            continue
        started.append(adapter)
    if not started:
        return 1
    for adapter in started:
        core.attach(adapter.messenger, adapter)
    await core.start_delivery()
    for adapter in started:
        if isinstance(adapter, Receiver):
            await core.hold_receiver(adapter.messenger.platform, adapter.receive, adapter.stand_by)
    log.info("mentorbot is running on %d platform(s)", len(started))
    await stop.wait()
    await core.release_receivers()  # stop intake first; the next receiver takes over
    for adapter in reversed(started):
        try:
            await adapter.stop()
        except Exception:
            log.exception("adapter %s failed to stop cleanly", type(adapter).__name__)
    return 0


def _script_lines(script: str) -> list[str]:
    """The lines of a script file, or of stdin for `-`: both then take the same path."""
    if script == "-":
        return sys.stdin.read().splitlines()
    return Path(script).read_text(encoding="utf-8").splitlines()


def _print(line: str) -> None:
    print(line, flush=True)
