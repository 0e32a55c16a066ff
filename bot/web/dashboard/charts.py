"""Server-rendered SVG bar charts: geometry computed here, drawn by a template (no JS)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 720
HEIGHT = 220
TOP = 10
BOTTOM = 30
LEFT = 36


@dataclass(frozen=True, slots=True)
class Bar:
    """One day's bar, with what a hover (or a screen reader) tells."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    """A label on an axis."""

    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A percentage per day as bars, with weekly date ticks and 0/50/100 % grid lines."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    baseline: float


def percent_chart(days: Sequence[date], percents: Sequence[int]) -> BarChart:
    """Bars for each day's percentage (0–100), the first day of each week labelled."""
    plot = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT) / max(len(days), 1)
    bars: list[Bar] = []
    ticks: list[Tick] = []
    for index, (day, percent) in enumerate(zip(days, percents, strict=True)):
        value = max(0, min(100, percent))
        height = plot * value / 100
        x = LEFT + index * step
        bars.append(
            Bar(x + 1, TOP + plot - height, max(step - 2, 1), height, f"{day:%Y-%m-%d}: {value}%")
        )
        if index % 7 == 0:
            ticks.append(Tick(x, HEIGHT - BOTTOM + 16, f"{day:%m-%d}"))
    levels = tuple(
        Tick(LEFT - 4, TOP + plot - plot * level / 100, f"{level}%") for level in (0, 50, 100)
    )
    return BarChart(WIDTH, HEIGHT, tuple(bars), tuple(ticks), levels, TOP + plot)
