"""The Messenger port: what the core and the delivery engine may ask of a platform."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.events import Acknowledgement, OutMessage
from bot.core.platform import PlatformInfo


class DeliveryError(Exception):
    """A send failed; `permanent` means retrying cannot help (blocked, chat gone)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class RecipientUnreachable(DeliveryError):
    """The person has not opened a DM with the bot, blocked it, or closed their DMs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=True)


class RateLimited(DeliveryError):
    """The platform said "too many requests"; wait `retry_after` seconds and try again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.1f}s", permanent=False)
        self.retry_after = retry_after


class Messenger(Protocol):
    """A platform as the core sees it."""

    @property
    def platform(self) -> str:
        """The platform's short name: `telegram`, `discord` or `console`."""
        ...

    @property
    def text_limit(self) -> int:
        """The longest message the platform accepts, in characters."""
        ...

    @property
    def info(self) -> PlatformInfo:
        """Facts about the platform: its name, DM rules, how a person opens a DM."""
        ...

    async def send(self, chat_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Posts in a chat and returns the platform's message id."""
        ...

    async def send_dm(self, user_id: str, message: OutMessage, *, key: str | None = None) -> str:
        """Sends a private message; raises RecipientUnreachable when DMs are not possible."""
        ...

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Whether the platform considers this user an administrator of the chat."""
        ...


@runtime_checkable
class Reacting(Protocol):
    """A messenger that can acknowledge a person's message with a reaction on it."""

    async def acknowledge(self, chat_id: str, message_id: str, mark: Acknowledgement) -> bool:
        """Reacts on the message; False when the chat refuses reactions (then reply instead)."""
        ...
