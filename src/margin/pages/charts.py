"""Pictures drawn at build time as inline SVG: a calendar heat map of notes, a notes-per-month bar
chart, and the size buckets of a tag cloud.

Pure functions from dates to markup, so they are cheap to test and need no JavaScript. No colour
is written here: shapes carry classes (`heat-0` … `heat-4`, `bar`, `chart-label`) that the
theme's CSS colours, so a picture follows the reader's light or dark scheme.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

HEAT_LEVELS = 4  # shades beyond "no notes"
HEAT_WEEKS = 52
CELL, GAP = 11, 3  # heat map squares and the space between them, in SVG units
MONTHS_SHOWN = 24  # at most, ending at the tag's newest note
MIN_MONTHS = 12  # a year at least, so one tag's rhythm reads against the calendar
BAR, BAR_GAP, BAR_HEIGHT = 14, 5, 56


@dataclass(frozen=True)
class Picture:
    """An inline SVG and the sentence that says what it shows, for readers who cannot see it."""

    svg: Markup
    summary: str


def week_start(day: date) -> date:
    """The Monday of DAY's week."""
    return day - timedelta(days=day.weekday())


def heat_level(count: int, most: int) -> int:
    """0 for no notes; else 1 … HEAT_LEVELS, in proportion to the busiest day."""
    if count <= 0 or most <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / most)))


def heatmap(days: Iterable[date], *, end: date | None = None, weeks: int = HEAT_WEEKS
            ) -> Picture | None:
    """Notes per day as a grid of squares, one column per week (Monday on top), for the WEEKS
    weeks up to END (the newest note's day unless given). None when there is nothing to show."""
    counts = Counter(days)
    if not counts:
        return None
    end = end or max(counts)
    # (no earlier than the calendar's first Monday, 1 January of year 1)
    first = week_start(end) - timedelta(weeks=min(weeks - 1, (end - date.min).days // 7))
    shown = {day: n for day, n in counts.items() if first <= day <= end}
    most = max(shown.values(), default=0)
    left, top = 30, 16
    step = CELL + GAP
    width, height = left + weeks * step + 12, top + 7 * step + 22  # room for the last label
    label = f"Notes per day, {weeks} weeks to {_day(end)}"
    parts = [_svg_open("heatmap-svg", width, height, label)]
    parts += _month_labels(first, weeks, left, top)
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(f'<text class="chart-label" x="0" y="{top + row * step + CELL - 1}">'
                     f"{name}</text>")
    for column in range(weeks):
        for row in range(7):
            if column * 7 + row > (end - first).days:
                break  # (the days after the last may lie past the calendar's end, 9999)
            day = first + timedelta(weeks=column, days=row)
            count = shown.get(day, 0)
            x, y = left + column * step, top + row * step
            cell = (f'<rect class="heat-{heat_level(count, most)}" x="{x}" y="{y}" '
                    f'width="{CELL}" height="{CELL}" rx="2"')
            if count:
                cell += f"><title>{_notes(count)} on {_day(day)}</title></rect>"
            else:
                cell += "/>"
            parts.append(cell)
    parts += _legend(width, top + 7 * step + 8)
    parts.append("</svg>")
    return Picture(Markup("".join(parts)), heatmap_summary(shown, first, end))


def heatmap_summary(counts: dict[date, int], first: date, end: date) -> str:
    """'12 notes in the 52 weeks to 22 February 2025, most in the week of 3 February 2025 (3).'"""
    total = sum(counts.values())
    span = f"in the {(week_start(end) - first).days // 7 + 1} weeks to {_day(end)}"
    if not total:
        return f"No notes {span}."
    weekly = Counter()
    for day, count in counts.items():
        weekly[week_start(day)] += count
    busiest = max(weekly.items(), key=lambda item: (item[1], item[0]))
    return (f"{_notes(total)} {span}; most in the week of {_day(busiest[0])} "
            f"({_notes(busiest[1])}).")


def month_bars(days: Iterable[date], *, months: int = MONTHS_SHOWN, what: str = "Notes"
               ) -> Picture | None:
    """Notes per month as bars, from the first month to the newest (at least MIN_MONTHS, at most
    MONTHS). WHAT names the notes in the labels ('Notes tagged “AI”'). None without dates."""
    counts = Counter((day.year, day.month) for day in days)
    if not counts:
        return None
    last = max(counts)
    span = min(months, max(MIN_MONTHS, _months_between(min(counts), last) + 1))
    shown = [_add_months(last, offset - span + 1) for offset in range(span)]
    most = max(counts.get(month, 0) for month in shown) or 1
    step = BAR + BAR_GAP
    baseline = 14 + BAR_HEIGHT  # room above the tallest bar for its count
    width, height = span * step - BAR_GAP, baseline + 30
    label = f"{what} per month, {_month(shown[0])} to {_month(shown[-1])}"
    parts = [_svg_open("bars-svg", width, height, label),
             f'<line class="chart-axis" x1="0" x2="{width}" y1="{baseline + 0.5}" '
             f'y2="{baseline + 0.5}"/>']
    for index, month in enumerate(shown):
        count = counts.get(month, 0)
        x = index * step
        if count:
            tall = max(2, round(BAR_HEIGHT * count / most))
            parts.append(f'<rect class="bar" x="{x}" y="{baseline - tall}" width="{BAR}" '
                         f'height="{tall}"><title>{_notes(count)} in {_month(month)}</title>'
                         "</rect>")
            parts.append(f'<text class="chart-value" x="{x + BAR / 2}" y="{baseline - tall - 3}" '
                         f'text-anchor="middle">{count}</text>')
        parts.append(f'<text class="chart-label" x="{x + BAR / 2}" y="{baseline + 13}" '
                     f'text-anchor="middle">{calendar.month_abbr[month[1]][0]}</text>')
        if month[1] == 1 or index == 0:
            parts.append(f'<text class="chart-label chart-year" x="{x}" y="{baseline + 27}">'
                         f"{month[0]}</text>")
    parts.append("</svg>")
    in_span = {month: counts.get(month, 0) for month in shown}
    busiest = max(in_span.items(), key=lambda item: (item[1], item[0]))
    summary = (f"{what}: {_notes(sum(in_span.values()))} from {_month(shown[0])} to "
               f"{_month(shown[-1])}, most in {_month(busiest[0])} ({_notes(busiest[1])}).")
    return Picture(Markup("".join(parts)), summary)


def size_buckets(counts: Sequence[int], buckets: int = 5) -> list[int]:
    """A size 1 … BUCKETS for each count, on a log scale between the smallest and largest, so a
    few very common tags do not flatten all the others into the smallest size."""
    if not counts:
        return []
    low, high = math.log(max(1, min(counts))), math.log(max(1, max(counts)))
    if high == low:
        return [1] * len(counts)
    return [1 + round((math.log(max(1, c)) - low) / (high - low) * (buckets - 1)) for c in counts]


def _svg_open(kind: str, width: int, height: int, label: str) -> str:
    """An SVG that scales down with its column (CSS) and is one image to assistive technology."""
    return (f'<svg class="{kind}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>")


def _month_labels(first: date, weeks: int, left: int, top: int) -> list[str]:
    """A month's name above the week column of its first Monday (and above the first column
    when that month still has two weeks or more to go), so labels never crowd each other."""
    labels = []
    for column in range(weeks):
        monday = first + timedelta(weeks=column)
        if monday.day <= 7 or (column == 0 and monday.day <= 14):
            x = left + column * (CELL + GAP)
            labels.append(f'<text class="chart-label" x="{x}" y="{top - 5}">'
                          f"{calendar.month_abbr[monday.month]}</text>")
    return labels


def _legend(width: int, y: int) -> list[str]:
    """'Less ▪▪▪▪▪ More' at the bottom right."""
    step = CELL + GAP
    start = width - (HEAT_LEVELS + 1) * step - 30
    parts = [f'<text class="chart-label" x="{start - 4}" y="{y + CELL - 1}" '
             f'text-anchor="end">Less</text>']
    for level in range(HEAT_LEVELS + 1):
        parts.append(f'<rect class="heat-{level}" x="{start + level * step}" y="{y}" '
                     f'width="{CELL}" height="{CELL}" rx="2"/>')
    parts.append(f'<text class="chart-label" x="{start + (HEAT_LEVELS + 1) * step + 2}" '
                 f'y="{y + CELL - 1}">More</text>')
    return parts


def _months_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    return (b[0] - a[0]) * 12 + b[1] - a[1]


def _add_months(month: tuple[int, int], offset: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + offset
    return index // 12, index % 12 + 1


def _notes(count: int) -> str:
    return f"{count} note{'' if count == 1 else 's'}"


def _day(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _month(month: tuple[int, int]) -> str:
    return f"{calendar.month_name[month[1]]} {month[0]}"
