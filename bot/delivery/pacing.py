"""Our own pacing under each platform's published limits, so 429s stay rare."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from aiolimiter import AsyncLimiter


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


class Pacer:
    """Waits as long as needed before each send; one limiter per platform and per chat."""

    def __init__(
        self, limits: Mapping[str, PlatformLimits] = DEFAULT_LIMITS, max_chats: int = 20_000
    ) -> None:
        self._limits = limits
        # Overall: evenly spaced, no initial burst. A bucket that starts full lets `count`
        # through at once and then `count` more within the same second, which a platform
        # counting over a sliding second answers with a 429 (and PTB then pauses every send
        # for retry_after + 0.1 s); bench/fanout.py measured that at 68% of the allowed rate.
        self._overall = {
            name: AsyncLimiter(1, rule.overall[1] / rule.overall[0])
            for name, rule in limits.items()
            if rule.overall
        }
        self._chats: OrderedDict[tuple[str, str, bool], AsyncLimiter] = OrderedDict()
        self._max_chats = max_chats

    async def wait(self, platform: str, chat: str, *, private: bool, parts: int = 1) -> None:
        """Returns once `parts` messages to that chat may be sent (a long text is several)."""
        limiter = self._chat_limiter(platform, chat, private)
        overall = self._overall.get(platform)
        for _ in range(parts):
            if limiter is not None:
                await limiter.acquire()
            await self._overall_slot(platform, overall)

    async def _overall_slot(self, platform: str, overall: AsyncLimiter | None) -> None:
        """Waits for the platform-wide rate (this process's own limiter here)."""
        if overall is not None:
            await overall.acquire()

    def _chat_limiter(self, platform: str, chat: str, private: bool) -> AsyncLimiter | None:
        rule = self._limits.get(platform)
        rate = None if rule is None else (rule.per_dm if private else rule.per_group)
        if rate is None:
            return None
        key = (platform, chat, private)
        limiter = self._chats.get(key)
        if limiter is None:
            limiter = self._chats[key] = AsyncLimiter(*rate)
            if len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(key)
        return limiter
