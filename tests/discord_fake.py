"""A small fake Discord (REST + gateway) on 127.0.0.1 that the real discord.py talks to.

It records every REST call, can answer 429 or 403 on chosen routes, and lets a test
dispatch gateway events (INTERACTION_CREATE, MESSAGE_CREATE) to the connected bot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = "100000000000000001"
BOT_ID = "100000000000000002"
GUILD_ID = "200000000000000001"
CHANNEL_ID = "300000000000000001"
OTHER_CHANNEL_ID = "300000000000000002"
ORGANIZER_ROLE_ID = "700000000000000009"
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view, send, use application commands
TIMESTAMP = "2026-11-23T12:00:00.000000+00:00"
WAIT = 10.0
JSON = {"Content-Type": "application/json"}  # exactly: discord.py parses nothing else


@dataclass
class Call:
    """One REST request as the bot made it."""

    method: str
    path: str
    json: Any
    query: dict[str, str]
    files: list[str]


@dataclass
class Failure:
    """An error to answer, `times` times, for requests whose "METHOD path" matches."""

    pattern: str
    status: int
    body: dict[str, Any]
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Person:
    """A Discord user in the fake guild."""

    user_id: str
    name: str
    permissions: int = MEMBER_PERMISSIONS
    locale: str = "en-US"
    """The language of the person's Discord client, sent with each interaction."""

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "username": self.name,
            "global_name": self.name.capitalize(),
            "discriminator": "0",
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }

    @property
    def member(self) -> dict[str, Any]:
        """As in an interaction: with the permissions Discord resolved for the channel."""
        return {
            "user": self.user,
            "roles": [ORGANIZER_ROLE_ID] if self.permissions & MANAGE_GUILD else [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "permissions": str(self.permissions),
        }


MESSAGE_CONTENT = 1 << 15  # the gateway intent bit
GUILD_MEMBERS = 1 << 1  # privileged too: member joins and removals


class FakeDiscord:
    """REST under /api/v10 and a gateway websocket under /gateway, on a random port."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.people: dict[str, Person] = {}
        self.identified: dict[str, Any] | None = None
        # The Developer Portal's Message Content switch: off, an IDENTIFY asking for the
        # intent is closed with 4014, as Discord does.
        self.privileged_intents = True
        self.commands: list[dict[str, Any]] = []
        self._ids = itertools.count(400000000000000001)
        self._seq = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.bot = {
            "id": BOT_ID,
            "username": "mentorbot",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "flags": 0,
            "mfa_enabled": False,
        }

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def add_person(self, user_id: str, name: str, *, organizer: bool = False) -> Person:
        permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if organizer else 0)
        person = Person(user_id, name, permissions)
        self.people[user_id] = person
        return person

    def fail(self, pattern: str, status: int, body: dict[str, Any], times: int = 1) -> None:
        """Answers the next `times` matching requests with this error."""
        headers: dict[str, str] = {}
        if status == 429:
            after = str(body.get("retry_after", 0.05))
            headers = {
                "Via": "1.1 google",
                "Retry-After": after,
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + float(after):.3f}",
                "X-RateLimit-Reset-After": after,
                "X-RateLimit-Bucket": "fake-bucket",
                "X-RateLimit-Scope": "user",
            }
        self.failures.append(Failure(pattern, status, body, times, headers))

    # --- waiting ---------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any]) -> Any:
        """Waits (at most WAIT seconds) until the predicate returns something truthy."""

        async def check() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(check(), WAIT)

    def find(self, method: str, pattern: str) -> list[Call]:
        """Recorded calls whose method matches and whose path matches the regex."""
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    async def wait_call(self, method: str, pattern: str, count: int = 1) -> list[Call]:
        """Waits until at least `count` matching calls were made; returns them all."""
        result: list[Call] = await self.wait_for(
            lambda: (found := self.find(method, pattern)) and len(found) >= count and found
        )
        return result

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- gateway ---------------------------------------------------------------------

    async def dispatch(self, name: str, data: dict[str, Any], intent: int = 0) -> None:
        """Sends one DISPATCH event to every connected bot (that asked for its intent)."""
        wanted = self.identified is None or not intent or self.identified.get("intents", 0) & intent
        if not wanted:
            return  # Discord sends gated events only to sessions that asked for the intent
        for socket in self._sockets:
            await socket.send_str(json.dumps({"op": 0, "t": name, "s": next(self._seq), "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif message["op"] == 2:
                privileged = message["d"].get("intents", 0) & (MESSAGE_CONTENT | GUILD_MEMBERS)
                if privileged and not self.privileged_intents:
                    await socket.close(code=4014, message=b"Disallowed intent(s).")
                    break
                self.identified = message["d"]
                self._sockets.append(socket)
                await self._ready(socket)
                await self._notify()
        if socket in self._sockets:
            self._sockets.remove(socket)
        return socket

    async def _ready(self, socket: web.WebSocketResponse) -> None:
        ready = {
            "v": 10,
            "user": self.bot,
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": APP_ID, "flags": 0},
            "private_channels": [],
        }
        if self.identified is not None and "shard" in self.identified:
            ready["shard"] = self.identified["shard"]  # as Discord does for a sharded session
        await socket.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        await socket.send_str(
            json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": self.guild()})
        )

    def channel(self, channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": "makers" if channel_id == CHANNEL_ID else "other",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def guild(self) -> dict[str, Any]:
        everyone = {
            "id": GUILD_ID,
            "name": "@everyone",
            "permissions": str(MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
        organizers = {
            **everyone,
            "id": ORGANIZER_ROLE_ID,
            "name": "Organizers",
            "permissions": str(MANAGE_GUILD),
            "position": 1,
        }
        bot_member = {
            "user": self.bot,
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        return {
            "id": GUILD_ID,
            "name": "Makers Guild",
            "icon": None,
            "owner_id": "999999999999999999",
            "roles": [everyone, organizers],
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": len(self.people) + 1,
            "large": False,
            "unavailable": False,
            "joined_at": TIMESTAMP,
            "channels": [self.channel(CHANNEL_ID), self.channel(OTHER_CHANNEL_ID)],
            "members": [bot_member],
            "presences": [],
            "voice_states": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }

    # --- events the test sends ---------------------------------------------------------

    def _interaction_base(self, person: Person, *, dm: bool) -> dict[str, Any]:
        interaction_id = str(next(self._ids))
        base: dict[str, Any] = {
            "id": interaction_id,
            "application_id": APP_ID,
            "token": f"token-{interaction_id}",
            "version": 1,
            "locale": person.locale,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID},
            "attachment_size_limit": 10485760,
        }
        if dm:
            dm_channel = f"5{person.user_id[1:]}"
            base["channel_id"] = dm_channel
            base["channel"] = {"id": dm_channel, "type": 1, "recipients": [person.user]}
            base["user"] = person.user
            base["context"] = 1
        else:
            base["guild_id"] = GUILD_ID
            base["guild_locale"] = "en-US"
            base["channel_id"] = CHANNEL_ID
            base["channel"] = self.channel()
            base["member"] = person.member
            base["context"] = 0
        return base

    async def slash(
        self, person: Person, name: str, options: dict[str, Any] | None = None, *, dm: bool = False
    ) -> str:
        """Dispatches a slash command as Discord would; returns the interaction token."""
        payload = self._interaction_base(person, dm=dm)
        command = next((c for c in self.commands if c["name"] == name), None)
        assert command is not None, f"/{name} was never synced"
        types = {o["name"]: o["type"] for o in command.get("options", [])}
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1}
        if options:
            data["options"] = [
                {"name": key, "type": types[key], "value": value} for key, value in options.items()
            ]
            users = {
                str(v): self.people[str(v)]
                for k, v in options.items()
                if types[k] == 6 and str(v) in self.people
            }
            if users:
                data["resolved"] = {
                    "users": {uid: p.user for uid, p in users.items()},
                    "members": {
                        uid: {k: v for k, v in p.member.items() if k != "user"}
                        for uid, p in users.items()
                    },
                }
        payload["type"] = 2
        payload["data"] = data
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def press(
        self, person: Person, message: dict[str, Any], custom_id: str, *, dm: bool = False
    ) -> str:
        """Dispatches a button press on a message the bot posted; returns the token."""
        payload = self._interaction_base(person, dm=dm)
        payload["type"] = 3
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def leave(self, person: Person) -> None:
        """The person leaves the server (or is kicked): GUILD_MEMBER_REMOVE, members intent."""
        await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": GUILD_ID, "user": person.user}, GUILD_MEMBERS
        )

    async def say(self, person: Person, content: str) -> None:
        """Dispatches a channel message from a person."""
        member = {k: v for k, v in person.member.items() if k not in ("user", "permissions")}
        message = self.message_payload(CHANNEL_ID, content, author=person.user)
        message.update(guild_id=GUILD_ID, member=member)
        await self.dispatch("MESSAGE_CREATE", message)

    # --- REST ------------------------------------------------------------------------

    def message_payload(
        self, channel_id: str, content: str, *, author: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "author": author or self.bot,
            "content": content,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
            **extra,
        }

    def _sent(self, channel_id: str, body: Any) -> dict[str, Any]:
        body = body if isinstance(body, dict) else {}
        return self.message_payload(
            channel_id,
            body.get("content") or "",
            components=body.get("components", []),
            nonce=body.get("nonce"),
            flags=body.get("flags", 0),
        )

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[str] = []
        if request.content_type == "multipart/form-data":
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    body = json.loads(str(value))
                elif hasattr(value, "filename"):
                    files.append(value.filename)
        elif request.can_read_body:
            body = await request.json()
        self.calls.append(Call(request.method, path, body, dict(request.query), files))
        await self._notify()
        line = f"{request.method} {path}"
        for failure in self.failures:
            if failure.times > 0 and re.fullmatch(failure.pattern, line):
                failure.times -= 1
                return self._json(failure.body, failure.status, failure.headers)
        return self._json(*self._answer(request.method, path, body))

    def _json(
        self, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        if status == 204:
            return web.Response(status=204)
        return web.Response(
            body=json.dumps(data).encode(), status=status, headers={**JSON, **(headers or {})}
        )

    def _answer(self, method: str, path: str, body: Any) -> tuple[Any, int]:
        if method == "GET" and path == "/users/@me":
            return self.bot, 200
        if method == "GET" and path == "/oauth2/applications/@me":
            return self._application(), 200
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            shards = {
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
            return {"url": self.gateway_url, **shards}, 200
        if method == "PUT" and path == f"/applications/{APP_ID}/commands":
            self.commands = [
                {
                    **command,
                    "id": str(next(self._ids)),
                    "application_id": APP_ID,
                    "version": "1",
                    "default_member_permissions": None,
                    "dm_permission": True,
                    "nsfw": False,
                    "type": 1,
                }
                for command in body
            ]
            return self.commands, 200
        if method == "GET" and path == f"/applications/{APP_ID}/commands":
            return self.commands, 200
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(match.group(1), body), 200
        if match := re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)", path):
            return self._sent(CHANNEL_ID, body), 200
        if re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)/messages/@original", path):
            if method == "DELETE":
                return None, 204
            return self._sent(CHANNEL_ID, body), 200
        if (match := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            return self._sent(match.group(1), body), 200
        if (match := re.fullmatch(r"/channels/(\d+)", path)) and match.group(1) in (
            CHANNEL_ID,
            OTHER_CHANNEL_ID,
        ):
            return self.channel(match.group(1)), 200
        if method == "POST" and path == "/users/@me/channels":
            recipient = str(body["recipient_id"])
            user = self.people[recipient].user if recipient in self.people else {"id": recipient}
            return {
                "id": f"5{recipient[1:]}",
                "type": 1,
                "recipients": [user],
                "last_message_id": None,
            }, 200
        if match := re.fullmatch(rf"/guilds/{GUILD_ID}/members/(\d+)", path):
            person = self.people.get(match.group(1))
            if person is not None:  # REST members carry roles, not resolved permissions
                return {k: v for k, v in person.member.items() if k != "permissions"}, 200
            return {"message": "Unknown Member", "code": 10007}, 404
        return {"message": f"fake Discord has no {method} {path}", "code": 0}, 404

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("type")
        data = body.get("data") or {}
        flags = int(data.get("flags", 0))
        interaction: dict[str, Any] = {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
        result: dict[str, Any] = {"interaction": interaction}
        if kind == 4:
            message = self._sent(CHANNEL_ID, data)
            interaction["response_message_id"] = message["id"]
            result["resource"] = {"type": 4, "message": message}
        return result

    def _application(self) -> dict[str, Any]:
        return {
            "id": APP_ID,
            "name": "mentorbot",
            "icon": None,
            "description": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": {
                "id": "999999999999999999",
                "username": "owner",
                "discriminator": "0",
                "avatar": None,
            },
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": self.bot,
        }
