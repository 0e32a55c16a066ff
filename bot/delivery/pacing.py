"""Our own pacing under each platform's published limits, so 429s stay rare.

One `Pacer` serves every send of a process (command replies, reactions and the outbox), and
each send books an absolute time slot before it sleeps: the booking happens without an await,
so two senders can never take the same slot, and a late wake-up does not push later slots back.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """Messages per period: overall, per group chat, per private chat (None: no limit)."""

    overall: tuple[float, float] | None = None
    per_group: tuple[float, float] | None = None
    per_dm: tuple[float, float] | None = None


DEFAULT_LIMITS: Mapping[str, PlatformLimits] = {
    # Telegram: ~30 msg/s overall, 20/min per group, ~1/s per private chat.
    "telegram": PlatformLimits(overall=(30, 1), per_group=(20, 60), per_dm=(1, 1)),
    # Discord: 50 requests/s globally; discord.py follows the per-route buckets itself.
    "discord": PlatformLimits(overall=(50, 1)),
}


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class _Window:
    """A sliding window of `count` slots per `period`: the booked slots, newest last."""

    __slots__ = ("count", "period", "slots")

    def __init__(self, count: float, period: float) -> None:
        self.count = max(1, int(count))
        self.period = period
        self.slots: deque[float] = deque(maxlen=self.count)

    def book(self, now: float) -> float:
        """The earliest time at or after `now` that keeps the window under its count."""
        slot = now
        if len(self.slots) == self.count:
            slot = max(now, self.slots[0] + self.period)
        slot = max(slot, self.slots[-1]) if self.slots else slot  # in booking order
        self.slots.append(slot)
        return slot


class Pacer:
    """Books a slot per send on the platform's overall rate and the chat's own limit, then
    sleeps until it. Overall slots are spaced evenly (1/rate apart, no initial burst): a
    bucket that starts full lets a burst through that a platform counting over a sliding
    second answers with 429s (bench/fanout.py measured 68% of the allowed rate that way).
    """

    def __init__(
        self,
        limits: Mapping[str, PlatformLimits] = DEFAULT_LIMITS,
        max_chats: int = 20_000,
        *,
        clock: Callable[[], float] = _loop_time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._sleep = sleep
        self._gaps = {
            name: rule.overall[1] / rule.overall[0] for name, rule in limits.items() if rule.overall
        }
        self._next: dict[str, float] = {}
        self._chats: OrderedDict[tuple[str, str, bool], _Window] = OrderedDict()
        self._max_chats = max_chats

    async def wait(
        self, platform: str, chat: str, *, private: bool, parts: int = 1, message: bool = True
    ) -> None:
        """Returns once `parts` messages to that chat may be sent (a long text is several).

        `message=False` is a request that is not a message in the chat (a reaction): it takes
        an overall slot but not one of the chat's message slots.
        """
        window = self._chat_window(platform, chat, private) if message else None
        for _ in range(parts):
            if window is not None:
                await self._until(window.book(self._clock()))
            await self._overall_slot(platform)

    async def _overall_slot(self, platform: str) -> None:
        """Waits for the platform-wide rate (this process's own schedule here)."""
        gap = self._gaps.get(platform)
        if gap is None:
            return
        now = self._clock()
        slot = max(now, self._next.get(platform, now))
        self._next[platform] = slot + gap
        await self._until(slot)

    async def _until(self, slot: float) -> None:
        delay = slot - self._clock()
        if delay > 0:
            await self._sleep(delay)

    def _chat_window(self, platform: str, chat: str, private: bool) -> _Window | None:
        rule = self._limits.get(platform)
        rate = None if rule is None else (rule.per_dm if private else rule.per_group)
        if rate is None:
            return None
        key = (platform, chat, private)
        window = self._chats.get(key)
        if window is None:
            window = self._chats[key] = _Window(*rate)
            if len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(key)
        return window
