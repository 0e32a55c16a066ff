"""Charts as PNG bytes, drawn in memory with matplotlib's Agg canvas (no display, no pyplot)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton

from bot.core.languages import language_base

CHART_WIDTH = 800
CHART_HEIGHT = 400
DPI = 100
CHECKED_IN_COLOUR = "#9ecae1"
DONE_COLOUR = "#3182bd"


def day_labels(days: Sequence[date], language: str) -> list[str]:
    """Axis labels in digits only (`11/23`, `23/11`): every font draws them, in every language."""
    try:
        locale = Locale.parse(language_base(language))
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale("en")
    return [str(format_skeleton("Md", day, locale=locale)) for day in days]


def checkins_chart(
    labels: Sequence[str],
    checkins: Sequence[int],
    done: Sequence[int],
    *,
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
) -> bytes:
    """Bars of check-ins per day with the done part overlaid; exactly width × height pixels.

    The image holds no words (the default font has no CJK or Devanagari glyphs): the message
    beside it carries the title and the legend, translated like any other text.
    """
    # Imported here: matplotlib costs ~0.5 s of start-up and only charts need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)  # attaches the Agg canvas: no display, no pyplot state
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.bar(positions, checkins, color=CHECKED_IN_COLOUR)
    axes.bar(positions, done, color=DONE_COLOUR)
    axes.set_xticks(positions, list(labels))
    axes.set_ylim(0, max([1, *checkins]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
