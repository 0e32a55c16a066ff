"""Charts as PNG bytes, drawn in memory with matplotlib's Agg canvas (no display, no pyplot)."""

from __future__ import annotations

import io
from collections.abc import Sequence

CHART_WIDTH = 800
CHART_HEIGHT = 400
DPI = 100


def checkins_chart(
    labels: Sequence[str],
    checkins: Sequence[int],
    done: Sequence[int],
    *,
    title: str = "Check-ins per day",
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
) -> bytes:
    """Bars of check-ins per day with the done part overlaid; exactly width × height pixels."""
    # Imported here: matplotlib costs ~0.5 s of start-up and only charts need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)  # attaches the Agg canvas: no display, no pyplot state
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.bar(positions, checkins, color="#9ecae1", label="checked in")
    axes.bar(positions, done, color="#3182bd", label="done")
    axes.set_xticks(positions, list(labels))
    axes.set_title(title)
    axes.set_ylim(0, max([1, *checkins]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
