"""Inbound events and outbound messages: the only shapes adapters and core exchange."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.markup import RichText


class ChatKind(StrEnum):
    """Where an event happened: a community chat or a private chat with the bot."""

    GROUP = "group"
    DM = "dm"


@dataclass(frozen=True, slots=True)
class Address:
    """Which platform, chat and user an event belongs to; ids are strings everywhere."""

    platform: str
    chat_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Sender:
    """Who acted, as the platform shows them; `is_admin` is None when not known yet."""

    display_name: str
    username: str | None = None
    is_admin: bool | None = None
    language: str | None = None
    """The platform's language hint (Telegram `language_code`, Discord locale), if it sent one."""


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person the platform resolved in the message (a mention entity or a user option)."""

    user_id: str
    display_name: str
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A text message, a command typed as text, or a slash command with typed options."""

    address: Address
    chat_kind: ChatKind
    sender: Sender
    text: str
    chat_title: str = ""
    message_id: str | None = None
    reply_to_message_id: str | None = None
    mentions: tuple[UserRef, ...] = ()
    command: str | None = None
    options: Mapping[str, str] | None = None
    addressed_to_bot: bool = False
    """Meant for this bot in a group: `/cmd@thisbot`, a reply to the bot, a mention, a slash
    command. Unknown commands in groups are answered only then (other bots live there)."""


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A press on one of the bot's buttons; action and payload are what the core put there."""

    address: Address
    chat_kind: ChatKind
    sender: Sender
    action: str
    payload: str
    chat_title: str = ""
    message_id: str | None = None


Event = Message | ButtonPress


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Someone left (or was removed from) a community chat: `address` is the chat and them."""

    address: Address


@dataclass(frozen=True, slots=True)
class Button:
    """A button: the label people see, and what the core does when it is pressed.

    A button with a `url` opens that link instead (e.g. a private chat with the bot);
    its action and payload are then unused.
    """

    label: str
    action: str
    payload: str = ""
    url: str | None = None


class AttachmentKind(StrEnum):
    """Images are shown inline; files are sent as documents."""

    IMAGE = "image"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Attachment:
    """An image or file the bot sends along with a message."""

    filename: str
    data: bytes
    kind: AttachmentKind = AttachmentKind.FILE
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class OutMessage:
    """What the bot says: neutral rich text, optional button rows and one attachment."""

    text: RichText
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    card: bool = False
    """A self-contained post (a tip, a recap): platforms with cards (Discord embeds) use one."""


class Acknowledgement(StrEnum):
    """What a reaction on the person's own message says: plan noted, or done."""

    NOTED = "noted"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message to deliver, and to whom.

    No target: a reply in the event's chat. `private`: only the acting person may see it
    (an ephemeral reply or a DM). `user_id`: a DM to that user. `chat_id`: another chat.
    `platform` is set only when the target lives on another platform than the event.
    `acknowledge`: the message only confirms the person's own group message, so a platform
    that reacts marks that message instead of posting (a busy group is not flooded); the
    message is the fallback where it cannot.
    """

    message: OutMessage
    private: bool = False
    chat_id: str | None = None
    user_id: str | None = None
    platform: str | None = None
    notes: tuple[str, ...] = field(default=())
    pointer: bool = False
    """A content-free line saying private replies went to the person: sent only when they
    arrived (when one could not, the DM notice takes its place)."""
    acknowledge: Acknowledgement | None = None
