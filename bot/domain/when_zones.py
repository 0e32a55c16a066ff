"""A zone typed after a time: `CET`, `9am PST`, `UTC+8`, `Asia/Taipei`, `(Asia/Taipei)`."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.when_reading import Reading, Refusal

AMBIGUOUS_ZONES = frozenset({"cst", "ast"})
# Region clocks people name by abbreviation; the confirmation names the real zone.
ZONE_WORDS = {
    "utc": "UTC",
    "gmt": "UTC",
    "est": "America/New_York",
    "edt": "America/New_York",
    "cdt": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "bst": "Europe/London",
    "ist": "Asia/Kolkata",
    "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "awst": "Australia/Perth",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}

_OFFSET = re.compile(r"^(?:utc|gmt)([+-])(\d{1,2})(?::?(\d{2}))?$")
_PAREN_ZONE = re.compile(r"^\(([^(),\s]+)\)$")
_PAREN_ZONE_OPEN = re.compile(r"^\(([^(),\s]+),$")
_PAREN_OFFSET = re.compile(r"^utc([+-])(\d{2}):(\d{2})\)$")


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def read_zone(words: list[str], i: int, reading: Reading) -> int | Refusal | None:
    """A zone after the time: `CET`, `UTC+8`, `Asia/Taipei`, `(Asia/Taipei)`."""
    word = words[i]
    if reading.zone is not None or (reading.clock is None and not word.startswith("(")):
        return None  # a bare zone word without a time is more likely text
    if (match := _PAREN_ZONE_OPEN.match(word)) is not None and i + 1 < len(words):
        offset = _PAREN_OFFSET.match(words[i + 1])
        zone = _zones().get(match.group(1))
        if offset is None or zone is None:
            return None
        sign = -1 if offset.group(1) == "-" else 1
        reading.zone = ZoneInfo(zone)
        reading.offset = sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        return i + 2
    if (match := _PAREN_ZONE.match(word)) is not None:
        word = match.group(1)
    if word in AMBIGUOUS_ZONES:
        return Refusal(
            "zone",
            "“{zone}” names more than one timezone. Use a zone name instead, like "
            "`9am America/Chicago` or `9am Asia/Shanghai`.",
            {"zone": word.upper()},
        )
    if word in ZONE_WORDS:
        reading.zone = ZoneInfo(ZONE_WORDS[word])
        return i + 1
    if (match := _OFFSET.match(word)) is not None:
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if match.group(1) == "-" else 1
        reading.zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return i + 1
    if "/" in word and word in _zones():
        reading.zone = ZoneInfo(_zones()[word])
        return i + 1
    return None
