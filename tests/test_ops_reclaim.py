"""A dead process's outbox claims are taken at once, a stopping one returns unstarted rows,
and processes share one overall send rate."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.events import OutMessage
from bot.core.markup import fmt
from bot.delivery.liveness import SingleProcess, dead_among, unsigned_halves
from bot.delivery.outbox import Dispatcher, enqueue
from bot.delivery.pacing import Pacer, PlatformLimits
from bot.delivery.shared_pacing import SharedPacer
from bot.ops.identity import ProcessIdentity, identity_key
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox_repo import Delivery, OutboxRepository
from tests.harness import FakeClock, RecordingMessenger
from tests.ops_process import WAIT

LEASE = timedelta(seconds=60)


async def fill(core: Core, clock: FakeClock, count: int) -> None:
    async with core.database.sessions() as session, session.begin():
        for index in range(count):
            await enqueue(
                session,
                f"ping:{index}",
                Delivery("telegram", chat_id=f"-{100 + index}"),
                OutMessage(fmt("Check-in {n}", {"n": index})),
                due_at=clock.now(),
                now=clock.now(),
            )


async def claim_as(core: Core, clock: FakeClock, worker: str) -> int:
    """Leases every due row to `worker`, as a process about to send them would."""
    async with core.database.sessions() as session, session.begin():
        rows = await OutboxRepository(session).claim_due(clock.now(), worker, LEASE, 100)
    return len(rows)


async def rows(core: Core) -> list[OutboxMessage]:
    async with core.database.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by("id"))).all())


def test_lock_halves_match_what_pg_locks_shows() -> None:
    assert unsigned_halves(-1) == (0xFFFFFFFF, 0xFFFFFFFF)
    assert unsigned_halves(5) == (0, 5)
    assert unsigned_halves(-(2**63)) == (0x80000000, 0)
    alive, dead = "11-aaaa", "12-bbbb"
    live = {unsigned_halves(identity_key(alive))}
    assert dead_among([alive, dead], live, identity_key) == [dead]


async def test_a_restart_on_sqlite_takes_its_predecessors_claims_at_once(
    core: Core, clock: FakeClock
) -> None:
    if not core.database.is_sqlite:
        pytest.skip("PostgreSQL decides by identity locks: the next test")
    await fill(core, clock, 3)
    assert await claim_as(core, clock, "999-dead0001") == 3  # then SIGKILLed
    messenger = RecordingMessenger()
    plain = Dispatcher(core.database.sessions, {"telegram": messenger}, clock, Pacer({}))
    assert await plain.drain_once() == 0  # without liveness: the lease holds for 60 s
    restarted = Dispatcher(
        core.database.sessions,
        {"telegram": messenger},
        clock,
        Pacer({}),
        liveness=SingleProcess(),
    )
    assert await restarted.drain_once() == 3  # the clock has not moved
    assert sorted(messenger.keys()) == ["ping:0", "ping:1", "ping:2"]  # type: ignore[type-var]


async def test_claims_of_a_process_whose_identity_is_gone_are_taken_at_once(
    core: Core, clock: FakeClock, db_url: str
) -> None:
    if core.database.is_sqlite:
        pytest.skip("SQLite is single-process: the previous test")
    await fill(core, clock, 4)
    holder = ProcessIdentity(db_url, "101-holder01", retry=0.1)
    survivor = ProcessIdentity(db_url, "102-survivr1", retry=0.1)
    messenger = RecordingMessenger()
    dispatcher = Dispatcher(
        core.database.sessions,
        {"telegram": messenger},
        clock,
        Pacer({}),
        liveness=survivor,
        worker=survivor.worker,
    )
    try:
        await holder.prepare()
        await survivor.prepare()
        assert holder.ready()
        assert survivor.ready()
        assert await claim_as(core, clock, holder.worker) == 4
        assert await dispatcher.drain_once() == 0  # the holder is alive: its lease stands
        await holder.stop()  # as its connection would end with a SIGKILL
        assert await dispatcher.drain_once() == 4  # at once: the clock has not moved
        assert sorted(messenger.keys()) == [f"ping:{i}" for i in range(4)]  # type: ignore[type-var]
        assert {row.status for row in await rows(core)} == {"sent"}
    finally:
        await holder.stop()
        await survivor.stop()


async def test_stopping_returns_claimed_rows_that_had_not_started_at_once(
    core: Core, clock: FakeClock
) -> None:
    await fill(core, clock, 5)
    hang = asyncio.Event()
    messenger = RecordingMessenger(hang_after_send=hang)
    dispatcher = Dispatcher(
        core.database.sessions, {"telegram": messenger}, clock, Pacer({}), concurrency=1
    )
    dispatcher.start()
    stopping: asyncio.Task[None] | None = None
    try:
        async with asyncio.timeout(WAIT):
            while len(messenger.sent) < 1:  # one send in progress, four waiting for the slot
                await asyncio.sleep(0.01)
            stopping = asyncio.create_task(dispatcher.stop(grace=WAIT))
            while sum(row.status == "pending" for row in await rows(core)) < 4:
                await asyncio.sleep(0.01)  # returned while the first send still hangs
        assert not stopping.done()
        hang.set()
        await stopping
    finally:
        hang.set()
        await dispatcher.stop()
    final = await rows(core)
    assert [row.status for row in final] == ["sent", "pending", "pending", "pending", "pending"]
    assert len(messenger.sent) == 1
    for row in final[1:]:
        assert row.attempts == 0
        assert row.leased_by is None
        assert row.next_attempt_at <= clock.now()


async def test_processes_share_one_overall_send_rate(core: Core, db_url: str) -> None:
    if core.database.is_sqlite:
        pytest.skip("SQLite is single-process: its pacer is local")
    limits = {"telegram": PlatformLimits(overall=(20, 1))}  # one slot every 50 ms
    other = Database(db_url)  # a second process's own connections
    pacers = [SharedPacer(core.database.sessions, limits), SharedPacer(other.sessions, limits)]
    try:
        await asyncio.gather(
            *(pacer.wait("telegram", f"-{n}", private=False) for pacer in pacers for n in range(10))
        )
    finally:
        await other.dispose()
    slots = sorted(slot for pacer in pacers for slot in pacer.taken)
    assert len(slots) == 20
    assert all(pacer.taken for pacer in pacers)  # both processes did send
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= 0.05 - 1e-6  # on the database's clock: never two in one slot
