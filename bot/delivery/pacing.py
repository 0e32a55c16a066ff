"""Our own pacing under each platform's published limits, so 429s stay rare.

One `Pacer` serves every send of a process (command replies, reactions and the outbox), and
each send books an absolute time slot before it sleeps: the booking happens without an await,
so two senders can never take the same slot, and a late wake-up does not push later slots back.
"""

from __future__ import annotations

import asyncio
import bisect
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
    # Telegram: ~30 msg/s overall, 20/min per group, ~1/s per private chat. Overall slots go
    # 2% under 30/s: at exactly 30/s, request jitter lets a sliding second hold a 31st send,
    # which draws a 429 (bench/setup.py: 1 per 200 replies at 30/s, none at 29.4/s).
    "telegram": PlatformLimits(overall=(29.4, 1), per_group=(20, 60), per_dm=(1, 1)),
    # Discord: 50 requests/s globally; discord.py follows the per-route buckets itself.
    "discord": PlatformLimits(overall=(50, 1)),
}


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class _Window:
    """A sliding window of `count` sends per `period` in one chat: its booked slots."""

    __slots__ = ("count", "period", "slots")

    def __init__(self, count: float, period: float) -> None:
        self.count = max(1, int(count))
        self.period = period
        self.slots: deque[float] = deque(maxlen=self.count)

    def earliest(self, now: float) -> float:
        """The first time at or after `now` (and the chat's last slot) the window allows."""
        slot = max(now, self.slots[-1]) if self.slots else now
        if len(self.slots) == self.count:
            slot = max(slot, self.slots[0] + self.period)
        return slot

    def moved(self, booked: float, sent_at: float) -> None:
        """A send went later than booked: the window counts it when it really went."""
        for index, slot in enumerate(self.slots):
            if slot == booked:
                self.slots[index] = sent_at
                break
        self.slots = deque(sorted(self.slots), maxlen=self.count)


class _Spacing:
    """The platform's overall rate as booked slots at least `gap` apart.

    A send takes the earliest free slot at or after the time its chat allows, so a send that
    must wait for its chat's minute does not hold back the sends to every other chat.
    """

    __slots__ = ("gap", "slots")

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.slots: list[float] = []  # future slots, sorted

    def book(self, earliest: float, now: float) -> float:
        """Books and returns the first slot at or after `earliest` clear of every other."""
        del self.slots[: bisect.bisect_left(self.slots, now - self.gap)]
        slot = earliest
        tolerance = self.gap * 1e-6
        first = bisect.bisect_left(self.slots, slot - self.gap + tolerance)
        for index in range(first, len(self.slots)):
            taken = self.slots[index]
            if taken - slot >= self.gap - tolerance:
                break  # fits before this one
            slot = max(slot, taken + self.gap)
        bisect.insort(self.slots, slot)
        return slot


class Pacer:
    """Books an absolute slot per send under the platform's overall rate and the chat's own
    limit, then sleeps until it. Booking happens without an await in between, so concurrent
    senders (replies, reactions, the outbox) never share a slot, and a late wake-up does not
    push later slots back. Overall slots are evenly spaced (1/rate apart, no initial burst): a
    bucket that starts full lets through a burst that a platform counting over a sliding
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
        self._spacing = {
            name: _Spacing(rule.overall[1] / rule.overall[0])
            for name, rule in limits.items()
            if rule.overall
        }
        self._chats: OrderedDict[tuple[str, str, bool], _Window] = OrderedDict()
        self._max_chats = max_chats
        self._held: dict[str, float] = {}
        self.booked: deque[tuple[str, str, float]] = deque(maxlen=10_000)
        """The latest slots given out (platform, chat, time on `clock`), oldest first."""

    async def wait(
        self, platform: str, chat: str, *, private: bool, parts: int = 1, message: bool = True
    ) -> None:
        """Returns once `parts` messages to that chat may be sent (a long text is several).

        `message=False` is a request that is not a message in the chat (a reaction): it takes
        an overall slot but none of the chat's message slots.
        """
        window = self._chat_window(platform, chat, private) if message else None
        for _ in range(parts):
            now = self._clock()
            earliest = now if window is None else window.earliest(now)
            slot = self._book(platform, earliest, now)  # no await since `now`: no race
            if window is not None:
                window.slots.append(slot)
            sent_at = await self._on_time(platform, slot)
            if window is not None and sent_at != slot:
                window.moved(slot, sent_at)
            self.booked.append((platform, chat, sent_at))
            await self._shared_slot(platform)

    def hold(self, platform: str, seconds: float) -> None:
        """The platform said "too many requests": no send of this process for `seconds`."""
        until = self._clock() + seconds
        self._held[platform] = max(self._held.get(platform, until), until)

    async def _on_time(self, platform: str, slot: float) -> float:
        """Sleeps until the slot; a wake-up later than a fraction of the spacing (a busy loop),
        or into a hold, books the next free slot instead, so late sends never bunch up."""
        spacing = self._spacing.get(platform)
        slack = spacing.gap / 4 if spacing is not None else float("inf")
        while True:
            await self._until(slot)
            now = self._clock()
            if now - slot <= slack and now >= self._held.get(platform, now):
                return slot
            slot = self._book(platform, now, now)

    def _book(self, platform: str, earliest: float, now: float) -> float:
        """The send's slot on the platform's overall rate, booked in this process."""
        earliest = max(earliest, self._held.get(platform, earliest))
        spacing = self._spacing.get(platform)
        return earliest if spacing is None else spacing.book(earliest, now)

    async def _shared_slot(self, platform: str) -> None:
        """A rate shared with other processes waits here (none: this process paces alone)."""

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
