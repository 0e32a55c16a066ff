"""The receiver confirms a batch of updates only after handling it: nothing lost, none twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest
from telegram import Bot, Update
from telegram.error import TelegramError

from adapters.telegram.poller import ConfirmingPoller
from tests.telegram_fake import FakeBotApi, group, user

ALICE = user(2001, "Alice", "alice")
CIRCLE = group(-9001, "Circle")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    instance = Bot(fake.token, base_url=fake.base_url)
    await instance.initialize()
    yield instance
    await instance.shutdown()


class Recorder:
    """Handles batches by recording update ids; can hold a batch until released."""

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()
        self.hold = False

    async def __call__(self, updates: Sequence[Update]) -> None:
        self.arrived.set()
        if self.hold:
            await self.release.wait()
        self.handled.extend(update.update_id for update in updates)


def errors(error: TelegramError) -> None:
    raise AssertionError(f"unexpected poll failure: {error}")


def poller(bot: Bot, handle: Recorder) -> ConfirmingPoller:
    return ConfirmingPoller(bot, handle, errors, timeout=1, allowed_updates=("message",))


async def test_a_receiver_killed_mid_batch_leaves_the_batch_to_the_next(
    fake: FakeBotApi, bot: Bot
) -> None:
    ids = [fake.say(CIRCLE, ALICE, f"note {n}") for n in range(3)]
    dying = Recorder()
    dying.hold = True
    first = poller(bot, dying)
    await first.start()
    await asyncio.wait_for(dying.arrived.wait(), 30)
    assert first._task is not None
    first._task.cancel()  # dies holding the batch: no stop, no confirmation
    with pytest.raises(asyncio.CancelledError):
        await first._task
    assert dying.handled == []

    survivor = Recorder()
    second = poller(bot, survivor)
    await second.start()
    await asyncio.wait_for(survivor.arrived.wait(), 30)
    await second.stop()
    assert survivor.handled == ids  # every update, none lost


async def test_a_stopping_receiver_confirms_exactly_what_it_handled(
    fake: FakeBotApi, bot: Bot
) -> None:
    ids = [fake.say(CIRCLE, ALICE, f"note {n}") for n in range(2)]
    handing_over = Recorder()
    handing_over.hold = True
    first = poller(bot, handing_over)
    await first.start()
    await asyncio.wait_for(handing_over.arrived.wait(), 30)
    stopping = asyncio.create_task(first.stop())
    later = fake.say(CIRCLE, ALICE, "after the hand-over began")
    handing_over.release.set()  # the batch in hand is finished, then confirmed
    await stopping
    assert handing_over.handled == ids

    successor = Recorder()
    second = poller(bot, successor)
    await second.start()
    await asyncio.wait_for(successor.arrived.wait(), 30)
    await second.stop()
    assert successor.handled == [later]  # nothing answered twice, nothing skipped
