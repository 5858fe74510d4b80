"""Agreements per year as a bar chart: counted in one query, drawn as SVG by a template.

A date stated only as a year or a month is stored as the first day of that period, so it
counts in its year; agreements with no stated date are counted apart. Bars are placed in
percentages of the chart's width and the labels in pixels, so the bars stretch to any
screen while the text keeps a legible size (a scaled viewBox would shrink it on phones).
"""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext, ngettext

PLOT_HEIGHT = 140  # pixels from the baseline to the top gridline
TOP_SPACE = 18  # room for the value written above the tallest bar
LABEL_SPACE = 22
NARROWEST_CHART = 300  # pixels: year labels are spaced to fit a phone
LABEL_WIDTH = 36
VALUE_LABELS_UP_TO = 12  # bars: with more, numbers are in the table and the bar's title
GAP = 0.2  # share of each slot left between bars
FEWEST_SLOTS = 5


def year_counts(agreements):
    """``([(year, count)…] oldest first, undated count)`` of ``agreements``, in one query."""
    rows = (
        agreements.order_by()
        .annotate(year=ExtractYear("signed_on"))
        .values("year")
        .annotate(count=Count("pk"))
        .values_list("year", "count")
    )
    counts = dict(rows)
    undated = counts.pop(None, 0)
    return sorted(counts.items()), undated


@dataclass
class Bar:
    year: int
    count: int
    url: str
    selected: bool
    x: float  # percent of the width
    width: float  # percent
    y: float  # pixels from the top
    height: float  # pixels
    labelled: bool  # the year is written under this bar

    @property
    def centre(self):
        return round(self.x + self.width / 2, 3)  # 15.0005, not 15.000499999999999

    @property
    def value_y(self):
        return round(self.y - 4, 2)

    @property
    def description(self):
        return ngettext(
            "%(year)s: %(count)s agreement", "%(year)s: %(count)s agreements", self.count
        ) % {"year": self.year, "count": self.count}


@dataclass
class Gridline:
    value: int
    y: float

    @property
    def label_y(self):
        return round(self.y + 12, 2)


@dataclass
class YearChart:
    bars: list[Bar]
    undated: int
    gridlines: list[Gridline]
    show_values: bool

    baseline = TOP_SPACE + PLOT_HEIGHT
    height = TOP_SPACE + PLOT_HEIGHT + LABEL_SPACE
    year_label_y = TOP_SPACE + PLOT_HEIGHT + 16

    @property
    def dated(self):
        return sum(bar.count for bar in self.bars)

    @property
    def total(self):
        return self.dated + self.undated

    @property
    def first_year(self):
        return self.bars[0].year if self.bars else None

    @property
    def last_year(self):
        return self.bars[-1].year if self.bars else None

    @property
    def span(self):
        if not self.bars:
            return ""
        if self.first_year == self.last_year:
            return gettext("in %(year)s") % {"year": self.first_year}
        return gettext("from %(first)s to %(last)s") % {
            "first": self.first_year,
            "last": self.last_year,
        }

    @property
    def peak(self):
        return max(self.bars, key=lambda bar: (bar.count, bar.year)) if self.bars else None


def _nice_step(largest):
    """A round gridline step (1, 2, 5 × 10ⁿ) giving at most four lines."""
    raw = max(largest / 4, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return int(multiple * magnitude)
    return int(10 * magnitude)


def _label_step(bar_count):
    """Write every n-th year so that labels never crowd at phone width."""
    needed = math.ceil(bar_count * LABEL_WIDTH / NARROWEST_CHART)
    for step in (1, 2, 5, 10, 20, 50):
        if step >= needed:
            return step
    return 100


def year_chart(counts, undated, link_params=None, selected=()):
    """Bars for every year from the first to the last (empty years drawn as gaps).

    ``link_params`` is the query (a dict or QueryDict) of the agreement list each bar
    links to, with its year set; the list then shows exactly the bar's agreements.
    """
    by_year = dict(counts)
    years = list(range(min(by_year), max(by_year) + 1)) if by_year else []
    largest = max(by_year.values(), default=0)
    step = _nice_step(largest) if largest else 1
    top = max(step * math.ceil(largest / step), 1)
    # A few years get bars of a sensible width, centred, rather than one slab across.
    slot = 100 / max(len(years), FEWEST_SLOTS)
    offset = (100 - slot * len(years)) / 2
    label_step = _label_step(len(years))
    year_url = _year_urls(link_params)
    selected = {int(year) for year in selected}
    bars = []
    for index, year in enumerate(years):
        count = by_year.get(year, 0)
        # A bar of one among thousands still shows (and can be clicked).
        height = max(PLOT_HEIGHT * count / top, 2) if count else 0
        bars.append(
            Bar(
                year=year,
                count=count,
                url=year_url(year),
                selected=year in selected,
                x=round(offset + index * slot + slot * GAP / 2, 3),
                width=round(slot * (1 - GAP), 3),
                y=round(TOP_SPACE + PLOT_HEIGHT - height, 2),
                height=round(height, 2),
                labelled=(year % label_step == 0) or len(years) <= 2,
            )
        )
    gridlines = [
        Gridline(value=value, y=round(TOP_SPACE + PLOT_HEIGHT * (1 - value / top), 2))
        for value in range(step, top + 1, step)
    ]
    return YearChart(
        bars=bars,
        undated=undated,
        gridlines=gridlines,
        show_values=len(years) <= VALUE_LABELS_UP_TO,
    )


def _year_urls(link_params):
    """A function of a year giving the list's address for ``link_params`` with that year
    (reversed and copied once per chart, not once per bar)."""
    if isinstance(link_params, QueryDict):
        items = link_params.lists()
    else:
        items = ((name, [value]) for name, value in (link_params or {}).items())
    params = QueryDict(mutable=True)
    for name, values in items:
        if name not in ("year", "page"):
            params.setlist(name, values)
    others = params.urlencode()
    base = f"{reverse('agreement-list')}?{others}&" if others else f"{reverse('agreement-list')}?"
    return lambda year: f"{base}year={year}"
