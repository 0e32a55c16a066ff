"""The check-ins page: a date range of check-ins (the last four weeks unless chosen), totals
per person, every plan of one person or of everyone, paged; and the range as a CSV file."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response

from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.domain.dates import local_today
from bot.features.dashboard_data.checkins import (
    CheckInFilter,
    checkin_csv,
    checkin_page,
    csv_name,
    read_filter,
    totals_page,
)
from bot.features.dashboard_data.slices import read_page
from bot.web.dashboard.pages import Action, Page, PageContext, PageRegistry
from bot.web.dashboard.paging import pager
from storage.report_repo import ReportRepository


def register(pages: PageRegistry) -> None:
    """The page, and its CSV download (a form, so the file's filters travel with its CSRF)."""
    pages.add_page(Page("checkins", "checkins", N_("Check-ins"), show))
    pages.add_action(Action("checkins_csv", "checkins.csv", download, page="checkins"))


def _filter(pc: PageContext, fields: Mapping[str, str]) -> CheckInFilter:
    return read_filter(
        fields.get("first"), fields.get("last"), fields.get("person"), pc.community.timezone, pc.now
    )


async def show(pc: PageContext) -> Response:
    """The range form, totals per person and the plans, each list paged on its own."""
    refusal = None
    try:
        chosen = _filter(pc, pc.request.query_params)
    except UsageError as error:
        refusal = pc.t(error.template, error.values)
        chosen = read_filter("", "", "", pc.community.timezone, pc.now)
    query = pc.request.query_params
    span = (chosen.first, chosen.last)
    people = await ReportRepository(pc.db).checkin_totals(pc.community.id, span)
    totals = await totals_page(pc.db, pc.community.id, chosen, read_page(query.get("tpage")))
    plans = await checkin_page(pc.db, pc.community.id, chosen, read_page(query.get("page")))
    filters = {
        "first": chosen.first.isoformat(),
        "last": chosen.last.isoformat(),
        "person": chosen.person_id or "",
    }
    return pc.render(
        "checkins.html",
        {
            "refusal": refusal,
            "filters": filters,
            "today": local_today(pc.community.timezone, pc.now).isoformat(),
            "people": [(person_id, name) for person_id, name, *_ in people],
            "totals": totals,
            "plans": plans,
            "plan_links": pager(pc, "checkins", plans, tpage=totals.page, **filters),
            "total_links": pager(pc, "checkins", totals, "tpage", page=plans.page, **filters),
            "csv": pc.url("checkins_csv"),
            "zone": pc.community.timezone,
        },
    )


async def download(pc: PageContext) -> Response:
    """The range's check-ins as `/export` writes them, headers in the reader's language."""
    chosen = _filter(pc, pc.form)
    data = await checkin_csv(
        pc.db, pc.community.id, chosen, lambda text: pc.templates.gettext(pc.language, text)
    )
    name = csv_name(f"{pc.community.platform}-{pc.community.chat_id}", chosen)
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
