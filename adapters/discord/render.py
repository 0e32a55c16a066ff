"""Core rich text and buttons as Discord sees them: escaped markdown, safe pings, custom ids."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.events import Attachment, Button, OutMessage
from bot.core.markup import RichText, Span, Style, chunk

PLATFORM = "discord"
TEXT_LIMIT = 2000
EMBED_LIMIT = 4096
EMBED_COLOUR = 0x5865F2
CUSTOM_ID_PREFIX = "mb"
CUSTOM_ID_LIMIT = 100
NONCE_LIMIT = 25
LABEL_LIMIT = 80
_CUSTOM_ID = re.compile(r"^mb:([^:]+):(.*)$", re.DOTALL)
_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]]+$")
_SNOWFLAKE = re.compile(r"^[0-9]{1,20}$")


def escape(text: str) -> str:
    """User text shown literally: no markdown, and no @everyone/@here/role/user pings."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _code(text: str) -> str:
    # Inline code cannot escape a backtick, so a look-alike stands in for it.
    body = discord.utils.escape_mentions(text.replace("`", "\u02cb"))
    return f"`{body}`" if body.strip() else body


def _span(span: Span, users: list[int]) -> str:
    mention = span.mention
    if mention is not None and mention.platform == PLATFORM and _SNOWFLAKE.match(mention.user_id):
        users.append(int(mention.user_id))
        return f"<@{mention.user_id}>"
    if span.style is Style.CODE:
        return _code(span.text)
    body = escape(span.text)
    if span.url is not None and _SAFE_URL.match(span.url) and body.strip():
        body = f"[{body}]({span.url})"
    elif span.url is not None:
        body = f"{body} ({escape(span.url)})"
    if span.style is Style.BOLD and body.strip():
        return f"**{body}**"
    return body


@dataclass(frozen=True, slots=True)
class Rendered:
    """One Discord message's content and the only users it may ping."""

    content: str
    users: tuple[int, ...]

    @property
    def allowed_mentions(self) -> discord.AllowedMentions:
        """Never everyone, here or roles; only the people the core meant to ping."""
        users: list[discord.Object] | bool = [discord.Object(user) for user in self.users]
        return discord.AllowedMentions(
            everyone=False, roles=False, users=users or False, replied_user=False
        )


def render(text: RichText) -> Rendered:
    """Discord markdown for one piece of rich text."""
    users: list[int] = []
    content = "".join(_span(span, users) for span in text)
    return Rendered(content, tuple(dict.fromkeys(users)))


def rendered_length(text: RichText) -> int:
    """The size Discord counts: the escaped, marked-up content."""
    return len(render(text).content)


def pieces(text: RichText, limit: int = TEXT_LIMIT) -> list[Rendered]:
    """Splits at line boundaries so every rendered piece fits Discord's limit."""
    return [render(part) for part in chunk(text, limit, rendered_length)]


def custom_id(button: Button) -> str:
    """`mb:action:payload`, stateless so a press still works after a restart."""
    value = f"{CUSTOM_ID_PREFIX}:{button.action}:{button.payload}"
    if len(value) > CUSTOM_ID_LIMIT:
        raise ValueError(f"button custom_id is {len(value)} characters; Discord allows 100")
    return value


def parse_custom_id(value: str) -> tuple[str, str] | None:
    """The core's (action, payload) from a component's custom_id; None if it is not ours."""
    match = _CUSTOM_ID.match(value)
    if match is None:
        return None
    return match.group(1), match.group(2)


def view(rows: tuple[tuple[Button, ...], ...]) -> discord.ui.View | None:
    """Buttons as a component view; stopped, so discord.py keeps no per-message state."""
    if not rows:
        return None
    result = discord.ui.View(timeout=None)
    for index, row in enumerate(rows):
        for button in row:
            if button.url is not None:
                item: discord.ui.Button[discord.ui.View] = discord.ui.Button(
                    label=button.label[:LABEL_LIMIT], url=button.url, row=index
                )
            else:
                item = discord.ui.Button(
                    label=button.label[:LABEL_LIMIT],
                    custom_id=custom_id(button),
                    style=discord.ButtonStyle.secondary,
                    row=index,
                )
            result.add_item(item)
    result.stop()
    return result


def file(attachment: Attachment | None) -> discord.File | None:
    """The core's image or file as an upload."""
    if attachment is None:
        return None
    return discord.File(io.BytesIO(attachment.data), filename=attachment.filename)


def nonce(key: str, index: int) -> str:
    """A ≤25-character nonce from an idempotency key, so Discord drops a repeated send."""
    return hashlib.sha256(f"{key}\x00{index}".encode()).hexdigest()[:NONCE_LIMIT]


@dataclass(frozen=True, slots=True)
class Part:
    """One message to post: content, pings, and (on the last part) buttons and a file."""

    rendered: Rendered
    view: discord.ui.View | None
    file: discord.File | None
    embed: discord.Embed | None = None

    def send_kwargs(self) -> dict[str, Any]:
        """Content (or an embed for a card), pings, buttons and file for one send call."""
        kwargs: dict[str, Any] = {"allowed_mentions": self.rendered.allowed_mentions}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        if self.file is not None:
            kwargs["file"] = self.file
        return kwargs

    @property
    def content(self) -> str | None:
        """The message text, unless it travels inside an embed."""
        return None if self.embed is not None else (self.rendered.content or None)


def parts(message: OutMessage) -> list[Part]:
    """The Discord messages one core message becomes; buttons and file ride on the last.

    A card (a tip, a recap) that fits one embed description is sent as an embed.
    """
    if message.card and rendered_length(message.text) <= EMBED_LIMIT:
        whole = render(message.text)
        embed = discord.Embed(description=whole.content, colour=EMBED_COLOUR)
        return [Part(whole, view(message.buttons), file(message.attachment), embed)]
    rendered = pieces(message.text)
    last = len(rendered) - 1
    return [
        Part(
            piece,
            view(message.buttons) if index == last else None,
            file(message.attachment) if index == last else None,
        )
        for index, piece in enumerate(rendered)
    ]
