"""A small fake Telegram Bot API on 127.0.0.1 for end-to-end tests of the real PTB.

It records every call, serves getMe and long-polled getUpdates (released at shutdown),
lets a test inject updates and failures (429 with retry_after, 403, …), and enforces the
rules the adapter relies on: 4096 characters after entity parsing, well-formed HTML,
64-byte callback data, and that a bot cannot start a DM with someone who never wrote to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web
from telegram.constants import ReactionEmoji

TOKEN = "424242:FAKE-tg-token-that-must-never-be-logged"
BOT_ID = 424242
BOT_USERNAME = "mentor_test_bot"
WAIT_LIMIT = 15.0  # seconds before a test waiting for the bot gives up

OPT_IN_UPDATES = ("chat_member", "message_reaction", "message_reaction_count")
"""Kinds Telegram sends only to a bot that lists them in `allowed_updates`."""
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "link_preview_options",
    "allowed_updates",
    "entities",
    "reaction",
}
INT_FIELDS = {"chat_id", "user_id", "offset", "limit", "timeout", "message_id"}
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}

Json = dict[str, Any]
ALLOWED_REACTIONS = frozenset(emoji.value for emoji in ReactionEmoji)


class ApiError(Exception):
    """An error answer, shaped like the Bot API's."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class Call:
    """One request the bot made: its method, decoded parameters and the status answered."""

    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class Sent:
    """A message the bot posted: the HTML it sent and the text Telegram would show."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: Json | None
    payload: Json
    kind: str = "text"

    @property
    def buttons(self) -> list[Json]:
        """Every inline button of the message, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass
class Reaction:
    """A reaction the bot set on a message."""

    chat_id: int
    message_id: int
    emoji: str


@dataclass
class Failure:
    """A planned error answer for the next calls of one method."""

    method: str
    error: ApiError
    times: int
    chat_id: int | None = None


class _TelegramHtml(HTMLParser):
    """Parses Telegram's HTML subset the way the server does, strictly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            self.error = self.error or "Unexpected character in text; escape <, > and &"
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        known = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
        if name not in known:
            self.error = self.error or f'Unsupported HTML entity "&{name};"'
        self.text.append(known.get(name, ""))

    def handle_charref(self, name: str) -> None:
        number = int(name[1:], 16) if name.lower().startswith("x") else int(name)
        self.text.append(chr(number))


def parse_html(source: str) -> str:
    """The visible text of a Telegram HTML message, or ApiError 400 as Telegram answers."""
    parser = _TelegramHtml()
    parser.feed(source)
    parser.close()
    if parser.rawdata:  # an unterminated `<tag` left unparsed
        parser.error = parser.error or "Unclosed start tag"
    if parser.stack and parser.error is None:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error is not None:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error}")
    return "".join(parser.text)


def _kind(update: Json) -> str:
    """Which kind an update is: the one field besides `update_id`."""
    return next(key for key in update if key != "update_id")


def _member(status: str, person: Json) -> Json:
    """A ChatMember object; `kicked` carries the `until_date` Telegram always sends."""
    member: Json = {"status": status, "user": person}
    if status == "kicked":
        member["until_date"] = 0
    return member


def user(user_id: int, first_name: str, username: str | None = None) -> Json:
    """A User object."""
    payload: Json = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        payload["username"] = username
    return payload


def group(chat_id: int, title: str, kind: str = "group") -> Json:
    """A group or supergroup Chat object."""
    return {"id": chat_id, "type": kind, "title": title}


def private(person: Json) -> Json:
    """A person's private chat with the bot."""
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


@dataclass
class FakeBotApi:
    """The server, its records, and helpers that inject what people do."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    admins: dict[int, list[Json]] = field(default_factory=dict)
    dm_open: set[int] = field(default_factory=set)
    reactions: list[Reaction] = field(default_factory=list)
    no_reactions: set[int] = field(default_factory=set)
    written: list[Json] = field(default_factory=list)
    """Every message people wrote (through `say`), oldest first."""
    """Chats whose admins turned reactions off: setMessageReaction answers 400 there."""
    _updates: list[Json] = field(default_factory=list)
    _failures: list[Failure] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _new_updates: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: bool = False
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        """Listens on a free port of 127.0.0.1; returns the base URL to give PTB."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def close(self) -> None:
        """Releases pending long polls at once, then stops serving."""
        self._closing = True
        self._new_updates.set()
        self._changed.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # what people do

    def inject(self, update: Json) -> int:
        """Queues one update for getUpdates; returns its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_updates.set()
        self._touch()
        return int(update["update_id"])

    def say(self, chat: Json, person: Json, text: str, **extra: Any) -> int:
        """A person writes in a chat; a leading /command gets its bot_command entity."""
        if chat["type"] == "private":
            self.dm_open.add(person["id"])
        message: Json = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": person,
            "text": text,
        }
        entities = list(extra.pop("entities", []))
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": len(command)})
        if entities:
            message["entities"] = entities
        message.update(extra)
        self.written.append(message)
        return self.inject({"message": message})

    def service(self, chat: Json, person: Json, **fields: Any) -> int:
        """A service message, such as a group's migration to a supergroup."""
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": person,
            **fields,
        }
        return self.inject({"message": message})

    def member_status(
        self, chat: Json, person: Json, old: str, new: str, by: Json | None = None
    ) -> int:
        """A `chat_member` update: the person's status changed (left, kicked by `by`, …)."""
        return self.inject(
            {
                "chat_member": {
                    "chat": chat,
                    "from": by or person,
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": person},
                    "new_chat_member": _member(new, person),
                }
            }
        )

    def press(self, person: Json, sent: Sent, data: str) -> int:
        """A person presses an inline button (or sends forged callback data)."""
        return self.inject(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": person,
                    "chat_instance": "fake-instance",
                    "data": data,
                    "message": sent.payload,
                }
            }
        )

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answers the next `times` calls of `method` (to `chat_id`, if given) with an error."""
        self._failures.append(
            Failure(method, ApiError(status, description, retry_after), times, chat_id)
        )

    # what tests observe

    def calls_to(self, method: str) -> list[Call]:
        """Every call of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Every message the bot posted in one chat."""
        return [message for message in self.sent if message.chat_id == chat_id]

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Waits for a condition on the records; fails the test if it never holds."""
        try:
            async with asyncio.timeout(WAIT_LIMIT):
                while not condition():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            methods = [call.method for call in self.calls]
            raise AssertionError(f"condition never held; calls were {methods}") from None

    async def wait_sent(self, chat_id: int, count: int = 1) -> list[Sent]:
        """Waits until the bot has posted `count` messages in the chat; returns them all."""
        await self.wait_until(lambda: len(self.sent_to(chat_id)) >= count)
        return self.sent_to(chat_id)

    async def wait_text(self, chat_id: int, fragment: str) -> Sent:
        """Waits for a message containing `fragment` (queued posts may arrive in between)."""

        def found() -> Sent | None:
            return next((m for m in self.sent_to(chat_id) if fragment in m.text), None)

        await self.wait_until(lambda: found() is not None)
        message = found()
        assert message is not None
        return message

    # the server

    def _touch(self) -> None:
        self._changed.set()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        self._touch()
        try:
            self._planned_failure(method, params)
            result = await self._answer(method, params)
        except ApiError as error:
            call.status = error.status
            body: Json = {"ok": False, "error_code": error.status, "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            self._touch()
            return web.json_response(body, status=error.status)
        self._touch()
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
            return params
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                params[name] = {"filename": value.filename, "size": len(value.file.read())}
            elif name in JSON_FIELDS:
                params[name] = json.loads(value)
            elif name in INT_FIELDS:
                with contextlib.suppress(ValueError):
                    params[name] = int(value)
                params.setdefault(name, value)
            else:
                params[name] = value
        return params

    def _planned_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self._failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.times -= 1
            raise failure.error

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Mentor",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "answerCallbackQuery"):
            return True
        if method == "getChatAdministrators":
            chat_id = params["chat_id"]
            return [
                {"status": "creator", "user": admin, "is_anonymous": False}
                for admin in self.admins.get(chat_id, [])
            ]
        if method == "sendMessage":
            return self._send_message(params)
        if method in ("sendPhoto", "sendDocument"):
            return self._send_file(method, params)
        if method == "setMessageReaction":
            return self._set_reaction(params)
        raise ApiError(404, "Not Found: method not found")

    async def _get_updates(self, params: dict[str, Any]) -> list[Json]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        allowed = params.get("allowed_updates")
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._keep(offset, allowed) and not self._closing:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            self._new_updates.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._new_updates.wait()
        return self._keep(offset, allowed)[:limit]

    def _keep(self, offset: int, allowed: list[str] | None) -> list[Json]:
        """Drops confirmed updates and, like Telegram, those of a kind the bot did not ask for."""
        self._updates = [
            u
            for u in self._updates
            if u["update_id"] >= offset
            and (_kind(u) in allowed if allowed else _kind(u) not in OPT_IN_UPDATES)
        ]
        return self._updates

    def _check_target(self, chat_id: int) -> None:
        if chat_id > 0 and chat_id not in self.dm_open:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _check_markup(self, markup: Json | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _chat(self, chat_id: int) -> Json:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "someone"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "a group"}

    def _send_message(self, params: dict[str, Any]) -> Json:
        chat_id = params["chat_id"]
        source = str(params.get("text", ""))
        text = parse_html(source) if params.get("parse_mode") == "HTML" else source
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        self._check_target(chat_id)
        return self._record(chat_id, source, text, markup, {"text": text}, "text")

    def _set_reaction(self, params: dict[str, Any]) -> bool:
        """One emoji from Telegram's list on a message; 400 where reactions are off."""
        chat_id, message_id = params["chat_id"], params["message_id"]
        reaction = params.get("reaction") or []
        if chat_id in self.no_reactions:
            raise ApiError(400, "Bad Request: REACTION_INVALID")
        if len(reaction) > 1 or any(
            item.get("type") != "emoji" or item.get("emoji") not in ALLOWED_REACTIONS
            for item in reaction
        ):
            raise ApiError(400, "Bad Request: REACTION_INVALID")
        if not isinstance(message_id, int) or message_id <= 0:
            raise ApiError(400, "Bad Request: message to react not found")
        for item in reaction:
            self.reactions.append(Reaction(chat_id, message_id, item["emoji"]))
        return True

    def reactions_in(self, chat_id: int) -> list[Reaction]:
        """Every reaction the bot set in one chat."""
        return [reaction for reaction in self.reactions if reaction.chat_id == chat_id]

    def _send_file(self, method: str, params: dict[str, Any]) -> Json:
        chat_id = params["chat_id"]
        markup = params.get("reply_markup")
        self._check_markup(markup)
        self._check_target(chat_id)
        if method == "sendPhoto":
            file = params["photo"]
            extra: Json = {
                "photo": [
                    {"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10},
                ]
            }
        else:
            file = params["document"]
            extra = {
                "document": {
                    "file_id": "d1",
                    "file_unique_id": "u2",
                    "file_name": file["filename"],
                    "file_size": file["size"],
                }
            }
        kind = "photo" if method == "sendPhoto" else "document"
        return self._record(chat_id, "", file["filename"], markup, extra, kind)

    def _record(
        self, chat_id: int, source: str, text: str, markup: Json | None, extra: Json, kind: str
    ) -> Json:
        message: Json = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Mentor"},
            **extra,
        }
        if markup:
            message["reply_markup"] = markup
        self.sent.append(Sent(chat_id, message["message_id"], source, text, markup, message, kind))
        return message
