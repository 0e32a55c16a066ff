"""Core rich text to Discord markdown: escaped, ping-safe, split by rendered size."""

from __future__ import annotations

import pytest

from adapters.discord.adapter import api_base
from adapters.discord.render import (
    custom_id,
    nonce,
    parse_custom_id,
    parts,
    pieces,
    render,
)
from bot.core.events import Attachment, Button, OutMessage
from bot.core.markup import Mention, Span, Style, fmt


def test_user_values_are_escaped_and_template_markup_kept() -> None:
    text = fmt("**Hi** {name}, try `{cmd}`", {"name": "_x_ @here ~~y~~", "cmd": "/skills `a`"})
    rendered = render(text)
    assert rendered.content == "**Hi** \\_x\\_ @\u200bhere \\~\\~y\\~\\~, try `/skills ˋaˋ`"
    assert rendered.users == ()
    assert rendered.allowed_mentions.to_dict() == {"parse": []}


def test_only_core_mentions_on_discord_ping() -> None:
    text = (
        Span("Alice", mention=Mention("discord", "600000000000000001")),
        Span(" and "),
        Span("Tg Bob", mention=Mention("telegram", "42")),
        Span(" <@600000000000000002>"),
    )
    rendered = render(text)
    assert rendered.content.startswith("<@600000000000000001> and Tg Bob <@\u200b")
    assert rendered.allowed_mentions.to_dict() == {"parse": [], "users": [600000000000000001]}


def test_links_bold_and_empty_code() -> None:
    assert render((Span("docs", url="https://example.org/a_b"),)).content == (
        "[docs](https://example.org/a_b)"
    )
    assert render((Span("x", url="javascript:alert(1)"),)).content == "x (javascript:alert(1))"
    assert render((Span("a*b", Style.BOLD),)).content == "**a\\*b**"
    assert render((Span(" ", Style.CODE),)).content == " "


def test_split_counts_escaping_and_keeps_every_character() -> None:
    line = "_" * 900  # 1800 characters once escaped
    rendered = pieces((Span(f"{line}\n{line}\n{line}"),))
    assert len(rendered) == 3
    assert all(len(piece.content) <= 2000 for piece in rendered)
    single = pieces((Span("x" * 4500),))
    assert [len(piece.content) for piece in single] == [2000, 2000, 500]


def test_buttons_and_file_ride_on_the_last_part() -> None:
    message = OutMessage(
        (Span("y" * 2500),),
        ((Button("Delete everything", "forget", "12"), Button("Cancel", "forget-no", "12")),),
        Attachment("chart.png", b"png"),
    )
    result = parts(message)
    assert len(result) == 2
    assert result[0].view is None
    assert result[0].file is None
    last = result[1]
    assert last.view is not None
    assert last.file is not None
    assert [item.custom_id for item in last.view.children] == ["mb:forget:12", "mb:forget-no:12"]  # type: ignore[attr-defined]
    assert last.file.filename == "chart.png"


def test_custom_ids_round_trip_and_are_bounded() -> None:
    assert parse_custom_id(custom_id(Button("OK", "claim", "17:a:b"))) == ("claim", "17:a:b")
    assert parse_custom_id("somebody-else") is None
    with pytest.raises(ValueError, match="100"):
        custom_id(Button("OK", "claim", "x" * 100))


def test_nonce_is_short_and_stable_per_key_and_piece() -> None:
    assert len(nonce("k" * 300, 0)) == 25
    assert nonce("a", 0) == nonce("a", 0)
    assert nonce("a", 0) != nonce("a", 1)


def test_api_base_url_accepts_a_bare_proxy_host() -> None:
    assert api_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080/api/v10"
    assert api_base("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/api/v10"
    assert api_base("https://proxy.example/api/v10/") == "https://proxy.example/api/v10"
