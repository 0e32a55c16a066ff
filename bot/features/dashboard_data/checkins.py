"""The check-ins page: a date range of one community's check-ins, per person, and its CSV."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UsageError
from bot.core.numbers import read_number
from bot.domain.dates import local_today
from bot.features.dashboard_data.slices import PAGE_SIZE, Slice, clamp, offset
from bot.features.export import CHECKIN_HEADER, to_csv
from storage.report_repo import ReportRepository, Row

DEFAULT_DAYS = 28
MAX_DAYS = 366
DATE_EXAMPLE = "2026-11-01"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class CheckInFilter:
    """Which check-ins to show: local days [first, last], and maybe one person only."""

    first: date
    last: date
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class PersonTotals:
    """One person's days in the range: checked in, done, skipped."""

    person_id: int
    name: str
    days: int
    done: int
    skipped: int


def _day(text: str, fallback: date) -> date:
    cleaned = text.strip()
    if not cleaned:
        return fallback
    if _ISO_DATE.fullmatch(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            pass
    raise UsageError(
        "“{value}” is not a date I can read. Write it as YYYY-MM-DD, like {example}.",
        {"value": cleaned[:40], "example": DATE_EXAMPLE},
    )


def read_filter(
    first: str | None, last: str | None, person: str | None, zone: str, now: datetime
) -> CheckInFilter:
    """The range a form sent (the last four weeks when empty); a bad or reversed range, or
    one longer than a year, is refused with an example."""
    today = local_today(zone, now)
    end = _day(last or "", today)
    start = _day(first or "", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise UsageError(
            "The range starts ({first}) after it ends ({last}). Put the earlier day first.",
            {"first": start.isoformat(), "last": end.isoformat()},
        )
    if (end - start).days >= MAX_DAYS:
        raise UsageError(
            "Choose at most {days} days at a time.",
            {"days": MAX_DAYS},
        )
    person_id = read_number(person or "") if (person or "").strip() else None
    if (person or "").strip() and person_id is None:
        raise UsageError("Choose a person from the list.")
    return CheckInFilter(start, end, person_id)


async def checkin_page(
    session: AsyncSession, community_id: int, chosen: CheckInFilter, page: int
) -> Slice[Row]:
    """One page of check-in rows in the range, in the columns of `/export`'s check-ins file."""
    report = ReportRepository(session)
    span = (chosen.first, chosen.last)
    total = await report.count_checkins(community_id, span, chosen.person_id)
    page = clamp(page, total)
    rows = await report.checkin_rows(
        community_id, span, chosen.person_id, limit=PAGE_SIZE, offset=offset(page)
    )
    return Slice(tuple(rows), total, page)


async def totals_page(
    session: AsyncSession, community_id: int, chosen: CheckInFilter, page: int
) -> Slice[PersonTotals]:
    """One page of per-person totals in the range, by name."""
    found = await ReportRepository(session).checkin_totals(
        community_id, (chosen.first, chosen.last)
    )
    page = clamp(page, len(found))
    start = offset(page)
    chosen_rows = found[start : start + PAGE_SIZE]
    return Slice(tuple(PersonTotals(*row) for row in chosen_rows), len(found), page)


async def checkin_csv(
    session: AsyncSession, community_id: int, chosen: CheckInFilter, gettext: Callable[[str], str]
) -> bytes:
    """The check-ins in the range as `/export` writes them, headers in the reader's language."""
    rows = await ReportRepository(session).checkin_rows(
        community_id, (chosen.first, chosen.last), chosen.person_id
    )
    return to_csv([gettext(cell) for cell in CHECKIN_HEADER], rows)


def csv_name(community_key: str, chosen: CheckInFilter) -> str:
    """A file name that says what is inside: community and range."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", community_key)
    return f"{safe}-checkins-{chosen.first.isoformat()}-{chosen.last.isoformat()}.csv"
