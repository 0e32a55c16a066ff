"""PTB's requests over aiohttp: forms and uploads arrive whole, PTB reads the answers as it
does httpx's, and failures become its TimedOut and NetworkError without the token."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from adapters.telegram.transport import AiohttpRequest
from tests.ports import free_port

TOKEN = "123456:SECRET-token_value"


@dataclass
class Seen:
    """What the server received, and what it answers next."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: tuple[int, dict[str, Any]] = (200, {"ok": True, "result": True})
    delay: float = 0.0


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Seen]]:
    """A loopback Bot API stand-in recording each request's form."""
    seen = Seen()

    async def handle(request: web.Request) -> web.Response:
        form = await request.post()
        fields: dict[str, Any] = {}
        for name, value in form.items():
            if isinstance(value, web.FileField):
                fields[name] = (value.filename, value.content_type, value.file.read())
            else:
                fields[name] = value
        seen.requests.append({"path": request.path, "type": request.content_type, "fields": fields})
        await asyncio.sleep(seen.delay)
        if request.path.endswith("/getMe"):
            bot = {"id": 123456, "is_bot": True, "first_name": "Mentor", "username": "mentorbot"}
            return web.json_response({"ok": True, "result": bot})
        status, body = seen.answer
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    """An initialized transport with short timeouts."""
    transport = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    await transport.initialize()
    yield transport
    await transport.shutdown()


def _data(**values: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(key, value) for key, value in values.items()])


async def test_fields_arrive_as_a_form_and_the_answer_comes_back_whole(
    server: tuple[str, Seen], request_: AiohttpRequest
) -> None:
    base, seen = server
    status, payload = await request_.do_request(
        f"{base}/bot{TOKEN}/sendMessage",
        "POST",
        _data(chat_id=-100, text="héllo & <b>", reply_markup={"inline_keyboard": []}),
    )
    assert status == 200
    assert json.loads(payload) == {"ok": True, "result": True}
    [got] = seen.requests
    assert got["type"] == "application/x-www-form-urlencoded"
    assert got["fields"]["chat_id"] == "-100"
    assert got["fields"]["text"] == "héllo & <b>"
    assert json.loads(got["fields"]["reply_markup"]) == {"inline_keyboard": []}


async def test_a_file_goes_as_multipart_with_the_other_fields(
    server: tuple[str, Seen], request_: AiohttpRequest
) -> None:
    base, seen = server
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    upload = InputFile(io.BytesIO(content), filename="récap semaine 1.png")
    await request_.do_request(
        f"{base}/bot{TOKEN}/sendPhoto", "POST", _data(chat_id=7, caption="week", photo=upload)
    )
    [got] = seen.requests
    assert got["type"] == "multipart/form-data"
    assert got["fields"]["chat_id"] == "7"
    assert got["fields"]["caption"] == "week"
    [filename, content_type, received] = next(
        value for value in got["fields"].values() if isinstance(value, tuple)
    )
    assert (filename, content_type, received) == ("récap semaine 1.png", "image/png", content)


async def test_ptb_reads_limits_and_refusals_from_our_answers(server: tuple[str, Seen]) -> None:
    """The status and body go back untouched: PTB raises its own RetryAfter and Forbidden."""
    base, seen = server
    bot = Bot(TOKEN, base_url=f"{base}/bot", request=AiohttpRequest())
    async with bot:
        seen.answer = (
            429,
            {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
             "parameters": {"retry_after": 3}},
        )  # fmt: skip
        with pytest.raises(RetryAfter) as limited:
            await bot.set_message_reaction(chat_id=1, message_id=2, reaction="👍")
        assert limited.value.retry_after in (3, timedelta(seconds=3))
        seen.answer = (403, {"ok": False, "error_code": 403, "description": "Forbidden: blocked"})
        with pytest.raises(Forbidden):
            await bot.send_message(chat_id=1, text="hi")
    assert [request["path"] for request in seen.requests][-2:] == [
        f"/bot{TOKEN}/setMessageReaction",
        f"/bot{TOKEN}/sendMessage",
    ]


async def test_a_slow_answer_is_timed_out(
    server: tuple[str, Seen], request_: AiohttpRequest
) -> None:
    base, seen = server
    seen.delay = 2.0
    with pytest.raises(TimedOut):
        await request_.do_request(f"{base}/bot{TOKEN}/getMe", "POST")


async def test_a_stalled_upload_is_timed_out() -> None:
    """The server takes the connection and never reads: the body stops in the socket buffers,
    and the request still ends, as TimedOut, within PTB's timeouts added up."""
    accepted: list[asyncio.StreamWriter] = []

    async def never_read(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    port = free_port()
    server = await asyncio.start_server(never_read, "127.0.0.1", port)
    transport = AiohttpRequest(
        connect_timeout=0.3, read_timeout=0.3, pool_timeout=0.3, media_write_timeout=0.3
    )
    await transport.initialize()
    upload = InputFile(io.BytesIO(b"x" * 32_000_000), filename="export.csv")
    try:
        with pytest.raises(TimedOut):
            await asyncio.wait_for(
                transport.do_request(
                    f"http://127.0.0.1:{port}/bot{TOKEN}/sendDocument",
                    "POST",
                    _data(chat_id=1, document=upload),
                ),
                timeout=10,  # without a bound on the upload it would hang: fail, not hang
            )
    finally:
        await transport.shutdown()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_an_error_text_keeps_its_reason_but_not_the_token(request_: AiohttpRequest) -> None:
    with pytest.raises(NetworkError) as failed:
        await request_.do_request(f"http://127.0.0.1:notaport/bot{TOKEN}/getMe", "POST")
    assert "SECRET" not in str(failed.value)
    assert "notaport" in str(failed.value)  # the reason is still there


async def test_a_proxy_from_the_environment_is_used_and_no_proxy_is_honoured(
    server: tuple[str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As httpx (and so PTB's getUpdates) does: HTTP_PROXY carries the request, NO_PROXY
    exempts a host."""
    base, seen = server
    monkeypatch.setenv("HTTP_PROXY", base)
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    transport = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    await transport.initialize()
    try:
        status, _ = await transport.do_request(
            f"http://api.telegram.invalid/bot{TOKEN}/sendMessage", "POST", _data(chat_id=1)
        )
        assert status == 200  # the unresolvable host was reached through the proxy
        assert seen.requests[-1]["fields"] == {"chat_id": "1"}
        with pytest.raises(NetworkError):  # exempt: tried directly, and it does not resolve
            await transport.do_request(f"http://direct.invalid/bot{TOKEN}/getMe", "POST")
    finally:
        await transport.shutdown()


async def test_a_refused_connection_is_a_network_error_without_the_token(
    request_: AiohttpRequest,
) -> None:
    with pytest.raises(NetworkError) as failed:
        await request_.do_request(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe", "POST")
    assert not isinstance(failed.value, TimedOut)
    assert "SECRET" not in str(failed.value)
    assert "aiohttp." in str(failed.value)


async def test_it_must_be_initialized_and_can_be_again_after_shutdown(
    server: tuple[str, Seen],
) -> None:
    base, _ = server
    transport = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await transport.do_request(f"{base}/bot{TOKEN}/getMe", "POST")
    for _ in range(2):
        await transport.initialize()
        status, _payload = await transport.do_request(f"{base}/bot{TOKEN}/getMe", "POST")
        assert status == 200
        await transport.shutdown()
    with pytest.raises(RuntimeError):
        await transport.do_request(f"{base}/bot{TOKEN}/getMe", "POST")
