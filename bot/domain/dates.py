"""Reading dates people type (`2026-12-24`, `dec 24`, `next friday`) in their timezone."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

import dateparser


def parse_local_date(text: str, zone: str, now: datetime) -> date | None:
    """The calendar date meant by `text`, read in `zone`, preferring the future."""
    local_now = now.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    parsed = dateparser.parse(
        text,
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now,
            "DATE_ORDER": "DMY",
            "STRICT_PARSING": False,
        },
    )
    return None if parsed is None else parsed.date()


def local_today(zone: str, now: datetime) -> date:
    """Today's date in that timezone."""
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
