"""One pacer for every send: command replies and outbox rows share one budget (fake clock)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import defaultdict
from collections.abc import Awaitable

from bot.app import Core
from bot.core.events import Address, ChatKind, Message, Outbound, OutMessage, Sender
from bot.core.markup import fmt
from bot.delivery.outbox import Dispatcher, enqueue
from bot.delivery.pacing import DEFAULT_LIMITS, Pacer
from storage.outbox_repo import Delivery
from tests.harness import FakeClock, RecordingMessenger

TELEGRAM = DEFAULT_LIMITS["telegram"].overall
assert TELEGRAM is not None
GAP = TELEGRAM[1] / TELEGRAM[0]  # Telegram: ~30 messages a second overall
BUSY = "-1"  # the group whose members are all checking in


class FakeTime:
    """A clock that moves only to the next sleeper's wake-up time, in wake-up order."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + delay, next(self._order), future))
        await future

    async def run(self, work: Awaitable[object]) -> None:
        """Runs `work`, waking the earliest sleeper whenever the others have had their turn."""
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(5):
                await asyncio.sleep(0)
            if self._sleepers:
                wake_at, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake_at)
                future.set_result(None)
            else:
                await asyncio.wait({task}, timeout=0.01)  # database work in flight
        task.result()


async def test_replies_and_outbox_sends_share_one_budget(core: Core, clock: FakeClock) -> None:
    time = FakeTime()
    pacer = Pacer(DEFAULT_LIMITS, clock=time.clock, sleep=time.sleep)
    messenger = RecordingMessenger(platform="telegram")
    core.router.replies.pacer = pacer
    async with core.database.sessions() as session, session.begin():
        for n in range(40):  # a fan-out: one ping to each of 40 groups, and 10 more to BUSY
            chat = BUSY if n < 10 else f"-{100 + n}"
            await enqueue(
                session,
                f"ping:{n}",
                Delivery("telegram", chat_id=chat),
                OutMessage(fmt("ping")),
                due_at=clock.now(),
                now=clock.now(),
            )
    outbox = Dispatcher(core.database.sessions, {"telegram": messenger}, clock, pacer)
    event = Message(
        Address("telegram", BUSY, "ann"), ChatKind.GROUP, Sender("Ann"), "/board", message_id="5"
    )
    replies = [Outbound(OutMessage(fmt("reply {n}", {"n": n}))) for n in range(15)]
    await time.run(
        asyncio.gather(outbox.drain_due(), core.router.replies.deliver(messenger, event, replies))
    )

    sent = [(target, key) for _, target, _, key in messenger.sent]
    assert len(sent) == 55
    assert sum(key is None for _, key in sent) == 15  # the replies went out too
    booked = [(chat, slot) for platform, chat, slot in pacer.booked if platform == "telegram"]
    assert len(booked) == 55  # every send, reply or outbox, took a slot of the one pacer
    slots = sorted(slot for _, slot in booked)
    assert min(b - a for a, b in itertools.pairwise(slots)) >= GAP - 1e-9
    per_chat: dict[str, list[float]] = defaultdict(list)
    for chat, slot in booked:
        per_chat[chat].append(slot)
    busy = sorted(per_chat[BUSY])
    assert len(busy) == 25
    # 20 a minute in one group: the 21st message waits a minute after the 1st, and so on.
    assert all(later - first >= 60 - 1e-9 for first, later in zip(busy, busy[20:], strict=False))


async def test_a_group_waiting_for_its_minute_holds_back_no_other_chat() -> None:
    stopped = FakeTime()  # time stands still: every slot is booked at the same instant

    async def no_wait(delay: float) -> None:
        return None

    pacer = Pacer(DEFAULT_LIMITS, clock=stopped.clock, sleep=no_wait)
    for _ in range(21):
        await pacer.wait("telegram", BUSY, private=False)
    await pacer.wait("telegram", "-2", private=False)
    await pacer.wait("telegram", "-3", private=False, message=False)  # a reaction
    for _ in range(2):
        await pacer.wait("telegram", BUSY, private=False, message=False)
    slots = [slot - stopped.now for _, _, slot in pacer.booked]
    assert all(abs(slot - n * GAP) < 1e-9 for n, slot in enumerate(slots[:20]))
    assert slots[20] == 60  # the 21st in BUSY waits for its minute
    # The next send elsewhere, and reactions (even in BUSY), take the first free slots.
    assert [round(slot / GAP) for slot in slots[21:]] == [20, 21, 22, 23]
