"""Fan-out: one check-in ping to N Telegram groups, through the schedule engine, the outbox
dispatcher and the real Telegram adapter, against a fake Bot API enforcing Telegram's limits."""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import Report
from bench.limited_api import LimitedBotApi
from bench.telegram_limited import core_and_adapter
from bot.app import Core
from storage.models import Community, OutboxMessage, Schedule

TARGET_RATE = 0.97
GROUP_BASE = -1_000_000_000


async def seed_groups(core: Core, groups: int, now: datetime) -> list[int]:
    """N Telegram communities with a daily check-in schedule each; returns the schedule ids."""
    created = now - timedelta(days=7)
    async with core.database.engine.begin() as connection:
        await connection.execute(
            insert(Community),
            [
                {
                    "platform": "telegram",
                    "chat_id": str(GROUP_BASE - number),
                    "title": f"group {number}",
                    "timezone": "UTC",
                    "language": "en",
                    "created_at": created,
                }
                for number in range(groups)
            ],
        )
        ids = (await connection.scalars(select(Community.id).order_by(Community.id))).all()
        await connection.execute(
            insert(Schedule),
            [
                {
                    "community_id": community_id,
                    "kind": "checkin",
                    "local_time": "09:00",
                    "days": "0123456",
                    "created_at": created,
                }
                for community_id in ids
            ],
        )
        schedule_ids = (await connection.scalars(select(Schedule.id).order_by(Schedule.id))).all()
    return list(schedule_ids)


async def run(groups: int, *, give_up_after: float, forced_429s: int = 0) -> Report:
    """Fires every group's ping at once and waits until the fake API has accepted them all.

    With `forced_429s`, that many groups get extra 429s on top of the limits: one 429 for most,
    and five in a row for the last one (more than PTB's 3 retries, so the outbox's own
    retry_later path has to recover it).
    """
    title = f"Fan-out: one check-in ping to {groups} Telegram groups"
    if forced_429s:
        title += f", {forced_429s} of them answered 429 on purpose"
    report = Report(title)
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    logging.getLogger("bot.delivery").setLevel(logging.ERROR)
    api = LimitedBotApi()
    base_url = await api.start()
    for number in range(forced_429s):
        chat_id = GROUP_BASE - (number * groups // forced_429s)
        times = 5 if number == forced_429s - 1 else 1
        api.fail(
            "sendMessage",
            429,
            "Too Many Requests: retry after 1",
            retry_after=1,
            times=times,
            chat_id=chat_id,
        )
    with tempfile.TemporaryDirectory() as directory:
        core, adapter = await core_and_adapter(Path(directory) / "fanout.db", base_url)
        try:
            now = datetime.now(UTC)
            schedule_ids = await seed_groups(core, groups, now)
            started = time.perf_counter()
            # What the timer does when they all fall due at once: batches, one transaction each.
            await core.schedules.fire_many(schedule_ids, now - timedelta(seconds=1))
            fired = time.perf_counter() - started
            report.line(
                f"schedule engine: {groups} pings enqueued in {fired:.2f} s "
                f"({groups / fired:,.0f} firings/s in batches, each with its nudge planned)"
            )
            await adapter.start()
            core.attach(adapter.messenger)
            sent_before = len(api.sent)
            began = time.monotonic()
            core.dispatcher.start()
            deadline = began + give_up_after
            pending = groups
            while pending > 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                pending = groups - (len(api.accepted_at) - sent_before)
            finished = time.monotonic()
            await asyncio.sleep(1.0)  # let a duplicate, if any, show up
            await core.dispatcher.stop()
            async with core.database.sessions() as session:
                statuses = collections.Counter(
                    (await session.scalars(select(OutboxMessage.status))).all()
                )
        finally:
            await adapter.stop()
            await core.stop()
            await api.close()
    pings = [sent for sent in api.sent if sent.chat_id < 0]
    per_chat = collections.Counter(sent.chat_id for sent in pings)
    lost = groups - len(per_chat)
    duplicates = sum(count - 1 for count in per_chat.values())
    accepted = api.accepted_at[-len(pings) :] if pings else []
    limit = api.overall
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else float("nan")
    # The sustained rate between the first and the last send. (A sender that spends the
    # sliding window's one-off burst of `limit` could finish up to 1 s sooner; ours paces
    # evenly instead, because a burst followed by full rate is what draws 429s.)
    steady = (len(accepted) - 1) / span if len(accepted) > 1 else float("nan")
    gaps = sorted((b - a for a, b in itertools.pairwise(accepted)), reverse=True)
    ratio = steady / limit
    answered_429 = sum(1 for call in api.calls if call.status == 429)
    report.line(
        f"enforced by the fake API: {limit} msg/s overall (sliding 1 s window), "
        f"{api.per_group}/min per group; 429 + integer retry_after past them"
    )
    report.line(
        f"delivered {len(pings)} in {span:.1f} s (first to last accepted; "
        f"{finished - began:.1f} s from dispatcher start)"
    )
    report.line(
        f"achieved rate {steady:.2f} msg/s of {limit} allowed = {ratio:.1%}"
        + (
            " [not judged: each forced 429 pauses all of PTB's sends for retry_after + 0.1 s]"
            if forced_429s
            else " "
            + report.judge(
                "delivery rate",
                f"{steady:.2f} msg/s of {limit} = {ratio:.1%}",
                f">= {TARGET_RATE:.0%}",
                ratio >= TARGET_RATE,
            )
        )
    )
    report.line(
        f"gaps between sends: median {statistics.median(gaps) * 1000:.0f} ms, longest "
        + ", ".join(f"{gap * 1000:.0f}" for gap in gaps[:5])
        + f" ms (even pacing: {1000 / limit:.0f} ms)"
    )
    report.line(
        f"lost {lost}, duplicates {duplicates} "
        + report.judge(
            "lost/duplicates", f"{lost}/{duplicates}", "0/0", lost == 0 and duplicates == 0
        )
        + f"; outbox statuses {dict(statuses)}"
    )
    recovered = lost == 0 and duplicates == 0 and statuses.get("sent", 0) == groups
    report.line(
        f"429s answered {answered_429} ({api.refused} for the limits, "
        f"{answered_429 - api.refused} forced), every row sent once "
        + report.judge(
            "every 429 recovered",
            f"{statuses.get('sent', 0)} of {groups} sent after {answered_429} 429s",
            "all sent, none twice",
            recovered,
        )
    )
    report.done()
    return report
