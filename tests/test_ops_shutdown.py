"""Stopping gracefully: no new events, the ones in hand answered, interrupted sends returned."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.discord import DiscordAdapter
from bot.app import Core
from bot.core.events import Event, Outbound, OutMessage
from bot.core.markup import fmt
from bot.core.messenger import Messenger
from bot.delivery.outbox import enqueue
from storage.models import OutboxMessage, OutboxStatus
from storage.outbox_repo import Delivery
from tests.discord_fake import CHANNEL_ID, FakeDiscord
from tests.harness import FakeClock, RecordingMessenger


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


async def test_discord_stop_answers_the_event_in_hand_and_takes_no_new_one(
    core: Core, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = fake.add_person("600000000000000001", "alice")
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        "fake.discord-token.shutdown",
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    entered = asyncio.Event()
    release = asyncio.Event()
    handled: list[str] = []
    real_handle = core.router.handle

    async def gated(event: Event, messenger: Messenger) -> list[Outbound]:
        handled.append(getattr(event, "text", ""))
        entered.set()
        await release.wait()
        return await real_handle(event, messenger)

    monkeypatch.setattr(core.router, "handle", gated)
    await adapter.start()
    try:
        await fake.say(alice, "/help")
        await asyncio.wait_for(entered.wait(), 30)
        stopping = asyncio.create_task(adapter.stop(drain=30.0))
        while not adapter.stopping:  # stop() has begun: it waits for the event in hand
            await asyncio.sleep(0)
        seen = asyncio.create_task(
            adapter.client.wait_for("message", check=lambda m: m.content == "/profile")
        )
        await fake.say(alice, "/profile")  # reaches the client while stopping: not taken
        await asyncio.wait_for(seen, 30)
        assert not stopping.done()
        release.set()
        await asyncio.wait_for(stopping, 30)
    finally:
        release.set()
        await adapter.stop()
    posts = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert posts, "the event in hand was answered before the connection closed"
    assert handled == ["/help"]


async def test_dispatcher_stop_returns_an_interrupted_send_to_pending(
    core: Core, clock: FakeClock
) -> None:
    stuck = asyncio.Event()  # never set: the platform call hangs
    telegram = RecordingMessenger(platform="telegram", hang_after_send=stuck)
    core.attach(telegram)
    async with core.database.sessions() as session, session.begin():
        await enqueue(
            session,
            "ops:hang",
            Delivery("telegram", chat_id="-1"),
            OutMessage(fmt("hello")),
            due_at=clock.now(),
            now=clock.now(),
        )
    core.dispatcher.start()
    while not telegram.sent:
        await asyncio.sleep(0.01)
    await core.dispatcher.stop(grace=0.1)
    async with core.database.sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == "ops:hang"))
    assert row is not None
    assert row.status == OutboxStatus.PENDING.value
    assert row.leased_by is None
    assert row.attempts == 0
    assert row.next_attempt_at is not None
    assert row.next_attempt_at <= clock.now().replace(tzinfo=row.next_attempt_at.tzinfo)
