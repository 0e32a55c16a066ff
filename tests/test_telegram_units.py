"""Telegram translation both ways, from real payload shapes; the migration repository call."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from adapters.telegram.adapter import api_urls, command_scopes
from adapters.telegram.logs import REDACTED, TokenRedactor
from adapters.telegram.messenger import delivery_error
from adapters.telegram.render import (
    CallbackDataTooLong,
    callback_data,
    html_pieces,
    parse_callback_data,
    render_html,
)
from adapters.telegram.translate import to_button_press, to_message
from bot.app import Core
from bot.core.events import Button, ChatKind
from bot.core.markup import Mention, Span, Style
from bot.core.messenger import RateLimited, RecipientUnreachable
from storage.models import Community, Membership, Person, Role
from storage.repo import NewCommunityDefaults, Repository
from tests.harness import standalone_registry
from tests.telegram_fake import BOT_USERNAME, ApiError, group, parse_html, private, user

ALICE = user(1, "Alice", "alice")
NO_HANDLE = user(7, "Zoë van Dijk")


def message_update(chat: dict[str, object], text: str, entities: list[dict[str, object]]) -> Update:
    payload = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 1,
            "chat": chat,
            "from": ALICE,
            "text": text,
            "entities": entities,
        },
    }
    update = Update.de_json(payload, None)
    assert update is not None
    return update


def test_command_with_a_nameless_mention_becomes_a_user_id() -> None:
    text = "/promote 🙂Zoë van Dijk mentor"
    # Telegram counts offsets in UTF-16 units: the emoji takes two.
    mention = {"type": "text_mention", "offset": 9, "length": 14, "user": NO_HANDLE}
    command = {"type": "bot_command", "offset": 0, "length": 8}
    update = message_update(group(-1, "G"), text, [command, mention])
    assert update.message is not None
    event = to_message(update.message, BOT_USERNAME)
    assert event is not None
    assert event.text == "/promote 7 mentor"
    assert event.chat_kind is ChatKind.GROUP
    assert event.address.chat_id == "-1"
    assert event.address.user_id == "1"
    assert [(ref.user_id, ref.display_name) for ref in event.mentions] == [("7", "🙂Zoë van Dijk")]


def test_commands_for_other_bots_and_channel_posts_are_not_for_the_core() -> None:
    def command(text: str) -> list[dict[str, object]]:
        return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]

    other = "/skills@another_bot x"
    elsewhere = message_update(group(-1, "G"), other, command(other))
    assert elsewhere.message is not None
    assert to_message(elsewhere.message, BOT_USERNAME) is None
    mine = f"/skills@{BOT_USERNAME.upper()} x"
    ours = message_update(group(-1, "G"), mine, command(mine))
    assert ours.message is not None
    assert to_message(ours.message, BOT_USERNAME) is not None
    channel = message_update({"id": -100, "type": "channel", "title": "C"}, "/start", [])
    assert channel.message is not None
    assert to_message(channel.message, BOT_USERNAME) is None
    dm = message_update(private(ALICE), "hello", [])
    assert dm.message is not None
    event = to_message(dm.message, BOT_USERNAME)
    assert event is not None
    assert event.chat_kind is ChatKind.DM


def test_button_press_and_unknown_callback_data() -> None:
    def press(data: str) -> Update:
        payload = {
            "update_id": 2,
            "callback_query": {
                "id": "q1",
                "from": ALICE,
                "chat_instance": "i",
                "data": data,
                "message": {"message_id": 9, "date": 1, "chat": group(-3, "G"), "text": "x"},
            },
        }
        update = Update.de_json(payload, None)
        assert update is not None
        assert update.callback_query is not None
        return update

    query = press("forget:12").callback_query
    assert query is not None
    event = to_button_press(query)
    assert event is not None
    assert (event.action, event.payload, event.address.chat_id) == ("forget", "12", "-3")
    unknown = press("legacy").callback_query
    assert unknown is not None
    assert to_button_press(unknown) is None
    assert parse_callback_data(":x") is None


def test_rendering_escapes_every_span_and_links_mentions() -> None:
    text = (
        Span("a<b>&", Style.BOLD),
        Span(" "),
        Span("<i>", mention=Mention("telegram", "42")),
        Span(" x&y", style=Style.CODE),
    )
    assert render_html(text) == (
        '<b>a&lt;b&gt;&amp;</b> <a href="tg://user?id=42">&lt;i&gt;</a><code> x&amp;y</code>'
    )
    assert render_html((Span("Bob", mention=Mention("discord", "9")),)) == "Bob"


def test_pieces_respect_the_rendered_limit() -> None:
    line = "&" * 30  # 30 characters, 150 once escaped
    text = (Span("\n".join([line] * 10)),)
    pieces = html_pieces(text, limit=400)
    assert all(len(piece) <= 400 for piece in pieces)
    assert "\n".join(pieces).count("&amp;") == 300


def test_callback_data_over_64_bytes_is_refused_loudly() -> None:
    assert callback_data(Button("ok", "forget", "12")) == "forget:12"
    with pytest.raises(CallbackDataTooLong):
        callback_data(Button("too long", "tip", "é" * 31))


def test_api_base_url_gets_the_bot_prefix_once() -> None:
    assert api_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
    assert api_urls("http://127.0.0.1:8081/bot")[0] == "http://127.0.0.1:8081/bot"
    assert api_urls("http://h/bot{token}/test")[0] == "http://h/bot{token}/test"


def test_command_scopes_follow_where_and_access() -> None:
    scopes = {
        scope.type: {c.command for c in cmds}
        for scope, cmds in command_scopes(standalone_registry())
    }
    assert "promote" in scopes["all_chat_administrators"]
    assert "promote" not in scopes["all_group_chats"] | scopes["all_private_chats"]
    assert "settings" in scopes["all_group_chats"]
    assert "settings" not in scopes["all_private_chats"]


def test_errors_map_to_the_core_delivery_errors() -> None:
    assert isinstance(delivery_error(Forbidden("bot was blocked"), dm=True), RecipientUnreachable)
    blocked_group = delivery_error(Forbidden("bot was kicked"), dm=False)
    assert blocked_group.permanent
    assert not isinstance(blocked_group, RecipientUnreachable)
    limited = delivery_error(RetryAfter(3), dm=False)
    assert isinstance(limited, RateLimited)
    assert limited.retry_after == 3
    assert delivery_error(BadRequest("Chat not found"), dm=False).permanent
    assert isinstance(delivery_error(BadRequest("Chat not found"), dm=True), RecipientUnreachable)
    assert delivery_error(ChatMigrated(-100), dm=False).permanent
    assert not delivery_error(TimedOut(), dm=False).permanent


def test_token_is_redacted_from_messages_and_tracebacks() -> None:
    token = "123:secret"
    redactor = TokenRedactor(token)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "url %s", ("http://h/bot123:secret",), None
    )
    redactor.filter(record)
    assert record.getMessage() == f"url http://h/bot{REDACTED}"
    try:
        raise RuntimeError(f"token {token} rejected")
    except RuntimeError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    redactor.filter(failed)
    formatted = logging.Formatter().format(failed)
    assert token not in formatted
    assert REDACTED in formatted


async def test_move_community_chat_keeps_members_and_refuses_a_taken_id(core: Core) -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    defaults = NewCommunityDefaults("UTC", "en")
    async with core.database.sessions() as session, session.begin():
        repo = Repository(session)
        old, _ = await repo.ensure_community("telegram", "-1", "Makers", defaults, now)
        await repo.ensure_community("telegram", "-100200", "Other", defaults, now)
        person = Person(display_name="A", created_at=now)
        session.add(person)
        await session.flush()
        membership, _ = await repo.ensure_membership(old, person, now)
        membership.role = Role.MENTOR.value
    async with core.database.sessions() as session, session.begin():
        repo = Repository(session)
        assert not await repo.move_community_chat("telegram", "-1", "-100200")  # taken
        assert not await repo.move_community_chat("telegram", "-9", "-100300")  # unknown
        assert not await repo.move_community_chat("discord", "-1", "-100300")  # other platform
        assert await repo.move_community_chat("telegram", "-1", "-100100")
    async with core.database.sessions() as session:
        moved = await Repository(session).community("telegram", "-100100")
        assert moved is not None
        assert moved.title == "Makers"
        assert await Repository(session).community("telegram", "-1") is None
        kept = await session.get(Membership, membership.id)
        assert kept is not None
        assert (kept.community_id, kept.role) == (moved.id, "mentor")
        assert isinstance(moved, Community)


def test_the_fake_bot_api_parses_html_as_strictly_as_telegram() -> None:
    assert parse_html("<b>a &amp; b</b> &lt;i&gt;") == "a & b <i>"
    for broken in ("<b>open", "a & b", "x < y", "<div>x</div>", "<b>x</i>"):
        with pytest.raises(ApiError, match="can't parse entities"):
            parse_html(broken)
