"""Charts drawn on the server as inline SVG: ranked horizontal bars, and columns over time.

The geometry is computed here and drawn by templates/analytics/charts/. No script and no
outside library: the pages work offline. Each chart has a title and a description for screen
readers, and its numbers are also in a table on the same page.
"""

import math
from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 190  # ranked bars: the phrase or rating to the left of its bar
VALUE_WIDTH = 70  # ranked bars: the number to the right of the longest bar
ROW_HEIGHT = 26
BAR_HEIGHT = 18
LONGEST_LABEL = 28  # characters; the full label is in the bar's tooltip and the table
PLOT_HEIGHT = 180  # columns
PLOT_TOP = 8  # columns: room for the top label of the scale
AXIS_HEIGHT = 36  # columns: the period labels below
AXIS_WIDTH = 36  # columns: the scale to the left
MOST_PERIOD_LABELS = 12
WIDEST_COLUMN = 48


@dataclass(frozen=True)
class ChartItem:
    """One bar or column. `value` None is a period with nothing to show (no ratings, say),
    drawn as a gap rather than as a zero. `url` opens the list the bar counts; `note` is
    written beside the column (its count)."""

    label: str
    value: float | None
    value_text: str
    url: str = ""
    note: str = ""

    @property
    def empty(self):
        return self.value is None


@dataclass(frozen=True)
class Bar:
    item: ChartItem
    x: float
    y: float
    width: float
    height: float
    short_label: str = ""
    show_label: bool = True

    @property
    def label_end(self):
        return self.x - 8

    @property
    def value_start(self):
        return round(self.x + self.width + 6, 1)


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list
    ticks: list[tuple[float, str]] = field(default_factory=list)  # the scale's lines: (y, text)


def _shortened(label):
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1] + "…"


def ranked_bars(items, title, description):
    """One horizontal bar per item, top to bottom, as long as its value is to the largest."""
    largest = max((item.value or 0 for item in items), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            item=item,
            x=LABEL_WIDTH,
            y=row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
            width=round(plot_width * (item.value or 0) / largest, 1),
            height=BAR_HEIGHT,
            short_label=_shortened(item.label),
        )
        for row, item in enumerate(items)
    ]
    return Chart(title, description, WIDTH, max(len(items), 1) * ROW_HEIGHT, bars)


def columns(items, title, description, top=None):
    """One column per item, left to right, on a scale from 0 to `top` (default: the largest).

    Only some period labels are shown when there are many, so they never overlap.
    """
    top = top or max((item.value or 0 for item in items), default=0) or 1
    plot_width = WIDTH - AXIS_WIDTH
    slot = plot_width / max(len(items), 1)
    label_every = math.ceil(len(items) / MOST_PERIOD_LABELS) or 1
    bars = []
    width = min(slot * 0.8, WIDEST_COLUMN)
    for index, item in enumerate(items):
        height = round(PLOT_HEIGHT * (item.value or 0) / top, 1)
        bars.append(
            Bar(
                item=item,
                x=round(AXIS_WIDTH + index * slot + (slot - width) / 2, 1),
                y=PLOT_TOP + PLOT_HEIGHT - height,
                width=round(width, 1),
                height=height,
                short_label=item.label,
                show_label=index % label_every == 0,
            )
        )
    ticks = [(PLOT_TOP + PLOT_HEIGHT * (1 - part), f"{top * part:g}") for part in (0, 0.5, 1)]
    return Chart(title, description, WIDTH, PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT, bars, ticks)
