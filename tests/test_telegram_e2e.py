"""The Telegram adapter end to end: the real python-telegram-bot against a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.telegram import TelegramAdapter, TelegramConfig, community_mover
from adapters.telegram.adapter import STALE_BUTTON
from bot.app import Core
from bot.core.context import Ctx
from bot.core.events import Attachment, AttachmentKind, Button
from bot.core.markup import Span, join
from bot.core.registry import Access, Args, CommandSpec
from storage.models import Community, Membership, Person, PersonTopic
from tests.ports import free_port
from tests.telegram_fake import BOT_USERNAME, FakeBotApi, Json, Sent, group, private, user

ALICE = user(1001, "Alice", "alice")
BOB = user(1002, "Bob", "bob")
MAKERS = group(-4001, "Makers")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API, closed (long polls released) after the adapter stops."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram(core: Core, fake: FakeBotApi) -> AsyncIterator[TelegramAdapter]:
    """The real adapter, started on the test's event loop like the runner does."""
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, poll_timeout=5)
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    yield adapter
    await adapter.stop()


async def count(core: Core, model: type) -> int:
    async with core.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def last(messages: list[Sent]) -> Sent:
    return messages[-1]


async def test_member_round_in_a_group_with_private_profile(
    telegram: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.say(MAKERS, ALICE, "/start")
    hello = last(await fake.wait_sent(MAKERS["id"]))
    assert "Hello, Makers!" in hello.text
    assert "<b>Makers</b>" in hello.html

    fake.say(MAKERS, ALICE, "/skills pricing, design")
    assert last(await fake.wait_sent(MAKERS["id"], 2)).text == "Your skills: pricing, design"

    fake.say(private(ALICE), ALICE, "/start")
    await fake.wait_sent(ALICE["id"])
    fake.say(MAKERS, ALICE, "/profile")
    profile = last(await fake.wait_sent(ALICE["id"], 2))
    assert profile.text.startswith("Alice\nRole: member\nSkills: pricing, design")
    assert len(fake.sent_to(MAKERS["id"])) == 2  # the profile went privately, not to the group
    assert all(call.params.get("parse_mode") == "HTML" for call in fake.calls_to("sendMessage"))


async def test_organizer_is_a_chat_admin_and_the_admin_list_is_cached(
    telegram: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.admins[MAKERS["id"]] = [ALICE]
    fake.say(MAKERS, BOB, "/join")
    fake.say(MAKERS, BOB, "/promote @alice mentor")
    refused = last(await fake.wait_sent(MAKERS["id"], 2))
    assert "Only organizers can use /promote" in refused.text

    fake.say(MAKERS, ALICE, "/promote @bob mentor")
    promoted = last(await fake.wait_sent(MAKERS["id"], 3))
    assert promoted.text == "Bob is now a mentor here."
    assert f'<a href="tg://user?id={BOB["id"]}">Bob</a>' in promoted.html
    assert len(fake.calls_to("getChatAdministrators")) == 1


async def test_commands_are_registered_per_scope_from_the_registry(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    registered = {
        call.params["scope"]["type"]: [c["command"] for c in call.params["commands"]]
        for call in fake.calls_to("setMyCommands")
    }
    names = set(core.registry.commands)
    assert set(registered) == {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    everywhere = set(registered["all_chat_administrators"]) | set(registered["all_private_chats"])
    assert everywhere == names
    assert "promote" in registered["all_chat_administrators"]
    assert "promote" not in registered["all_group_chats"]
    assert "promote" not in registered["all_private_chats"]
    assert "skills" in registered["all_group_chats"]
    assert "join" not in registered["all_private_chats"]


async def test_command_addressed_to_this_bot_or_another(
    telegram: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.say(MAKERS, ALICE, f"/skills@{BOT_USERNAME} design")
    fake.say(MAKERS, ALICE, "/skills@some_other_bot sewing")
    fake.say(MAKERS, ALICE, "/skills")
    replies = await fake.wait_sent(MAKERS["id"], 2)
    assert [reply.text for reply in replies] == ["Your skills: design", "Your skills: design"]


async def test_forgetme_button_deletes_and_every_callback_is_answered(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    fake.say(private(ALICE), ALICE, "/start")
    fake.say(MAKERS, ALICE, "/skills design")
    fake.say(MAKERS, ALICE, "/forgetme")
    confirm = last(await fake.wait_sent(ALICE["id"], 2))
    labels = {button["text"]: button["callback_data"] for button in confirm.buttons}
    assert set(labels) == {"Delete everything", "Cancel"}

    fake.press(ALICE, confirm, "no-such-action:1")
    fake.press(ALICE, confirm, "not ours")
    fake.press(ALICE, confirm, labels["Delete everything"])
    done = last(await fake.wait_sent(ALICE["id"], 4))
    assert done.text.startswith("Done. I deleted every record of you")
    stale = fake.sent_to(ALICE["id"])[2]
    assert stale.text == "That button no longer works. Send /help to start again."
    answers = fake.calls_to("answerCallbackQuery")
    assert len(answers) == 3
    assert [answer.params.get("text") for answer in answers] == [None, STALE_BUTTON, None]
    assert await count(core, Person) == 0
    assert await count(core, PersonTopic) == 0


async def test_private_reply_waits_for_the_dm_and_the_group_gets_a_start_link(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    fake.say(MAKERS, BOB, "/profile")
    notice = last(await fake.wait_sent(MAKERS["id"]))
    dm_attempts = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == BOB["id"]]
    assert [attempt.status for attempt in dm_attempts] == [403]
    assert "Bob, I have a private message for you, but I can't send it to you by DM yet" in (
        notice.text
    )
    assert "Role: member" not in notice.text
    assert f'<a href="tg://user?id={BOB["id"]}">Bob</a>' in notice.html
    assert notice.buttons == [{"text": "Open a DM", "url": f"https://t.me/{BOT_USERNAME}?start=dm"}]

    fake.say(private(BOB), BOB, "/start dm")  # what the deep link sends
    assert "Hi Bob!" in last(await fake.wait_sent(BOB["id"])).text
    core.attach(telegram.messenger)
    await core.dispatcher.drain_due()  # the profile that waited for Bob's DM
    assert last(await fake.wait_sent(BOB["id"], 2)).text.startswith("Bob\nRole: member")
    fake.say(MAKERS, BOB, "/profile")
    assert last(await fake.wait_sent(BOB["id"], 3)).text.startswith("Bob\nRole: member")
    assert len(fake.sent_to(MAKERS["id"])) == 1
    assert len(fake.sent_to(BOB["id"])) == 3  # the waiting profile came once


async def test_rate_limited_send_is_retried_then_delivered(
    telegram: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.fail(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=MAKERS["id"]
    )
    fake.say(MAKERS, ALICE, "/skills design")
    reply = last(await fake.wait_sent(MAKERS["id"]))
    assert reply.text == "Your skills: design"
    assert [call.status for call in fake.calls_to("sendMessage")] == [429, 200]


async def test_user_text_is_escaped_and_shown_literally(
    telegram: TelegramAdapter, fake: FakeBotApi
) -> None:
    sneaky = user(1003, "Ann <b>&amp;", "ann")
    chat = group(-4002, "R&D <i>lab</i>")
    fake.say(chat, sneaky, "/join")
    fake.say(chat, sneaky, "/skills <b>design</b> & more")
    welcome, skills = await fake.wait_sent(chat["id"], 2)
    assert welcome.text.startswith("Welcome to R&D <i>lab</i>, Ann <b>&amp;!")
    assert "<b>R&amp;D &lt;i&gt;lab&lt;/i&gt;</b>" in welcome.html
    assert skills.text == "Your skills: <b>design</b> & more"
    assert skills.html == "Your skills: &lt;b&gt;design&lt;/b&gt; &amp; more"


async def test_long_message_is_split_under_the_limit_with_buttons_last(
    core: Core, fake: FakeBotApi
) -> None:
    line = "tips & <tricks> for pricing, " * 2  # escaping makes the HTML longer than the text

    async def long(ctx: Ctx, args: Args) -> None:
        text = join([(Span(f"{number:03} {line}"),) for number in range(80)])
        ctx.reply("{text}", {"text": text}, buttons=((Button("More", "more", "2"),),))

    spec = CommandSpec("long", "A long answer", long, "/long", access=Access.ANYONE)
    core.registry.add_command(spec)
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, poll_timeout=5)
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    try:
        fake.say(MAKERS, ALICE, "/long")
        await fake.wait_until(lambda: any(m.buttons for m in fake.sent_to(MAKERS["id"])))
    finally:
        await adapter.stop()
    pieces = fake.sent_to(MAKERS["id"])
    expected = "\n".join(f"{number:03} {line}" for number in range(80))
    assert len(expected) > 5000
    assert len(pieces) == 2
    assert all(len(piece.html) <= 4096 for piece in pieces)
    assert "\n".join(piece.text for piece in pieces) == expected
    assert [bool(piece.buttons) for piece in pieces] == [False, True]
    assert pieces[1].buttons[0]["callback_data"] == "more:2"


async def test_image_and_csv_attachments_go_as_photo_and_document(
    core: Core, fake: FakeBotApi
) -> None:
    async def files(ctx: Ctx, args: Args) -> None:
        chart = Attachment("chart.png", b"\x89PNG fake", AttachmentKind.IMAGE, "image/png")
        ctx.reply("**Stats**", attachment=chart, buttons=((Button("Again", "again", "1"),),))
        ctx.reply("", attachment=Attachment("export.csv", b"a,b\n1,2\n", mime_type="text/csv"))

    core.registry.add_command(CommandSpec("files", "Files", files, "/files", access=Access.ANYONE))
    config = TelegramConfig(token=fake.token, api_base_url=fake.base_url, poll_timeout=5)
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    try:
        fake.say(MAKERS, ALICE, "/files")
        text, photo, document = await fake.wait_sent(MAKERS["id"], 3)
    finally:
        await adapter.stop()
    assert (text.kind, text.html) == ("text", "<b>Stats</b>")
    assert text.buttons[0]["callback_data"] == "again:1"
    assert (photo.kind, photo.text, photo.buttons) == ("photo", "chart.png", [])
    assert (document.kind, document.text) == ("document", "export.csv")
    [upload] = fake.calls_to("sendDocument")
    assert upload.params["document"] == {"filename": "export.csv", "size": 8}


async def test_group_upgraded_to_supergroup_keeps_its_community(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    fake.admins[MAKERS["id"]] = [ALICE]
    fake.say(MAKERS, BOB, "/skills sewing")
    fake.say(MAKERS, ALICE, "/promote @bob mentor")
    await fake.wait_sent(MAKERS["id"], 2)

    upgraded: Json = group(-1004001, "Makers", "supergroup")
    fake.service(MAKERS, ALICE, migrate_to_chat_id=upgraded["id"])
    fake.service(upgraded, ALICE, migrate_from_chat_id=MAKERS["id"])
    fake.say(upgraded, BOB, "/settings")
    settings = last(await fake.wait_sent(upgraded["id"]))
    assert "Members: 2" in settings.text
    async with core.database.sessions() as session:
        communities = (await session.scalars(select(Community))).all()
        assert [c.chat_id for c in communities] == [str(upgraded["id"])]
        roles = sorted((await session.scalars(select(Membership.role))).all())
        assert roles == ["member", "mentor"]
    fake.say(upgraded, BOB, "/skills")
    assert last(await fake.wait_sent(upgraded["id"], 2)).text == "Your skills: sewing"


async def test_webhook_mode_sets_the_webhook_and_serves_updates(
    core: Core, fake: FakeBotApi
) -> None:
    port = free_port()
    config = TelegramConfig(
        token=fake.token,
        api_base_url=fake.base_url,
        webhook_url="https://bot.example.test/tg-hook",
        webhook_port=port,
        webhook_listen="127.0.0.1",
    )
    adapter = TelegramAdapter(
        core.router, core.registry, config, community_mover(core.database.sessions)
    )
    await adapter.start()
    try:
        [registration] = fake.calls_to("setWebhook")
        assert registration.params["url"] == "https://bot.example.test/tg-hook"
        secret = registration.params["secret_token"]
        assert not fake.calls_to("getUpdates")
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": MAKERS,
                "from": ALICE,
                "text": "/skills design",
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        }
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/tg-hook"
            async with session.post(url, json=update) as forged:
                assert forged.status == 403  # no secret token: not from Telegram
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            async with session.post(url, json=update, headers=headers) as genuine:
                assert genuine.status == 200
        assert last(await fake.wait_sent(MAKERS["id"])).text == "Your skills: design"
    finally:
        await adapter.stop()


async def test_command_menus_are_registered_per_language(
    telegram: TelegramAdapter, fake: FakeBotApi, core: Core
) -> None:
    menus: dict[tuple[str | None, str], dict[str, str]] = {}
    for call in fake.calls_to("setMyCommands"):
        key = (call.params.get("language_code"), call.params["scope"]["type"])
        menus[key] = {c["command"]: c["description"] for c in call.params["commands"]}
    scopes = {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    assert set(menus) == {(code, scope) for code in (None, "es", "zh", "hi") for scope in scopes}
    assert menus[None, "all_private_chats"]["language"] == (
        "Your language (else the community's, else English)"
    )
    assert menus["es", "all_private_chats"]["language"] == (
        "Tu idioma (si no, el de la comunidad; si no, inglés)"
    )
    assert menus["zh", "all_group_chats"]["ask"] == "請求協助；我會通知有相關專長的成員"
    assert menus["hi", "all_group_chats"]["help"] == (
        "यहाँ इस्तेमाल होने वाले कमांड, या किसी एक कमांड की पूरी जानकारी"
    )
    for (_, scope), described in menus.items():  # names never change with the language
        assert set(described) == set(menus[None, scope])
