"""What a time phrase said, before any clock: the parts typed, or why it is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo


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
    weekday_rule: str = "this"  # this (today included), next (never today), last (past);
    # next_week, last_week, this_week: that weekday of the calendar week (Chinese 下週五)
    ymd: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    clock: tuple[int, int] | None = None
    bare_hour: bool = False  # typed without am/pm: the evening words move it past noon
    padded: bool = False  # typed with a leading zero (`03:00`): a 24-hour time, not a guess
    part: str | None = None
    zone: tzinfo | None = None
    offset: timedelta | None = None  # `(Zone, UTC-05:00)`: which of two equal wall times
    days: int = 0
    minutes: int = 0
    relative: bool = False
    ago: bool = False
    either_day: str | None = None  # Hindi `कल`, read as tomorrow only before a time
    today: date = date.min  # the local date the phrase is read on, for examples

    @property
    def has_day(self) -> bool:
        """Whether a day was named at all."""
        return self.day_offset is not None or self.weekday is not None or self.ymd is not None


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


def either_day(word: str, today: date) -> Refusal:
    """Hindi `कल` with no time after it: yesterday or tomorrow, so no day is guessed."""
    return Refusal(
        "either_day",
        "“{text}” could be read two ways. Write the date as `YYYY-MM-DD`, "
        "like `{one}` or `{other}`.",
        {
            "text": word,
            "one": (today - timedelta(days=1)).isoformat(),
            "other": (today + timedelta(days=1)).isoformat(),
        },
    )
