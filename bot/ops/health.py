"""Readiness: the database answers and every platform's recent calls succeed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

RECENT = 60.0
"""A failed platform call this recent (seconds) makes the process not ready."""

DATABASE_TIMEOUT = 5.0


@runtime_checkable
class ReportsConnection(Protocol):
    """An adapter that can say whether it is connected to its platform right now."""

    def connected(self) -> bool:
        """True while receiving updates (or standing by for them)."""
        ...


@dataclass(frozen=True, slots=True)
class _Call:
    ok: bool
    at: float


class PlatformCalls:
    """The outcome of each platform's most recent call, on a monotonic clock."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last: dict[str, _Call] = {}

    def record(self, platform: str, ok: bool) -> None:
        """Remembers how the latest call to `platform` went."""
        self._last[platform] = _Call(ok, self._monotonic())

    def failing(self, platform: str) -> bool:
        """Whether the latest call to `platform` failed within the last RECENT seconds."""
        last = self._last.get(platform)
        return last is not None and not last.ok and self._monotonic() - last.at <= RECENT


class Readiness:
    """Answers /readyz: which parts, if any, are failing."""

    def __init__(
        self,
        ping_database: Callable[[], Awaitable[None]],
        calls: PlatformCalls,
        adapters: Callable[[], Iterable[tuple[str, object]]],
    ) -> None:
        self._ping = ping_database
        self._calls = calls
        self._adapters = adapters

    async def failing(self) -> list[str]:
        """One short reason per failing part; empty when ready."""
        reasons: list[str] = []
        try:
            await asyncio.wait_for(self._ping(), DATABASE_TIMEOUT)
        except TimeoutError:
            reasons.append(f"database: no answer within {DATABASE_TIMEOUT:.0f} s")
        except Exception as error:
            reasons.append(f"database: {type(error).__name__}")
        for platform, adapter in self._adapters():
            if isinstance(adapter, ReportsConnection) and not adapter.connected():
                reasons.append(f"{platform}: not connected")
            elif self._calls.failing(platform):
                reasons.append(f"{platform}: the last platform call failed")
        return reasons
