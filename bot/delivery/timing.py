"""Local wall-clock arithmetic for schedules, correct across DST gaps and overlaps."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names

from bot.core.errors import UsageError
from bot.core.i18n import N_
from bot.core.languages import SHIPPED, language_base
from bot.core.numbers import typed_digits
from bot.domain.day_sets import ALL_DAYS, WEEKDAYS, WEEKENDS, read_days

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def parse_hhmm(text: str, example: str) -> str:
    """Reads `9:30`, `09:30` or `21h05` into canonical `HH:MM`."""
    match = _TIME.match(typed_digits(text).strip().lower())
    if match is None:
        raise UsageError("“{text}” is not a time; use HH:MM (24-hour).", {"text": text}, example)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_days(text: str, example: str, languages: Iterable[str] = ()) -> str:
    """Reads `daily`, `weekdays`, `mon-fri`, `mon,wed,fri` (and the readers' own words for
    them, `lunes a viernes`, `週一至週五`) into weekday digits (Mon=0)."""
    days = read_days(text, languages)
    if days is None:
        raise UsageError(
            "I can't read the days “{text}”. Use daily, weekdays, mon-fri or mon,wed,fri.",
            {"text": text},
            example,
        )
    return days


_SHOWN = {ALL_DAYS: N_("daily"), WEEKDAYS: N_("weekdays"), WEEKENDS: N_("weekends")}


def describe_days(
    days: str, language: str = "en", gettext: Callable[[str, str], str] | None = None
) -> str:
    """`daily`, `weekdays` or `mon, wed, fri` for people to read, in their language."""
    base = language_base(language)
    if base == "en" or base not in SHIPPED or gettext is None:  # only what read_days reads
        if days in _SHOWN:
            return _SHOWN[days]
        return ", ".join(DAY_NAMES[int(day)] for day in days)
    if days in _SHOWN:
        return gettext(base, _SHOWN[days])
    names = get_day_names("abbreviated", locale=Locale.parse(base))
    joiner = "、" if base.startswith("zh") else ", "
    return joiner.join(str(names[int(day)]) for day in days)


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
