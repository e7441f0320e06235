"""Dates as review headers write them, and the neighbouring reviews that settle what a header
leaves open: which of 03/04/25's two readings is meant, the year of '22.02', a date that is
missing or impossible. A stream runs in order, so the reviews around a header are the best witness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"

# Each pattern names its parts; the earliest match in a header wins, ties go to the earlier pattern.
_PATTERNS = (
    re.compile(r"(?<![\d.])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d])"),
    re.compile(r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d)"),
    re.compile(rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}}){_DAY_SUFFIX}\b"
               r"(?:,?\s+(?P<y>\d{4})(?!\d))?", re.I),
    re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}}){_DAY_SUFFIX}\s+(?P<mon>{_MONTH_NAMES})\b\.?"
               r"(?:,?\s+(?P<y>\d{4})(?!\d))?", re.I),
    re.compile(r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?![\d]|[./]\d)"),
)


@dataclass(frozen=True)
class DateReading:
    """What a header's date text says, as far as it says it.

    `exact` when it names one day; `readings` (month-first first) when a slash date reads both
    ways; `day_month` when the year is missing. None of them when the text only looks like a date
    (31.02.25). `start`/`end` locate the text, so a title can leave it out.
    """

    start: int
    end: int
    exact: date | None = None
    readings: tuple[date, ...] = ()
    day_month: tuple[int, int] | None = None


@dataclass(frozen=True)
class Dating:
    """The date a review gets; `problem` and `detail` say why it needed help (for a warning)."""

    date: date
    guessed: bool = False
    problem: str = ""
    detail: str = ""


def find_date(text: str) -> DateReading | None:
    """The first date-like text in TEXT, read as far as it can be; None when there is none."""
    found = [(m.start(), order, m) for order, p in enumerate(_PATTERNS) if (m := p.search(text))]
    if not found:
        return None
    _, order, match = min(found, key=lambda item: item[:2])
    parts = match.groupdict()
    span = {"start": match.start(), "end": match.end()}
    if order == 0:
        return DateReading(**span, exact=_day(parts["y"], parts["m"], parts["d"]))
    if parts.get("mon"):
        month = _MONTHS[parts["mon"][:3].lower()]
        if parts["y"] is None:
            return _yearless(span, int(parts["d"]), month)
        return DateReading(**span, exact=_day(parts["y"], month, parts["d"]))
    if order == 4:
        day_first = (int(parts["a"]), int(parts["b"]))
        plausible = day_first if parts["sep"] == "." else day_first[::-1]
        return _yearless(span, *plausible)
    return _numeric(span, parts["a"], parts["b"], parts["y"], parts["sep"])


def _numeric(span: dict[str, int], a: str, b: str, year: str, sep: str) -> DateReading:
    """12/30/24 is month-first, 15/03/25 day-first, 03/04/25 both; dots and dashes are day-first."""
    month_first, day_first = _day(year, a, b), _day(year, b, a)
    if sep != "/":
        return DateReading(**span, exact=day_first or month_first)
    if month_first and day_first and month_first != day_first:
        return DateReading(**span, readings=(month_first, day_first))
    return DateReading(**span, exact=month_first or day_first)


def _yearless(span: dict[str, int], day: int, month: int) -> DateReading:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return DateReading(**span)
    return DateReading(**span, day_month=(day, month))


def _day(year: str | int, month: str | int, day: str | int) -> date | None:
    number = int(year)
    if number < 100:
        number += 2000
    try:
        return date(number, int(month), int(day))
    except ValueError:
        return None


def settle(readings: list[DateReading | None], default: date) -> list[Dating]:
    """One date per header, in stream order; what a header leaves open its neighbours decide.

    A missing or impossible date takes the date of the review before it (the one after it for
    the first review; DEFAULT when no header in the stream has a date) and is marked guessed.
    """
    known: list[date | None] = [r.exact if r else None for r in readings]
    settled: list[Dating | None] = [Dating(d) if d else None for d in known]
    for index, reading in enumerate(readings):
        if reading and reading.readings:
            settled[index] = _choose(reading, *_neighbours(known, index))
    resolved = [s.date if s else None for s in settled]
    for index, reading in enumerate(readings):
        if reading and reading.day_month:
            settled[index] = _add_year(reading.day_month, *_neighbours(resolved, index), default)
    resolved = [s.date if s else None for s in settled]
    for index, dating in enumerate(settled):
        if dating is None:
            before, after = _neighbours(resolved, index)
            neighbour = before or after or default
            which = "before" if before else "after" if after else ""
            detail = (f"dated {neighbour} like the review {which} it" if which
                      else f"dated {neighbour}, the import's day")
            settled[index] = Dating(neighbour, True, "cannot read the date", detail)
            resolved[index] = neighbour
    return [s for s in settled if s is not None]


def _neighbours(dates: list[date | None], index: int) -> tuple[date | None, date | None]:
    before = next((d for d in reversed(dates[:index]) if d), None)
    after = next((d for d in dates[index + 1:] if d), None)
    return before, after


def _choose(reading: DateReading, before: date | None, after: date | None) -> Dating:
    """The reading that keeps the stream in order; the nearer one if both do (a guess)."""
    def rank(day: date) -> tuple[int, int]:
        late = (before - day).days if before and day < before else 0
        early = (day - after).days if after and day > after else 0
        near = min(abs((day - n).days) for n in (before, after) if n) if before or after else 0
        return late + early, near

    first, second = reading.readings
    if (before or after) and rank(first)[0] != rank(second)[0]:
        return Dating(min(first, second, key=rank))
    chosen = min(first, second, key=rank) if before or after else first
    why = ("both readings fit the reviews around it" if before or after
           else "no other review dates it")
    return Dating(chosen, True, "the date reads two ways",
                  f"read as {chosen} ({why}); check it")


def _add_year(day_month: tuple[int, int], before: date | None, after: date | None,
              default: date) -> Dating:
    """'22.02' -> the year that puts it nearest its neighbours."""
    anchor = before or after or default
    day, month = day_month
    candidates = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
                  if (d := _day(y, month, day))]
    if not candidates:
        return Dating(anchor, True, "cannot read the date",
                      f"dated {anchor} like the review next to it")
    chosen = min(candidates, key=lambda d: abs((d - anchor).days))
    return Dating(chosen, True, "the date has no year", f"read as {chosen}")
