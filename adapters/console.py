"""The console adapter: a terminal chat where you act as several people in several groups.

It runs the same router path as Telegram and Discord; tests and the README demo use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.events import (
    Address,
    Attachment,
    Button,
    ButtonPress,
    ChatKind,
    Event,
    MemberLeft,
    Message,
    OutMessage,
    Sender,
)
from bot.core.markup import RichText
from bot.core.messenger import RecipientUnreachable
from bot.core.platform import PlatformInfo
from bot.core.router import Router

PLATFORM = "console"
BOT_NAME = "mentorbot"
_ADDRESSED = re.compile(rf"^/\w+@{BOT_NAME}(?:\s|$)", re.IGNORECASE)
INFO = PlatformInfo(
    PLATFORM,
    "Console",
    dm_needs_opt_in=False,
    open_dm_help="Open a private chat with me (`/dm`) and send /start; I'll send it to you there.",
)

HELP = """Console commands (everything else goes to the bot):
  /as NAME     speak as NAME (people are created as they speak)
  /in GROUP    speak in the group chat GROUP
  /dm          speak in your private chat with the bot
  /admin       make the current person an admin of the current group
  /leave       the current person leaves the current group
  /press N     press button N of a bot message
  /quit        leave"""


def render(text: RichText) -> str:
    """Plain text for the terminal; mentions show as @name."""
    return "".join(f"@{span.text}" if span.mention else span.text for span in text)


@dataclass(slots=True)
class _PressableButton:
    chat_id: str
    chat_kind: ChatKind
    button: Button


@dataclass(slots=True)
class ConsoleMessenger:
    """The Messenger port for the terminal: every message is printed with its chat."""

    write: Callable[[str], None]
    admins: set[tuple[str, str]] = field(default_factory=set)
    buttons: dict[int, _PressableButton] = field(default_factory=dict)
    unreachable: set[str] = field(default_factory=set)
    attachments: Path | None = None
    """Where received files are written (the runner uses ./attachments); None: only described."""
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _saved: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def platform(self) -> str:
        """Always `console`."""
        return PLATFORM

    @property
    def text_limit(self) -> int:
        """Generous, like Telegram's."""
        return 4096

    @property
    def info(self) -> PlatformInfo:
        """The console needs no opt-in and has no links."""
        return INFO

    async def send(self, chat_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Prints a message in a group chat."""
        if chat_id.startswith("dm:"):
            return self._print(f"[dm {chat_id[3:]}]", chat_id, ChatKind.DM, message)
        return self._print(f"[{chat_id}]", chat_id, ChatKind.GROUP, message)

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Prints a message in the person's private chat."""
        if user_id in self.unreachable:
            raise RecipientUnreachable("console user has DMs closed")
        return self._print(f"[dm {user_id}]", dm_chat(user_id), ChatKind.DM, message)

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Admins are whoever `/admin` made one in that group."""
        return (chat_id, user_id) in self.admins

    def _save(self, file: Attachment, folder: Path) -> Path:
        """Writes a received file under a name that never overwrites an earlier one."""
        folder.mkdir(parents=True, exist_ok=True)
        name = Path(file.filename).name or "attachment"
        path = folder / f"{next(self._saved):03d}-{name}"
        path.write_bytes(file.data)
        return path

    def _print(self, where: str, chat_id: str, kind: ChatKind, message: OutMessage) -> str:
        body = render(message.text).replace("\n", "\n    ")
        self.write(f"{where} {BOT_NAME}: {body}")
        for row in message.buttons:
            labels = []
            for button in row:
                number = next(self._numbers)
                self.buttons[number] = _PressableButton(chat_id, kind, button)
                link = f" ({button.url})" if button.url else ""
                labels.append(f"[{number}] {button.label}{link}")
            self.write("    " + "  ".join(labels))
        if message.attachment is not None:
            file = message.attachment
            self.write(f"    (attached {file.kind}: {file.filename}, {len(file.data)} bytes)")
            if self.attachments is not None:
                self.write(f"    (saved to {self._save(file, self.attachments)})")
        return str(next(self._message_ids))


def dm_chat(user_id: str) -> str:
    """The chat id of a person's private chat with the bot."""
    return f"dm:{user_id}"


class ConsoleChat:
    """Turns typed lines into core events as the current person in the current chat."""

    def __init__(
        self, router: Router, write: Callable[[str], None], attachments: Path | None = None
    ) -> None:
        self.router = router
        self.write = write
        self.messenger = ConsoleMessenger(write, attachments=attachments)
        self.person = "alice"
        self.chat: str | None = "group-a"

    @property
    def prompt(self) -> str:
        """Who is speaking where."""
        return f"{self.person}@{self.chat or 'dm'}> "

    async def feed(self, line: str) -> bool:
        """Handles one typed line; returns False when the person asked to quit."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        if word == "/quit":
            return False
        if word == "/as":
            return self._switch_person(rest)
        if word == "/in":
            return self._switch_chat(rest)
        if word == "/dm":
            self.chat = None
            return True
        if word == "/admin":
            return self._make_admin()
        if word == "/leave":
            await self._leave()
            return True
        if word == "/press":
            await self._press(rest)
            return True
        if word == "/console":
            self.write(HELP)
            return True
        await self._dispatch(self._message(text))
        return True

    def _switch_person(self, name: str) -> bool:
        if not name or " " in name or len(name) > 32:
            self.write("(console) usage: /as NAME — one word, like /as bob")
        else:
            self.person = name.lower()
        return True

    def _switch_chat(self, name: str) -> bool:
        if not name or " " in name or len(name) > 32 or name.startswith("dm:"):
            self.write("(console) usage: /in GROUP — one word, like /in group-b")
        else:
            self.chat = name.lower()
        return True

    def _make_admin(self) -> bool:
        if self.chat is None:
            self.write("(console) /admin works in a group: /in GROUP first")
        else:
            self.messenger.admins.add((self.chat, self.person))
            self.write(f"(console) {self.person} is now an admin of {self.chat}")
        return True

    async def _leave(self) -> None:
        """Simulates the platform's "member left" signal for the current person and group."""
        if self.chat is None:
            self.write("(console) /leave works in a group: /in GROUP first")
            return
        self.messenger.admins.discard((self.chat, self.person))
        await self.router.member_left(MemberLeft(Address(PLATFORM, self.chat, self.person)))
        self.write(f"(console) {self.person} left {self.chat}")

    async def _press(self, number: str) -> None:
        readable = number.isascii() and number.isdigit()  # `²`.isdigit() too, and int() fails
        pressable = self.messenger.buttons.get(int(number)) if readable else None
        if pressable is None:
            self.write("(console) no such button; use the number shown in [brackets]")
            return
        if pressable.button.url is not None:
            self.write(f"(console) that button opens {pressable.button.url}")
            return
        event = ButtonPress(
            address=Address(PLATFORM, pressable.chat_id, self.person),
            chat_kind=pressable.chat_kind,
            sender=self._sender(
                pressable.chat_id if pressable.chat_kind is ChatKind.GROUP else None
            ),
            action=pressable.button.action,
            payload=pressable.button.payload,
            chat_title=pressable.chat_id,
        )
        await self._dispatch(event)

    def _sender(self, group: str | None) -> Sender:
        admin = group is not None and (group, self.person) in self.messenger.admins
        return Sender(display_name=self.person.capitalize(), username=self.person, is_admin=admin)

    def _message(self, text: str) -> Message:
        chat_id = self.chat or dm_chat(self.person)
        kind = ChatKind.GROUP if self.chat else ChatKind.DM
        return Message(
            address=Address(PLATFORM, chat_id, self.person),
            chat_kind=kind,
            sender=self._sender(self.chat),
            text=text,
            chat_title=self.chat or "",
            addressed_to_bot=_ADDRESSED.match(text) is not None,
        )

    async def _dispatch(self, event: Event) -> None:
        outbound = await self.router.handle(event, self.messenger)
        await self.router.replies.deliver(self.messenger, event, outbound)


async def run_script(
    chat: ConsoleChat,
    source: Iterable[str],
    settle: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Feeds every line of a script, echoing each one so the output reads like a chat.

    `settle` runs after each line (the runner passes "deliver what is due"), so queued
    notifications appear right after the line that caused them.
    """
    for text in source:
        if text.strip() and not text.lstrip().startswith("#"):
            chat.write(f"{chat.prompt}{text.strip()}")
        if not await chat.feed(text):
            break
        if settle is not None:
            await settle()


async def run_interactive(chat: ConsoleChat, stop: asyncio.Event | None = None) -> None:
    """A read-eval-print loop that keeps the event loop free while waiting for input.

    When `stop` is set (SIGTERM), it takes no more lines; a line being handled finishes first.
    """
    chat.write("mentorbot console. " + HELP.splitlines()[0] + " Type /console for them.")
    stopping: asyncio.Future[bool] = asyncio.ensure_future((stop or asyncio.Event()).wait())
    try:
        while True:
            reading = _read_line_in_thread(chat.prompt)
            either: set[asyncio.Future[object]] = {reading, stopping}  # type: ignore[arg-type]
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                return
            try:
                line = reading.result()
            except EOFError:
                return
            if not await chat.feed(line):
                return
    finally:
        stopping.cancel()


def _read_line_in_thread(prompt: str) -> asyncio.Future[str]:
    """Reads one line in a daemon thread, so a blocked read never holds up the exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def settle(line: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line or "")

    def work() -> None:
        try:
            line, error = _read_line(prompt), None
        except BaseException as caught:  # EOFError, or a closed stdin at exit
            line, error = None, caught
        with contextlib.suppress(RuntimeError):  # the loop closed while we waited
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return future


def _read_line(prompt: str) -> str:
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line
