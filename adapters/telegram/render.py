"""Core rich text and buttons as Telegram HTML and inline keyboards."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.events import Button
from bot.core.markup import RichText, Span, Style, chunk

TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
PLATFORM = "telegram"


class CallbackDataTooLong(ValueError):
    """The core made a button whose `action:payload` exceeds Telegram's 64 bytes."""


def render_span(span: Span) -> str:
    """One span as HTML; its text is always escaped, whoever wrote it."""
    body = html.escape(span.text, quote=False)
    if span.style is Style.BOLD:
        body = f"<b>{body}</b>"
    elif span.style is Style.CODE:
        body = f"<code>{body}</code>"
    if span.mention is not None and span.mention.platform == PLATFORM:
        body = f'<a href="tg://user?id={html.escape(span.mention.user_id)}">{body}</a>'
    elif span.url is not None:
        body = f'<a href="{html.escape(span.url)}">{body}</a>'
    return body


def render_html(text: RichText) -> str:
    """Rich text as the HTML that Telegram's `parse_mode=HTML` reads."""
    return "".join(render_span(span) for span in text)


def html_length(text: RichText) -> int:
    """The rendered size; a safe upper bound of what Telegram counts after parsing."""
    return len(render_html(text))


def html_pieces(text: RichText, limit: int = TEXT_LIMIT) -> list[str]:
    """Splits at line boundaries so that every rendered piece fits Telegram's limit."""
    return [render_html(piece) for piece in chunk(text, limit, html_length)]


def callback_data(button: Button) -> str:
    """`action:payload`, refused loudly when over 64 bytes rather than cut silently."""
    data = f"{button.action}:{button.payload}"
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise CallbackDataTooLong(
            f"button {button.action!r} has {len(data.encode('utf-8'))} bytes of callback data; "
            f"Telegram allows {CALLBACK_DATA_LIMIT}"
        )
    return data


def parse_callback_data(data: str | None) -> tuple[str, str] | None:
    """The (action, payload) a button carried, or None when it is not one of ours."""
    if not data or ":" not in data:
        return None
    action, _, payload = data.partition(":")
    return (action, payload) if action else None


def _inline(button: Button) -> InlineKeyboardButton:
    """A link button opens its URL; any other one calls back with `action:payload`."""
    if button.url is not None:
        return InlineKeyboardButton(button.label, url=button.url)
    return InlineKeyboardButton(button.label, callback_data=callback_data(button))


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Core button rows (link buttons included) as an inline keyboard."""
    built = [[_inline(button) for button in row] for row in rows if row]
    return InlineKeyboardMarkup(built) if built else None
