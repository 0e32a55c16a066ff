"""The core's own cost per command: `Router.handle` to commit, no platform, in milliseconds
and in SQL statements (counted with a `before_cursor_execute` listener)."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.common import Report
from bench.latency import message, postgres_database
from bench.seed import Scale, seed
from bot.app import Core
from bot.config import Settings
from bot.core.events import ChatKind, Event
from tests.harness import RecordingMessenger

COMMANDS = (
    "/checkin ship the pricing page",
    "/streak",
    "/board",
    "/tips pricing",
    "how can I help?",
)
DM_STREAK = "/streak (DM, with delivery)"
"""A DM command delivered too, from one of ten people who wrote before: the reply path's own
statements for a DM (waking messages held for it)."""


@dataclass
class Counter:
    """Statements the engine sent while `on`, and transactions it committed."""

    on: bool = False
    statements: int = 0
    commits: int = 0
    texts: list[str] = field(default_factory=list)

    def statement(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.on:
            self.statements += 1
            self.texts.append(statement)

    def commit(self, conn: Any) -> None:
        if self.on:
            self.commits += 1


@dataclass
class Figures:
    """Per command: milliseconds, statements and commits of each run."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    """Process CPU time (every thread: aiosqlite's too), less moved by other processes."""
    statements: dict[str, list[int]] = field(default_factory=dict)
    commits: dict[str, list[int]] = field(default_factory=dict)


class _Regulars(random.Random):
    """Picks among the first ten people only: a DM comes from someone who wrote before."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng.random())

    def randint(self, a: int, b: int) -> int:
        return super().randint(a, min(b, a + 9))


def _dm(event: Event) -> Event:
    """The same event sent in the person's DM with the bot."""
    address = replace(event.address, chat_id=event.address.user_id)
    return replace(event, address=address, chat_kind=ChatKind.DM, chat_title="")


async def measure(core: Core, scale: Scale, samples: int) -> Figures:
    """Runs every command `samples` times, interleaved, from random members."""
    counter = Counter()
    engine = core.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter.statement)
    event.listen(engine, "commit", counter.commit)
    rng = random.Random(11)
    regulars = _Regulars(rng)
    messenger = RecordingMessenger()
    figures = Figures()
    names = (*COMMANDS, DM_STREAK)

    async def one(name: str, record: bool) -> None:
        if name == DM_STREAK:
            dm = _dm(message(scale, regulars, "/streak"))
            run: Callable[[], Any] = lambda: _handle_and_deliver(core, dm, messenger)  # noqa: E731
        else:
            event_ = message(scale, rng, name)
            run = lambda: core.router.handle(event_, messenger)  # noqa: E731
        counter.statements = counter.commits = 0
        counter.texts.clear()
        counter.on = True
        started, started_cpu = time.perf_counter(), time.process_time()
        await run()
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - started_cpu) * 1000
        counter.on = False
        if record:
            figures.ms.setdefault(name, []).append(elapsed)
            figures.cpu.setdefault(name, []).append(cpu)
            figures.statements.setdefault(name, []).append(counter.statements)
            figures.commits.setdefault(name, []).append(counter.commits)

    try:
        for name in names:  # warm-up: compiled statements, caches
            await one(name, record=False)
        for _ in range(samples):
            for name in names:
                await one(name, record=True)
    finally:
        event.remove(engine, "before_cursor_execute", counter.statement)
        event.remove(engine, "commit", counter.commit)
    return figures


async def _handle_and_deliver(core: Core, event_: Event, messenger: RecordingMessenger) -> None:
    """What an adapter does with a DM: handle, then deliver the replies."""
    outbound = await core.router.handle(event_, messenger)
    await core.router.replies.deliver(messenger, event_, outbound)


def summarize(report: Report, label: str, figures: Figures) -> None:
    """One line per command: median and p90 ms, CPU ms, statements and commits per command."""
    for name, values in figures.ms.items():
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        statements = statistics.median(figures.statements[name])
        commits = statistics.median(figures.commits[name])
        report.line(
            f"{label} {name:<32} {statistics.median(values):6.2f} ms median, {p90:6.2f} p90, "
            f"CPU {statistics.median(figures.cpu[name]):5.2f} ms; "
            f"{statements:g} statements, {commits:g} commit(s) per command (n={len(values)})"
        )


async def _on(url: str, label: str, scale: Scale, samples: int, report: Report) -> None:
    core = Core(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    await core.start()
    # The DM line measures the reply path's own work: the pacer would hold it to Telegram's
    # 30 messages/s (33 ms apart once the commands between two DMs take less than that).
    core.router.replies.pacer = None
    try:
        await seed(core.database.engine, scale, datetime.now(UTC).date())
        summarize(report, label, await measure(core, scale, samples))
    finally:
        await core.stop()


async def run(scale: Scale, samples: int, directory: Path, postgres: str | None) -> Report:
    """SQLite and, when reachable, PostgreSQL, each on a small seeded database."""
    report = Report(
        f"Core cost per command (router to commit, no platform): {scale.communities:,} "
        f"communities, {scale.people:,} people; statements counted by before_cursor_execute"
    )
    await _on(f"sqlite+aiosqlite:///{directory / 'core.db'}", "sqlite", scale, samples, report)
    if postgres:
        try:
            async with postgres_database(postgres) as url:
                await _on(url, "postgres", scale, samples, report)
        except OSError as error:
            report.line(f"postgres: unavailable ({type(error).__name__}: {error}); skipped")
    report.done()
    return report
