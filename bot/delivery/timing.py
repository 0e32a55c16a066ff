"""Local wall-clock arithmetic for schedules, correct across DST gaps and overlaps."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UsageError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_DAYS = "0123456"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_SHORTCUTS = {"daily": ALL_DAYS, "everyday": ALL_DAYS, "weekdays": "01234", "weekends": "56"}


def parse_hhmm(text: str, example: str) -> str:
    """Reads `9:30`, `09:30` or `21h05` into canonical `HH:MM`."""
    match = _TIME.match(text.strip().lower())
    if match is None:
        raise UsageError("“{text}” is not a time; use HH:MM (24-hour).", {"text": text}, example)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_days(text: str, example: str) -> str:
    """Reads `daily`, `weekdays`, `mon-fri` or `mon,wed,fri` into weekday digits (Mon=0)."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        return ALL_DAYS
    if cleaned in _SHORTCUTS:
        return _SHORTCUTS[cleaned]
    chosen: set[int] = set()
    for part in cleaned.split(","):
        start, _, end = part.partition("-")
        first = _day_index(start, text, example)
        last = _day_index(end, text, example) if end else first
        index = first
        while True:
            chosen.add(index)
            if index == last:
                break
            index = (index + 1) % 7
    return "".join(str(day) for day in sorted(chosen))


def _day_index(name: str, text: str, example: str) -> int:
    for index, full in enumerate(_FULL_NAMES):
        if len(name) >= 3 and full.startswith(name):
            return index
    raise UsageError(
        "I can't read the days “{text}”. Use daily, weekdays, mon-fri or mon,wed,fri.",
        {"text": text},
        example,
    )


def describe_days(days: str) -> str:
    """`daily`, `weekdays` or `mon, wed, fri` for people to read."""
    for name, digits in _SHORTCUTS.items():
        if days == digits and name != "everyday":
            return name
    return ", ".join(DAY_NAMES[int(day)] for day in days)


def resolve_local(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a day.

    A time skipped by a DST gap becomes the first valid minute after it; a time that occurs
    twice (DST overlap) is its first occurrence.
    """
    naive = datetime.combine(day, clock_time)
    for minutes in range(0, 24 * 60):
        candidate = naive + timedelta(minutes=minutes)
        aware = candidate.replace(tzinfo=zone, fold=0)
        round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip == candidate:
            return aware.astimezone(UTC)
    raise ValueError(f"no valid local time after {naive} in {zone}")


def next_fire(local_time: str, days: str, zone_name: str, after: datetime) -> datetime:
    """The first occurrence strictly after `after` (UTC), on an allowed local weekday."""
    zone = ZoneInfo(zone_name)
    hour, minute = (int(part) for part in local_time.split(":"))
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(0, 16):
        day = start + timedelta(days=offset)
        if str(day.weekday()) not in days:
            continue
        fire = resolve_local(day, time(hour, minute), zone)
        if fire > after:
            return fire
    raise ValueError("schedule has no allowed day")


def last_fire_at_or_before(
    local_time: str, days: str, zone_name: str, moment: datetime
) -> datetime | None:
    """The latest occurrence at or before `moment`, looking back at most a week."""
    zone = ZoneInfo(zone_name)
    hour, minute = (int(part) for part in local_time.split(":"))
    today = moment.astimezone(zone).date()
    for offset in range(0, 9):
        day = today - timedelta(days=offset)
        if str(day.weekday()) not in days:
            continue
        fire = resolve_local(day, time(hour, minute), zone)
        if fire <= moment:
            return fire
    return None


def local_date_of(moment: datetime, zone_name: str) -> date:
    """The calendar date at `moment` in that zone (for idempotency keys)."""
    return moment.astimezone(ZoneInfo(zone_name)).date()


def day_span(zone_name: str, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local day begins and where the next one begins."""
    zone = ZoneInfo(zone_name)
    return resolve_local(day, time(0), zone), resolve_local(day + timedelta(days=1), time(0), zone)
