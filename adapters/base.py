"""What the runner needs of a platform adapter: its Messenger, start and stop."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.messenger import Messenger


class Adapter(Protocol):
    """A running connection to one platform, feeding events to the core's router."""

    @property
    def messenger(self) -> Messenger:
        """The port the core and the delivery engine use to send on this platform."""
        ...

    async def start(self) -> None:
        """Connects and begins handling events; returns once it is receiving."""
        ...

    async def stop(self) -> None:
        """Stops receiving and closes connections; safe to call after a failed start."""
        ...


@runtime_checkable
class Receiver(Protocol):
    """An adapter whose intake one process at a time may hold (Telegram's updates)."""

    async def receive(self) -> None:
        """Starts taking updates."""
        ...

    async def stand_by(self) -> None:
        """Stops taking updates, confirming those taken; sending goes on."""
        ...
