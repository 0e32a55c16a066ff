"""python-telegram-bot's Bot API requests over aiohttp instead of httpx.

PTB leaves the HTTP client to a `BaseRequest` (its documented extension point). Measured on
loopback, an httpx request cost 1.6-2.1 ms of CPU and an aiohttp one 0.3-0.4 ms; every reply,
reaction and outbox send pays it, and on a busy group it was as much as the whole core's
work on a `/checkin`. aiohttp is already here (discord.py runs on it). Status codes and
payloads go back to PTB untouched, so its own handling of 429, 403 and friends is unchanged.
"""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECTIONS = 256  # PTB's own default pool size for the Bot API
_TOKEN_PATH = re.compile(r"/(?:file/)?bot[^/\s]+")


class AiohttpRequest(BaseRequest):
    """One aiohttp session for the Bot API; timeouts as PTB passes them, in seconds."""

    def __init__(
        self,
        *,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
        pool_timeout: float | None = 1.0,
        connections: int = CONNECTIONS,
    ) -> None:
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._media_write_timeout = media_write_timeout
        self._pool_timeout = pool_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._env_proxies: dict[str, str] = {}
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to a long poll's own wait)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Opens the session (on the running loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)
            # HTTPS_PROXY, NO_PROXY and friends, as httpx (and so getUpdates) reads them; read
            # here once (aiohttp's trust_env reads them, and ~/.netrc, on every request: a
            # third of a send's CPU, measured).
            self._env_proxies = urllib.request.getproxies()
            self._proxies = {}

    async def shutdown(self) -> None:
        """Closes the session and its connections."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request; transport failures become PTB's `TimedOut` or `NetworkError`.

        aiohttp has no write timeout of its own (its read timeout starts once the body is
        sent), so the whole request is bounded by the sum of PTB's four timeouts: a stalled
        upload ends as `TimedOut` too. Error texts never carry the URL (it holds the token).
        """
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            uploads = request_data is not None and request_data.contains_files
            write = self._media_write_timeout if uploads else self._write_timeout
        else:
            write = write_timeout
        parts = (connect, pool, write, read)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(part for part in parts if part is not None),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            reason = _TOKEN_PATH.sub("/bot…", str(error))
            raise NetworkError(f"aiohttp.{type(error).__name__}: {reason}") from error

    def _proxy_for(self, url: str) -> str | None:
        """The environment's proxy for this URL's host (decided once per scheme and host)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxy = self._env_proxies.get(parts.scheme)
            if proxy and urllib.request.proxy_bypass(key[1]):
                proxy = None
            self._proxies[key] = proxy
        return self._proxies[key]


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """A form for the parameters; multipart when files go with them."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData(quote_fields=False)  # file names as UTF-8, as httpx sends them
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


__all__ = ["AiohttpRequest"]
