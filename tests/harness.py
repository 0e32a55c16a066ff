"""Test helpers: a controllable clock and a chat driven through the real console adapter."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapters.console import ConsoleChat, render
from bot.app import Core, build_registry
from bot.core.clock import SystemClock
from bot.core.events import Address, ButtonPress, ChatKind, Message, OutMessage, Sender
from bot.core.i18n import Translator
from bot.core.platform import PlatformInfo
from bot.core.registry import Registry
from bot.delivery.scheduler import ScheduleEngine
from bot.features.notify import DM_NEEDS_OPT_IN
from storage.db import Database


@dataclass
class FakeClock:
    """A clock that only moves when the test says so."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class ChatDriver:
    """Acts as people in chats; every line goes through the same router as real adapters."""

    core: Core
    output: list[str] = field(default_factory=list)
    console: ConsoleChat = field(init=False)

    def __post_init__(self) -> None:
        self.console = ConsoleChat(self.core.router, self.output.append)

    async def say(self, person: str, chat: str | None, text: str) -> str:
        """Sends one line as `person` in group `chat` (None: their DM); returns the bot's output."""
        start = len(self.output)
        self.console.person = person
        self.console.chat = chat
        await self.console.feed(text)
        return "\n".join(self.output[start:])

    async def press(self, person: str, label: str) -> str:
        """Presses the most recent button with this label, as `person`."""
        for number in sorted(self.console.messenger.buttons, reverse=True):
            if self.console.messenger.buttons[number].button.label == label:
                start = len(self.output)
                self.console.person = person
                await self.console.feed(f"/press {number}")
                return "\n".join(self.output[start:])
        raise AssertionError(f"no button labelled {label!r}")

    def make_admin(self, person: str, chat: str) -> None:
        self.console.messenger.admins.add((chat, person))


async def deliver(core: Core, chat: ChatDriver) -> str:
    """Sends what the outbox has due to the console, and returns what it printed."""
    core.attach(chat.console.messenger)
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


class DiscordSpeaker:
    """Speaks as Discord users (or another platform's) through the router adapters use."""

    def __init__(self, core: Core, platform: str = "discord") -> None:
        self.core = core
        self.platform = platform
        self.messenger = RecordingMessenger(platform=platform)

    async def dm(self, user: str, text: str) -> str:
        return await self._handle(self._message(user, f"dm-{user}", ChatKind.DM, text))

    async def group(self, user: str, chat: str, text: str, *, admin: bool = False) -> str:
        return await self._handle(self._message(user, chat, ChatKind.GROUP, text, admin))

    async def press(self, user: str, chat: str, action: str, payload: str) -> str:
        """Presses a button the core made (its action and payload), in a channel."""
        address = Address(self.platform, chat, user)
        sender = Sender(user.title(), username=user, is_admin=False)
        event = ButtonPress(address, ChatKind.GROUP, sender, action, payload, chat_title=chat)
        return await self._handle(event)

    def _message(
        self, user: str, chat: str, kind: ChatKind, text: str, admin: bool = False
    ) -> Message:
        sender = Sender(user.title(), username=user, is_admin=admin)
        return Message(Address(self.platform, chat, user), kind, sender, text, chat_title=chat)

    async def _handle(self, event: Message | ButtonPress) -> str:
        outbound = await self.core.router.handle(event, self.messenger)
        return "\n".join(render(item.message.text) for item in outbound)


@dataclass
class RecordingMessenger:
    """A Messenger that records sends and fails on command, for delivery-engine tests."""

    platform: str = "telegram"
    text_limit: int = 4096
    sent: list[tuple[str, str, OutMessage, str | None]] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    admins: set[tuple[str, str]] = field(default_factory=set)
    hang_after_send: asyncio.Event | None = None

    @property
    def info(self) -> PlatformInfo:
        return PlatformInfo(
            self.platform,
            self.platform.title(),
            dm_needs_opt_in=self.platform in DM_NEEDS_OPT_IN,
            open_dm_help="Send me any message in a DM.",
        )

    async def send(self, chat_id: str, message: OutMessage, *, key: str | None = None) -> str:
        return await self._record("chat", chat_id, message, key)

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        return await self._record("dm", user_id, message, key)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        return (chat_id, user_id) in self.admins

    async def _record(self, kind: str, target: str, message: OutMessage, key: str | None) -> str:
        queue = self.failures.get(target)
        if queue:
            raise queue.pop(0)
        self.sent.append((kind, target, message, key))
        if self.hang_after_send is not None:
            await self.hang_after_send.wait()
        return str(len(self.sent))

    def keys(self) -> list[str | None]:
        return [key for _, _, _, key in self.sent]


def standalone_registry() -> Registry:
    """The real registry, built without a running core (for adapters' registration tests)."""
    database = Database("sqlite+aiosqlite://")
    return build_registry(
        ScheduleEngine(database.sessions, SystemClock(), lambda: None), Translator()
    )
