"""The tests' fake Discord, made to inject many slash interactions and count their answers."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from tests.discord_fake import APP_ID, FakeDiscord, Person

_CALLBACK = re.compile(r"/interactions/\d+/([^/]+)/callback")
_REPLY = re.compile(rf"/webhooks/{APP_ID}/([^/]+)(?:/messages/@original)?")  # followup, edit
CHANNEL_BASE = 310_000_000_000_000_000


class LoadDiscord(FakeDiscord):
    """Adds `channels` text channels to the guild and tracks each interaction to its answer.

    An interaction counts as answered at its first visible reply: a type-4 callback, or after
    a type-5 deferral ("thinking…"), the followup or the edit of the original response.
    Injection is closed-loop: at most `window` interactions are awaiting an answer at a time,
    as when that many people press Enter at once and each waits for the bot.
    """

    def __init__(self, channels: int, window: int) -> None:
        super().__init__()
        self.channel_ids = [str(CHANNEL_BASE + number) for number in range(channels)]
        self.window = window
        self.answered: set[str] = set()
        self.deferred: set[str] = set()
        self.answer_times: list[float] = []
        self._waiting: dict[str, float] = {}
        self._slots = asyncio.Semaphore(window)
        self._all_answered = asyncio.Event()
        self._expected = 0

    def guild(self) -> dict[str, Any]:
        """The fake's guild with the benchmark's channels, so discord.py caches them."""
        guild = super().guild()
        guild["channels"] = [
            *guild["channels"],
            *(self.channel(channel_id) for channel_id in self.channel_ids),
        ]
        return guild

    def checkin_payload(self, person: Person, channel_id: str, plan: str) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for `/checkin plan:<plan>` in one channel."""
        payload = self._interaction_base(person, dm=False)
        payload["channel_id"] = channel_id
        payload["channel"] = self.channel(channel_id)
        command = next(c for c in self.commands if c["name"] == "checkin")
        payload["type"] = 2
        payload["data"] = {
            "id": command["id"],
            "name": "checkin",
            "type": 1,
            "options": [{"name": "plan", "type": 3, "value": plan}],
        }
        return payload

    async def run(self, payloads: list[dict[str, Any]], give_up_after: float) -> None:
        """Injects every payload, keeping at most `window` unanswered; waits for the last."""
        self._expected = len(payloads)
        self._all_answered.clear()
        socket = self._sockets[0]
        for payload in payloads:
            await self._slots.acquire()
            self._waiting[str(payload["token"])] = time.perf_counter()
            frame = {"op": 0, "t": "INTERACTION_CREATE", "s": next(self._seq), "d": payload}
            await socket.send_str(json.dumps(frame))
        await asyncio.wait_for(self._all_answered.wait(), give_up_after)

    def _answer(self, method: str, path: str, body: Any) -> tuple[Any, int]:
        answer = super()._answer(method, path, body)
        if match := _CALLBACK.fullmatch(path):
            if isinstance(body, dict) and body.get("type") == 5:
                self.deferred.add(match.group(1))
            else:
                self._done(match.group(1))
        elif method in ("POST", "PATCH") and (match := _REPLY.fullmatch(path)):
            self._done(match.group(1))
        return answer

    def _done(self, token: str) -> None:
        sent_at = self._waiting.pop(token, None)
        if sent_at is None:
            return
        self.answer_times.append(time.perf_counter() - sent_at)
        self.answered.add(token)
        self._slots.release()
        if len(self.answered) >= self._expected:
            self._all_answered.set()
