"""Links to the pages of a long list, keeping its filters (and other lists' pages)."""

from __future__ import annotations

from typing import Any

from bot.features.dashboard_data.slices import Slice
from bot.web.dashboard.pages import PageContext


def pager(
    pc: PageContext, name: str, found: Slice[Any], param: str = "page", /, **keep: object
) -> dict[str, Any]:
    """What `pager.html` draws: this page, how many, and the previous and next URLs; the
    list's page number travels as `param`, everything in `keep` stays as it is."""

    def link(page: int) -> str:
        return pc.url(name, **{**keep, param: page})

    return {
        "page": found.page,
        "pages": found.pages,
        "previous": link(found.page - 1) if found.has_previous else None,
        "next": link(found.page + 1) if found.has_next else None,
    }
