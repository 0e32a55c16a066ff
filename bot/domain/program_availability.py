"""Weekly availability: people's own local windows turned into UTC hour-of-week slots.

A slot is an hour of the week in UTC, 0 (Monday 00:00–01:00 UTC) to 167 (Sunday 23:00–24:00
UTC). Each window is placed on its real date in a reference week and converted with the
zone's offset on that date, so the same local evening lands on different UTC hours before
and after a summer-time change. Window ends are rounded to the nearest UTC hour (half past
rounds up), so a two-hour window in a half-hour zone like Asia/Kolkata still counts two hours.
A window that starts late in the week may spill past Sunday; its slots wrap to the week's start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS_PER_WEEK = 7 * 24
_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class LocalWindow:
    """A weekly window in the person's own time: weekday (0 = Monday) and start/end times.

    An end at or before the start runs past midnight into the next day (22:00–01:00), and
    an end of 00:00 means midnight at the close of the day.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window times are local wall-clock times without a zone")


def week_start(day: date) -> date:
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def _rounded_hour(moment: datetime) -> datetime:
    """The UTC hour nearest to the moment; half past rounds up."""
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor + _HOUR if moment - floor >= _HOUR / 2 else floor


def _window_span(window: LocalWindow, monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The window's start and end in UTC on its date of the reference week."""
    day = monday + timedelta(days=window.weekday)
    start = datetime.combine(day, window.start, tzinfo=zone)
    end_day = day if window.end > window.start else day + timedelta(days=1)
    end = datetime.combine(end_day, window.end, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def utc_slots(windows: Iterable[LocalWindow], zone: str | ZoneInfo, week: date) -> frozenset[int]:
    """The UTC hour-of-week slots the local windows cover in the week holding `week`."""
    try:
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown timezone {zone!r}") from error
    monday = week_start(week)
    origin = datetime.combine(monday, time(0), tzinfo=UTC)
    slots: set[int] = set()
    for window in windows:
        start, end = _window_span(window, monday, tz)
        hour = _rounded_hour(start)
        last = _rounded_hour(end)
        while hour < last:
            slots.add(int((hour - origin) / _HOUR) % HOURS_PER_WEEK)
            hour += _HOUR
    return frozenset(slots)
