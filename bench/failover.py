"""Fail-over: three bot processes on PostgreSQL, the scheduler leader SIGKILLed mid fan-out.

Reports how long no process held the scheduler role, and how late the pings were compared
with the fire time (the overall Telegram rate is shared, so 300 pings take ~10 s anyway).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import Report, percentile, verdict
from storage.db import Database
from tests.ops_cluster import MIN_LEAD, Cluster, TaggedBotApi, eventually, next_fire, seed

TAKEOVER = 30.0
WAIT = 120.0


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def run(groups: int, postgres_server: str) -> Report:
    """One fail-over on a fresh database of `postgres_server`'s cluster."""
    report = Report(f"Fail-over: scheduler leader SIGKILLed while {groups} pings fire, 3 processes")
    name = f"mentorbot_bench_failover_{uuid.uuid4().hex[:8]}"
    await _admin(postgres_server, f'CREATE DATABASE "{name}"')
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    database = Database(url)
    await database.upgrade()
    await database.dispose()
    fake = TaggedBotApi()
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            fire_at = next_fire(datetime.now(UTC))
            wanted = set(await seed(url, fire_at, groups))
            cluster = Cluster(Path(directory), url, fake)
            try:
                await cluster.start("p0", "p1", "p2")
                leader = await eventually(lambda: cluster.sole_holder("scheduler"), WAIT)

                async def firing() -> bool:
                    return any(chat in wanted for _, chat in fake.sends)

                await eventually(firing, 2 * MIN_LEAD + WAIT)
                killed_at = time.time()
                await cluster.kill(leader)
                before = len({chat for _, chat in fake.sends if chat in wanted})
                successor = await eventually(lambda: cluster.sole_holder("scheduler"), TAKEOVER + 5)
                leaderless = time.time() - killed_at

                async def all_pinged() -> bool:
                    return {chat for _, chat in fake.sends if chat in wanted} == wanted

                await eventually(all_pinged, WAIT)
                await asyncio.sleep(1.0)  # let a duplicate, if any, show up
            finally:
                await cluster.close()
    finally:
        await fake.close()
        await _admin(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    fire = fire_at.timestamp()
    first: dict[int, float] = {}
    for (_, chat), at in zip(fake.sends, fake.sent_at, strict=True):
        if chat in wanted:
            first.setdefault(chat, at - fire)
    late = sorted(first.values())
    per_chat = Counter(chat for _, chat in fake.sends if chat in wanted)
    repeats = sum(count - 1 for count in per_chat.values())
    report.line(
        f"seconds without a scheduler leader: {leaderless:.1f} (kill to the successor's "
        f"gauge; target <= {TAKEOVER:.0f}: {verdict(leaderless <= TAKEOVER)}); {successor} "
        f"took over from {leader}"
    )
    report.line(f"{before} of {groups} groups pinged before the kill")
    report.line(
        f"pings late after the fire time: median {percentile(late, 0.5):.1f} s, "
        f"p95 {percentile(late, 0.95):.1f} s, last {late[-1]:.1f} s"
    )
    report.line(
        f"lost {len(wanted) - len(first)}, repeated {repeats} (only sends in flight at the "
        f"kill may repeat: {verdict(len(first) == len(wanted) and repeats <= 8)})"
    )
    report.done()
    return report
