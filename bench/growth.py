"""How cost grows with members: a fixed number of Telegram groups with 10, 100 and 1,000 members
each; the check-in ping and its nudge through the schedule engine, outbox and real adapter, and
command latency, at each size side by side."""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from bench.common import Report, percentile, verdict
from bench.limited_api import LimitedBotApi
from bench.seed import TOPICS, insert_rows
from bot.app import Core
from bot.config import Settings
from bot.core.events import Address, ChatKind, Message, Sender
from storage.models import (
    Account,
    CheckIn,
    Community,
    HelpRequest,
    Membership,
    OutboxMessage,
    Person,
    PersonTopic,
    RequestTopic,
    Schedule,
)
from tests.harness import RecordingMessenger
from tests.telegram_fake import TOKEN

TARGET_P99_MS = 15.0
MEMBERS = (10, 100, 1000)
DM_EVERY = 50  # one member in 50 has opened a DM with the bot (/start), so may be DMed
PAST_DAYS = 3  # every member checked in on each of the last 3 days: all count as active
GROUP_BASE = -1_000_000_000
USER_BASE = 5_000_000
REQUESTS = 5
COMMANDS = ("/checkin ship the pricing page", "/board", "how can I help?")


@dataclass
class ShiftedClock:
    """Real time plus an offset, so the nudge can fire hours "later" without a frozen clock."""

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        """The shifted instant, aware UTC."""
        return datetime.now(UTC) + self.offset


@dataclass
class Size:
    """What one size measured."""

    members: int
    groups: int
    seeded: float = 0.0
    ping_fire: float = 0.0
    ping_fire_median: float = 0.0
    ping_rows: int = 0
    ping_sent: int = 0
    ping_lost: int = 0
    ping_duplicates: int = 0
    ping_delivery: float = 0.0
    nudge_fire: float = 0.0
    nudge_fire_median: float = 0.0
    nudge_dm_rows: int = 0
    nudge_group_rows: int = 0
    nudge_group_sent: int = 0
    nudge_dm_sent: int = 0
    nudge_delivery: float = 0.0
    mentioned: int = 0
    refused: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    p50: dict[str, float] = field(default_factory=dict)
    p99: dict[str, float] = field(default_factory=dict)
    cpu50: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.members * self.groups


def user_id(person: int) -> int:
    """The Telegram user id of a seeded person."""
    return USER_BASE + person


async def seed(engine: AsyncEngine, groups: int, members: int, today: date) -> None:
    """Groups of `members` people: check-ins on past days by all, today by every other one."""
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=60)
    people = groups * members

    def community_of(person: int) -> int:
        return (person - 1) // members + 1

    def index_of(person: int) -> int:
        return (person - 1) % members

    def member(community: int, index: int) -> int:
        return (community - 1) * members + index + 1

    roles = {0: "organizer", 1: "mentor", 2: "mentor"}
    async with engine.begin() as connection:
        await insert_rows(
            connection,
            Community,
            (
                {
                    "id": c,
                    "platform": "telegram",
                    "chat_id": str(GROUP_BASE - c),
                    "title": f"Makers {c}",
                    "timezone": "UTC",
                    "language": "en",
                    "last_request_number": REQUESTS,
                    "created_at": long_ago,
                }
                for c in range(1, groups + 1)
            ),
        )
        await insert_rows(
            connection,
            Person,
            (
                {"id": p, "display_name": f"Person {p}", "created_at": long_ago}
                for p in range(1, people + 1)
            ),
        )
        await insert_rows(
            connection,
            Account,
            (
                {
                    "id": p,
                    "person_id": p,
                    "platform": "telegram",
                    "user_id": str(user_id(p)),
                    "username": f"user{p}",
                    "display_name": f"Person {p}",
                    "dm_opted_in": p % DM_EVERY == 0,
                    "created_at": long_ago,
                }
                for p in range(1, people + 1)
            ),
        )
        await insert_rows(
            connection,
            Membership,
            (
                {
                    "community_id": community_of(p),
                    "person_id": p,
                    "role": roles.get(index_of(p), "member"),
                    "joined_at": long_ago,
                }
                for p in range(1, people + 1)
            ),
        )
        await insert_rows(
            connection,
            PersonTopic,
            (
                {
                    "person_id": member(c, i),
                    "kind": "skill",
                    "key": TOPICS[(c + i + k) % len(TOPICS)],
                    "label": TOPICS[(c + i + k) % len(TOPICS)],
                    "position": k,
                }
                for c in range(1, groups + 1)
                for i in (1, 2)
                for k in range(2)
            ),
        )
        await insert_rows(
            connection,
            CheckIn,
            (
                {
                    "community_id": community_of(p),
                    "person_id": p,
                    "local_date": today - timedelta(days=d),
                    "plan": "ship the landing page",
                    "done": d > 0,
                    "created_at": now - timedelta(days=d),
                    "updated_at": now - timedelta(days=d),
                }
                for p in range(1, people + 1)
                for d in range(PAST_DAYS + 1)
                if d > 0 or index_of(p) % 2 == 0
            ),
        )
        requests: list[dict[str, Any]] = [
            {
                "id": (c - 1) * REQUESTS + n,
                "community_id": c,
                "number": n,
                "asker_id": member(c, 3 + n % 5),
                "helper_id": member(c, 1) if n > 2 else None,
                "question": f"How do I price my {TOPICS[n % len(TOPICS)]} work?",
                "status": ("open", "open", "claimed", "resolved", "resolved")[n - 1],
                "created_at": now - timedelta(hours=n),
            }
            for c in range(1, groups + 1)
            for n in range(1, REQUESTS + 1)
        ]
        await insert_rows(connection, HelpRequest, iter(requests))
        await insert_rows(
            connection,
            RequestTopic,
            (
                {
                    "request_id": row["id"],
                    "key": TOPICS[row["number"] % len(TOPICS)],
                    "label": TOPICS[row["number"] % len(TOPICS)],
                }
                for row in requests
            ),
        )
        await insert_rows(
            connection,
            Schedule,
            (
                {
                    "community_id": c,
                    "kind": "checkin",
                    "local_time": "09:00",
                    "days": "0123456",
                    "created_at": long_ago,
                }
                for c in range(1, groups + 1)
            ),
        )
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))


async def _schedules(core: Core, kind: str) -> list[tuple[int, datetime | None]]:
    async with core.database.sessions() as session:
        rows = await session.execute(
            select(Schedule.id, Schedule.run_at).where(Schedule.kind == kind).order_by(Schedule.id)
        )
        return [(row[0], row[1]) for row in rows.all()]


async def _outbox_keys(core: Core) -> list[str]:
    async with core.database.sessions() as session:
        return list((await session.scalars(select(OutboxMessage.key))).all())


async def _drain(core: Core, give_up_after: float) -> float:
    """Waits until no outbox row is pending or sending; returns the seconds it took."""
    core.dispatcher.wake()
    began = time.monotonic()
    while time.monotonic() - began < give_up_after:
        async with core.database.sessions() as session:
            waiting = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
        if not waiting:
            break
        await asyncio.sleep(0.2)
    return time.monotonic() - began


async def _fire_all(
    core: Core, ids: list[tuple[int, datetime | None]], at: datetime
) -> tuple[float, float]:
    """Fires each schedule as APScheduler would; the total and the median seconds per firing."""
    each: list[float] = []
    for schedule_id, run_at in ids:
        started = time.perf_counter()
        await core.schedules.fire(schedule_id, run_at or at)
        each.append(time.perf_counter() - started)
    return sum(each), statistics.median(each) if each else float("nan")


async def fan_out(core: Core, clock: ShiftedClock, size: Size, give_up_after: float) -> None:
    """The ping to every group, delivered; then, hours later, the nudge, delivered."""
    api = LimitedBotApi()
    base_url = await api.start()
    api.dm_open.update(user_id(p) for p in range(DM_EVERY, size.total + 1, DM_EVERY))
    adapter = TelegramAdapter(
        core.router,
        core.registry,
        TelegramConfig(token=TOKEN, api_base_url=base_url, poll_timeout=1),
        community_mover(core.database.sessions),
    )
    try:
        size.ping_fire, size.ping_fire_median = await _fire_all(
            core, await _schedules(core, "checkin"), clock.now() - timedelta(seconds=1)
        )
        size.ping_rows = len(await _outbox_keys(core))
        await adapter.start()
        core.attach(adapter.messenger)
        core.dispatcher.start()
        size.ping_delivery = await _drain(core, give_up_after)
        pings = collections.Counter(sent.chat_id for sent in api.sent if sent.chat_id < 0)
        size.ping_sent = sum(pings.values())
        size.ping_lost = size.groups - len(pings)
        size.ping_duplicates = sum(count - 1 for count in pings.values())
        before = len(api.sent)
        await core.dispatcher.stop()  # so the nudge's delivery is timed apart from its firing

        nudges = await _schedules(core, "nudge")
        first_due = min((run_at for _, run_at in nudges if run_at), default=None)
        if first_due is not None:  # move time on to the nudge hour (stored naive UTC)
            due = first_due if first_due.tzinfo else first_due.replace(tzinfo=UTC)
            clock.offset = due - datetime.now(UTC) + timedelta(seconds=1)
        size.nudge_fire, size.nudge_fire_median = await _fire_all(core, nudges, clock.now())
        keys = [key for key in await _outbox_keys(core) if key.startswith("nudge:")]
        size.nudge_dm_rows = sum(1 for key in keys if ":dm:" in key)
        size.nudge_group_rows = len(keys) - size.nudge_dm_rows
        core.dispatcher.start()
        size.nudge_delivery = await _drain(core, give_up_after)
        later = api.sent[before:]
        size.nudge_group_sent = sum(1 for sent in later if sent.chat_id < 0)
        size.nudge_dm_sent = sum(1 for sent in later if sent.chat_id > 0)
        size.refused = api.refused
        size.mentioned = sum(sent.html.count("tg://user?id=") for sent in later if sent.chat_id < 0)
        await core.dispatcher.stop()
        async with core.database.sessions() as session:
            size.statuses = dict(
                collections.Counter((await session.scalars(select(OutboxMessage.status))).all())
            )
    finally:
        clock.offset = timedelta(0)
        await adapter.stop()
        await api.close()


async def latency(core: Core, size: Size, samples: int) -> None:
    """Each command `samples` times, interleaved, from random members of random groups."""
    rng = random.Random(11)
    messenger = RecordingMessenger()
    timings: dict[str, list[float]] = {command: [] for command in COMMANDS}
    cpu: dict[str, list[float]] = {command: [] for command in COMMANDS}

    def message(text_: str) -> Message:
        person = rng.randint(1, size.total)
        community = (person - 1) // size.members + 1
        return Message(
            address=Address("telegram", str(GROUP_BASE - community), str(user_id(person))),
            chat_kind=ChatKind.GROUP,
            sender=Sender(f"Person {person}", f"user{person}", is_admin=False),
            text=text_,
            chat_title=f"Makers {community}",
        )

    for command in COMMANDS:  # warm-up
        await core.router.handle(message(command), messenger)
    for _ in range(samples):
        for command in COMMANDS:
            started, started_cpu = time.perf_counter(), time.process_time()
            await core.router.handle(message(command), messenger)
            timings[command].append((time.perf_counter() - started) * 1000)
            cpu[command].append((time.process_time() - started_cpu) * 1000)
    for command in COMMANDS:
        size.p50[command] = percentile(timings[command], 0.5)
        size.p99[command] = percentile(timings[command], 0.99)
        size.cpu50[command] = percentile(cpu[command], 0.5)


async def measure(groups: int, members: int, samples: int, give_up_after: float) -> Size:
    """One size on its own SQLite file."""
    size = Size(members, groups)
    clock = ShiftedClock()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'growth.db'}"
        core = Core(Settings(_env_file=None, database_url=url), clock=clock)  # type: ignore[call-arg]
        await core.start()
        try:
            started = time.perf_counter()
            await seed(core.database.engine, groups, members, clock.now().date())
            size.seeded = time.perf_counter() - started
            await fan_out(core, clock, size, give_up_after)
            await latency(core, size, samples)
        finally:
            await core.stop()
    return size


def _of(figure: str, command: str) -> Callable[[Size], float]:
    """Reads one command's latency figure from a size."""
    return lambda size: float(getattr(size, figure)[command])


def _table(report: Report, sizes: list[Size]) -> None:
    """One row per figure, one column per size, then the growth from each size to the next."""
    rows: list[tuple[str, Callable[[Size], float], str]] = [
        ("ping: firing, all groups (s)", lambda s: s.ping_fire, "{:.2f}"),
        ("ping: firing per group, median (ms)", lambda s: s.ping_fire_median * 1000, "{:.1f}"),
        ("ping: outbox rows", lambda s: s.ping_rows, "{:.0f}"),
        ("ping: messages sent", lambda s: s.ping_sent, "{:.0f}"),
        ("ping: delivery (s)", lambda s: s.ping_delivery, "{:.1f}"),
        ("nudge: firing, all groups (s)", lambda s: s.nudge_fire, "{:.2f}"),
        ("nudge: firing per group, median (ms)", lambda s: s.nudge_fire_median * 1000, "{:.1f}"),
        ("nudge: group outbox rows", lambda s: s.nudge_group_rows, "{:.0f}"),
        ("nudge: group messages sent", lambda s: s.nudge_group_sent, "{:.0f}"),
        ("nudge: people mentioned", lambda s: s.mentioned, "{:.0f}"),
        ("nudge: DM outbox rows", lambda s: s.nudge_dm_rows, "{:.0f}"),
        ("nudge: DMs sent", lambda s: s.nudge_dm_sent, "{:.0f}"),
        ("nudge: delivery (s)", lambda s: s.nudge_delivery, "{:.1f}"),
        (
            "nudge: sent per second",
            lambda s: (s.nudge_group_sent + s.nudge_dm_sent) / s.nudge_delivery,
            "{:.1f}",
        ),
        ("429s from the fake's limits, both", lambda s: s.refused, "{:.0f}"),
    ]
    for command in COMMANDS:
        short = command.split()[0] if command.startswith("/") else command
        rows.append((f"{short} p50 (ms)", _of("p50", command), "{:.2f}"))
        rows.append((f"{short} p99 (ms)", _of("p99", command), "{:.2f}"))
        rows.append((f"{short} CPU p50 (ms)", _of("cpu50", command), "{:.2f}"))
    head = f"{'members in all (per group)':<38}" + "".join(
        f"{f'{s.total:,} ({s.members})':>16}" for s in sizes
    )
    ratios = [f"x{b.members // a.members} members" for a, b in itertools.pairwise(sizes)]
    report.line(head + "".join(f"{r:>16}" for r in ratios))
    for label, value, form in rows:
        values = [value(s) for s in sizes]
        cells = "".join(f"{form.format(v):>16}" for v in values)
        growth = "".join(
            f"{(f'{b / a:.2f}x' if a else '-'):>16}" for a, b in itertools.pairwise(values)
        )
        report.line(f"{label:<38}{cells}{growth}")


async def run(groups: int, samples: int, *, give_up_after: float) -> Report:
    """Every size in turn, then the table and the verdicts."""
    report = Report(
        f"Growth: {groups} Telegram groups with "
        + " / ".join(str(m) for m in MEMBERS)
        + " members each (check-in ping + nudge fan-out, and command latency)"
    )
    logging.getLogger("telegram").setLevel(logging.CRITICAL)
    logging.getLogger("bot.delivery").setLevel(logging.ERROR)
    sizes: list[Size] = []
    for members in MEMBERS:
        size = await measure(groups, members, samples, give_up_after)
        report.line(
            f"{size.total:,} members: seeded in {size.seeded:.1f} s; outbox {size.statuses}; "
            f"ping lost {size.ping_lost}, duplicates {size.ping_duplicates}"
        )
        sizes.append(size)
    _table(report, sizes)
    pings_flat = all(
        s.ping_sent == s.groups and s.ping_lost == 0 and s.ping_duplicates == 0 for s in sizes
    )
    report.line(
        f"ping messages = groups at every size (one per group whatever the members) "
        f"[target: {verdict(pings_flat)}]"
    )
    slowest = max(sizes[-1].p99.values())
    report.line(
        f"largest size: slowest p99 {slowest:.2f} ms "
        f"[p99 <= {TARGET_P99_MS:.0f} ms: {verdict(slowest <= TARGET_P99_MS)}]"
    )
    report.line(
        f"nudges: one DM per non-responder who opened a DM with the bot (1 in {DM_EVERY} here), "
        "one combined group mention of the rest, split at Telegram's 4096 characters"
    )
    report.done()
    return report
