"""Core defects found in review: concurrent arrivals, after-commit failures, long outbox keys."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from adapters.console import ConsoleMessenger
from bot.app import Core
from bot.core.events import OutMessage
from bot.core.markup import fmt, plain
from bot.delivery.outbox import Dispatcher, enqueue
from bot.delivery.pacing import Pacer
from storage.models import Account, Community, Membership, OutboxMessage, Person
from storage.outbox_repo import KEY_LENGTH, Delivery
from tests.harness import ChatDriver, DiscordSpeaker, FakeClock, RecordingMessenger


async def count(core: Core, model: type[object]) -> int:
    async with core.database.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_first_contact_of_several_new_people_at_once(core: Core) -> None:
    discord = DiscordSpeaker(core)  # Discord has no per-chat lanes: these really overlap
    people = [f"newbie{index}" for index in range(6)]
    replies = await asyncio.gather(*(discord.group(name, "fresh", "/join") for name in people))
    for name, reply in zip(people, replies, strict=True):
        assert f"Welcome to fresh, {name.title()}!" in reply
    assert await count(core, Community) == 1
    assert await count(core, Person) == len(people)
    assert await count(core, Account) == len(people)
    assert await count(core, Membership) == len(people)


async def test_the_same_new_person_twice_at_once(core: Core) -> None:
    discord = DiscordSpeaker(core)
    first, second = await asyncio.gather(
        discord.group("ana", "fresh", "/join"), discord.group("ana", "fresh", "/join")
    )
    assert sorted(["Welcome" in first, "Welcome" in second]) == [False, True]
    assert "You're already in" in first + second
    assert "went wrong" not in first + second
    assert await count(core, Person) == 1
    assert await count(core, Account) == 1
    assert await count(core, Membership) == 1


async def test_a_failing_after_commit_step_keeps_the_reply_and_the_change(
    chat: ChatDriver, core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_replan(community_id: int) -> None:
        raise RuntimeError("scheduler exploded")

    chat.make_admin("olga", "g")
    await chat.say("olga", "g", "/join")
    monkeypatch.setattr(core, "replan", broken_replan)
    with caplog.at_level(logging.ERROR, logger="bot.core.router"):
        out = await chat.say("olga", "g", "/settings timezone Asia/Taipei")
    assert "This community's timezone is now Asia/Taipei" in out
    assert "went wrong" not in out
    assert any("after-commit step failed" in record.getMessage() for record in caplog.records)
    async with core.database.sessions() as session:
        zone = await session.scalar(select(Community.timezone).where(Community.chat_id == "g"))
    assert zone == "Asia/Taipei"


async def test_long_idempotency_keys_are_never_truncated_into_one(
    core: Core, clock: FakeClock
) -> None:
    shared = "tip:" + "x" * 196  # the first 200 characters of both keys
    first, second = shared + ":group-a", shared + ":group-b"
    target = Delivery("telegram", chat_id="g1")

    async def queue(key: str) -> bool:
        async with core.database.sessions() as session, session.begin():
            message = OutMessage(fmt("{key}", {"key": key[-7:]}))
            return await enqueue(session, key, target, message, due_at=clock.now(), now=clock.now())

    assert await queue(first)
    assert await queue(second)
    assert not await queue(first)  # the same long key is still sent once
    assert await queue("short:1")
    async with core.database.sessions() as session:
        keys = sorted((await session.scalars(select(OutboxMessage.key))).all())
    assert len(keys) == 3
    assert "short:1" in keys
    assert all(len(key) <= KEY_LENGTH for key in keys)
    assert all(key.startswith("tip:xxx") for key in keys if key != "short:1")
    messenger = RecordingMessenger()
    dispatcher = Dispatcher(core.database.sessions, {"telegram": messenger}, clock, Pacer({}))
    assert await dispatcher.drain_once() == 3
    assert sorted(plain(sent[2].text) for sent in messenger.sent) == [
        "group-a",
        "group-b",
        "short:1",
    ]


async def deliver(core: Core, chat: ChatDriver) -> str:
    start = len(chat.output)
    await core.dispatcher.drain_due()
    return "\n".join(chat.output[start:])


async def test_escalation_handles_each_request_alone_and_asks_platforms_outside_transactions(
    chat: ChatDriver, core: Core, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for group in ("good", "bad"):
        chat.make_admin("olga", group)
        await chat.say("olga", group, "/join")
        await chat.say("bob", group, f"/ask Who knows bookkeeping in {group}?")
    core.attach(chat.console.messenger)
    await deliver(core, chat)
    asked: list[str] = []
    real_is_admin = ConsoleMessenger.is_admin

    async def is_admin(self: ConsoleMessenger, chat_id: str, user_id: str) -> bool:
        asked.append(chat_id)
        # No transaction may be open while the platform is asked: on SQLite the one pooled
        # connection would still be held and this read could not start.
        async with core.database.sessions() as session:
            await asyncio.wait_for(session.execute(select(1)), timeout=5)
        if chat_id == "bad":
            raise RuntimeError("platform down")
        return await real_is_admin(self, chat_id, user_id)

    monkeypatch.setattr(ConsoleMessenger, "is_admin", is_admin)
    clock.advance(hours=24)
    assert await core.escalation.sweep() == 1  # "bad" failed, "good" went on
    assert set(asked) == {"good", "bad"}
    delivered = await deliver(core, chat)
    assert "[dm olga] mentorbot: Still waiting for a helper in good after 24 h" in delivered
    assert "in bad after" not in delivered
    monkeypatch.setattr(ConsoleMessenger, "is_admin", real_is_admin)
    assert await core.escalation.sweep() == 1  # the failed one is retried
    assert "Still waiting for a helper in bad after 24 h" in await deliver(core, chat)
    assert await core.escalation.sweep() == 0
