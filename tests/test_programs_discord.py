"""A program intake end to end through the real discord.py against the fake Discord."""

from __future__ import annotations

from typing import Any

from adapters.discord import DiscordAdapter
from tests.discord_fake import FakeDiscord, Person


async def answer(fake: FakeDiscord, token: str) -> dict[str, Any]:
    calls = await fake.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    body: dict[str, Any] = calls[0].json
    return body


async def dm_posts(fake: FakeDiscord, person: Person, count: int) -> list[str]:
    """The bot's first `count` messages in the person's DM channel."""
    channel = f"5{person.user_id[1:]}"
    calls = await fake.wait_call("POST", rf"/channels/{channel}/messages", count)
    return [str(call.json.get("content")) for call in calls]


async def test_an_intake_in_the_discord_dm(
    discord_api: FakeDiscord, discord_bot: DiscordAdapter
) -> None:
    fake = discord_api
    alice = fake.add_person("600000000000000001", "alice", organizer=True)
    bob = fake.add_person("600000000000000002", "bob")
    opened = await answer(
        fake, await fake.slash(alice, "program", {"action": "new", "details": "Spring"})
    )
    assert "The mentorship program “Spring” is open!" in opened["data"]["content"]

    joined = await answer(
        fake, await fake.slash(bob, "program", {"action": "join", "details": "mentee"})
    )
    assert "I've sent you a private message with the first question." in joined["data"]["content"]
    posts = await dm_posts(fake, bob, 1)
    assert posts[0].startswith("Welcome to “Spring”! First, which timezone are you in?")
    channel = f"5{bob.user_id[1:]}"
    steps = [
        ("Taipei", "Which topics do you want help with"),
        ("pricing", "What is the one goal"),
        ("Sell candles in two shops", "Which languages can you meet in?"),
        ("English", "How do you prefer to meet?"),
        ("phone", "When are you free each week"),
        ("sat 10-12", "Your intake is complete."),
    ]
    for number, (text, expected) in enumerate(steps, start=2):
        message = fake.message_payload(channel, text, author=bob.user)
        await fake.dispatch("MESSAGE_CREATE", message)
        posts = await dm_posts(fake, bob, number)
        assert expected in posts[-1], posts[-1]
    assert "Meeting: Phone" in posts[-1]
    assert "Weekly availability (Asia/Taipei): Sat 10:00–12:00" in posts[-1]
