"""The small grammar of a time phrase: words in, the parts that were typed out (no clock yet)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.when_words import Vocabulary

MAX_NUMBER = 10**6


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a phrase names no moment we may take, as a template with its values."""

    kind: str  # now, past, far, ambiguous, bad_time, bad_date, needs_time, weekday, zone …
    template: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Reading:
    """What one phrase said: a day, a time of day, a part of the day, a zone, or a duration."""

    day_offset: int | None = None  # today 0, tomorrow 1, yesterday -1
    weekday: int | None = None
    weekday_rule: str = "this"  # this (today included), next (never today), last (past)
    ymd: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    clock: tuple[int, int] | None = None
    bare_hour: bool = False  # typed without am/pm: the evening words move it past noon
    part: str | None = None
    zone: tzinfo | None = None
    offset: timedelta | None = None  # `(Zone, UTC-05:00)`: which of two equal wall times
    days: int = 0
    minutes: int = 0
    relative: bool = False
    ago: bool = False
    today: date = date.min  # the local date the phrase is read on, for examples

    @property
    def has_day(self) -> bool:
        """Whether a day was named at all."""
        return self.day_offset is not None or self.weekday is not None or self.ymd is not None


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

_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_HM_ANY = re.compile(r"^\d+:\d+$")
_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.?|p\.m\.?)$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})?$")
_CJK = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号號]$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{4}$")
_NUMBER = re.compile(r"^\d{1,12}(?:\.\d{1,2})?$")
_COMPACT = re.compile(r"^(\d{1,12}(?:\.\d{1,2})?)([a-z]+)$")
_HOURS_MINUTES = re.compile(r"^(\d{1,4})h(\d{1,2})(?:m|min)?$")
_OFFSET = re.compile(r"^(?:utc|gmt)([+-])(\d{1,2})(?::?(\d{2}))?$")
_PAREN_ZONE = re.compile(r"^\(([^(),\s]+)\)$")
_PAREN_ZONE_OPEN = re.compile(r"^\(([^(),\s]+),$")
_PAREN_OFFSET = re.compile(r"^utc([+-])(\d{2}):(\d{2})\)$")


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def bad_time(text: str) -> Refusal:
    """A clock time that no clock shows."""
    return Refusal(
        "bad_time",
        "“{text}” is not a time of day: hours go from 00 to 23 and minutes from 00 to 59, "
        "like `18:30` or `6:30pm`.",
        {"text": text},
    )


def bad_date(text: str) -> Refusal:
    """A date that no calendar has."""
    return Refusal(
        "bad_date",
        "“{text}” is not a date in the calendar. Write a date like `2026-12-05` or `dec 5`.",
        {"text": text},
    )


def read(words: list[str], vocab: Vocabulary, today: date) -> Reading | Refusal | None:
    """Reads all of `words` as one time phrase; None when they are not one."""
    if not words:
        return None
    if " ".join(words) in vocab.now or words == ["right", "now"]:
        return Refusal(
            "now", "“now” is not a time I can wait for. Say when, like `in 5 minutes` or `in 2h`."
        )
    duration = _duration(words, vocab)
    if duration is not None:
        return duration
    for cut in range(len(words) - 1, 0, -1):  # `in 2 days at 5pm`: whole days, then a time
        days = _duration(words[:cut], vocab)
        if isinstance(days, Reading) and days.days and not days.minutes and not days.ago:
            clock = _parts(words[cut:], Reading(today=today), vocab)
            if isinstance(clock, Reading) and clock.clock is not None and not clock.has_day:
                days.clock, days.bare_hour, days.part = clock.clock, clock.bare_hour, clock.part
                days.zone, days.offset = clock.zone, clock.offset
                return days
            if isinstance(clock, Refusal):
                return clock
    return _parts(words, Reading(today=today), vocab)


def _parts(words: list[str], reading: Reading, vocab: Vocabulary) -> Reading | Refusal | None:
    """Reads days, parts of the day, a time and a zone, each at most once, in any order."""
    index = 0
    while index < len(words):
        step = _step(words, index, reading, vocab)
        if step is None or isinstance(step, Refusal):
            return step
        index = step
    return reading


def _step(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """Reads one part at `words[i]`; the index after it, a refusal, or None."""
    word = words[i]
    if vocab.has("on", word) and i + 1 < len(words) and not reading.has_day:
        found = _day(words, i + 1, reading, vocab)
        return found
    if vocab.has("at", word) and i + 1 < len(words) and reading.clock is None:
        return _clock(words, i + 1, reading, vocab, after_at=True)
    for piece in (_day, _part, _clock, _zone):
        found = piece(words, i, reading, vocab)
        if found is not None:
            return found
    return None


def _duration(words: list[str], vocab: Vocabulary) -> Reading | Refusal | None:
    """`in 2h`, `in 1h30`, `in 90 minutes`, `in 3 days`, `2 hours ago`."""
    reading = Reading(relative=True)
    start = 1 if words[0] in ("in", "within") else 0
    end = len(words)
    if end - start >= 2 and " ".join(words[-2:]) in vocab.words.get("from_now", ()):
        end -= 2
    elif end - start >= 1 and words[-1] == "ago":
        reading.ago = True
        end -= 1
    if start and reading.ago:
        return None
    parts = words[start:end]
    if not parts:
        return None
    i = 0
    found = False
    while i < len(parts):
        word = parts[i]
        if found and vocab.has("and", word) and i + 1 < len(parts):
            i += 1
            continue
        amount: str | None = None
        unit: str | None = None
        if (match := _HOURS_MINUTES.match(word)) is not None:
            if int(match.group(2)) > 59:
                return None
            reading.minutes += int(match.group(1)) * 60 + int(match.group(2))
            found, i = True, i + 1
            continue
        if (match := _COMPACT.match(word)) is not None and match.group(2) in vocab.units:
            amount, unit, i = match.group(1), vocab.units[match.group(2)], i + 1
        elif i + 1 < len(parts) and parts[i + 1] in vocab.units:
            if _NUMBER.match(word):
                amount = word
            elif vocab.has("an", word):
                amount = "1"
            else:
                return None
            unit, i = vocab.units[parts[i + 1]], i + 2
        else:
            return None
        if not _add(reading, amount, unit):
            return None
        found = True
    return reading if found else None


def _add(reading: Reading, amount: str, unit: str) -> bool:
    """Adds `amount unit` to a duration; fractions only where they make whole minutes."""
    value = float(amount)
    if value > MAX_NUMBER:
        reading.days += MAX_NUMBER  # refused later as more than a year away
        return True
    if unit in ("minute", "hour"):
        minutes = value * (60 if unit == "hour" else 1)
        if minutes != int(minutes):
            return False
        reading.minutes += int(minutes)
        return True
    if value != int(value):
        return False
    reading.days += int(value) * (7 if unit == "week" else 1)
    return True


def _day(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """today, tomorrow, tonight, (next) friday, or a date."""
    if reading.has_day:
        return None
    word = words[i]
    if word in vocab.today:
        reading.day_offset = 0
        return i + 1
    if word in vocab.tomorrow:
        reading.day_offset = 1
        return i + 1
    if word in vocab.yesterday:
        reading.day_offset = -1
        return i + 1
    if word in vocab.tonight:
        if reading.part is not None:
            return None
        reading.day_offset, reading.part = 0, "evening"
        return i + 1
    rule = "this"
    for kind in ("next", "last", "this"):
        if vocab.has(kind, word) and i + 1 < len(words) and words[i + 1] in vocab.weekdays:
            rule, i = kind, i + 1
            word = words[i]
            break
    if word in vocab.weekdays:
        # `sun`, `sat`, `wed` are words too: short forms only open a phrase or follow `on`
        if len(word) <= 4 and rule == "this" and i > 0 and not vocab.has("on", words[i - 1]):
            return None
        reading.weekday, reading.weekday_rule = vocab.weekdays[word], rule
        # `Tue 2026-12-01`: a weekday may come with its date, which must then agree
        dated = _date(words, i + 1, reading, vocab) if i + 1 < len(words) else None
        return i + 1 if dated is None else dated
    return _date(words, i, reading, vocab)


def _date(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
    """2026-12-01, 13/05, 5 dec, dec 5th, December 5 2027, 12月5日."""
    word = words[i]
    if (match := _ISO.match(word)) is not None:
        reading.ymd = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return i + 1
    if (match := _CJK.match(word)) is not None:
        year = int(match.group(1)) if match.group(1) else None
        reading.ymd = (year, int(match.group(2)), int(match.group(3)))
        return i + 1
    if (match := _NUMERIC.match(word) or _DOTTED.match(word)) is not None:
        first, second = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if first <= 12 and second <= 12 and first != second:
            return Refusal(
                "ambiguous",
                "“{text}” could be read two ways. Write the date as `YYYY-MM-DD`, "
                "like `{one}` or `{other}`.",
                {
                    "text": word,
                    "one": _iso(year, second, first, reading.today),
                    "other": _iso(year, first, second, reading.today),
                },
            )
        if first > 12 and second > 12:
            return bad_date(word)
        reading.ymd = (year, second, first) if first > 12 else (year, first, second)
        return i + 1
    month: int | None = None
    day: int | None = None
    nxt = i
    if word.rstrip(".") in vocab.months:  # dec 5, December 5th
        if i + 1 < len(words) and (match := _ORDINAL.match(words[i + 1])) is not None:
            month, day, nxt = vocab.months[word.rstrip(".")], int(match.group(1)), i + 2
    elif (match := _ORDINAL.match(word)) is not None and i + 1 < len(words):  # 5 dec, 5th of dec
        follow = i + 1
        if words[follow] == "of":
            follow += 1
        name = words[follow].rstrip(".") if follow < len(words) else ""
        if name in vocab.months:
            month, day, nxt = vocab.months[name], int(match.group(1)), follow + 1
    elif vocab.has("the", word) and i + 1 < len(words):
        return _date(words, i + 1, reading, vocab)
    if month is None or day is None:
        return None
    year = None
    if nxt < len(words) and _YEAR.match(words[nxt]):
        year, nxt = int(words[nxt]), nxt + 1
    reading.ymd = (year, month, day)
    return nxt


def _iso(year: int | None, month: int, day: int, today: date) -> str:
    """One reading of a numeric date as `YYYY-MM-DD`, in the year it would fall in."""
    if year is None:
        year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _part(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | None:
    """morning, afternoon, evening, night, optionally after `this`."""
    word = words[i]
    if vocab.has("this", word) and i + 1 < len(words) and words[i + 1] in vocab.parts:
        if reading.has_day:
            return None
        reading.day_offset = 0
        i += 1
        word = words[i]
    if word not in vocab.parts or reading.part is not None or reading.clock is not None:
        return None  # after the time (`7pm evening walk`) it is the text's word
    reading.part = vocab.parts[word]
    return i + 1


def _clock(
    words: list[str], i: int, reading: Reading, vocab: Vocabulary, *, after_at: bool = False
) -> int | Refusal | None:
    """9am, 9 pm, 6:30pm, 18:00, `at 9`, noon."""
    if reading.clock is not None:
        return None
    word = words[i]
    if word in vocab.words.get("noon", ()):
        reading.clock = (12, 0)
        return i + 1
    ampm: str | None = None
    if (match := _AMPM.match(word)) is not None:
        hour, minute, ampm = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        nxt = i + 1
    elif i + 1 < len(words) and (words[i + 1] in vocab.am or words[i + 1] in vocab.pm):
        match = _HM.match(word) or re.match(r"^(\d{1,2})()$", word)
        if match is None:
            return None
        hour, minute, ampm = int(match.group(1)), int(match.group(2) or 0), words[i + 1]
        nxt = i + 2
    elif (match := _HM.match(word)) is not None:
        hour, minute, nxt = int(match.group(1)), int(match.group(2)), i + 1
    elif _HM_ANY.match(word):
        return bad_time(word)
    elif after_at and re.match(r"^\d{1,2}$", word):
        hour, minute, nxt = int(word), 0, i + 1
    else:
        return None
    if ampm is not None:
        if not 1 <= hour <= 12 or minute > 59:
            return bad_time(" ".join(words[i:nxt]))
        is_pm = ampm in vocab.pm or ampm.startswith("p")
        hour = hour % 12 + (12 if is_pm else 0)
    elif hour > 23 or minute > 59:
        return bad_time(word)
    reading.clock = (hour, minute)
    reading.bare_hour = ampm is None
    return nxt


def _zone(words: list[str], i: int, reading: Reading, vocab: Vocabulary) -> int | Refusal | None:
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
