"""Paged lists: long lists are shown one page at a time with **Previous** / **Next** buttons.

A button's payload carries the list's name, the page number and the list's query (a search,
a filter), so a press works after a restart. Telegram allows 64 bytes of `action:payload`;
a query that does not fit is stored under its hash (`storage/paging_repo.py`) and the
payload carries `~hash`. A press renders that page as it is *now*: a list that shrank shows
its last page, one that emptied says so. The Messenger port has no way to edit a sent
message, so a page arrives as a new message on every platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.context import Ctx
from bot.core.events import Button, Outbound, OutMessage
from bot.core.markup import RichText, join, plain
from bot.core.registry import Registry
from storage.paging_repo import PagedQueries

PAGE_ACTION = "page"
PAYLOAD_BYTES = 64
"""Telegram's callback_data limit for `action:payload`, the tightest of the platforms."""
_STORED = "~"
_SEPARATOR = "|"
_MAX_PAGE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class Page:
    """One page as its list renders it: the whole list's size, a heading, the page's items.

    With `total == 0` only the heading is shown (the list says why it is empty).
    """

    total: int
    heading: RichText
    items: tuple[RichText, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()


Source = Callable[[Ctx, str, int, int], Awaitable[Page]]
"""Renders a list's page: (ctx, query, offset, limit) → Page."""


@dataclass(frozen=True, slots=True)
class PagedList:
    """A list a feature declares once, like a command: its name, page size and source."""

    name: str
    source: Source
    page_size: int = 10
    private: bool = False
    """Pages go only to the person who asked (a DM or an ephemeral reply when in a group)."""


class Pager:
    """Shows declared lists page by page and answers their page buttons."""

    def __init__(self, registry: Registry) -> None:
        self._lists: dict[str, PagedList] = {}
        registry.add_button(PAGE_ACTION, self.press)

    def add(self, paged: PagedList) -> None:
        """Declares a list; names are unique and short, since every button carries one."""
        if paged.name in self._lists or _SEPARATOR in paged.name or len(paged.name) > 12:
            raise ValueError(f"paged list {paged.name!r} is taken or malformed")
        if paged.page_size < 1:
            raise ValueError(f"paged list {paged.name!r} needs a page size of at least 1")
        self._lists[paged.name] = paged

    async def show(self, ctx: Ctx, name: str, query: str = "", page: int = 1) -> None:
        """Answers with one page of the list (the last one if the list is shorter now)."""
        paged = self._lists[name]
        size = paged.page_size
        page = max(page, 1)
        if paged.private:
            ctx.speak_privately()
        content = await paged.source(ctx, query, (page - 1) * size, size)
        pages = max(1, -(-content.total // size))
        if page > pages:  # the list shrank since the button was made
            page = pages
            content = await paged.source(ctx, query, (page - 1) * size, size)
        private = paged.private and ctx.in_group
        if content.total == 0:
            ctx.outbound.append(Outbound(OutMessage(content.heading), private=private))
            return
        lines = [content.heading, *content.items]
        if pages > 1:
            lines.append(ctx.t("Page {page} of {pages}.", {"page": page, "pages": pages}))
        nav: list[Button] = []
        if page > 1:
            label = plain(ctx.t("◀ Previous"))
            nav.append(Button(label, PAGE_ACTION, await self._payload(ctx, name, page - 1, query)))
        if page < pages:
            label = plain(ctx.t("Next ▶"))
            nav.append(Button(label, PAGE_ACTION, await self._payload(ctx, name, page + 1, query)))
        buttons = (*content.buttons, tuple(nav)) if nav else content.buttons
        ctx.outbound.append(Outbound(OutMessage(join(lines), buttons), private=private))

    async def press(self, ctx: Ctx, payload: str) -> None:
        """A **Previous** / **Next** press: shows that page of the list as it is now."""
        parsed = parse_payload(payload)
        if parsed is None or parsed[0] not in self._lists:
            ctx.reply("That button no longer works. Send the command again.", private=True)
            return
        name, page, query = parsed
        if query.startswith(_STORED):
            found = await PagedQueries(ctx.repo.session).find(query[len(_STORED) :])
            if found is None:
                ctx.reply("That list is no longer known. Send the command again.", private=True)
                return
            query = found
        await self.show(ctx, name, query, page)

    async def _payload(self, ctx: Ctx, name: str, page: int, query: str) -> str:
        """`name|page|query`, or `name|page|~hash` when the query would not fit."""
        inline = inline_payload(name, page, query)
        if inline is not None:
            return inline
        key = await PagedQueries(ctx.repo.session).keep(query, ctx.now)
        return _SEPARATOR.join((name, str(page), _STORED + key))


def inline_payload(name: str, page: int, query: str) -> str | None:
    """`name|page|query` when it fits a button (and the query can't be taken for a key)."""
    payload = _SEPARATOR.join((name, str(page), query))
    if query.startswith(_STORED) or len(f"{PAGE_ACTION}:{payload}".encode()) > PAYLOAD_BYTES:
        return None
    return payload


def parse_payload(payload: str) -> tuple[str, int, str] | None:
    """(list name, page, query or `~key`) from a page button, or None when it is malformed."""
    name, _, rest = payload.partition(_SEPARATOR)
    number, _, query = rest.partition(_SEPARATOR)
    if not (number.isascii() and number.isdigit() and len(number) <= _MAX_PAGE_DIGITS):
        return None
    return name, int(number), query
