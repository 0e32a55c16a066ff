"""Reading weekly availability as people type it (`mon-fri 18-20, sat 10-12`), and showing it.

Groups are separated by commas, semicolons or line breaks; each names days (a day, a range
`mon-fri`, days joined by `/`, `&` or `and`, or `weekdays`, `weekends`, `daily`) and then one
or more hour ranges (`18-20`, `18:30-20`, `6pm-8pm`, `6-8pm`). An end at or before the start
runs past midnight; `24` means midnight at the day's close. Anything else is refused with
the part that could not be read, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from bot.core.languages import SHIPPED
from bot.domain.day_sets import read_days
from bot.domain.program_availability import LocalWindow

EXAMPLE = "mon-fri 18-20, sat 10-12"
MAX_INPUT = 300
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(am|pm)?$")
_GROUPS = re.compile(r"[,;，；\n]+")  # full-width too: Chinese keyboards type `，`


@dataclass(frozen=True, slots=True)
class WindowsRefusal:
    """Why the text is not a weekly availability: a template and its values."""

    template: str
    values: dict[str, object] = field(default_factory=dict)


def _normalized(text: str) -> str:
    cleaned = text.casefold().replace("–", "-").replace("—", "-").replace(" to ", "-")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    cleaned = re.sub(r"\bevery day\b", "everyday", cleaned)
    cleaned = re.sub(r"\s*(?:/|&|\+|\band\b)\s*", "/", cleaned)
    return re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", cleaned)


def _clock(text: str, suffix: str | None) -> time | None:
    """A time like `18`, `18:30`, `6pm`; `suffix` is am/pm borrowed from the range's end."""
    found = _CLOCK.match(text)
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = found.group(3) or suffix
    if minute > 59:
        return None
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour == 24 and minute == 0:
        return time(0)
    return time(hour, minute) if hour <= 23 else None


def _hours(token: str) -> tuple[time, time] | None:
    """A range like `18-20`, `6-8pm`, `9am-12`; None when it is not one."""
    first, dash, last = token.partition("-")
    if not dash:
        return None
    end_match = _CLOCK.match(last)
    start_match = _CLOCK.match(first)
    if end_match is None or start_match is None:
        return None
    borrowed = end_match.group(3) if start_match.group(3) is None else None
    start = _clock(first, borrowed)
    if borrowed and start is not None and start.hour >= 12 and borrowed == "am":
        start = None
    end = _clock(last, None)
    if start is None or end is None or start == end:
        return None
    return start, end


def read_windows(text: str) -> tuple[LocalWindow, ...] | WindowsRefusal:
    """Local weekly windows from what a person typed, or why they could not be read."""
    if len(text) > MAX_INPUT:
        return WindowsRefusal(
            "That is too long ({length} characters; the limit is {limit}).",
            {"length": len(text), "limit": MAX_INPUT},
        )
    windows: list[LocalWindow] = []
    for raw in _GROUPS.split(text):
        part = _normalized(raw).split()
        if not part:
            continue
        first_hours = next((i for i, token in enumerate(part) if _hours(token)), len(part))
        # `mon-fri`, `lunes a viernes`, `週一至週五`, `सोम-शुक्र`: the words before the hours
        digits = read_days(" ".join(part[:first_hours]), SHIPPED, two_letters=True)
        days = tuple(int(day) for day in digits) if digits and first_hours else None
        spans = [_hours(token) for token in part[first_hours:]]
        if days is None or not spans or any(span is None for span in spans):
            return WindowsRefusal(
                "I couldn't read “{part}” as days and hours. Give days, then hours in your own "
                "time, like `mon-fri 18-20, sat 10-12`.",
                {"part": raw.strip()},
            )
        for span in spans:
            assert span is not None
            windows.extend(LocalWindow(day, span[0], span[1]) for day in days)
    if not windows:
        return WindowsRefusal(
            "Tell me when you are free each week, like `mon-fri 18-20, sat 10-12`."
        )
    return tuple(dict.fromkeys(windows))


def windows_to_json(windows: Iterable[LocalWindow]) -> list[dict[str, Any]]:
    """Windows as stored in a participant's availability."""
    return [
        {"weekday": w.weekday, "start": w.start.strftime("%H:%M"), "end": w.end.strftime("%H:%M")}
        for w in windows
    ]


def windows_from_json(items: Sequence[Mapping[str, Any]]) -> tuple[LocalWindow, ...]:
    """Stored windows back as LocalWindow values; malformed items are left out."""
    found: list[LocalWindow] = []
    for item in items:
        try:
            found.append(
                LocalWindow(
                    int(item["weekday"]),
                    time.fromisoformat(str(item["start"])),
                    time.fromisoformat(str(item["end"])),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(found)


def describe(windows: Sequence[LocalWindow], day_name: Callable[[int], str]) -> str:
    """`Mon–Fri 18:00–20:00, Sat 10:00–12:00`: runs of days sharing the same hours."""
    by_hours: dict[tuple[time, time], list[int]] = {}
    for window in windows:
        by_hours.setdefault((window.start, window.end), []).append(window.weekday)
    parts: list[str] = []
    for (start, end), days in by_hours.items():
        runs: list[list[int]] = []
        for day in sorted(set(days)):
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = ", ".join(
            day_name(run[0]) if len(run) == 1 else f"{day_name(run[0])}–{day_name(run[-1])}"
            for run in runs
        )
        parts.append(f"{names} {start.strftime('%H:%M')}–{end.strftime('%H:%M')}")
    return "; ".join(parts)


def weekday_of(word: str) -> int | None:
    """0 (Monday) to 6 for one weekday's name in any shipped language, any case; else None."""
    digits = read_days(word, SHIPPED, two_letters=True) if word.strip() else None
    return int(digits) if digits is not None and len(digits) == 1 else None
