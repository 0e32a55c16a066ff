"""The one time parser: tables of what people type, in several zones, around DST and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.when import Day, Moment, Refusal, format_day, format_moment, parse_day, parse_moment

ZONES = (
    "UTC",
    "Asia/Taipei",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Los_Angeles",
)


def local(zone: str, text: str) -> datetime:
    """`2026-11-23 12:00` as an aware moment in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def shown(moment: datetime, zone: str) -> str:
    """The moment as local `YYYY-MM-DD HH:MM`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def moment_of(text: str, zone: str, now: datetime) -> Moment:
    found = parse_moment(text, zone, "en", now)
    assert isinstance(found, Moment), (text, zone, found)
    return found


# Read on Monday 2026-11-23 at 12:00 local time, in every zone of ZONES.
# (text, expected local moment, expected rest of the text)
MONDAY_NOON = [
    # relative: minutes and hours elapse, days and weeks keep the clock
    ("in 2h", "2026-11-23 14:00", ""),
    ("in 2 hours", "2026-11-23 14:00", ""),
    ("in 2 hrs", "2026-11-23 14:00", ""),
    ("in 90 minutes", "2026-11-23 13:30", ""),
    ("in 90 min", "2026-11-23 13:30", ""),
    ("in 90m", "2026-11-23 13:30", ""),
    ("in 1h30", "2026-11-23 13:30", ""),
    ("in 1h30m", "2026-11-23 13:30", ""),
    ("in 1 hour 30 minutes", "2026-11-23 13:30", ""),
    ("in 1 hour and 30 minutes", "2026-11-23 13:30", ""),
    ("in 1.5 hours", "2026-11-23 13:30", ""),
    ("in an hour", "2026-11-23 13:00", ""),
    # halves, read whole: `an hour` then a text "and a half" was the old misreading
    ("in half an hour", "2026-11-23 12:30", ""),
    ("in half an hour call mom", "2026-11-23 12:30", "call mom"),
    ("in a half hour", "2026-11-23 12:30", ""),
    ("in an hour and a half", "2026-11-23 13:30", ""),
    ("in an hour and a half call mom", "2026-11-23 13:30", "call mom"),
    ("in 2 and a half hours", "2026-11-23 14:30", ""),
    ("in 2 hours and a half", "2026-11-23 14:30", ""),
    ("in 1 hour and a half and 10 minutes", "2026-11-23 13:40", ""),
    # quarters and halves of the clock, before the hour
    ("tomorrow at half past 9 call mom", "2026-11-24 09:30", "call mom"),
    ("tomorrow half past 9", "2026-11-24 09:30", ""),
    ("tomorrow at quarter past 9", "2026-11-24 09:15", ""),
    ("tomorrow at quarter to 10 standup", "2026-11-24 09:45", "standup"),
    ("tomorrow at quarter past 6 pm", "2026-11-24 18:15", ""),
    ("tomorrow at quarter to 12 pm", "2026-11-24 11:45", ""),
    ("tomorrow at 8 in the evening call", "2026-11-24 20:00", "call"),
    ("tomorrow at 7 in the morning", "2026-11-24 07:00", ""),
    ("tomorrow at 3pm call bob", "2026-11-24 15:00", "call bob"),
    ("tomorrow at 9 to call mom", "2026-11-24 09:00", "to call mom"),  # `to` starts the text
    ("tomorrow 9am at the office", "2026-11-24 09:00", "at the office"),
    ("tomorrow at 03:00", "2026-11-24 03:00", ""),  # a leading zero: a 24-hour time
    ("tomorrow at 3 in the afternoon", "2026-11-24 15:00", ""),
    ("tomorrow at 7", "2026-11-24 07:00", ""),
    ("in 45 mins", "2026-11-23 12:45", ""),
    ("in 1 min", "2026-11-23 12:01", ""),
    ("in a day", "2026-11-24 12:00", ""),
    ("in 3 days", "2026-11-26 12:00", ""),
    ("in 1 week", "2026-11-30 12:00", ""),
    ("in 2 weeks", "2026-12-07 12:00", ""),
    ("in 24h", "2026-11-24 12:00", ""),
    ("in 365 days", "2027-11-23 12:00", ""),
    ("in 52 weeks", "2027-11-22 12:00", ""),
    ("2h", "2026-11-23 14:00", ""),
    ("30m", "2026-11-23 12:30", ""),
    ("3 days", "2026-11-26 12:00", ""),
    ("2 hours from now", "2026-11-23 14:00", ""),
    ("in 2h call mom", "2026-11-23 14:00", "call mom"),
    ("In 2H Call Mom", "2026-11-23 14:00", "Call Mom"),
    ("in 3 days 10 pushups", "2026-11-26 12:00", "10 pushups"),
    ("in 2 days at 5pm", "2026-11-25 17:00", ""),
    ("in 3 days 9am call", "2026-11-26 09:00", "call"),
    ("in 1 week at 18:00 review", "2026-11-30 18:00", "review"),
    ("in 2 days at 9 tonight", "2026-11-25 09:00", "tonight"),
    # a day with a time
    ("tomorrow 9am", "2026-11-24 09:00", ""),
    ("tomorrow 9am 5 pushups", "2026-11-24 09:00", "5 pushups"),
    ("tomorrow at 9", "2026-11-24 09:00", ""),
    ("tomorrow at 9 send invoices", "2026-11-24 09:00", "send invoices"),
    ("tomorrow at 21", "2026-11-24 21:00", ""),
    ("Tomorrow 9 AM", "2026-11-24 09:00", ""),
    ("tomorrow 9:30pm", "2026-11-24 21:30", ""),
    ("tomorrow 9:30 pm", "2026-11-24 21:30", ""),
    ("tomorrow 18:00", "2026-11-24 18:00", ""),
    ("tomorrow noon", "2026-11-24 12:00", ""),
    ("tomorrow morning", "2026-11-24 09:00", ""),
    ("tomorrow morning at 7", "2026-11-24 07:00", ""),
    ("tomorrow afternoon at 5", "2026-11-24 17:00", ""),
    ("tomorrow evening at 7", "2026-11-24 19:00", ""),
    ("tomorrow evening 7:30", "2026-11-24 19:30", ""),
    ("tomorrow at 12pm", "2026-11-24 12:00", ""),
    ("tomorrow at 12am", "2026-11-24 00:00", ""),
    ("9am tomorrow", "2026-11-24 09:00", ""),
    ("at 9 tomorrow", "2026-11-24 09:00", ""),
    ("tmrw 8am gym", "2026-11-24 08:00", "gym"),
    ("tomorrow, 9am: call the bank", "2026-11-24 09:00", "call the bank"),
    ("tonight 8pm", "2026-11-23 20:00", ""),
    ("tonight at 9", "2026-11-23 21:00", ""),
    ("tonight at 21", "2026-11-23 21:00", ""),
    ("tonight 8:30", "2026-11-23 20:30", ""),
    ("this evening at 7", "2026-11-23 19:00", ""),
    ("this afternoon at 3", "2026-11-23 15:00", ""),
    ("today 18:00", "2026-11-23 18:00", ""),
    ("today at 5pm", "2026-11-23 17:00", ""),
    ("friday 18:00", "2026-11-27 18:00", ""),
    ("friday call mom", "2026-11-27 09:00", "call mom"),
    ("fri 6pm", "2026-11-27 18:00", ""),
    ("on friday at 6pm", "2026-11-27 18:00", ""),
    ("next friday 6pm", "2026-11-27 18:00", ""),
    ("next monday", "2026-11-30 09:00", ""),
    ("next monday 18:00", "2026-11-30 18:00", ""),
    ("monday 18:00", "2026-11-23 18:00", ""),
    ("monday 9:00", "2026-11-30 09:00", ""),
    ("mon 7:30", "2026-11-30 07:30", ""),
    ("this friday 5pm", "2026-11-27 17:00", ""),
    ("tuesday 9am", "2026-11-24 09:00", ""),
    ("Sunday at 10", "2026-11-29 10:00", ""),
    ("wednesday noon", "2026-11-25 12:00", ""),
    ("thurs 14:15", "2026-11-26 14:15", ""),
    ("6pm on friday", "2026-11-27 18:00", ""),
    # a time alone is the next such moment
    ("at 3pm", "2026-11-23 15:00", ""),
    ("15:30", "2026-11-23 15:30", ""),
    ("3pm", "2026-11-23 15:00", ""),
    ("at 9", "2026-11-24 09:00", ""),
    ("9am", "2026-11-24 09:00", ""),
    ("11:59", "2026-11-24 11:59", ""),
    ("12:01", "2026-11-23 12:01", ""),
    ("at 12", "2026-11-24 12:00", ""),
    ("noon", "2026-11-24 12:00", ""),
    ("6:30 pm", "2026-11-23 18:30", ""),
    ("6:30pm", "2026-11-23 18:30", ""),
    ("7 p.m.", "2026-11-23 19:00", ""),
    ("at 0:30", "2026-11-24 00:30", ""),
    ("00:00", "2026-11-24 00:00", ""),
    ("23:59", "2026-11-23 23:59", ""),
    # dates, with and without a time
    ("2026-12-01 18:00", "2026-12-01 18:00", ""),
    ("2026-12-01 18:00 pay rent", "2026-12-01 18:00", "pay rent"),
    ("2026-12-01", "2026-12-01 09:00", ""),
    ("2026/12/01 18:00", "2026-12-01 18:00", ""),
    ("dec 5", "2026-12-05 09:00", ""),
    ("Dec 5th", "2026-12-05 09:00", ""),
    ("December 5th", "2026-12-05 09:00", ""),
    ("december 5th buy gifts", "2026-12-05 09:00", "buy gifts"),
    ("5 dec", "2026-12-05 09:00", ""),
    ("5 dec 7pm", "2026-12-05 19:00", ""),
    ("5th of december", "2026-12-05 09:00", ""),
    ("the 5th of december", "2026-12-05 09:00", ""),
    ("dec 5 2026", "2026-12-05 09:00", ""),
    ("dec 5, 2026 at 18:00", "2026-12-05 18:00", ""),
    ("at 18:00 on dec 5", "2026-12-05 18:00", ""),
    ("18:00 dec 5", "2026-12-05 18:00", ""),
    ("jan 1", "2027-01-01 09:00", ""),
    ("nov 23", "2027-11-23 09:00", ""),
    ("nov 23 18:00", "2026-11-23 18:00", ""),
    ("nov 22", "2027-11-22 09:00", ""),
    ("13/05", "2027-05-13 09:00", ""),
    ("05/13", "2027-05-13 09:00", ""),
    ("25/12", "2026-12-25 09:00", ""),
    ("12/12", "2026-12-12 09:00", ""),
    ("25/12/2026 10:00", "2026-12-25 10:00", ""),
    ("31.12.2026", "2026-12-31 09:00", ""),
    ("12月5日", "2026-12-05 09:00", ""),
    ("2026年12月5日 18:00", "2026-12-05 18:00", ""),
    ("Tue 2026-12-01 18:00", "2026-12-01 18:00", ""),
    ("sept 9", "2027-09-09 09:00", ""),
    ("may 1 ship it", "2027-05-01 09:00", "ship it"),
]

# (text, kind of refusal), read on Monday 2026-11-23 at 12:00 local time.
MONDAY_NOON_REFUSED = [
    # more of the time after what was read: refused, never 9:00 and a text "quarter past …"
    ("tomorrow at 9 quarter past", "unread_part"),
    ("friday 9am and 15 call", "unread_part"),
    ("tomorrow at half 9 call", "unread_part"),  # 9:30 in Britain, 8:30 to a German
    # an hour from 1 to 6 without am, pm or a part of the day: the night or the afternoon?
    ("tomorrow at 3 call bob", "which_half"),
    ("tomorrow at 10 to 11 call bob", "unread_part"),  # minutes to the hour, not yet read
    ("friday at 4 demo", "which_half"),
    ("tomorrow 3:30", "which_half"),
    ("tomorrow at half past 2 call the bank", "which_half"),
    ("tomorrow at quarter to 12 am", "bad_time"),  # the evening before the day named
    ("tomorrow at half past 13", "bad_time"),
    ("now", "now"),
    ("right now", "now"),
    ("now call mom", "now"),
    ("yesterday", "past"),
    ("yesterday 9am call", "past"),
    ("today 9am", "past"),
    ("today", "past"),
    ("last friday", "past"),
    ("2 hours ago", "past"),
    ("2026-11-01", "past"),
    ("2020-01-01 10:00 old news", "past"),
    ("2028-01-01", "far"),
    ("2029-01-01 10:00 far", "far"),
    ("in 400 days", "far"),
    ("in 99999999 days", "far"),
    ("feb 29", "far"),
    ("12/05", "ambiguous"),
    ("12/05 report", "ambiguous"),
    ("01/02/2027", "ambiguous"),
    ("24:00", "bad_time"),
    ("25:99", "bad_time"),
    ("tomorrow 25:99 x", "bad_time"),
    ("13pm", "bad_time"),
    ("12:60", "bad_time"),
    ("2026-02-30", "bad_date"),
    ("feb 30", "bad_date"),
    ("32/01", "bad_date"),
    ("13/13", "bad_date"),
    ("tonight", "needs_time"),
    ("tomorrow evening", "needs_time"),
    ("fri 2026-12-01", "weekday"),
    ("9am CST", "zone"),
    ("banana bread", "unreadable"),
    ("", "unreadable"),
    ("   ", "unreadable"),
    ("half past nine", "unreadable"),
    ("9.30 call", "unreadable"),
    # a day without a time, then a number that could be its hour: which one was meant?
    ("tomorrow 9 send invoices", "ambiguous"),
    ("tomorrow 10 standup", "ambiguous"),
    ("friday 18 gym", "ambiguous"),
    ("friday 2 calls", "ambiguous"),
    ("dec 5 19 dinner", "ambiguous"),
    ("2026-12-01 18 pay rent", "ambiguous"),
    ("someday", "unreadable"),
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("text", "expected", "rest"), MONDAY_NOON)
def test_monday_noon(zone: str, text: str, expected: str, rest: str) -> None:
    found = moment_of(text, zone, local(zone, "2026-11-23 12:00"))
    assert (shown(found.at, zone), found.rest) == (expected, rest)
    assert found.at.second == 0


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("text", "kind"), MONDAY_NOON_REFUSED)
def test_monday_noon_refused(zone: str, text: str, kind: str) -> None:
    found = parse_moment(text, zone, "en", local(zone, "2026-11-23 12:00"))
    assert isinstance(found, Refusal), found
    assert found.kind == kind


def test_refusals_say_what_was_understood() -> None:
    now = local("Asia/Taipei", "2026-11-23 12:00")
    past = parse_moment("yesterday 9am call", "Asia/Taipei", "en", now)
    assert isinstance(past, Refusal)
    assert past.values == {"when": "Sun 2026-11-22 09:00 (Asia/Taipei)"}
    assert "in the past" in past.template
    ambiguous = parse_moment("12/05", "Asia/Taipei", "en", now)
    assert isinstance(ambiguous, Refusal)
    assert ambiguous.values == {"text": "12/05", "one": "2027-05-12", "other": "2026-12-05"}
    assert "YYYY-MM-DD" in ambiguous.template
    assert "more than a year" in str(parse_moment("2028-01-01", "UTC", "en", now))


# (zone, local now, text, expected local moment): clock changes and year ends.
AROUND_CHANGES = [
    # New York springs forward on 2026-03-08 (02:00 → 03:00)
    ("America/New_York", "2026-03-07 12:00", "in 24h", "2026-03-08 13:00"),
    ("America/New_York", "2026-03-07 12:00", "in 1 day", "2026-03-08 12:00"),
    ("America/New_York", "2026-03-07 12:00", "tomorrow 2:30am", "2026-03-08 03:00"),
    ("America/New_York", "2026-03-07 12:00", "tomorrow 12:00", "2026-03-08 12:00"),
    ("America/New_York", "2026-03-08 00:30", "in 3h", "2026-03-08 04:30"),
    ("America/New_York", "2026-03-08 00:30", "in 90 minutes", "2026-03-08 03:00"),
    ("America/New_York", "2026-03-08 00:30", "at 2:15am", "2026-03-08 03:00"),
    ("America/New_York", "2026-03-05 09:00", "sunday 09:00", "2026-03-08 09:00"),
    ("America/New_York", "2026-03-05 09:00", "in 1 week", "2026-03-12 09:00"),
    # New York falls back on 2026-11-01 (02:00 → 01:00)
    ("America/New_York", "2026-10-31 12:00", "in 24h", "2026-11-01 11:00"),
    ("America/New_York", "2026-10-31 12:00", "in 1 day", "2026-11-01 12:00"),
    ("America/New_York", "2026-10-31 12:00", "tomorrow 1:30am", "2026-11-01 01:30"),
    ("America/New_York", "2026-11-01 00:30", "in 1h", "2026-11-01 01:30"),
    ("America/New_York", "2026-11-01 00:30", "in 3h", "2026-11-01 02:30"),
    ("America/New_York", "2026-10-29 18:00", "in 3 days", "2026-11-01 18:00"),
    # Berlin springs forward on 2026-03-29 (02:00 → 03:00) and falls back on 2026-10-25
    ("Europe/Berlin", "2026-03-28 10:00", "in 24h", "2026-03-29 11:00"),
    ("Europe/Berlin", "2026-03-28 10:00", "in 1 day", "2026-03-29 10:00"),
    ("Europe/Berlin", "2026-03-28 10:00", "tomorrow 2:30am", "2026-03-29 03:00"),
    ("Europe/Berlin", "2026-03-28 10:00", "sunday 02:15", "2026-03-29 03:00"),
    ("Europe/Berlin", "2026-03-28 10:00", "2026-03-29 02:59", "2026-03-29 03:00"),
    ("Europe/Berlin", "2026-10-24 10:00", "in 24 hours", "2026-10-25 09:00"),
    ("Europe/Berlin", "2026-10-24 10:00", "in 1 day", "2026-10-25 10:00"),
    ("Europe/Berlin", "2026-10-24 10:00", "tomorrow 02:30", "2026-10-25 02:30"),
    ("Europe/Berlin", "2026-10-22 10:00", "in 1 week", "2026-10-29 10:00"),
    # Sydney springs forward on 2026-10-04 (02:00 → 03:00) and falls back on 2026-04-05
    ("Australia/Sydney", "2026-10-03 12:00", "in 24h", "2026-10-04 13:00"),
    ("Australia/Sydney", "2026-10-03 12:00", "tomorrow 2:30am", "2026-10-04 03:00"),
    ("Australia/Sydney", "2026-04-04 12:00", "in 24h", "2026-04-05 11:00"),
    ("Australia/Sydney", "2026-04-04 12:00", "in 1 day", "2026-04-05 12:00"),
    # year ends: Thursday 2026-12-31 23:30
    *[
        (zone, "2026-12-31 23:30", text, expected)
        for zone in ("UTC", "Asia/Taipei", "America/New_York", "Asia/Kolkata")
        for text, expected in (
            ("tomorrow 9am", "2027-01-01 09:00"),
            ("in 1h", "2027-01-01 00:30"),
            ("in 45 minutes", "2027-01-01 00:15"),
            ("at 23:45", "2026-12-31 23:45"),
            ("at 23:15", "2027-01-01 23:15"),
            ("dec 31", "2027-12-31 09:00"),
            ("dec 31 23:45", "2026-12-31 23:45"),
            ("jan 1", "2027-01-01 09:00"),
            ("friday", "2027-01-01 09:00"),
            ("2027-01-01 00:00", "2027-01-01 00:00"),
            ("12/31", "2027-12-31 09:00"),
            ("31/12 23:45", "2026-12-31 23:45"),
            ("next thursday", "2027-01-07 09:00"),
            ("thursday 23:45", "2026-12-31 23:45"),
            ("thursday", "2027-01-07 09:00"),
            ("in 1 week", "2027-01-07 23:30"),
            ("tonight at 11:45", "2026-12-31 23:45"),
        )
    ],
    # a leap day ahead
    ("UTC", "2027-06-01 12:00", "feb 29", "2028-02-29 09:00"),
    ("UTC", "2028-02-28 12:00", "in 1 day", "2028-02-29 12:00"),
]


@pytest.mark.parametrize(("zone", "now", "text", "expected"), AROUND_CHANGES)
def test_around_clock_changes_and_year_ends(zone: str, now: str, text: str, expected: str) -> None:
    found = moment_of(text, zone, local(zone, now))
    assert shown(found.at, zone) == expected


def test_hours_are_real_time_across_the_fall_back() -> None:
    zone = "America/New_York"
    now = local(zone, "2026-11-01 00:30")
    first = moment_of("in 1h", zone, now).at
    second = moment_of("in 2h", zone, now).at
    assert (second - first).total_seconds() == 3600
    assert shown(first, zone) == shown(second, zone) == "2026-11-01 01:30"
    assert format_moment(first, zone) == "Sun 2026-11-01 01:30 (America/New_York, UTC-04:00)"
    assert format_moment(second, zone) == "Sun 2026-11-01 01:30 (America/New_York, UTC-05:00)"
    assert moment_of(format_moment(second, zone), zone, now).at == second
    # a repeated wall time typed plainly is its first occurrence
    assert moment_of("1:30am", zone, now).at == first


# (person's zone, text): the zone typed with the time wins; shown in the person's zone.
TYPED_ZONES = [
    ("Asia/Taipei", "4pm CET", "2026-11-23 23:00"),
    ("Asia/Taipei", "9am PST", "2026-11-24 01:00"),
    ("Asia/Taipei", "tomorrow 9am EST", "2026-11-24 22:00"),
    ("Asia/Taipei", "9am UTC", "2026-11-24 17:00"),
    ("Asia/Taipei", "18:00 UTC+8", "2026-11-24 18:00"),
    ("Asia/Taipei", "9am GMT-5", "2026-11-23 22:00"),
    ("Asia/Taipei", "9am Europe/London", "2026-11-24 17:00"),
    ("Asia/Taipei", "9am IST", "2026-11-24 11:30"),
    ("UTC", "Tue 2026-12-01 18:00 (Asia/Taipei)", "2026-12-01 10:00"),
    ("UTC", "4pm cet call", "2026-11-23 15:00"),
    ("America/New_York", "4pm CET", "2026-11-23 10:00"),
]


@pytest.mark.parametrize(("zone", "text", "expected"), TYPED_ZONES)
def test_a_typed_zone_is_honoured(zone: str, text: str, expected: str) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert shown(moment_of(text, zone, now).at, zone) == expected


def test_pst_names_the_pacific_clock_in_summer_too() -> None:
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert moment_of("9am PST", "UTC", now).at == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    assert moment_of("4pm CET", "UTC", now).at == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)


def test_confirmation_format() -> None:
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert format_moment(at, "Asia/Taipei") == "Tue 2026-12-01 18:00 (Asia/Taipei)"
    assert format_day(date(2026, 12, 5), "Asia/Taipei") == "Sat 2026-12-05 (Asia/Taipei)"


# For /away: a day, read in Asia/Taipei on Monday 2026-11-23 20:00 local.
DAYS = [
    ("dec 5", "2026-12-05"),
    ("until dec 5", "2026-12-05"),
    ("Until Dec 5th", "2026-12-05"),
    ("till friday", "2026-11-27"),
    ("12月5日", "2026-12-05"),
    ("2026年12月5日", "2026-12-05"),
    ("2026-12-24", "2026-12-24"),
    ("today", "2026-11-23"),
    ("tomorrow", "2026-11-24"),
    ("tomorrow evening", "2026-11-24"),
    ("friday", "2026-11-27"),
    ("monday", "2026-11-23"),
    ("next monday", "2026-11-30"),
    ("in 3 days", "2026-11-26"),
    ("in 2 weeks", "2026-12-07"),
    ("13/05", "2027-05-13"),
    ("nov 22", "2027-11-22"),
    ("nov 23", "2026-11-23"),
    ("Sat 2026-12-05 (Asia/Taipei)", "2026-12-05"),
]

DAYS_REFUSED = [
    ("7pm", "has_time"),
    ("dec 5 7pm", "has_time"),
    ("in 2h", "has_time"),
    ("tomorrow at 9", "has_time"),
    ("yesterday", "past"),
    ("2026-11-01", "past"),
    ("last friday", "past"),
    ("2028-01-01", "far"),
    ("in 400 days", "far"),
    ("someday maybe", "unreadable"),
    ("dec 5 pay rent", "unreadable"),
    ("", "unreadable"),
    ("12/05", "ambiguous"),
    ("feb 30", "bad_date"),
    ("5月", "unreadable"),
    ("now", "now"),
]


@pytest.mark.parametrize(("text", "expected"), DAYS)
def test_days(text: str, expected: str) -> None:
    found = parse_day(text, "Asia/Taipei", "en", local("Asia/Taipei", "2026-11-23 20:00"))
    assert isinstance(found, Day), found
    assert found.day.isoformat() == expected


@pytest.mark.parametrize(("text", "kind"), DAYS_REFUSED)
def test_days_refused(text: str, kind: str) -> None:
    found = parse_day(text, "Asia/Taipei", "en", local("Asia/Taipei", "2026-11-23 20:00"))
    assert isinstance(found, Refusal), found
    assert found.kind == kind


WORDS = [
    "in", "at", "on", "next", "last", "this", "tomorrow", "today", "tonight", "yesterday",
    "now", "ago", "and", "the", "of", "noon", "morning", "evening", "afternoon",
    "friday", "mon", "dec", "december", "may", "feb", "2h", "1h30", "90m", "3", "12", "25",
    "2", "an", "hours", "minutes", "days", "week", "am", "pm", "9am", "6:30pm", "18:00",
    "24:00", "25:99", "12/05", "13/05", "05/13", "2026-12-01", "2027-02-29", "12月5日",
    "CET", "PST", "CST", "UTC+8", "(Asia/Taipei)", "(America/New_York,", "UTC-05:00)",
    "5th", "pay", "rent", ",", ":", "9.30", "99999999999", "0", "-1", "²", "①", "",
]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
instants = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.one_of(phrases, st.text(max_size=60)), zone=st.sampled_from(ZONES), now=instants)
def test_no_input_raises_and_every_accepted_moment_round_trips(
    text: str, zone: str, now: datetime
) -> None:
    found = parse_moment(text, zone, "en", now)
    if isinstance(found, Refusal):
        assert found.template
        return
    assert now < found.at
    assert found.at - now <= timedelta(days=366)
    again = parse_moment(format_moment(found.at, zone), zone, "en", now)
    assert isinstance(again, Moment), (text, format_moment(found.at, zone), again)
    assert (again.at, again.rest) == (found.at, "")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.one_of(phrases, st.text(max_size=60)), zone=st.sampled_from(ZONES), now=instants)
def test_no_day_input_raises_and_every_accepted_day_round_trips(
    text: str, zone: str, now: datetime
) -> None:
    found = parse_day(text, zone, "en", now)
    if isinstance(found, Refusal):
        assert found.template
        return
    again = parse_day(format_day(found.day, zone), zone, "en", now)
    assert again == found


# Ordinary words after a time stay the text's words.
KEPT_AS_TEXT = [
    ("9am sun lotion", "2026-11-24 09:00", "sun lotion"),
    ("9am sat exam review", "2026-11-24 09:00", "sat exam review"),
    ("7pm evening walk", "2026-11-23 19:00", "evening walk"),
    ("5pm west wing meeting", "2026-11-23 17:00", "west wing meeting"),
    ("in 2h and then call", "2026-11-23 14:00", "and then call"),
    ("tomorrow at home", "2026-11-24 09:00", "at home"),
    ("tomorrow may call", "2026-11-24 09:00", "may call"),
    ("friday two calls", "2026-11-27 09:00", "two calls"),
    ("friday 100 calls", "2026-11-27 09:00", "100 calls"),
    ("6pm on sun", "2026-11-29 18:00", ""),
    ("sun 6pm", "2026-11-29 18:00", ""),
    ("next sat", "2026-11-28 09:00", ""),
]


@pytest.mark.parametrize(("text", "expected", "rest"), KEPT_AS_TEXT)
def test_ordinary_words_after_the_time_are_text(text: str, expected: str, rest: str) -> None:
    found = moment_of(text, "UTC", local("UTC", "2026-11-23 12:00"))
    assert (shown(found.at, "UTC"), found.rest) == (expected, rest)
