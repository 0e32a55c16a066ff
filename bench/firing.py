"""Firing a 09:00 burst: N daily check-in schedules due at the same instant, fired one
transaction per schedule (`fire`, the old path) and in batches (`fire_many`, what the timer
does), alternating on fresh databases in one run."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import event, func, select

from bench.common import Report
from bench.fanout import seed_groups
from bot.app import Core
from bot.config import Settings
from storage.models import OutboxMessage, Schedule

SEND_RATE = 30.0
"""Telegram's overall limit: the fan-out's delivery cannot be faster than this."""


class Fired(NamedTuple):
    """One round: wall and CPU seconds, SQL statements, and what it left in the tables."""

    seconds: float
    cpu: float
    statements: int
    pings: int
    nudges: int


async def fire_once(groups: int, batched: bool) -> Fired:
    """Fires N due schedules on a fresh database, counting time, CPU and statements."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'firing.db'}"
        core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        await core.start()
        try:
            now = datetime.now(UTC)
            schedule_ids = await seed_groups(core, groups, now)
            occurrence = now - timedelta(seconds=1)
            statements = 0

            def count(*_: object) -> None:
                nonlocal statements
                statements += 1

            event.listen(core.database.engine.sync_engine, "before_cursor_execute", count)
            started, cpu = time.perf_counter(), time.process_time()
            if batched:
                await core.schedules.fire_many(schedule_ids, occurrence)
            else:
                for schedule_id in schedule_ids:
                    await core.schedules.fire(schedule_id, occurrence)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            event.remove(core.database.engine.sync_engine, "before_cursor_execute", count)
            async with core.database.sessions() as session:
                pings = await session.scalar(select(func.count()).select_from(OutboxMessage))
                nudges = await session.scalar(
                    select(func.count()).where(Schedule.kind == "nudge", Schedule.enabled)
                )
        finally:
            await core.stop()
    return Fired(seconds, cpu, statements, pings or 0, nudges or 0)


async def run(groups: int, rounds: int) -> Report:
    """Alternates the two paths; the verdict: firing needs at most a tenth of the delivery
    time, counted in CPU (the wall clock on a shared machine measures the other tenants)."""
    report = Report(f"Firing: {groups:,} check-in schedules due at the same instant")
    rounds_of: dict[bool, list[Fired]] = {False: [], True: []}
    for _ in range(rounds):
        for batched in (False, True):
            fired = await fire_once(groups, batched)
            if fired.pings != groups or fired.nudges != groups:
                report.line(f"batched={batched}: {fired.pings} pings, {fired.nudges} nudges")
            rounds_of[batched].append(fired)
    for batched, label in ((False, "one transaction per schedule"), (True, "batched")):
        done = rounds_of[batched]
        report.line(
            f"{label}: {groups / statistics.median(r.seconds for r in done):,.0f} firings/s, "
            f"CPU {statistics.median(r.cpu for r in done) / groups * 1000:.2f} ms and "
            f"{statistics.median(r.statements for r in done) / groups:.2f} statements per firing "
            f"(rounds: {', '.join(f'{r.seconds:.2f}' for r in done)} s)"
        )
    one = statistics.median(r.seconds for r in rounds_of[False])
    many = statistics.median(r.seconds for r in rounds_of[True])
    rate = groups / many
    report.line(f"batched {one / many:.1f}x faster; every ping enqueued once, its nudge planned")
    cpu = statistics.median(r.cpu for r in rounds_of[True]) / groups
    share = cpu * SEND_RATE  # CPU seconds of firing per second of delivery at the limit
    report.line(
        f"firing vs delivery at {SEND_RATE:.0f} msg/s: firing takes {SEND_RATE / rate:.1%} of "
        f"the delivery time on this machine now, and needs {share:.1%} of it in CPU "
        + report.judge(
            "firing no longer the slow part",
            f"{cpu * 1000:.2f} ms CPU per firing = {share:.1%} of the delivery time "
            f"({rate:,.0f} firings/s wall on this load)",
            "<= 10% of the delivery time (CPU)",
            share <= 0.10,
        )
    )
    report.done()
    return report
