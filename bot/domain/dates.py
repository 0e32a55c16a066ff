"""Calendar dates in a person's timezone."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime


def local_today(zone: str, now: datetime) -> date:
    """Today's date in that timezone."""
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
