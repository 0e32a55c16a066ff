"""The 09:00 burst in one big Telegram group: every member checks in within two minutes.

Measured as members feel it, against the fake Bot API with Telegram's limits on (30 sends/s,
20 messages/min per group): the time from a member's `/checkin` to its acknowledgement (a
reaction on their message, or the bot's confirmation message on the old path), and how
many messages the bot posted into the group meanwhile.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.common import Report, percentile, verdict
from bench.telegram_limited import Running, limited_bot
from tests.telegram_fake import group, user

TARGET_SECONDS = 10.0
GROUP = group(-100_777, "Morning Makers", "supergroup")
OWNER = user(7_000_000, "Olu", "olu")


def member(number: int) -> dict[str, object]:
    """Member `number`, whose name is unique in the group's messages."""
    return user(7_000_001 + number, f"M{number:03d}", f"m{number:03d}")


async def _burst(bot: Running, members: int, window: float, give_up: float) -> list[str]:
    """Members check in at seeded random moments over `window` seconds; returns result lines."""
    api, chat = bot.api, GROUP["id"]
    api.say(GROUP, OWNER, "/board")  # the community exists before the burst
    await api.wait_text(chat, "Board for")
    await asyncio.sleep(1.0)
    posts_before = len(api.sent_to(chat))
    refused_before = api.refused
    seeded = random.Random(19)  # one generator: a new one per member gave everyone one moment
    moments = sorted(seeded.uniform(0, window) for _ in range(members))
    written: dict[int, tuple[str, float]] = {}  # message id -> (name, when it was written)
    began = time.monotonic()
    for number, moment in enumerate(moments):
        await asyncio.sleep(max(0.0, began + moment - time.monotonic()))
        person = member(number)
        api.say(GROUP, person, f"/checkin plan of {person['first_name']}")
        written[api.written[-1]["message_id"]] = (str(person["first_name"]), time.monotonic())
    waits: dict[str, float] = {}
    deadline = began + window + give_up
    while len(waits) < members and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        for reaction, at in zip(api.reactions, api.reacted_at, strict=False):
            name, said_at = written.get(reaction.message_id, ("", 0.0))
            if name:
                waits.setdefault(name, at - said_at)
        times = dict(zip((id(s) for s in api.sent), api.accepted_at, strict=False))
        for sent in api.sent_to(chat)[posts_before:]:
            for name, said_at in written.values():
                if f"Checked in, {name}:" in sent.text and id(sent) in times:
                    waits.setdefault(name, times[id(sent)] - said_at)
    posts = len(api.sent_to(chat)) - posts_before
    acknowledged = sorted(waits.values())
    missing = members - len(acknowledged)
    last = acknowledged[-1] if acknowledged else float("nan")
    lines = [
        f"{len(acknowledged)}/{members} acknowledged"
        + (f" ({missing} still waiting after {window + give_up:.0f} s)" if missing else ""),
        ("of those acknowledged, " if missing else "")
        + f"time to acknowledge: median {percentile(acknowledged, 0.5):.2f} s, "
        f"p99 {percentile(acknowledged, 0.99):.2f} s, last "
        + (f"{last:.2f} s" if not missing else f"> {give_up:.0f} s"),
        f"group messages sent {posts}, reactions {len(api.reactions)}, "
        f"429s {api.refused - refused_before}",
    ]
    if missing:
        projected = max(0, members - api.per_group) * api.group_window / api.per_group
        lines.append(f"at {api.per_group}/min per group the last would wait ~{projected:.0f} s")
    ok = not missing and last <= TARGET_SECONDS and posts < api.per_group
    lines.append(
        f"every check-in acknowledged within {TARGET_SECONDS:.0f} s, group not flooded: "
        f"{verdict(ok)}"
    )
    return lines


async def run(members: int, window: float, *, old_give_up: float) -> Report:
    """The old path (a confirmation message each), then the new one (a reaction each)."""
    report = Report(
        f"09:00 burst: {members} members of one Telegram group check in within {window:.0f} s"
    )
    report.line("limits enforced by the fake: 30 sends/s overall, 20 messages/min per group")
    with tempfile.TemporaryDirectory() as directory:
        for old in (True, False):
            async with limited_bot(Path(directory), old=old) as bot:
                lines = await _burst(bot, members, window, old_give_up if old else 60.0)
            label = "before (a message per check-in): " if old else "after (a reaction): "
            for line in lines[:-1]:
                report.line(label + line)
            if old:
                report.line(label + lines[-1])
            else:  # the target, in the summary table
                met = lines[-1].endswith(verdict(True))
                report.line(
                    label
                    + report.judge(
                        "",
                        lines[1],
                        f"every check-in acknowledged within {TARGET_SECONDS:.0f} s, "
                        "group not flooded",
                        met,
                    )
                )
        # The worst case: everyone at the same instant. Reactions go out at the 30/s every
        # send shares, so the last waits members/30 s at least.
        async with limited_bot(Path(directory) / "instant", old=False) as bot:
            lines = await _burst(bot, members, 0.0, 60.0)
        for line in lines[:-1]:
            report.line("after, all in the same second (not judged): " + line)
    report.done()
    return report
