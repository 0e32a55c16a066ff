"""Commands, button actions and free-text triggers, declared once for every platform."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.errors import UsageError
from bot.core.numbers import number_argument

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.core.context import Ctx
    from bot.core.departures import Departure
    from bot.core.events import Message


class ParamKind(StrEnum):
    """How an argument is read from text and which native option type it becomes."""

    WORD = "word"
    TEXT = "text"
    LIST = "list"
    INT = "int"
    CHOICE = "choice"
    PERSON = "person"


class Suggest(StrEnum):
    """What a platform with autocomplete may offer while an argument is typed."""

    TOPIC = "topic"
    OPEN_REQUEST = "open_request"
    REQUEST = "request"


class Access(StrEnum):
    """The least a person must be to run a command; handlers check finer rules."""

    ANYONE = "anyone"
    MEMBER = "member"
    MENTOR = "mentor"
    ORGANIZER = "organizer"


class Where(StrEnum):
    """Which chats a command works in."""

    ANY = "any"
    GROUP = "group"
    DM = "dm"


@dataclass(frozen=True, slots=True)
class Param:
    """One argument: TEXT and LIST take the rest of the line, so they come last."""

    name: str
    kind: ParamKind
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int = 1000
    suggest: Suggest | None = None

    @property
    def usage(self) -> str:
        """How the argument appears in a usage line."""
        if self.kind is ParamKind.CHOICE:
            body = "|".join(self.choices)
        elif self.kind is ParamKind.PERSON:
            body = "@person"
        elif self.kind is ParamKind.LIST:
            body = f"{self.name}, …"
        else:
            body = self.name
        return f"<{body}>" if self.required else f"[{body}]"


Args = Mapping[str, str | int]
Handler = Callable[["Ctx", Args], Awaitable[None]]
ButtonHandler = Callable[["Ctx", str], Awaitable[None]]
LeaveHandler = Callable[["Departure"], Awaitable[None]]
"""What a feature does when someone leaves a community (no event context: nobody acted)."""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command as every platform registers it."""

    name: str
    summary: str
    handler: Handler
    example: str
    params: tuple[Param, ...] = ()
    access: Access = Access.MEMBER
    where: Where = Where.ANY
    details: str = ""
    usage_override: str | None = None
    organizers_only: bool = False
    """Only organizers may use it, checked by its handler where `access` cannot say so (an
    organizer command that also works in DMs); menus show it to organizers only."""

    @property
    def for_organizers(self) -> bool:
        """Whether platform menus list it only for organizers (chat admins)."""
        return self.access is Access.ORGANIZER or self.organizers_only

    @property
    def usage(self) -> str:
        """The usage line, e.g. `/skills <skills, …>`."""
        if self.usage_override:
            return self.usage_override
        return " ".join([f"/{self.name}", *(param.usage for param in self.params)])


@dataclass(frozen=True, slots=True)
class TextTrigger:
    """A plain-text phrase the bot answers, like "how can I help?"."""

    name: str
    matches: Callable[[str], bool]
    handler: Handler


@dataclass(frozen=True, slots=True)
class ReplyHandler:
    """Takes plain replies to some of the bot's messages; `wants` decides, reading only."""

    wants: Callable[[AsyncSession, Message], Awaitable[bool]]
    handler: Handler


@dataclass(slots=True)
class Registry:
    """Everything the router can dispatch to; adapters read it to register commands."""

    commands: dict[str, CommandSpec] = field(default_factory=dict)
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)
    triggers: list[TextTrigger] = field(default_factory=list)
    reply_handlers: list[ReplyHandler] = field(default_factory=list)
    text_handlers: list[ReplyHandler] = field(default_factory=list)
    leave_handlers: list[LeaveHandler] = field(default_factory=list)

    def add_command(self, spec: CommandSpec) -> None:
        """Declares a command; names are unique and lower-case."""
        if spec.name in self.commands or spec.name != spec.name.lower():
            raise ValueError(f"command name {spec.name!r} is taken or not lower-case")
        kinds = [param.kind for param in spec.params]
        for kind in kinds[:-1]:
            if kind in (ParamKind.TEXT, ParamKind.LIST):
                raise ValueError(f"/{spec.name}: a {kind} parameter must come last")
        self.commands[spec.name] = spec

    def add_button(self, action: str, handler: ButtonHandler) -> None:
        """Declares what a button action does; actions are short so payloads fit 64 bytes."""
        if action in self.buttons or ":" in action or len(action) > 16:
            raise ValueError(f"button action {action!r} is taken or malformed")
        self.buttons[action] = handler

    def add_trigger(self, trigger: TextTrigger) -> None:
        """Declares a free-text trigger."""
        self.triggers.append(trigger)

    def add_reply_handler(
        self, wants: Callable[[AsyncSession, Message], Awaitable[bool]], handler: Handler
    ) -> None:
        """Declares a handler for the plain replies that `wants` (a read-only check) takes.

        The check runs before any transaction, so a reply nobody takes leaves no trace.
        """
        self.reply_handlers.append(ReplyHandler(wants, handler))

    def add_text_handler(
        self, wants: Callable[[AsyncSession, Message], Awaitable[bool]], handler: Handler
    ) -> None:
        """Declares a handler for plain text (not only replies) that `wants` takes, like a
        dialog's answers; asked before triggers in a DM, after them in a group."""
        self.text_handlers.append(ReplyHandler(wants, handler))

    def add_leave_handler(self, handler: LeaveHandler) -> None:
        """Declares what happens to a feature's data when someone leaves a community."""
        self.leave_handlers.append(handler)

    def extend(self, specs: Iterable[CommandSpec]) -> None:
        """Declares several commands."""
        for spec in specs:
            self.add_command(spec)


def parse_text_args(spec: CommandSpec, raw: str) -> dict[str, str | int]:
    """Reads a command's arguments from the text after its name."""
    values: dict[str, str | int] = {}
    rest = raw.strip()
    for param in spec.params:
        if param.kind in (ParamKind.TEXT, ParamKind.LIST):
            token, rest = rest, ""
        else:
            token, rest = _next_token(rest, param.kind)
        if token:
            values[param.name] = token
    if rest:
        raise UsageError(
            "Too many arguments for `/{name}`. Usage: `{usage}`",
            {"name": spec.name, "usage": spec.usage},
            spec.example,
        )
    return coerce_args(spec, values)


def _next_token(rest: str, kind: ParamKind) -> tuple[str, str]:
    """The first word and the rest; a number may be typed `# 3`, so `#` keeps its word."""
    parts = rest.split(maxsplit=1)
    if kind is ParamKind.INT and len(parts) == 2 and parts[0] == "#":
        parts = parts[1].split(maxsplit=1)
        parts[0] = "#" + parts[0]
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) == 2 else ""


def coerce_args(spec: CommandSpec, given: Mapping[str, str | int]) -> dict[str, str | int]:
    """Checks presence, length, numbers and choices; the same for text and typed options."""
    values: dict[str, str | int] = {}
    for param in spec.params:
        value = given.get(param.name)
        text = "" if value is None else str(value).strip()
        if not text:
            if param.required:
                raise UsageError(
                    "`/{name}` needs {param}. Usage: `{usage}`",
                    {"name": spec.name, "param": param.usage, "usage": spec.usage},
                    spec.example,
                )
            continue
        if len(text) > param.max_length:
            raise UsageError(
                "{param} is too long ({length} characters; the limit is {limit}).",
                {"param": param.name, "length": len(text), "limit": param.max_length},
                spec.example,
            )
        values[param.name] = _coerce(spec, param, text)
    return values


def _coerce(spec: CommandSpec, param: Param, text: str) -> str | int:
    if param.kind is ParamKind.INT:
        return number_argument(text, spec.example)
    if param.kind is ParamKind.CHOICE:
        lowered = text.lower()
        if lowered not in param.choices:
            raise UsageError(
                "{param} must be one of: {choices} (not “{value}”).",
                {"param": param.name, "choices": ", ".join(param.choices), "value": text},
                spec.example,
            )
        return lowered
    return text
