"""Serves an ASGI app with uvicorn on a socket bound up front, so a taken port fails early."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class PortUnavailable(Exception):
    """WEB_PORT cannot be bound; the message is one line for stderr."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free one), or PortUnavailable."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise PortUnavailable(f"cannot listen on WEB_HOST {host}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise PortUnavailable(
            f"cannot listen on WEB_PORT {port} ({host}): {error.strerror}"
        ) from None
    listener.setblocking(False)
    return listener


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the bot's runner owns SIGTERM and SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leaves the process's signal handlers alone."""
        yield


class WebServer:
    """uvicorn on a pre-bound socket, started and stopped with the bot."""

    def __init__(self, app: ASGIApp, listener: socket.socket) -> None:
        self._listener = listener
        # log_config=None: uvicorn's records go through the bot's handlers (text or JSON).
        config = uvicorn.Config(
            app, log_config=None, log_level="warning", access_log=False, lifespan="off"
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful when 0 asked for any free one)."""
        return int(self._listener.getsockname()[1])

    async def start(self) -> None:
        """Starts serving; returns once uvicorn accepts connections."""
        self._task = asyncio.create_task(
            self._server.serve(sockets=[self._listener]), name="web-server"
        )
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the web server stopped while starting")
            await asyncio.sleep(0.01)
        log.info("web: serving health and metrics on port %d", self.port)

    async def stop(self) -> None:
        """Stops accepting, lets open requests finish briefly, closes the socket."""
        if self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 2.0)
            self._task = None
        self._listener.close()
