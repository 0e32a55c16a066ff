"""Streaks on a person's own local days: one missed day a week forgiven, away days frozen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Streak:
    """Current and best run of check-in days, and whether a freeze saved the current one."""

    current: int
    best: int
    freeze_used_this_week: bool


def _away(day: date, away: tuple[date, date] | None) -> bool:
    return away is not None and away[0] <= day <= away[1]


def _run_back(
    days: set[date], start: date, away: tuple[date, date] | None
) -> tuple[int, set[tuple[int, int]]]:
    """Length of the run ending at `start`, walking back; and the ISO weeks whose freeze it used."""
    length = 0
    frozen_weeks: set[tuple[int, int]] = set()
    day = start
    earliest = min(days)
    while day >= earliest:
        if day in days:
            length += 1
        elif not _away(day, away):
            week = day.isocalendar()[:2]
            if week in frozen_weeks:
                break
            frozen_weeks.add(week)
        day -= timedelta(days=1)
    return length, frozen_weeks


def streak_for(
    checked_in: Iterable[date], today: date, away: tuple[date, date] | None = None
) -> Streak:
    """Computes the streak as of `today` (today may still be checked in later)."""
    days = set(checked_in)
    if not days:
        return Streak(0, 0, False)
    # After a move west, the latest check-in can be dated after the new local today; it still
    # counts, so the streak is measured from it rather than silently dropping it.
    today = max(today, max(days))
    start = today if today in days else today - timedelta(days=1)
    current, frozen = _run_back(days, start, away)
    best = current
    for day in days:
        if day + timedelta(days=1) not in days:  # measure each run from its last day
            best = max(best, _run_back(days, day, away)[0])
    this_week = today.isocalendar()[:2]
    return Streak(current, best, current > 0 and this_week in frozen)
