"""Page-button payloads: any text is read without error, and what the pager writes reads back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.render import custom_id, parse_custom_id
from adapters.telegram.render import callback_data, parse_callback_data
from bot.core.events import Button
from bot.core.paging import PAGE_ACTION, PAYLOAD_BYTES, inline_payload, parse_payload

_NAMES = st.sampled_from(["tips", "requests", "canhelp", "reminders", "pairs"])


@given(st.text())
def test_any_payload_is_read_or_refused_never_raises(payload: str) -> None:
    parsed = parse_payload(payload)
    if parsed is not None:
        _, page, _ = parsed
        assert 0 <= page < 10**6


@given(_NAMES, st.integers(min_value=1, max_value=999_999), st.text())
def test_inline_payloads_fit_telegram_and_read_back(name: str, page: int, query: str) -> None:
    payload = inline_payload(name, page, query)
    if payload is None:  # too long (or `~…`): the pager stores the query under its hash
        too_long = len(f"{PAGE_ACTION}:{name}|{page}|{query}".encode()) > PAYLOAD_BYTES
        assert too_long or query.startswith("~")
        return
    assert len(f"{PAGE_ACTION}:{payload}".encode()) <= PAYLOAD_BYTES
    assert parse_payload(payload) == (name, page, query)


@given(_NAMES, st.integers(min_value=1, max_value=999_999), st.text(max_size=80))
def test_page_buttons_cross_both_platforms_intact(name: str, page: int, query: str) -> None:
    payload = inline_payload(name, page, query) or f"{name}|{page}|~{'0' * 20}"
    button = Button("Next ▶", PAGE_ACTION, payload)
    assert parse_callback_data(callback_data(button)) == (PAGE_ACTION, payload)
    assert parse_custom_id(custom_id(button)) == (PAGE_ACTION, payload)
