"""What the delivery engine reports as it works (metrics and readiness listen here)."""

from __future__ import annotations

from typing import Protocol


class DeliveryObserver(Protocol):
    """Told about platform calls, 429s and schedule fires; must never raise or block."""

    def platform_call(self, platform: str, ok: bool) -> None:
        """A send reached the platform (ok) or failed on the way (network, server error)."""
        ...

    def rate_limited(self, platform: str) -> None:
        """The platform said "too many requests"."""
        ...

    def schedule_fired(self, lateness_seconds: float) -> None:
        """A schedule occurrence fired this long after its planned time."""
        ...


class Unobserved:
    """Nobody listens."""

    def platform_call(self, platform: str, ok: bool) -> None:
        """Ignored."""

    def rate_limited(self, platform: str) -> None:
        """Ignored."""

    def schedule_fired(self, lateness_seconds: float) -> None:
        """Ignored."""
