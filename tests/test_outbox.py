"""The outbox: once per key, 429s waited out, grace after downtime, failures recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.core.events import OutMessage
from bot.core.markup import chunk, fmt, plain
from bot.core.messenger import DeliveryError, RateLimited, RecipientUnreachable
from bot.delivery.outbox import Dispatcher, enqueue, parts
from bot.delivery.pacing import Pacer, PlatformLimits
from storage.models import Account, OutboxMessage
from storage.outbox_repo import Delivery, OutboxRepository
from storage.repo import Repository
from tests.harness import FakeClock, RecordingMessenger


def message(text: str) -> OutMessage:
    return OutMessage(fmt("{t}", {"t": text}))


async def queue(core: Core, clock: FakeClock, key: str, delivery: Delivery, **kw: object) -> bool:
    async with core.database.sessions() as session, session.begin():
        return await enqueue(
            session,
            key,
            delivery,
            message(key),
            due_at=kw.get("due_at", clock.now()),
            now=clock.now(),  # type: ignore[arg-type]
        )


async def statuses(core: Core) -> dict[str, str]:
    async with core.database.sessions() as session:
        rows = await session.scalars(select(OutboxMessage))
        return {row.key: row.status for row in rows}


def dispatcher(
    core: Core, clock: FakeClock, messenger: RecordingMessenger, **kw: int
) -> Dispatcher:
    return Dispatcher(
        core.database.sessions,
        {messenger.platform: messenger},
        clock,
        Pacer({}),
        **kw,  # type: ignore[arg-type]
    )


async def test_duplicate_enqueue_is_refused(core: Core, clock: FakeClock) -> None:
    target = Delivery("telegram", chat_id="g1")
    assert await queue(core, clock, "ping:1:2026-11-23:g1", target)
    assert not await queue(core, clock, "ping:1:2026-11-23:g1", target)
    messenger = RecordingMessenger()
    assert await dispatcher(core, clock, messenger).drain_once() == 1
    assert await dispatcher(core, clock, messenger).drain_once() == 0
    assert messenger.keys() == ["ping:1:2026-11-23:g1"]
    assert await statuses(core) == {"ping:1:2026-11-23:g1": "sent"}


async def test_future_rows_wait_until_due(core: Core, clock: FakeClock) -> None:
    await queue(
        core,
        clock,
        "later",
        Delivery("telegram", chat_id="g"),
        due_at=clock.now() + timedelta(hours=1),
    )
    messenger = RecordingMessenger()
    worker = dispatcher(core, clock, messenger)
    assert await worker.drain_once() == 0
    clock.advance(minutes=59)
    assert await worker.drain_once() == 0
    clock.advance(minutes=1)
    assert await worker.drain_once() == 1
    assert messenger.keys() == ["later"]


async def test_429_is_waited_out_then_delivered_once(core: Core, clock: FakeClock) -> None:
    await queue(core, clock, "k", Delivery("telegram", chat_id="g"))
    messenger = RecordingMessenger(failures={"g": [RateLimited(7), RateLimited(3)]})
    worker = dispatcher(core, clock, messenger)
    await worker.drain_once()
    assert await statuses(core) == {"k": "pending"}
    clock.advance(seconds=6)
    assert await worker.drain_once() == 0  # still inside retry_after
    clock.advance(seconds=1)
    await worker.drain_once()
    clock.advance(seconds=3)
    await worker.drain_once()
    assert messenger.keys() == ["k"]
    assert await statuses(core) == {"k": "sent"}


async def test_transient_errors_back_off_and_finally_fail(core: Core, clock: FakeClock) -> None:
    await queue(core, clock, "k", Delivery("telegram", chat_id="g"))
    messenger = RecordingMessenger(failures={"g": [DeliveryError("timeout", permanent=False)] * 8})
    worker = dispatcher(core, clock, messenger)
    for _ in range(8):
        await worker.drain_once()
        clock.advance(minutes=10)
    async with core.database.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert row.status == "failed"
        assert row.last_error == "timeout"
    assert messenger.sent == []


async def test_blocked_chat_fails_with_reason(core: Core, clock: FakeClock) -> None:
    await queue(core, clock, "k", Delivery("telegram", chat_id="gone"))
    messenger = RecordingMessenger(
        failures={"gone": [DeliveryError("chat not found", permanent=True)]}
    )
    await dispatcher(core, clock, messenger).drain_once()
    async with core.database.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert (row.status, row.last_error) == ("failed", "chat not found")


async def test_closed_dm_waits_and_the_group_hears_only_a_notice(
    core: Core, clock: FakeClock
) -> None:
    async with core.database.sessions() as session, session.begin():
        await Repository(session).ensure_account("telegram", "u1", "Uma", "uma", clock.now())
    await queue(core, clock, "nudge:u1", Delivery("telegram", user_id="u1", fallback_chat_id="g"))
    messenger = RecordingMessenger(failures={"u1": [RecipientUnreachable("bot was blocked")]})
    worker = dispatcher(core, clock, messenger)
    await worker.drain_once()
    await worker.drain_once()
    assert [(kind, target) for kind, target, _, _ in messenger.sent] == [("chat", "g")]
    text = messenger.sent[0][2].text
    assert [span.mention.user_id for span in text if span.mention] == ["u1"]  # named once
    assert "nudge:u1" not in plain(text)  # the private text never reaches the group
    assert "can't send it to you by DM" in plain(text)
    found = await statuses(core)
    assert found.pop("nudge:u1") == "pending"  # waiting for Uma to open the DM
    assert list(found.values()) == ["sent"]
    async with core.database.sessions() as session:
        account = await session.scalar(select(Account).where(Account.user_id == "u1"))
        assert account is not None
        assert account.dm_unreachable


async def test_a_waiting_dm_past_its_grace_is_skipped_never_posted(
    core: Core, clock: FakeClock
) -> None:
    await queue(core, clock, "nudge:u1", Delivery("telegram", user_id="u1", fallback_chat_id="g"))
    messenger = RecordingMessenger(failures={"u1": [RecipientUnreachable("blocked")]})
    worker = dispatcher(core, clock, messenger)
    assert await worker.drain_due() == 2  # the DM attempt, then the notice
    clock.advance(hours=1, minutes=59)
    assert await worker.drain_once() == 0  # nobody woke it: it keeps waiting
    clock.advance(minutes=2)
    assert await worker.drain_once() == 1
    sent_notices = {key: "sent" for key in await notices(core)}
    assert len(sent_notices) == 1
    assert await statuses(core) == {"nudge:u1": "skipped", **sent_notices}
    assert all("nudge:u1" not in plain(sent[2].text) for sent in messenger.sent)


async def notices(core: Core) -> list[str]:
    async with core.database.sessions() as session:
        keys = await session.scalars(select(OutboxMessage.key))
        return [key for key in keys if key.startswith("dm-notice:")]


async def test_downtime_within_grace_sends_late_beyond_skips(core: Core, clock: FakeClock) -> None:
    target = Delivery("telegram", chat_id="g")
    await queue(core, clock, "soon", target)
    await queue(core, clock, "early", target, due_at=clock.now() - timedelta(hours=3))
    clock.advance(hours=1, minutes=59)  # the bot was down; "soon" is 1h59 late
    messenger = RecordingMessenger()
    await dispatcher(core, clock, messenger).drain_once()
    assert messenger.keys() == ["soon"]
    assert await statuses(core) == {"soon": "sent", "early": "skipped"}


async def test_restart_mid_fanout_resends_only_what_was_in_flight(
    core: Core, clock: FakeClock
) -> None:
    for index in range(120):
        await queue(core, clock, f"fan:{index}", Delivery("telegram", chat_id=f"g{index}"))
    crashed = RecordingMessenger(hang_after_send=asyncio.Event())
    first = dispatcher(core, clock, crashed, concurrency=4, batch=40)
    task = asyncio.create_task(first.drain_once())
    while len(crashed.sent) < 4:
        await asyncio.sleep(0.01)
    task.cancel()  # the process dies with 4 sends done on the platform but not recorded
    await asyncio.gather(task, return_exceptions=True)
    in_flight = len(crashed.sent)

    clock.advance(seconds=61)  # the dead worker's lease lapses
    restarted = RecordingMessenger()
    second = dispatcher(core, clock, restarted)
    while await second.drain_once():
        pass
    delivered = crashed.keys() + restarted.keys()
    assert set(delivered) == {f"fan:{index}" for index in range(120)}
    duplicates = len(delivered) - len(set(delivered))
    assert duplicates == in_flight <= 4
    assert set((await statuses(core)).values()) == {"sent"}


async def test_two_dispatchers_never_share_a_row(core: Core, clock: FakeClock) -> None:
    for index in range(150):
        await queue(core, clock, f"k{index}", Delivery("telegram", chat_id=f"g{index}"))
    messenger = RecordingMessenger()
    one = dispatcher(core, clock, messenger, batch=10)
    two = dispatcher(core, clock, messenger, batch=10)

    async def drain(worker: Dispatcher) -> None:
        while await worker.drain_once():
            await asyncio.sleep(0)

    await asyncio.gather(drain(one), drain(two))
    assert sorted(messenger.keys()) == sorted(f"k{index}" for index in range(150))
    async with core.database.sessions() as session:
        assert (await OutboxRepository(session).counts()) == {"sent": 150}


async def test_running_loop_delivers_and_wakes(core: Core, clock: FakeClock) -> None:
    messenger = RecordingMessenger()
    worker = dispatcher(core, clock, messenger)
    worker.start()
    try:
        await queue(core, clock, "live", Delivery("telegram", chat_id="g"))
        worker.wake()
        for _ in range(200):
            if messenger.sent:
                break
            await asyncio.sleep(0.01)
        assert messenger.keys() == ["live"]
    finally:
        await worker.stop()


async def test_pacer_counts_each_part_of_a_long_message_against_the_chat_limit() -> None:
    pacer = Pacer({"telegram": PlatformLimits(per_group=(2, 60))})
    await asyncio.wait_for(pacer.wait("telegram", "g", private=False, parts=2), 5)
    with pytest.raises(TimeoutError):  # both of the minute's sends were used by the two parts
        await asyncio.wait_for(pacer.wait("telegram", "g", private=False), 0.2)
    await asyncio.wait_for(pacer.wait("telegram", "h", private=False), 5)  # other chats go on


def test_a_long_text_is_paced_as_the_parts_it_will_be_sent_as() -> None:
    short = OutMessage(fmt("hello"))
    long = OutMessage(fmt("\n".join(f"line {n:02d} of a long message" for n in range(12))))
    messenger = RecordingMessenger(text_limit=100)
    assert parts(short, messenger) == 1
    assert parts(long, messenger) == len(chunk(long.text, 100)) >= 3
