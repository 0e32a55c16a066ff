"""`/dashboard` through the real python-telegram-bot and discord.py against their fakes: the
link arrives privately, the group sees only that it was sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.app import Core
from bot.config import Settings
from tests.dashboard_world import LINK
from tests.discord_fake import FakeDiscord
from tests.harness import FakeClock
from tests.telegram_fake import FakeBotApi, group, private, user

ALICE = user(2001, "Alice", "alice")
BOB = user(2002, "Bob", "bob")
MAKERS = group(-5001, "Makers")


@pytest.fixture
async def core(db_url: str, clock: FakeClock) -> AsyncIterator[Core]:
    """The real core with a public web address, so `/dashboard` hands out links."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, web_base_url="https://dash.example.org"
    )
    instance = Core(settings, clock=clock)
    await instance.start()
    yield instance
    await instance.stop()


async def test_telegram_dashboard_link_goes_to_the_dm(
    telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    fake.admins[MAKERS["id"]] = [ALICE]
    fake.say(private(ALICE), ALICE, "/start")
    await fake.wait_sent(ALICE["id"])
    fake.say(MAKERS, ALICE, "/dashboard")
    await fake.wait_text(MAKERS["id"], "I sent you the dashboard link privately.")
    dm = await fake.wait_text(ALICE["id"], "https://dash.example.org/login/")
    assert LINK.search(dm.text)
    assert all("/login/" not in sent.text for sent in fake.sent_to(MAKERS["id"]))


async def test_telegram_member_gets_no_link(
    telegram_bot: TelegramAdapter, telegram_api: FakeBotApi
) -> None:
    fake = telegram_api
    fake.admins[MAKERS["id"]] = [ALICE]
    fake.say(MAKERS, BOB, "/dashboard")
    await fake.wait_text(MAKERS["id"], "Only organizers can use")
    assert all("/login/" not in sent.text for sent in fake.sent_to(MAKERS["id"]))


async def test_discord_dashboard_link_is_ephemeral(
    discord_api: FakeDiscord, discord_bot: DiscordAdapter
) -> None:
    fake = discord_api
    alice = fake.add_person("600000000000000001", "alice", organizer=True)
    token = await fake.slash(alice, "dashboard", {})
    calls = await fake.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    answer = calls[0].json
    assert answer["data"]["flags"] & 64  # only Alice sees it
    assert LINK.search(answer["data"]["content"])
    assert "https://dash.example.org/login/" in answer["data"]["content"]
    posted = [
        call.json for call in fake.calls if call.method == "POST" and "/messages" in call.path
    ]
    assert all("/login/" not in json.dumps(body) for body in posted)


async def test_discord_member_gets_no_link(
    discord_api: FakeDiscord, discord_bot: DiscordAdapter
) -> None:
    fake = discord_api
    fake.add_person("600000000000000001", "alice", organizer=True)
    bob = fake.add_person("600000000000000002", "bob")
    token = await fake.slash(bob, "dashboard", {})
    calls = await fake.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    content = calls[0].json["data"]["content"]
    assert "Only organizers can use" in content
    assert "/login/" not in content


def test_telegram_menus_offer_dashboard_to_admins_and_in_dms_only() -> None:
    from adapters.telegram.adapter import command_scopes
    from tests.harness import standalone_registry

    menus = {
        type(scope).__name__: [command.command for command in commands]
        for scope, commands in command_scopes(standalone_registry())
    }
    assert "dashboard" in menus["BotCommandScopeAllChatAdministrators"]
    assert "dashboard" in menus["BotCommandScopeAllPrivateChats"]
    assert "dashboard" not in menus["BotCommandScopeAllGroupChats"]
