"""The 09:00 burst in one big Discord channel: every member `/checkin`s within two minutes.

Measured as members feel it, the way `bench/burst.py` measures Telegram: the time from a
member's slash command to the bot's answer, whether each answer is seen by that member alone
(ephemeral) or by the whole channel, and how many messages the channel saw meanwhile.
Discord answers an interaction only within 3 seconds, so that is reported too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.burst import TARGET_SECONDS
from bench.common import Report, percentile
from bench.discord_load import LoadDiscord
from bench.inbound_discord import start_mentorbot
from tests.discord_fake import APP_ID

MEMBER_BASE = 620_000_000_000_000_000
DEADLINE = 3.0  # Discord's: an interaction unanswered by then fails for the member
FLOODED_AT = 20  # a visible message per check-in floods; Telegram's group minute, for scale
_FOLLOWUP = re.compile(rf"/webhooks/{APP_ID}/[^/]+(?:/messages/@original)?")


class BurstDiscord(LoadDiscord):
    """One channel; interactions injected at chosen moments, answers sorted by who sees them."""

    def __init__(self) -> None:
        super().__init__(channels=1, window=1)
        self.visible = 0  # messages everyone in the channel sees
        self.ephemeral = 0  # answers only their member sees

    def expect(self, count: int) -> None:
        """How many interactions the run will inject."""
        self._expected = count
        self._all_answered.clear()

    async def answered_all(self, give_up: float) -> None:
        """Returns once every expected interaction is answered, or after `give_up` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_answered.wait(), give_up)

    async def inject(self, payload: dict[str, Any]) -> None:
        """Sends one interaction now, however many are still unanswered (an open loop)."""
        self._waiting[str(payload["token"])] = time.perf_counter()
        frame = {"op": 0, "t": "INTERACTION_CREATE", "s": next(self._seq), "d": payload}
        await self._sockets[0].send_str(json.dumps(frame))

    def _answer(self, method: str, path: str, body: Any) -> tuple[Any, int]:
        shown = body if isinstance(body, dict) else {}
        if path.endswith("/callback") and shown.get("type") == 4:
            shown = shown.get("data") or {}
        elif not (method in ("POST", "PATCH") and _FOLLOWUP.fullmatch(path)) and not (
            method == "POST" and path.endswith("/messages")
        ):
            return super()._answer(method, path, body)
        if int(shown.get("flags", 0)) & 64:
            self.ephemeral += 1
        else:
            self.visible += 1
        return super()._answer(method, path, body)


async def _burst(members: int, window: float) -> tuple[list[str], bool]:
    """Members check in at seeded random moments over `window` seconds; result lines, verdict."""
    with tempfile.TemporaryDirectory() as directory:
        return await _burst_in(members, window, Path(directory))


async def _burst_in(members: int, window: float, directory: Path) -> tuple[list[str], bool]:
    """`_burst` with the bot's database in `directory`."""
    fake = BurstDiscord()
    await fake.start()
    try:
        stop = await start_mentorbot(fake, directory)
        try:
            channel = fake.channel_ids[0]
            people = [
                fake.add_person(str(MEMBER_BASE + number), f"m{number:03d}")
                for number in range(members)
            ]
            seeded = random.Random(19)
            moments = sorted(seeded.uniform(0, window) for _ in range(members))
            fake.expect(members)
            began = time.monotonic()
            for person, moment in zip(people, moments, strict=True):
                await asyncio.sleep(max(0.0, began + moment - time.monotonic()))
                await fake.inject(fake.checkin_payload(person, channel, f"plan of {person.name}"))
            await fake.answered_all(60.0)
        finally:
            await stop()
    finally:
        await fake.stop()
    waits = sorted(fake.answer_times)
    missing = members - len(waits)
    last = waits[-1] if waits else float("nan")
    late = sum(1 for wait in waits if wait > DEADLINE)
    lines = [
        f"{len(waits)}/{members} answered" + (f" ({missing} never)" if missing else ""),
        f"time to acknowledge: median {percentile(waits, 0.5):.2f} s, "
        f"p99 {percentile(waits, 0.99):.2f} s, last {last:.2f} s",
        f"answers seen by their member alone {fake.ephemeral}, messages the channel saw "
        f"{fake.visible}; deferred ('thinking…') {len(fake.deferred)}, "
        f"answered after Discord's {DEADLINE:.0f} s deadline {late}",
    ]
    ok = not missing and last <= TARGET_SECONDS and late == 0 and fake.visible < FLOODED_AT
    return lines, ok


async def run(members: int, window: float) -> Report:
    """The burst spread over the window (judged), then all at once (not judged)."""
    report = Report(
        f"09:00 burst on Discord: {members} members of one channel /checkin within {window:.0f} s"
    )
    report.line(
        "the fake answers every call at once (Discord's per-route buckets are not simulated); "
        f"an answer after {DEADLINE:.0f} s would fail for the member"
    )
    lines, ok = await _burst(members, window)
    for line in lines[:-1]:
        report.line(line)
    target = f"every check-in acknowledged within {TARGET_SECONDS:.0f} s, channel not flooded"
    report.line(lines[-1] + " " + report.judge("", lines[1], target, ok))
    lines, _ = await _burst(members, 0.0)
    for line in lines:
        report.line("all in the same second (not judged): " + line)
    report.done()
    return report
