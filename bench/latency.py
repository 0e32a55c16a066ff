"""Core command latency at scale: commands through `core.router.handle` on seeded SQLite and
PostgreSQL databases, with EXPLAIN QUERY PLAN over every statement they ran."""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import Report, percentile, verdict
from bench.seed import Scale, chat_id, seed, user_id
from bot.app import Core
from bot.config import Settings
from bot.core.events import Address, ChatKind, Message, Sender
from tests.harness import RecordingMessenger

TARGET_P99_MS = 15.0
COMMANDS = (
    "/checkin ship the pricing page",
    "/board",
    "/streak",
    "/requests",
    "/tips pricing",
    "how can I help?",
)


@dataclass
class Statements:
    """Every statement the engine ran while `recording`, with its parameters."""

    recording: bool = False
    seen: dict[str, Any] = field(default_factory=dict)

    def __call__(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.recording and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")):
            self.seen.setdefault(statement, params)


def message(scale: Scale, rng: random.Random, text_: str) -> Message:
    """`text_` from a random member, in their community's group chat."""
    person = rng.randint(1, scale.people)
    community = scale.community_of(person)
    return Message(
        address=Address("telegram", chat_id(community), user_id(person)),
        chat_kind=ChatKind.GROUP,
        sender=Sender(f"Person {person}", f"user{person}", is_admin=False),
        text=text_,
        chat_title=f"Makers {community}",
    )


async def time_commands(
    core: Core, scale: Scale, samples: int, report: Report, label: str
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Runs each command `samples` times, interleaved, from random members; prints p50/p99."""
    rng = random.Random(7)
    messenger = RecordingMessenger()
    timings: dict[str, list[float]] = {command: [] for command in COMMANDS}
    cpu: dict[str, list[float]] = {command: [] for command in COMMANDS}
    for command in COMMANDS:  # warm-up: compile statements, fill caches
        answer = await core.router.handle(message(scale, rng, command), messenger)
        first = answer[0].message.text if answer else ()
        shown = "".join(span.text for span in first)[:70].replace("\n", " ")
        report.line(f"{label} sample reply to {command!r}: {shown!r}")
    for _ in range(samples):
        for command in COMMANDS:
            event = message(scale, rng, command)
            started, started_cpu = time.perf_counter(), time.process_time()
            await core.router.handle(event, messenger)
            timings[command].append((time.perf_counter() - started) * 1000)
            cpu[command].append((time.process_time() - started_cpu) * 1000)
    return timings, cpu


def summarize(
    report: Report, label: str, timings: dict[str, list[float]], cpu: dict[str, list[float]]
) -> bool:
    """One line per command; True when every p99 is within the target."""
    ok = True
    for command, values in timings.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        cpu50 = percentile(cpu[command], 0.5)
        ok = ok and p99 <= TARGET_P99_MS
        report.line(
            f"{label} {command:<32} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
            f"CPU p50 {cpu50:5.2f} ms (n={len(values)}) "
            f"[p99 <= {TARGET_P99_MS:.0f} ms: {verdict(p99 <= TARGET_P99_MS)}]"
        )
    return ok


_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)")
_SUBQUERY = re.compile(r"\b(?:CO-ROUTINE|MATERIALIZE) (\w+)")


def _table_scans(plan: list[str]) -> list[str]:
    """Plan lines that scan a whole table: not an index, not a virtual table, and not a
    subquery's own rows (`SCAN anon_1` after `CO-ROUTINE anon_1`) or a one-row constant."""
    subqueries = {match.group(1) for line in plan for match in _SUBQUERY.finditer(line)}
    return [
        line
        for line in plan
        if (found := _SCAN.search(line))
        and "USING" not in line
        and "VIRTUAL TABLE" not in line
        and "CONSTANT ROW" not in line
        and found.group(1) not in subqueries
    ]


async def explain_sqlite(core: Core, statements: Statements, report: Report) -> None:
    """Flags statements whose SQLite plan scans a whole table."""
    flagged = 0
    async with core.database.engine.connect() as connection:
        for statement, params in statements.seen.items():
            raw = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            plan = [str(row[-1]) for row in raw.fetchall()]
            scans = _table_scans(plan)
            if scans:
                flagged += 1
                short = " ".join(statement.split())[:160]
                report.line(f"SQLite full scan: {'; '.join(scans)} <- {short}")
    report.line(
        f"SQLite EXPLAIN QUERY PLAN: {len(statements.seen)} distinct statements, "
        f"{flagged} with a full-table scan"
    )


@asynccontextmanager
async def postgres_database(server: str) -> AsyncIterator[str]:
    """A fresh database on the server, dropped afterwards."""
    name = f"mentorbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def measure_database(
    url: str, label: str, scale: Scale, samples: int, report: Report
) -> tuple[Core, bool]:
    """Seeds, times the commands and returns the (still open) core and whether targets held."""
    core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    await core.start()
    counts = await seed(core.database.engine, scale, datetime.now(UTC).date())
    rows = ", ".join(f"{int(v):,} {k}" for k, v in counts.items() if k != "seconds")
    report.line(f"{label} seeded in {counts['seconds']:.1f} s: {rows}")
    statements = Statements(recording=True)
    event.listen(core.database.engine.sync_engine, "before_cursor_execute", statements)
    timings, cpu = await time_commands(core, scale, samples, report, label)
    statements.recording = False
    ok = summarize(report, label, timings, cpu)
    if core.database.is_sqlite:
        await explain_sqlite(core, statements, report)
    return core, ok


async def run(
    scale: Scale, samples: int, directory: Path, postgres: str | None
) -> tuple[Report, Path]:
    """SQLite (kept for the start-up benchmark) and, when reachable, PostgreSQL."""
    report = Report(
        f"Core command latency: {scale.communities:,} communities, {scale.people:,} people, "
        f"{scale.people * scale.checkins_per_person:,} check-ins "
        f"(scale {scale.factor:g} of the issue's figures)"
    )
    path = directory / "scale.db"
    core, _ = await measure_database(
        f"sqlite+aiosqlite:///{path}", "sqlite", scale, samples, report
    )
    await core.stop()
    if postgres:
        try:
            async with postgres_database(postgres) as url:
                core, _ = await measure_database(url, "postgres", scale, samples, report)
                await core.stop()
        except OSError as error:
            report.line(f"postgres: unavailable ({type(error).__name__}: {error}); skipped")
    report.done()
    return report, path
