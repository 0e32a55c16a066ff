"""The tests' fake Bot API, made to enforce Telegram's send limits and answer 429 past them."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.telegram_fake import ApiError, FakeBotApi, Json


@dataclass
class LimitedBotApi(FakeBotApi):
    """Accepts at most `overall` requests that send in any 1 s and `per_group` messages per
    group chat in any minute; a reaction (setMessageReaction) counts toward the first only:
    it is not a message, and Telegram publishes no per-chat limit for it.

    The windows are sliding (stricter than a token bucket that starts full), and a refusal is
    a 429 with an integer `retry_after`, as Telegram answers.
    """

    overall: int = 30
    per_group: int = 20
    group_window: float = 60.0
    accepted_at: list[float] = field(default_factory=list)
    reacted_at: list[float] = field(default_factory=list)
    refused: int = 0
    _recent: deque[float] = field(default_factory=deque)
    _per_chat: dict[int, deque[float]] = field(default_factory=dict)

    def _send_message(self, params: dict[str, Any]) -> Json:
        now = self._admit(int(params["chat_id"]), message=True)
        answer = super()._send_message(params)
        self._count(int(params["chat_id"]), now, message=True)
        return answer

    def _set_reaction(self, params: dict[str, Any]) -> bool:
        """A reaction is a request, not a message: it counts toward the overall rate only."""
        now = self._admit(int(params["chat_id"]), message=False)
        answer = super()._set_reaction(params)
        self._count(int(params["chat_id"]), now, message=False)
        self.reacted_at.append(now)
        return answer

    def _admit(self, chat_id: int, *, message: bool) -> float:
        """Refuses with 429 past the overall second or (messages) the group's minute."""
        now = time.monotonic()
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.overall:
            self._refuse(recent[0] + 1.0 - now)
        chat = self._per_chat.setdefault(chat_id, deque())
        if message and chat_id < 0:
            while chat and chat[0] <= now - self.group_window:
                chat.popleft()
            if len(chat) >= self.per_group:
                self._refuse(chat[0] + self.group_window - now)
        return now

    def _count(self, chat_id: int, now: float, *, message: bool) -> None:
        self._recent.append(now)
        if message:
            self._per_chat[chat_id].append(now)
            self.accepted_at.append(now)

    def _refuse(self, wait: float) -> None:
        self.refused += 1
        retry_after = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
