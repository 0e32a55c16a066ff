"""The Discord adapter end to end: real discord.py against a fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.http import Route

from adapters.discord import DiscordAdapter
from adapters.discord.adapter import COMMAND_FAILED
from adapters.discord.render import nonce
from adapters.discord.translate import message_event
from bot.app import Core
from bot.core.events import (
    Address,
    Attachment,
    AttachmentKind,
    ChatKind,
    Message,
    Outbound,
    OutMessage,
    Sender,
)
from bot.core.markup import Span, Style, fmt
from bot.core.messenger import RateLimited, RecipientUnreachable
from bot.core.registry import ParamKind
from tests.discord_fake import APP_ID, BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord, Person

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fake.discord-token.never-logged"
EPHEMERAL = 64
OPTION_TYPE = {ParamKind.PERSON: 6, ParamKind.INT: 4}
MESSAGE_CONTENT_INTENT = 1 << 15
Factory = Callable[..., Awaitable[DiscordAdapter]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def connect(core: Core, fake: FakeDiscord) -> AsyncIterator[Factory]:
    """Starts adapters against the fake server; stops them all at the end."""
    started: list[DiscordAdapter] = []

    async def start(**options: Any) -> DiscordAdapter:
        adapter = DiscordAdapter(
            core.router,
            core.registry,
            TOKEN,
            api_base_url=fake.api_base_url,
            gateway_url=fake.gateway_url,
            guild_ready_timeout=0.05,
            ready_timeout=10.0,
            **options,
        )
        started.append(adapter)
        await adapter.start()
        return adapter

    yield start
    for adapter in reversed(started):
        await adapter.stop()


@pytest.fixture
async def bot(connect: Factory) -> DiscordAdapter:
    return await connect()


@pytest.fixture
def alice(fake: FakeDiscord) -> Person:
    return fake.add_person("600000000000000001", "alice", organizer=True)


@pytest.fixture
def bob(fake: FakeDiscord) -> Person:
    return fake.add_person("600000000000000002", "bob")


async def answer(fake: FakeDiscord, token: str) -> dict[str, Any]:
    """The interaction callback the bot made for one interaction."""
    calls = await fake.wait_call("POST", rf"/interactions/\d+/{token}/callback")
    body: dict[str, Any] = calls[0].json
    return body


async def followups(fake: FakeDiscord, token: str, count: int = 1) -> list[dict[str, Any]]:
    calls = await fake.wait_call("POST", rf"/webhooks/{APP_ID}/{token}", count)
    return [call.json for call in calls]


async def test_commands_synced_from_registry(
    core: Core, fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    puts = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    assert len(puts) == 1
    synced = {command["name"]: command for command in puts[0].json}
    assert set(synced) == set(core.registry.commands)
    for name, spec in core.registry.commands.items():
        command = synced[name]
        assert command["description"] == spec.summary[:100]
        options = command.get("options", [])
        assert [o["name"] for o in options] == [p.name for p in spec.params]
        for option, param in zip(options, spec.params, strict=True):
            assert option["type"] == OPTION_TYPE.get(param.kind, 3), (name, param.name)
            assert option["required"] is param.required
            assert 0 < len(option["description"]) <= 100
            if param.kind is ParamKind.CHOICE:
                assert [c["value"] for c in option["choices"]] == list(param.choices)
    assert synced["promote"]["options"][0]["type"] == 6  # a user picker, not text
    assert synced["join"]["dm_permission"] is False  # group-only commands stay out of DMs
    assert synced["profile"]["dm_permission"] is True
    assert fake.identified is not None
    assert not fake.identified["intents"] & MESSAGE_CONTENT_INTENT  # slash commands suffice


async def test_slash_round_skills_then_private_profile(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person
) -> None:
    token = await fake.slash(alice, "skills", {"skills": "pricing, design"})
    reply = await answer(fake, token)
    assert reply["type"] == 4
    assert reply["data"]["content"] == "Your skills: pricing, design"
    assert not reply["data"].get("flags", 0) & EPHEMERAL

    token = await fake.slash(alice, "profile")
    reply = await answer(fake, token)
    assert reply["data"]["flags"] & EPHEMERAL  # private data only for the asker
    assert "**Alice**" in reply["data"]["content"]
    assert "Skills: pricing, design" in reply["data"]["content"]


async def test_unknown_user_option_and_unreadable_options_get_answers(
    core: Core, fake: FakeDiscord, bot: DiscordAdapter, alice: Person, bob: Person
) -> None:
    token = await fake.slash(alice, "profile", {"person": "600000000000000404"})  # unresolved
    reply = await answer(fake, token)
    assert reply["data"]["content"].startswith("I don't know 600000000000000404 in this")

    token = await fake.slash(alice, "promote", {"person": bob.user_id})  # "role" missing
    reply = await answer(fake, token)
    assert reply["data"]["flags"] & EPHEMERAL
    assert "couldn't read" in reply["data"]["content"]

    bob.locale = "es-ES"  # before anything is loaded, the person's own Discord language
    token = await fake.slash(bob, "promote", {"person": alice.user_id})
    reply = await answer(fake, token)
    assert reply["data"]["flags"] & EPHEMERAL
    assert reply["data"]["content"] == core.translator.gettext("es", COMMAND_FAILED)
    assert reply["data"]["content"] != COMMAND_FAILED


async def test_slash_commands_in_a_dm(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person
) -> None:
    reply = await answer(fake, await fake.slash(alice, "start", dm=True))
    assert reply["data"]["content"].startswith("Hi Alice! I'm mentorbot.")
    assert not reply["data"].get("flags", 0) & EPHEMERAL

    wrong = await answer(fake, await fake.slash(alice, "settings", dm=True))
    assert "works in a group chat" in wrong["data"]["content"]


async def test_person_option_and_manage_server_organizers(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person, bob: Person
) -> None:
    await answer(fake, await fake.slash(bob, "join"))
    refused = await answer(
        fake, await fake.slash(bob, "promote", {"person": alice.user_id, "role": "mentor"})
    )
    assert "Only organizers" in refused["data"]["content"]

    # alice has Manage Server: an organizer without any stored role
    token = await fake.slash(alice, "promote", {"person": bob.user_id, "role": "mentor"})
    reply = await answer(fake, token)
    assert reply["data"]["content"] == f"<@{bob.user_id}> is now a mentor here."
    assert reply["data"]["allowed_mentions"] == {"parse": [], "users": [int(bob.user_id)]}
    # alice's own rights came with the interaction; only bob (is he an admin, and so an
    # organizer already?) is looked up
    assert not fake.find("GET", rf"/guilds/\d+/members/{alice.user_id}")
    assert len(fake.find("GET", rf"/guilds/\d+/members/{bob.user_id}")) == 1

    token = await fake.slash(alice, "profile", {"person": bob.user_id})
    profile = await answer(fake, token)
    assert profile["data"]["flags"] & EPHEMERAL
    assert "Role: mentor" in profile["data"]["content"]


async def test_forgetme_confirm_button_works_after_restart(
    fake: FakeDiscord, connect: Factory, bot: DiscordAdapter, alice: Person, bob: Person
) -> None:
    await answer(fake, await fake.slash(alice, "skills", {"skills": "knitting"}))
    confirm = await answer(fake, await fake.slash(alice, "forgetme"))
    assert confirm["data"]["flags"] & EPHEMERAL
    buttons = confirm["data"]["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["Delete everything", "Cancel"]
    delete_id = buttons[0]["custom_id"]
    assert delete_id.startswith("mb:forget:")

    await bot.stop()  # a new process: nothing of the old view survives in memory
    await connect()
    message = fake.message_payload(
        CHANNEL_ID,
        confirm["data"]["content"],
        components=confirm["data"]["components"],
        flags=EPHEMERAL,
    )
    refused = await answer(fake, await fake.press(bob, message, delete_id))
    assert refused["data"]["flags"] & EPHEMERAL
    assert refused["data"]["content"] == "That button belongs to someone else."
    done = await answer(fake, await fake.press(alice, message, delete_id))
    assert done["type"] == 4
    assert done["data"]["flags"] & EPHEMERAL
    assert done["data"]["content"].startswith("Done. I deleted every record of you")

    shown = await answer(fake, await fake.slash(alice, "skills"))
    assert shown["data"]["content"].startswith("You have no skills yet")


async def test_everyone_in_user_text_never_pings(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person
) -> None:
    token = await fake.slash(
        alice, "skills", {"skills": "@everyone, @here, <@&700000000000000001>, *bold*"}
    )
    reply = await answer(fake, token)
    content = reply["data"]["content"]
    assert "@everyone" not in content
    assert "@here" not in content
    assert "<@&700000000000000001>" not in content
    assert "@\u200beveryone" in content
    assert "\\*bold\\*" in content
    assert reply["data"]["allowed_mentions"] == {"parse": []}


async def test_closed_dm_falls_back_to_the_group(
    fake: FakeDiscord, connect: Factory, alice: Person
) -> None:
    bot = await connect(message_content=True)
    fake.fail(
        r"POST /channels/5\d+/messages",
        403,
        {"message": "Cannot send messages to this user", "code": 50007},
        times=5,
    )
    await fake.say(alice, "/profile")  # typed as text: no interaction to answer privately
    posts = await fake.wait_call("POST", rf"/channels/{CHANNEL_ID}/messages")
    content = posts[0].json["content"]
    assert content.startswith(f"<@{alice.user_id}>, I have a private message for you")
    assert "Allow direct messages from members of this server" in content
    assert "/start" not in content  # Discord has no /start to send
    assert posts[0].json["allowed_mentions"] == {"parse": [], "users": [int(alice.user_id)]}
    assert "Skills" not in posts[0].json["content"]
    assert fake.find("POST", "/users/@me/channels")

    with pytest.raises(RecipientUnreachable):
        await bot.messenger.send_dm(alice.user_id, OutMessage((Span("hello"),)))


async def test_one_closed_dm_does_not_drop_the_rest_of_a_reply(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person, bob: Person
) -> None:
    fake.fail(
        rf"POST /channels/5{alice.user_id[1:]}/messages",  # alice's DM channel only
        403,
        {"message": "Cannot send messages to this user", "code": 50007},
        times=5,
    )
    event = Message(
        Address("discord", str(CHANNEL_ID), alice.user_id),
        ChatKind.GROUP,
        Sender("alice"),
        "/x",
        chat_title="makers",
    )
    await bot._post(  # the path every reply without an interaction takes
        event,
        [
            Outbound(OutMessage(fmt("alice-secret-9")), user_id=alice.user_id),
            Outbound(OutMessage(fmt("for bob")), user_id=bob.user_id),
            Outbound(OutMessage(fmt("in the channel"))),
        ],
    )
    to_bob = fake.find("POST", rf"/channels/5{bob.user_id[1:]}/messages")
    assert [call.json["content"] for call in to_bob] == ["for bob"]
    posted = [
        call.json["content"] for call in fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    ]
    assert posted[0].startswith(f"<@{alice.user_id}>, I have a private message for you")
    assert posted[1:] == ["in the channel"]
    assert not any("alice-secret-9" in text for text in posted)


async def test_expired_interaction_is_answered_in_the_channel(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person
) -> None:
    fake.fail(
        r"POST /interactions/\d+/[^/]+/callback",
        404,
        {"message": "Unknown interaction", "code": 10062},
    )
    await fake.slash(alice, "skills", {"skills": "pricing"})
    posts = await fake.wait_call("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert posts[0].json["content"] == "Your skills: pricing"


async def test_free_text_dm_works_without_message_content_intent(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person
) -> None:
    dm_channel = "500000000000000777"
    message = fake.message_payload(dm_channel, "hello there", author=alice.user)
    await fake.dispatch("MESSAGE_CREATE", message)
    posts = await fake.wait_call("POST", rf"/channels/{dm_channel}/messages")
    assert posts[0].json["content"] == "I answer commands. Send /help to see what I can do."


async def test_long_message_split_under_2000(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    lines = [f"line {n:03d} " + "*" * 40 for n in range(60)]  # escaping doubles the stars
    text = (Span("\n".join(lines)),)
    await bot.messenger.send(CHANNEL_ID, OutMessage(text))
    posts = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert len(posts) > 2
    contents = [post.json["content"] for post in posts]
    assert all(len(content) <= 2000 for content in contents)
    assert "\n".join(contents).replace("\\*", "*") == "\n".join(lines)


async def test_attachment_is_uploaded_as_a_file(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    chart = Attachment("recap.png", b"\x89PNG fake", AttachmentKind.IMAGE, "image/png")
    await bot.messenger.send(CHANNEL_ID, OutMessage((Span("This week"),), attachment=chart))
    post = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")[0]
    assert post.files == ["recap.png"]
    assert post.json["content"] == "This week"


async def test_keyed_send_uses_enforced_nonce_and_429_is_waited_out(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    fake.fail(
        r"POST /channels/\d+/messages",
        429,
        {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
    )
    message = OutMessage((Span("Tip of the day", Style.BOLD),))
    first = await bot.messenger.send(CHANNEL_ID, message, key="tip:7:2026-11-23")
    second = await bot.messenger.send(CHANNEL_ID, message, key="tip:7:2026-11-23")
    posts = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert len(posts) == 3  # the 429, its retry, and the repeat
    expected = nonce("tip:7:2026-11-23", 0)
    assert len(expected) <= 25
    for post in posts:
        assert post.json["nonce"] == expected
        assert post.json["enforce_nonce"] is True
        assert post.json["content"] == "**Tip of the day**"
    assert first
    assert second


async def test_long_rate_limit_is_handed_to_the_delivery_engine(
    fake: FakeDiscord, bot: DiscordAdapter
) -> None:
    fake.fail(
        r"POST /channels/\d+/messages",
        429,
        {"message": "You are being rate limited.", "retry_after": 120.0, "global": False},
    )
    with pytest.raises(RateLimited) as caught:
        await bot.messenger.send(CHANNEL_ID, OutMessage((Span("later"),)), key="recap:1")
    assert caught.value.retry_after == 120.0
    assert len(fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")) == 1


async def test_slow_core_defers_and_keeps_private_replies_private(
    fake: FakeDiscord, connect: Factory, alice: Person
) -> None:
    await connect(response_deadline=0.0)  # always past the deadline: the deferred path
    token = await fake.slash(alice, "profile")
    deferred = await answer(fake, token)
    assert deferred["type"] == 5
    sent = (await followups(fake, token))[0]
    assert sent["flags"] & EPHEMERAL
    assert "**Alice**" in sent["content"]
    edits = fake.find("PATCH", rf"/webhooks/{APP_ID}/{token}/messages/@original")
    assert edits
    assert "Alice" not in (edits[0].json.get("content") or "")

    token = await fake.slash(alice, "skills", {"skills": "pricing"})
    assert (await answer(fake, token))["type"] == 5
    public = (await followups(fake, token))[0]
    assert public["content"] == "Your skills: pricing"
    assert not public.get("flags", 0) & EPHEMERAL


async def test_is_admin_means_manage_server(
    fake: FakeDiscord, bot: DiscordAdapter, alice: Person, bob: Person
) -> None:
    assert await bot.messenger.is_admin(CHANNEL_ID, alice.user_id) is True
    assert await bot.messenger.is_admin(CHANNEL_ID, bob.user_id) is False
    assert await bot.messenger.is_admin(CHANNEL_ID, "600000000000000099") is False


async def test_bad_token_fails_start_and_restores_library_endpoints(
    core: Core, fake: FakeDiscord
) -> None:
    fake.fail("GET /users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    original = Route.BASE
    adapter = DiscordAdapter(
        core.router,
        core.registry,
        TOKEN,
        api_base_url=fake.api_base_url,
        gateway_url=fake.gateway_url,
    )
    with pytest.raises(discord.LoginFailure) as caught:
        await adapter.start()
    assert TOKEN not in str(caught.value)
    await adapter.stop()  # what the runner does after a failed start
    assert original == Route.BASE


async def test_mentorbot_run_serves_discord_and_stops_on_sigterm(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    alice = fake.add_person("600000000000000001", "alice")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
    env = {
        **clean,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE_URL": fake.api_base_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_for(lambda: fake.identified and fake.commands)
        token = await fake.slash(alice, "skills", {"skills": "sewing"})
        reply = await answer(fake, token)
        assert reply["data"]["content"] == "Your skills: sewing"
        assert process.stderr is not None
        early = b""
        while b"mentorbot is running" not in early:  # signal handlers are installed by then
            line = await asyncio.wait_for(process.stderr.readline(), 30)
            assert line, early.decode()
            early += line
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        stderr = early + stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
    logs = stdout.decode() + stderr.decode()
    assert process.returncode == 0, logs
    assert "Traceback" not in logs
    assert TOKEN not in logs
    assert "never-logged" not in logs
    assert "sewing" not in logs  # message text stays out of INFO logs


async def test_refused_message_content_intent_falls_back_to_slash_commands(
    fake: FakeDiscord, connect: Factory, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    fake.privileged_intents = False  # not enabled in the Developer Portal
    bot = await connect(message_content=True)
    assert not bot.client.intents.message_content
    assert fake.identified is not None
    assert fake.identified["intents"] & MESSAGE_CONTENT_INTENT == 0
    assert "Message Content intent refused" in caplog.text
    token = await fake.slash(alice, "skills", {"skills": "pricing"})
    assert (await answer(fake, token))["data"]["content"] == "Your skills: pricing"


async def test_granted_message_content_intent_is_used(
    fake: FakeDiscord, connect: Factory, alice: Person
) -> None:
    bot = await connect(message_content=True)
    assert bot.client.intents.message_content
    assert fake.identified is not None
    assert fake.identified["intents"] & MESSAGE_CONTENT_INTENT


@pytest.mark.parametrize(
    ("content", "mentions_bot", "replies_to_bot", "addressed"),
    [
        ("/zzzz", False, False, False),
        (f"<@{BOT_ID}> /zzzz", True, False, True),
        ("/zzzz", False, True, True),
    ],
)
async def test_a_text_command_in_a_channel_is_ours_only_when_it_names_the_bot(
    fake: FakeDiscord,
    bot: DiscordAdapter,
    alice: Person,
    content: str,
    mentions_bot: bool,
    replies_to_bot: bool,
    addressed: bool,
) -> None:
    extra: dict[str, Any] = {"guild_id": GUILD_ID}
    if mentions_bot:
        extra["mentions"] = [fake.bot]
    if replies_to_bot:
        earlier = fake.message_payload(CHANNEL_ID, "Check in for today?")
        extra["message_reference"] = {"message_id": earlier["id"], "channel_id": CHANNEL_ID}
        extra["referenced_message"] = earlier
    payload = fake.message_payload(CHANNEL_ID, content, author=alice.user, **extra)
    channel = bot.client.get_channel(int(CHANNEL_ID))
    assert isinstance(channel, discord.TextChannel)
    message = discord.Message(state=bot.client._connection, channel=channel, data=payload)
    me = bot.client.user
    assert me is not None
    assert str(me.id) == BOT_ID
    assert message_event(message, me.id).addressed_to_bot is addressed


async def test_command_descriptions_are_localized(fake: FakeDiscord, bot: DiscordAdapter) -> None:
    [put] = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    synced = {command["name"]: command for command in put.json}
    language = synced["language"]
    assert language["description"] == "Your language (else the community's, else English)"
    localized = language["description_localizations"]
    assert localized["es-ES"] == "Tu idioma (si no, el de la comunidad; si no, inglés)"
    assert localized["es-419"] == localized["es-ES"]
    assert localized["zh-TW"] == "你的語言（未設定時用社群的語言，再不然用英文）"
    assert localized["hi"] == "आपकी भाषा (नहीं तो समुदाय की, नहीं तो अंग्रेज़ी)"
    assert "zh-CN" not in localized  # Simplified is not shipped: Discord shows the English
    assert "en-US" not in localized
    [option] = synced["help"]["options"]
    assert option["name"] == "command"
    assert option["description_localizations"]["es-ES"] == "El nombre de un comando"
    for command in put.json:  # names stay ASCII English: a localized name can fail the sync
        assert not command.get("name_localizations")
        assert all(not o.get("name_localizations") for o in command.get("options", []))
        assert all(len(text) <= 100 for text in command["description_localizations"].values())
