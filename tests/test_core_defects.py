"""Core defects found in review: concurrent arrivals, after-commit failures, long outbox keys."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from bot.app import Core
from storage.models import Account, Community, Membership, Person
from tests.harness import ChatDriver, DiscordSpeaker


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
