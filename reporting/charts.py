"""Charts as data, drawn as server-side SVG (no JavaScript), tabulated and exported as CSV.

One `Chart` holds the figures; the SVG (`bar_chart_svg`), the table beside it (the template
reads `chart.rows`) and the CSV (`chart_csv`) are all drawn from it, so they cannot disagree.

The bars are horizontal: one group per row (a category or a year) with its label above and
one bar per series, the value written at the end of each bar. That reads well at any width
(years or long French labels never collide) and needs no axis. Colours are CSS classes
(`dash-bar--N`, the portal's stylesheet): no inline style under the strict CSP.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from poles.templatetags.portal import euros, thousands


@dataclass(frozen=True)
class Series:
    key: str  # stable identifier (CSS, tests)
    label: str


@dataclass(frozen=True)
class Row:
    key: str  # a code (INSEE region, status) or a year
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """A chart's figures: rows × series of whole numbers (counts, or euros if `money`)."""

    slug: str
    title: str
    description: str
    category: str  # heading of the first column: « Année », « Type »…
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    money: bool = False
    kind: str = "bars"  # "bars" or "map"
    with_codes: bool = False  # the CSV carries the rows' codes (regions, statuses)
    totals_row: bool = True

    @property
    def is_empty(self) -> bool:
        return not any(value for row in self.rows for value in row.values)

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row.values[i] for row in self.rows) for i in range(len(self.series)))

    @property
    def maximum(self) -> int:
        return max((value for row in self.rows for value in row.values), default=0)

    def value(self, row_key: str, series_key: str) -> int:
        index = [s.key for s in self.series].index(series_key)
        return next(row.values[index] for row in self.rows if row.key == row_key)

    def display(self, value: int) -> str:
        """A value as written in the SVG and the table: French digits, euros if money."""
        return euros(value) if self.money else thousands(value)


def empty_text() -> str:
    return _("Aucune donnée pour l'instant.")


def chart_csv(chart: Chart) -> str:
    """The chart as CSV text: a header, one line per row, plain integers (UTF-8 with a BOM)."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    header = ([_("code")] if chart.with_codes else []) + [chart.category]
    writer.writerow(header + [series.label for series in chart.series])
    for row in chart.rows:
        writer.writerow(
            ([row.key] if chart.with_codes else []) + [row.label] + [int(v) for v in row.values]
        )
    return "\ufeff" + stream.getvalue()


# --- SVG ----------------------------------------------------------------------------------------

WIDTH = 380
LABEL_HEIGHT = 20  # the row's label, above its bars
LABEL_BESIDE = 48  # or left of them, when short (years)
BAR_HEIGHT = 16
BAR_GAP = 3
ROW_GAP = 12
VALUE_ROOM = 118  # the written value after the longest bar (« 12 345 678 € »)
LEGEND_HEIGHT = 26


def _n(value: float) -> str:
    return f"{value:.1f}"


def bar_chart_svg(chart: Chart, *, dom_id: str) -> SafeString:
    """Horizontal bars, one group per row; a legend when there are several series."""
    if chart.is_empty:
        return format_html('<p class="dash-empty">{}</p>', empty_text())
    several = len(chart.series) > 1
    top = LEGEND_HEIGHT if several else 0
    # Short labels (years) sit left of the bars; longer ones above them.
    beside = all(len(row.label) <= 6 for row in chart.rows)
    label_height, left = (0, LABEL_BESIDE) if beside else (LABEL_HEIGHT, 0)
    group = label_height + len(chart.series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + ROW_GAP
    height = top + len(chart.rows) * group
    scale = (WIDTH - VALUE_ROOM - left) / max(chart.maximum, 1)
    parts = [
        format_html(
            '<svg class="dash-bars" role="img" aria-labelledby="{0}-titre {0}-desc" '
            'viewBox="0 0 {1} {2}" width="{1}" height="{2}" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{0}-titre">{3}</title><desc id="{0}-desc">{4}</desc>',
            dom_id,
            WIDTH,
            height,
            chart.title,
            describe(chart),
        )
    ]
    if several:
        x = 0
        for index, series in enumerate(chart.series):
            parts.append(
                format_html(
                    '<rect class="dash-bar--{}" x="{}" y="4" width="14" height="14" rx="2"/>'
                    '<text class="dash-bars__legend" x="{}" y="16">{}</text>',
                    index,
                    x,
                    x + 20,
                    series.label,
                )
            )
            x += 34 + 8 * len(series.label)
    for row_index, row in enumerate(chart.rows):
        y = top + row_index * group
        parts.append(
            format_html(
                '<text class="dash-bars__label" x="0" y="{}">{}</text>', _n(y + 13), row.label
            )
        )
        for index, (series, value) in enumerate(zip(chart.series, row.values, strict=True)):
            bar_y = y + label_height + index * (BAR_HEIGHT + BAR_GAP)
            width = value * scale
            parts.append(
                format_html(
                    '<rect class="dash-bar--{}" x="{}" y="{}" width="{}" height="{}" rx="2" '
                    'data-row="{}" data-series="{}" data-value="{}"><title>{}</title></rect>'
                    '<text class="dash-bars__value" x="{}" y="{}">{}</text>',
                    index,
                    left,
                    _n(bar_y),
                    _n(max(width, 1.5) if value else 0),
                    BAR_HEIGHT,
                    row.key,
                    series.key,
                    value,
                    f"{row.label}, {series.label} : {chart.display(value)}",
                    _n(left + width + 6),
                    _n(bar_y + BAR_HEIGHT - 4),
                    chart.display(value),
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - escaped parts


def describe(chart: Chart) -> str:
    """The `<desc>`: the chart's description, then every figure in words."""
    lines = []
    for row in chart.rows:
        figures = ", ".join(
            f"{series.label} {chart.display(value)}"
            for series, value in zip(chart.series, row.values, strict=True)
        )
        lines.append(f"{row.label} : {figures}")
    return " ".join([chart.description, "; ".join(lines) + "."])
