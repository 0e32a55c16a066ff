"""`mentorbot web`: the dashboard (and health/metrics) alone, beside bots sharing PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from bot.app import Core
from bot.config import Settings
from bot.ops.leader import is_postgres
from bot.web.server import PortUnavailable, WebServer, bind

DEFAULT_PORT = 8080


async def run_web(settings: Settings) -> int:
    """Serves the web app until SIGINT/SIGTERM; exit 2 on SQLite or an unusable port.

    It neither receives updates nor schedules nor sends: `mentorbot run` processes do.
    """
    if not is_postgres(settings.database_url):
        print(
            "mentorbot: on SQLite the dashboard runs inside `mentorbot run` (set WEB_PORT); "
            "`mentorbot web` alone needs PostgreSQL",
            file=sys.stderr,
        )
        return 2
    port = settings.web_port if settings.web_port is not None else DEFAULT_PORT
    try:
        listener = bind(settings.web_host, port)
    except PortUnavailable as refusal:
        print(f"mentorbot: {refusal}", file=sys.stderr)
        return 2
    core = Core(settings)
    web = WebServer(core.web_app(), listener)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await core.start()
    try:
        await web.start()
        await stop.wait()
    finally:
        await web.stop()
        await core.stop()
    return 0
