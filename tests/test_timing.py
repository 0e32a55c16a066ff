"""Local wall-clock schedules across DST gaps and overlaps, and in odd offsets."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UsageError
from bot.delivery.timing import (
    ALL_DAYS,
    describe_days,
    last_fire_at_or_before,
    next_fire,
    parse_days,
    parse_hhmm,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fires(
    local_time: str, zone: str, start: datetime, count: int, days: str = ALL_DAYS
) -> list[datetime]:
    result, moment = [], start
    for _ in range(count):
        moment = next_fire(local_time, days, zone, moment)
        result.append(moment)
    return result


def test_new_york_gap_sequence() -> None:
    got = fires("02:30", "America/New_York", utc(2026, 3, 6, 12), 4)
    assert got == [
        utc(2026, 3, 7, 7, 30),  # 02:30 EST
        utc(2026, 3, 8, 7, 0),  # 02:30 missing -> 03:00 EDT
        utc(2026, 3, 9, 6, 30),  # 02:30 EDT
        utc(2026, 3, 10, 6, 30),
    ]


def test_new_york_fall_back_overlap_fires_once() -> None:
    # 2026-11-01: 01:00-02:00 happens twice (EDT then EST); fire only the first.
    got = fires("01:30", "America/New_York", utc(2026, 10, 31, 12), 3)
    assert got == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), utc(2026, 11, 3, 6, 30)]


def test_berlin_both_directions() -> None:
    spring = fires("02:15", "Europe/Berlin", utc(2026, 3, 28, 12), 2)
    assert spring == [
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 15),
    ]  # 03:00 CEST, then 02:15 CEST
    autumn = fires("02:30", "Europe/Berlin", utc(2026, 10, 24, 12), 2)
    assert autumn == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]  # first 02:30 (CEST)


def test_taipei_and_kolkata() -> None:
    assert fires("09:00", "Asia/Taipei", utc(2026, 3, 7, 12), 2) == [
        utc(2026, 3, 8, 1),
        utc(2026, 3, 9, 1),
    ]
    assert fires("09:00", "Asia/Kolkata", utc(2026, 11, 1), 2) == [
        utc(2026, 11, 1, 3, 30),
        utc(2026, 11, 2, 3, 30),
    ]


def test_weekdays_skip_weekends() -> None:
    friday = utc(2026, 11, 27, 12)  # after Friday's 09:00 UTC
    assert next_fire("09:00", parse_days("weekdays", "x"), "UTC", friday) == utc(2026, 11, 30, 9)


def test_last_fire_at_or_before() -> None:
    assert last_fire_at_or_before(
        "09:00", ALL_DAYS, "Europe/Berlin", utc(2026, 11, 23, 8, 30)
    ) == utc(2026, 11, 23, 8)
    assert last_fire_at_or_before("09:00", ALL_DAYS, "Europe/Berlin", utc(2026, 11, 23, 7)) == utc(
        2026, 11, 22, 8
    )


@pytest.mark.parametrize(
    ("text", "digits", "shown"),
    [
        ("daily", "0123456", "daily"),
        ("weekdays", "01234", "weekdays"),
        ("mon-fri", "01234", "weekdays"),
        ("mon,wed,fri", "024", "mon, wed, fri"),
        ("Friday-Monday", "0456", "mon, fri, sat, sun"),
        ("", "0123456", "daily"),
    ],
)
def test_days(text: str, digits: str, shown: str) -> None:
    assert parse_days(text, "x") == digits
    assert describe_days(digits) == shown


@pytest.mark.parametrize("bad", ["funday", "mo", "mon-xyz", "1,2"])
def test_bad_days(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_days(bad, "/schedule checkin 09:00 weekdays")


@pytest.mark.parametrize(
    ("text", "canonical"), [("9:05", "09:05"), ("21h30", "21:30"), ("00.00", "00:00")]
)
def test_hhmm(text: str, canonical: str) -> None:
    assert parse_hhmm(text, "x") == canonical


@pytest.mark.parametrize("bad", ["24:00", "9", "9:5", "noon", "12:60"])
def test_bad_hhmm(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_hhmm(bad, "x")


ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",
    "UTC",
]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
)
def test_daily_fires_once_per_local_day_at_the_wall_clock_time(
    zone: str, hour: int, minute: int, start: datetime
) -> None:
    local_time = f"{hour:02d}:{minute:02d}"
    got = fires(local_time, zone, start.replace(tzinfo=UTC), 5)
    local = [moment.astimezone(ZoneInfo(zone)) for moment in got]
    days = [moment.date() for moment in local]
    assert days == sorted(set(days))  # strictly increasing local dates: once per day
    assert all((b - a) == timedelta(days=1) for a, b in itertools.pairwise(days))
    for moment in local:
        wall = (moment.hour, moment.minute)
        # Either exactly the wall-clock time, or (in a DST gap) the first valid minute after it.
        assert wall == (hour, minute) or (
            moment.replace(tzinfo=None)
            > moment.replace(tzinfo=None).replace(hour=hour, minute=minute)
        )
