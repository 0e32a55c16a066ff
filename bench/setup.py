"""Organizers setting up their groups at once: every command reply goes out under the limits.

Each of N organizers, in their own Telegram group, schedules the daily check-in and the
weekly recap, all at the same moment. Against the fake Bot API with Telegram's limits on,
it counts the 429s the limits drew (each makes PTB pause every send for retry_after + 0.1 s)
and the send rate as a share of the 30/s allowed.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from pathlib import Path

from bench.common import Report
from bench.limited_api import LimitedBotApi
from bench.telegram_limited import Running, limited_bot
from bot.core.events import Address, ChatKind, Message, Outbound, OutMessage, Sender
from bot.core.markup import fmt
from tests.telegram_fake import Json, group, user

COMMANDS = ("/schedule checkin 09:00", "/schedule recap fri 17:00")
REPLIES = ("Scheduled: daily check-in ping", "recap")


async def _accepted(api: LimitedBotApi, before: int, expected: int, give_up: float) -> list[float]:
    """Waits until `expected` more messages were accepted (or gives up); returns their times."""
    deadline = time.monotonic() + give_up
    while time.monotonic() < deadline:
        if len(api.accepted_at) - before >= expected:
            break
        await asyncio.sleep(0.1)
    return api.accepted_at[before:]


def _rate_lines(api: LimitedBotApi, accepted: list[float], began: float, refused: int) -> str:
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else float("nan")
    rate = (len(accepted) - 1) / span if len(accepted) > 1 else float("nan")
    gaps = sorted(b - a for a, b in itertools.pairwise(accepted))
    return (
        f"{len(accepted)} messages in {span:.1f} s; limit-429s {refused}; send rate "
        f"{rate:.1f} msg/s = {rate / api.overall:.0%} of the {api.overall}/s allowed; longest "
        "gaps " + ", ".join(f"{gap * 1000:.0f}" for gap in reversed(gaps[-3:])) + " ms"
    )


def _chats(api: LimitedBotApi, organizers: int, base: int) -> list[tuple[Json, Json]]:
    chats = []
    for number in range(organizers):
        chat = group(base - number, f"group {number}")
        owner = user(8_000_000 + number, f"O{number}", f"o{number}")
        api.admins[chat["id"]] = [owner]
        chats.append((chat, owner))
    return chats


async def _commands(bot: Running, organizers: int, give_up: float) -> tuple[str, int, bool]:
    """Every organizer sends the setup commands at once: the whole path, core included."""
    api = bot.api
    chats = _chats(api, organizers, -200_000)
    before, refused = len(api.accepted_at), api.refused
    began = time.monotonic()
    for chat, owner in chats:
        for command in COMMANDS:
            api.say(chat, owner, command)
    expected = organizers * len(COMMANDS)
    accepted = await _accepted(api, before, expected, give_up)
    answered = sum(
        1
        for chat, _ in chats
        for reply in REPLIES
        if any(reply in sent.text for sent in api.sent_to(chat["id"]))
    )
    line = f"{answered}/{expected} replies; " + _rate_lines(
        api, accepted, began, api.refused - refused
    )
    return line, api.refused - refused, answered == expected


async def _replies(bot: Running, organizers: int, give_up: float) -> tuple[str, int, bool]:
    """The same replies handed to the reply path at once (the core's cost left out), so the
    pacing is measured rather than how fast this machine runs the commands."""
    api, replies = bot.api, bot.core.router.replies
    chats = _chats(api, organizers, -300_000)
    before, refused = len(api.accepted_at), api.refused
    began = time.monotonic()
    outbound = [Outbound(OutMessage(fmt("{text} ✓", {"text": text}))) for text in COMMANDS]
    await asyncio.gather(
        *(
            replies.deliver(
                bot.adapter.messenger,
                Message(
                    Address("telegram", str(chat["id"]), str(owner["id"])),
                    ChatKind.GROUP,
                    Sender(str(owner["first_name"])),
                    COMMANDS[0],
                ),
                outbound,
            )
            for chat, owner in chats
        )
    )
    expected = organizers * len(COMMANDS)
    accepted = await _accepted(api, before, expected, give_up)
    line = _rate_lines(api, accepted, began, api.refused - refused)
    return line, api.refused - refused, len(accepted) == expected


async def run(organizers: int, *, give_up: float) -> Report:
    """The old path (replies paced by PTB's AIORateLimiter alone), then the one pacer."""
    report = Report(f"Setup: {organizers} organizers set up their Telegram groups at once")
    report.line("limits enforced by the fake: 30 sends/s overall (sliding 1 s), 20/min per group")
    with tempfile.TemporaryDirectory() as directory:
        for old in (True, False):
            label = "before (PTB's limiter)" if old else "after (one pacer)"
            async with limited_bot(Path(directory), old=old) as bot:
                for name, measure in (("commands", _commands), ("replies only", _replies)):
                    line, refused, complete = await measure(bot, organizers, give_up)
                    if old or name != "commands":
                        report.line(f"{label}, {name}: {line}")
                        continue
                    # The scenario, judged; "replies only" hands all 600 replies to
                    # the pacer in one instant, a stress of the pacing alone (printed).
                    target = "0 limit-429s, every reply posted"
                    verdict = report.judge("", line, target, refused == 0 and complete)
                    report.line(f"{label}, {name}: {line} {verdict}")
    report.done()
    return report
