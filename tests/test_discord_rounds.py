"""Whole member journeys on Discord: a mentoring round by slash commands and buttons, a check-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from adapters.discord import DiscordAdapter
from bot.app import Core
from storage.models import CheckIn, Schedule
from tests.discord_fake import CHANNEL_ID, FakeDiscord, Person
from tests.harness import FakeClock

TOKEN = "fake.discord-token.rounds"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        TOKEN,
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        ready_timeout=10.0,
    )
    await adapter.start()
    core.attach(adapter.messenger)
    core.dispatcher.start()
    yield adapter
    await core.dispatcher.stop()
    await adapter.stop()


async def answer(fake: FakeDiscord, token: str) -> dict[str, Any]:
    calls = await fake.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    body: dict[str, Any] = calls[0].json
    return body


def custom_id(data: dict[str, Any], label_start: str) -> str:
    for row in data.get("components", []):
        for item in row["components"]:
            if item["label"].startswith(label_start):
                return str(item["custom_id"])
    raise AssertionError(f"no button {label_start!r}")


async def test_mentoring_round_by_slash_commands_and_buttons(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asker = fake.add_person("700000000000000001", "bea")
    mentor = fake.add_person("700000000000000002", "max")
    await answer(fake, await fake.slash(mentor, "skills", {"skills": "pricing"}))
    opened = await answer(
        fake, await fake.slash(asker, "ask", {"question": "Price @everyone candles? #pricing"})
    )
    content = opened["data"]["content"]
    assert "Request **\\#1** is open" in content  # "#" escaped: Discord markdown has headers
    assert "@everyone" not in content.replace("@\u200beveryone", "")  # escaped, never a ping
    assert opened["data"]["allowed_mentions"]["parse"] == []

    # the outbox DMs the mentor (Discord allows DMs to server members)
    dm = await fake.wait_call("POST", r"/channels/\d+/messages")
    assert any("asked for help" in (call.json or {}).get("content", "") for call in dm)

    message = fake.message_payload(CHANNEL_ID, content, components=opened["data"]["components"])
    claimed = await answer(
        fake, await fake.press(mentor, message, custom_id(opened["data"], "I'll help #1"))
    )
    intro = claimed["data"]["content"].replace("\\", "")
    assert f"<@{mentor.user_id}> will help <@{asker.user_id}> with #1" in intro
    assert set(claimed["data"]["allowed_mentions"]["users"]) == {
        int(mentor.user_id),
        int(asker.user_id),
    }

    taken = await answer(fake, await fake.slash(asker, "claim", {"number": 1}))
    assert "your own request" in taken["data"]["content"]
    resolved = await answer(
        fake, await fake.slash(asker, "resolve", {"number": 1, "thanks": "works!"})
    )
    assert f"Kudos to <@{mentor.user_id}>" in resolved["data"]["content"]
    board = await answer(fake, await fake.slash(asker, "leaderboard"))
    assert "1. Max — 1 helped" in board["data"]["content"]


async def test_checkin_ping_button_and_slash_checkin(
    fake: FakeDiscord, bot: DiscordAdapter, core: Core, clock: FakeClock
) -> None:
    owner: Person = fake.add_person("700000000000000009", "olu", organizer=True)
    member = fake.add_person("700000000000000003", "kim")
    scheduled = await answer(
        fake, await fake.slash(owner, "schedule", {"what": "checkin", "details": "09:00"})
    )
    assert "Scheduled: daily check-in ping at **09:00**" in scheduled["data"]["content"]
    async with core.database.sessions() as session:
        schedule = await session.scalar(select(Schedule))
        assert schedule is not None
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(schedule.id, clock.current)
    core.dispatcher.wake()

    def ping_sent() -> list[Any]:
        return [
            call
            for call in fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
            if "Check-in for" in (call.json or {}).get("content", "")
        ]

    await fake.wait_for(lambda: ping_sent())
    ping = ping_sent()[0].json
    assert ping["nonce"]
    assert ping["enforce_nonce"] is True
    message = fake.message_payload(CHANNEL_ID, ping["content"], components=ping["components"])
    pressed = await answer(fake, await fake.press(member, message, custom_id(ping, "Check in")))
    assert "Checked in, Kim! What's your plan?" in pressed["data"]["content"]
    planned = await answer(fake, await fake.slash(owner, "checkin", {"plan": "ship **it**"}))
    assert "Checked in, Olu: “ship \\*\\*it\\*\\*”" in planned["data"]["content"]
    async with core.database.sessions() as session:
        assert len((await session.scalars(select(CheckIn))).all()) == 2


async def autocomplete(
    fake: FakeDiscord, person: Person, name: str, option: str, typed: str
) -> list[dict[str, Any]]:
    """Types into an option as Discord would; returns the choices the bot offered."""
    command = next(c for c in fake.commands if c["name"] == name)
    kind = next(o["type"] for o in command["options"] if o["name"] == option)
    payload = fake._interaction_base(person, dm=False)
    payload["type"] = 4
    payload["data"] = {
        "id": command["id"],
        "name": name,
        "type": 1,
        "options": [{"name": option, "type": kind, "value": typed, "focused": True}],
    }
    await fake.dispatch("INTERACTION_CREATE", payload)
    body = await answer(fake, str(payload["token"]))
    assert body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices: list[dict[str, Any]] = body["data"]["choices"]
    return choices


async def test_autocomplete_offers_open_requests_and_topics(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    asker = fake.add_person("700000000000000011", "ada")
    mentor = fake.add_person("700000000000000012", "ben")
    await answer(fake, await fake.slash(mentor, "skills", {"skills": "pricing, photography"}))
    await answer(fake, await fake.slash(asker, "ask", {"question": "Candle prices? #pricing"}))
    await answer(fake, await fake.slash(asker, "ask", {"question": "Shop photos? #photography"}))
    await answer(fake, await fake.slash(mentor, "claim", {"number": 2}))

    open_ones = await autocomplete(fake, mentor, "claim", "number", "")
    assert open_ones == [{"name": "#1 Candle prices?", "value": 1}]  # #2 is claimed already
    every = await autocomplete(fake, asker, "resolve", "number", "photo")
    assert [choice["value"] for choice in every] == [2]
    topics = await autocomplete(fake, asker, "tips", "query", "pho")
    assert [choice["value"] for choice in topics] == ["photography"]


async def test_tips_are_posted_as_embeds(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    owner = fake.add_person("700000000000000021", "ola", organizer=True)
    posted = await answer(fake, await fake.slash(owner, "tip", {"tip": "Batch **photos** #etsy"}))
    data = posted["data"]
    assert not data.get("content")
    embed = data["embeds"][0]
    assert "from Ola**" in embed["description"]  # the heading, in bold
    assert "Batch \\*\\*photos\\*\\* #etsy" in embed["description"]  # user text escaped
    assert data["components"][0]["components"][0]["label"].startswith("Helpful")
