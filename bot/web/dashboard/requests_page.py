"""The requests page: every request of the community in full, filtered by status and topic,
with its age and who claimed it; paged. Read-only: requests change through the chat."""

from __future__ import annotations

from babel.dates import format_timedelta
from starlette.responses import Response

from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.features.dashboard_data.requests import (
    STATUSES,
    RequestFilter,
    read_filter,
    request_page,
)
from bot.features.dashboard_data.slices import read_page
from bot.features.requests_view import STATUS_TEXT
from bot.web.dashboard.pages import Page, PageContext, PageRegistry
from bot.web.dashboard.paging import pager


def register(pages: PageRegistry) -> None:
    """A page of its own; no forms that change anything."""
    pages.add_page(Page("requests", "requests", N_("Requests"), show))


async def show(pc: PageContext) -> Response:
    """The filter form and one page of matching requests, newest first."""
    query = pc.request.query_params
    refusal = None
    try:
        chosen = read_filter(query.get("status"), query.get("topic"))
    except UsageError as error:
        chosen, refusal = RequestFilter(), pc.t(error.template, error.values)
    found = await request_page(pc.db, pc.community.id, chosen, read_page(query.get("page")), pc.now)
    status = "" if chosen.status is None else chosen.status.value
    return pc.render(
        "requests.html",
        {
            "refusal": refusal,
            "status": status,
            "topic": chosen.topic_text,
            "statuses": [(value, pc.t(STATUS_TEXT[value])) for value in STATUSES],
            "total": found.total,
            "rows": [
                {
                    "request": row,
                    "status": pc.t(STATUS_TEXT[row.status]),
                    "created": pc.when(row.created_at),
                    "age": format_timedelta(row.age, locale=pc.language, threshold=1.5),
                }
                for row in found.items
            ],
            "links": pager(pc, "requests", found, status=status, topic=chosen.topic_text),
            "zone": pc.community.timezone,
        },
    )
