"""The one time parser: what people type (`tomorrow 9am`, `in 2h`, `dec 5`) → one exact moment.

Pure: text, the person's IANA zone, their language and `now` in; a moment (or a day) and the
rest of the text exactly as typed out, or a refusal whose template says why with examples.
The phrase is the longest run of leading words that reads as a time, tried from the longest
down; nothing that could mean two moments is guessed into one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

from bot.core.languages import language_base
from bot.domain.when_grammar import AFTER_HOUR, QUARTERS_BEFORE, read
from bot.domain.when_reading import Reading, Refusal, bad_date, either_day
from bot.domain.when_tokens import Token, tokens
from bot.domain.when_words import Vocabulary, vocabulary

__all__ = [
    "Day",
    "Moment",
    "Refusal",
    "format_day",
    "format_moment",
    "parse_day",
    "parse_moment",
]

MAX_WORDS = 10
MAX_AHEAD = timedelta(days=366)
DEFAULT_CLOCK = (9, 0)
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_UNTIL_WORDS = ("until", "till", "til", "through")


@dataclass(frozen=True, slots=True)
class Moment:
    """An accepted moment (UTC, whole minute) and the text typed after it, verbatim."""

    at: datetime
    rest: str


@dataclass(frozen=True, slots=True)
class Day:
    """An accepted calendar day in the person's zone (for `/away`: until its end)."""

    day: date


NOT_A_TIME = Refusal(
    "unreadable",
    "I couldn't find when. Start with a time like `in 2h`, `tomorrow 9am`, `friday 18:00` "
    "or `2026-12-01 18:00`.",
)
NOT_A_DAY = Refusal(
    "unreadable",
    "I can't read “{text}” as a date. Write it like `dec 5`, `friday` or `2026-12-05`.",
)


def parse_moment(text: str, zone: str, language: str, now: datetime) -> Moment | Refusal:
    """The moment the text starts with, read in `zone`, and the text after it."""
    vocab = vocabulary(language)
    spans = tokens(text, vocab, MAX_WORDS + 1)
    today = now.astimezone(ZoneInfo(zone)).date()
    for size in range(min(MAX_WORDS, len(spans)), 0, -1):
        words = _words(spans[:size])
        reading = read(words, vocab, today)
        if reading is None:
            continue
        if isinstance(reading, Refusal):
            return reading
        either = _either_day(reading, words, zone, now)
        if either is not None:
            return either
        rest = text[spans[size].start :] if size < len(spans) else ""
        more = _more_of_the_time(spans[size : size + 3], vocab)
        if more is not None:
            return Refusal(
                "unread_part",
                "I can read “{read}” but not “{more}” after it, which looks like part of the "
                "time. Write the time with digits, like `tomorrow 9:30` or `in 90 minutes`.",
                {"read": text[: spans[size - 1].end].strip(), "more": more},
            )
        hour = _bare_number_after_a_day(reading, rest)
        if hour is not None:
            return Refusal(
                "ambiguous",
                "Is “{hour}” the time? Write `{day} at {hour}` for {hour}:00, or give the time "
                "first and then your text, like `{day} 9am {hour} …`.",
                {"hour": hour, "day": text[: spans[size - 1].end].strip()},
            )
        found = _moment(reading, ZoneInfo(zone), now, language)
        if isinstance(found, Refusal):
            return _in_language(found, reading, language)
        return Moment(found, rest.rstrip())
    return NOT_A_TIME


def parse_day(text: str, zone: str, language: str, now: datetime) -> Day | Refusal:
    """The calendar day all of the text names (`dec 5`, `until friday`); no time of day."""
    vocab = vocabulary(language)
    spans = tokens(text, vocab, MAX_WORDS + 2)
    if spans and spans[0].text.lower() in vocab.words.get("until", _UNTIL_WORDS):
        spans = spans[1:]  # `until friday`, `hasta el viernes`, `到週五`
    if spans and spans[-1].text.lower() in vocab.words.get("until_after", ()):
        spans = spans[:-1]  # `शुक्रवार तक`: Hindi says "until" after the day
    shown = text.strip()
    if not spans or len(spans) > MAX_WORDS:
        return Refusal(NOT_A_DAY.kind, NOT_A_DAY.template, {"text": shown})
    today = now.astimezone(ZoneInfo(zone)).date()
    reading = read(_words(spans), vocab, today)
    if reading is None:
        return Refusal(NOT_A_DAY.kind, NOT_A_DAY.template, {"text": shown})
    if isinstance(reading, Refusal):
        return reading
    if reading.either_day is not None:
        return either_day(reading.either_day, today)
    if reading.clock is not None or reading.minutes:
        return Refusal(
            "has_time",
            "“{text}” has a time of day, but I need a date here, like `dec 5`, `friday` "
            "or `2026-12-05`.",
            {"text": shown},
        )
    try:
        if reading.relative:
            if reading.ago or reading.days > MAX_AHEAD.days:
                picked: date | Refusal = (
                    today - timedelta(days=reading.days) if reading.ago else date.max
                )
            else:
                picked = today + timedelta(days=reading.days)
        else:
            picked = _pick_day(reading, today, lambda day: day >= today)
    except (OverflowError, ValueError):
        picked = date.max
    if isinstance(picked, Refusal):
        return _in_language(picked, reading, language)
    if picked < today:
        return Refusal(
            "past",
            "{date} is in the past. Give a date from today on.",
            {"date": format_day(picked, zone, language)},
        )
    if picked > today + MAX_AHEAD:
        return Refusal("far", "That is more than a year away. Give a date within a year.")
    return Day(picked)


def format_moment(at: datetime, zone: str, language: str = "en") -> str:
    """`Tue 2026-12-01 18:00 (Asia/Taipei)`; a wall time that occurs twice also names its offset."""
    local = at.astimezone(ZoneInfo(zone))
    shown = f"{weekday_name(local.date(), language)} {local:%Y-%m-%d %H:%M}"
    offset = local.utcoffset()
    if offset is not None and local.replace(fold=1 - local.fold).utcoffset() != offset:
        return f"{shown} ({zone}, UTC{_offset(offset)})"
    return f"{shown} ({zone})"


def format_day(day: date, zone: str, language: str = "en") -> str:
    """`Sat 2026-12-05 (Asia/Taipei)`."""
    return f"{weekday_name(day, language)} {day:%Y-%m-%d} ({zone})"


def date_text(day: date, language: str, skeleton: str = "MMMd") -> str:
    """`23 Nov`, `11月23日`, `lun, 23 nov` (skeleton `MMMEd`): CLDR's pattern for the language."""
    base = language_base(language)
    try:  # the bot's English writes the day before the month, as it always has
        locale = Locale("en", "GB") if base == "en" else Locale.parse(base)
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale("en", "GB")
    return str(format_skeleton(skeleton, day, locale=locale))


def weekday_name(day: date, language: str) -> str:
    """`Tue`, `mar`, `週二`, `मंगल`: the short weekday from CLDR, English when unknown."""
    if language.split("_")[0] == "en":
        return WEEKDAY_NAMES[day.weekday()]
    try:
        return str(format_date(day, "EEE", locale=Locale.parse(language_base(language))))
    except (UnknownLocaleError, ValueError, TypeError):
        return WEEKDAY_NAMES[day.weekday()]


def weekday_long(weekday: int, language: str) -> str:
    """`Monday`, `lunes`, `星期一`, `सोमवार` for 0–6: the full weekday from CLDR."""
    if language_base(language) == "en":
        return _FULL_WEEKDAYS[weekday]
    day = date(2026, 11, 23) + timedelta(days=weekday)  # a Monday, then onwards
    try:
        return str(format_date(day, "EEEE", locale=Locale.parse(language_base(language))))
    except (UnknownLocaleError, ValueError, TypeError):
        return _FULL_WEEKDAYS[weekday]


def local_moment_text(at: datetime, zone: str, language: str) -> str:
    """`Tue 24 Nov 08:00`, `mar, 24 nov 08:00`: a local moment for a sentence naming its zone."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{date_text(local.date(), language, 'MMMEd')} {local:%H:%M}"


def _in_language(refusal: Refusal, reading: Reading, language: str) -> Refusal:
    """A weekday refusal names both weekdays in the reader's language (`martes`, `星期二`)."""
    if refusal.kind != "weekday" or reading.weekday is None or language_base(language) == "en":
        return refusal
    typed = date(2026, 11, 23) + timedelta(days=reading.weekday)  # a Monday, then onwards
    actual = date.fromisoformat(str(refusal.values["date"]))
    try:
        locale = Locale.parse(language_base(language))
    except (UnknownLocaleError, ValueError, TypeError):
        return refusal
    names = {
        "actual": str(format_date(actual, "EEEE", locale=locale)),
        "typed": str(format_date(typed, "EEEE", locale=locale)),
    }
    return Refusal(refusal.kind, refusal.template, {**refusal.values, **names})


_CONTINUING = ("more_time", "and_a_half", *QUARTERS_BEFORE, *AFTER_HOUR)
"""Words that go on with a time: every form the grammar reads after or before an hour, and
`more_time`'s words it does not read yet."""


def _more_of_the_time(after: list[Token], vocab: Vocabulary) -> str | None:
    """The words right after a read time when they go on with it (`y media`, `half past 9`,
    `一刻`, `बजकर 30`, `and 15`): refused, never left as the text (9:30 read as 9:00)."""
    words = _words(after)
    if not words:
        return None
    size = max(vocab.phrase(key, words, 0) for key in _CONTINUING)
    if not size and len(words) > 1 and vocab.has("to_or_past", words[0]) and words[1][:1].isdigit():
        size = 2  # `at 10 to 11`: minutes before the hour, not yet read
    if not size and len(words) > 1 and (vocab.has("and", words[0]) or vocab.has("at", words[0])):
        if words[1][:1].isdigit():  # `y 20`, `and 15`, `at 9`
            size = 2
        elif follow := max(vocab.phrase(key, words, 1) for key in _CONTINUING):  # `at half 9`
            size = 1 + follow
    return " ".join(span.text for span in after[:size]) if size else None


def _bare_number_after_a_day(reading: Reading, rest: str) -> str | None:
    """`tomorrow 10 standup`: a day without a time, then a number that could be an hour."""
    if not reading.has_day or reading.clock is not None or reading.relative:
        return None
    first = rest.split(maxsplit=1)[0] if rest.strip() else ""
    if first.isascii() and first.isdigit() and len(first) <= 2 and int(first) <= 24:
        return first
    return None


def _either_day(reading: Reading, words: list[str], zone: str, now: datetime) -> Refusal | None:
    """Hindi `कल` is yesterday or tomorrow: tomorrow only when a time of day follows it."""
    if reading.either_day is None:
        return None
    first = words.index(reading.either_day) if reading.either_day in words else len(words)
    if reading.clock is not None and first < len(words) - 1:
        return None
    return either_day(reading.either_day, now.astimezone(ZoneInfo(zone)).date())


def _words(spans: list[Token]) -> list[str]:
    """Lower-case words; commas and a closing colon are punctuation, not part of a word."""
    words = []
    for index, span in enumerate(spans):
        word = unicodedata.normalize("NFC", span.text.lower())
        if not word.startswith("("):
            word = word.rstrip(",，、")
        if index == len(spans) - 1 and not word.startswith("("):
            word = word.rstrip(",;:!。！，、।")
        words.append(word)
    return words


def _moment(reading: Reading, home: ZoneInfo, now: datetime, language: str) -> datetime | Refusal:
    """Puts a reading on the clock and checks it is ahead and within a year."""
    try:
        found = _on_the_clock(reading, reading.zone or home, now)
    except (OverflowError, ValueError):
        return _too_far()
    if isinstance(found, Refusal):
        return found
    if found <= now:
        return Refusal(
            "past",
            "{when} is in the past. Give a time from now on, like `in 2h` or `tomorrow 9am`.",
            {"when": format_moment(found, str(home), language)},
        )
    if found - now > MAX_AHEAD:
        return _too_far()
    return found


def _too_far() -> Refusal:
    return Refusal("far", "That is more than a year away. Give a time within a year.")


def _on_the_clock(reading: Reading, zone: tzinfo, now: datetime) -> datetime | Refusal:
    """The UTC moment of a reading, in the zone it is read in."""
    start = now.astimezone(zone).replace(second=0, microsecond=0)
    if reading.relative and reading.clock is None:
        span = timedelta(days=reading.days, minutes=reading.minutes)
        if span > MAX_AHEAD + timedelta(days=1):
            return _too_far()
        if reading.ago:
            return now.replace(second=0, microsecond=0) - span
        moment = start.astimezone(UTC)
        if reading.days:
            wall = start.replace(tzinfo=None) + timedelta(days=reading.days)
            moment = _to_utc(wall, zone, None)
        return moment + timedelta(minutes=reading.minutes)
    if reading.clock is None and reading.part in ("afternoon", "evening"):
        return Refusal(
            "needs_time",
            "Say what time, like `tonight 8pm` or `tomorrow afternoon at 3`.",
        )
    hour, minute = reading.clock or DEFAULT_CLOCK
    if reading.bare_hour and reading.part in ("afternoon", "evening") and 1 <= hour <= 11:
        hour += 12
    elif reading.bare_hour and reading.part is None and 1 <= hour <= 6 and not reading.padded:
        # `at 3`, `a las 4`, `3點`, `3 बजे`: people mean the afternoon as often as the night
        return Refusal(
            "which_half",
            "Is “{hour}” in the morning or the afternoon? Say it with the time, like "
            "`{hour}am` or `{hour}pm`, or as 24-hour time.",
            {"hour": str(hour) if not minute else f"{hour}:{minute:02d}"},
        )
    clock = time(hour, minute)

    def at(day: date) -> datetime:
        return _to_utc(datetime.combine(day, clock), zone, reading.offset)

    if reading.relative:  # `in 2 days at 5pm`
        if reading.days > MAX_AHEAD.days + 1:
            return _too_far()
        return at(start.date() + timedelta(days=reading.days))
    picked = _pick_day(reading, start.date(), lambda day: at(day) > now)
    return picked if isinstance(picked, Refusal) else at(picked)


def _pick_day(reading: Reading, today: date, ahead: Callable[[date], bool]) -> date | Refusal:
    """The calendar day a reading names: the first one still `ahead` where it allows a choice."""
    if reading.ymd is not None:
        year, month, day_number = reading.ymd
        years = [year] if year is not None else [today.year + step for step in range(9)]
        valid = False
        for candidate_year in years:
            try:
                day = date(candidate_year, month, day_number)
            except ValueError:
                continue
            valid = True
            if year is not None or ahead(day):
                break
        else:
            return bad_date(f"{month:02d}-{day_number:02d}") if not valid else date.max
        if reading.weekday is not None and day.weekday() != reading.weekday:
            return Refusal(
                "weekday",
                "{date} is a {actual}, not a {typed}. Check the date.",
                {
                    "date": day.isoformat(),
                    "actual": _FULL_WEEKDAYS[day.weekday()],
                    "typed": _FULL_WEEKDAYS[reading.weekday],
                },
            )
        return day
    if reading.weekday is not None:
        if reading.weekday_rule.endswith("_week"):  # 下週五, 上週五, 這週五: a calendar week
            weeks = {"next_week": 1, "last_week": -1, "this_week": 0}[reading.weekday_rule]
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
            return monday + timedelta(days=reading.weekday)
        if reading.weekday_rule == "last":
            return today - timedelta(days=(today.weekday() - reading.weekday) % 7 or 7)
        first = today + timedelta(days=1 if reading.weekday_rule == "next" else 0)
        day = first + timedelta(days=(reading.weekday - first.weekday()) % 7)
        return day if ahead(day) else day + timedelta(days=7)
    if reading.day_offset is not None:
        return today + timedelta(days=reading.day_offset)
    return today if ahead(today) else today + timedelta(days=1)


def _to_utc(wall: datetime, zone: tzinfo, offset: timedelta | None) -> datetime:
    """A local wall time in UTC: a skipped time moves to the next valid minute; a repeated
    one is its first occurrence unless `offset` names the second."""
    if offset is not None:
        for fold in (0, 1):
            aware = wall.replace(tzinfo=zone, fold=fold)
            if aware.utcoffset() == offset:
                return aware.astimezone(UTC)
    for minutes in range(24 * 60):
        candidate = wall + timedelta(minutes=minutes)
        aware = candidate.replace(tzinfo=zone, fold=0)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == candidate:
            return aware.astimezone(UTC)
    raise ValueError(f"no valid local time after {wall}")


def _offset(offset: timedelta) -> str:
    """`+08:00`, `-05:00`."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
