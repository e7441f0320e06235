"""A stream of paper reviews -> Review values: split, headers read, titles and paper links found.

Pure: text in, values and warnings out, no files. A stream is one review after another (a chat
channel, a newsletter, a long document), each usually opened by a header such as
"⚡️ Mike's Daily Paper - 28.11.24:" and closed by the paper's link. A review starts at a header,
or after a closing paper link when more review text follows it before the next header (a second
review on the same day). Every line of the stream lands in exactly one review, in order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from margin.diagnostics import Diagnostic, warning
from margin.importers.paperlinks import LINK_ONLY, PAPER_HOSTS, papers_in
from margin.importers.review_dates import DateReading, Dating, find_date, settle


@dataclass(frozen=True)
class Review:
    """One review. `header` holds the stream lines that opened it (the header line and the title
    lines that followed it) verbatim; `body` holds every other line, as written."""

    line: int  # the stream line (1-based) on which the review starts
    end_line: int  # its last stream line, trailing blank lines included
    title: str
    date: date
    date_guessed: bool
    papers: tuple[str, ...]
    header: tuple[str, ...]
    body: str
    untitled: bool = False  # no title in the review: `title` is "Paper review, <date>"


# "Mike's Daily Paper", "X’s and Mike's Daily Paper Review", "X & Mike's Daily Article".
_HEADER = re.compile(
    r"^(?P<who>[^\W\d_][^\n]{0,80}?['’]s?)[ \t]+(?:Daily|DAILY)[ \t]+(?P<kind>[A-Z][A-Za-z]+)"
    r"(?:[ \t]+(?:Review|REVIEW))?(?![\w'’])(?P<rest>.*)$"
)
_REST_OPENS = re.compile(r"^(?:(?:for|on|of|from)\s+)?(?:$|[-–—:,(\[#|]|\d|(?:jan|feb|mar|apr|may"
                         r"|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)", re.I)
_MAX_HEADER = 300
_SEPARATORS = "-–—:,|"
_SHORTCODE = re.compile(r"^:[a-z0-9_+-]+:|:[a-z0-9_+-]+:$", re.I)
_LEADING_SHORTCODE = re.compile(r":[a-z0-9_+-]+:", re.I)
_BEFORE_DATE = re.compile(r"#\d+|\b(?:no\.\s*\d+|for|on|of|from)\b|[*_]", re.I)
_DATE_SLOT = re.compile(r"^(?P<slot>[^:]{1,24}):\s+(?=\S)")  # "yesterday: Title", "22.O2.25: Title"
_DATE_LIKE = re.compile(r"^[(\[]?\s*\d{1,4}(?:\s*[./-]\s*\d{1,4}){1,2}\s*[)\]]?")

_MIN_REVIEW_LINES = 3
_MIN_REVIEW_CHARS = 300
_TITLE_SEARCH = 3  # non-blank lines after a header searched for a title
_MAX_TITLE = 200
_SECTION_WORDS = frozenset({
    "intro", "introduction", "overview", "background", "summary", "abstract", "tl;dr", "tldr",
    "conclusion", "motivation", "results", "method", "methods", "methodology",
})


@dataclass(frozen=True)
class _Header:
    rest: str  # what follows "Daily Paper": separators, the date, maybe the title
    decorations: tuple[str, ...]  # emoji (and emoji names) around the header, to drop from titles


@dataclass(frozen=True)
class _Span:
    start: int  # 0-based index of the first line
    end: int  # 0-based index of the last line (inclusive)
    header: _Header | None


def parse_stream(
    text: str, name: str, *, default_date: date
) -> tuple[list[Review], list[Diagnostic]]:
    """Every review in TEXT, in stream order, and the warnings (named NAME:line) met on the way.

    DEFAULT_DATE dates the reviews only when no header in the stream has a readable date.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    spans = _spans(lines)
    readings = [_reading(span) for span in spans]
    header_readings = [r for span, r in zip(spans, readings, strict=True) if span.header]
    header_datings = iter(settle(header_readings, default_date))
    problems: list[Diagnostic] = []
    reviews: list[Review] = []
    previous: Dating | None = None
    datings: list[Dating | None] = [next(header_datings) if s.header else None for s in spans]
    for index, span in enumerate(spans):
        dating = datings[index]
        if dating is None:  # no header: the day of the review before (or after) it
            dating = _borrowed(previous, datings[index + 1:], default_date)
            if index == 0:
                where = ("before the first review header" if any(s.header for s in spans)
                         else "with no review header in the whole stream")
                problems.append(warning(name, span.start + 1, f"text {where}; kept as a review "
                                        f"dated {dating.date}"))
        elif dating.problem:
            header = lines[span.start].strip()
            problems.append(warning(name, span.start + 1,
                                    f"{dating.problem} in header: {header}; {dating.detail}"))
        reviews.append(_review(lines, span, readings[index], dating))
        previous = dating
    return reviews, problems


def _borrowed(previous: Dating | None, later: list[Dating | None], default: date) -> Dating:
    if previous:
        return Dating(previous.date, previous.guessed)
    following = next((d for d in later if d), None)
    return Dating(following.date if following else default, True)


# --- splitting --------------------------------------------------------------------------------

def _spans(lines: list[str]) -> list[_Span]:
    """The stream cut at headers, then at closing paper links that more review text follows."""
    headers = {i: h for i, line in enumerate(lines) if (h := match_header(line))}
    starts = sorted(headers)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)  # text before the first header; dropped below if it is all blank
    spans: list[_Span] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] - 1 if position + 1 < len(starts) else len(lines) - 1
        cuts = [start, *_headerless_starts(lines, start, end)]
        for number, cut in enumerate(cuts):
            last = cuts[number + 1] - 1 if number + 1 < len(cuts) else end
            spans.append(_Span(cut, last, headers.get(cut) if number == 0 else None))
    return [span for span in spans if any(line.strip() for line in lines[span.start:span.end + 1])]


def match_header(line: str) -> _Header | None:
    """The header in LINE ("⚡️ **Mike's Daily Paper – 28.11.24:** Title"), or None."""
    if len(line) > _MAX_HEADER:
        return None
    lead = _lead_length(line)
    match = _HEADER.match(line[lead:])
    if (not match or not _REST_OPENS.match(_strip_decoration(match["rest"]))
            or not _names(match["who"])):
        return None
    decorations = [line[:lead].strip(" \t*_#>")]
    glued = re.match(r"[^\W\d_]+(?= )", line[lead:])
    if lead and not line[lead - 1].isspace() and glued and _is_decoration(line[lead - 1]):
        decorations.append(decorations[0] + glued.group())  # "⚡️Rocket": an emoji's name
    return _Header(match["rest"], tuple(sorted({d for d in decorations if d}, key=len,
                                               reverse=True)))


def _names(who: str) -> bool:
    """'Mike's', 'X’s and Mike's', 'Ada & Ben's': capitalised names, not 'As I wrote in Mike's'."""
    words = [w for w in re.split(r"[\s,]+", who.replace("**", " ")) if w]
    names = [w for w in words if w.lower() not in ("and", "&", "und", "et", "y")]
    return 0 < len(words) <= 8 and all(not w[0].islower() for w in names)


def _headerless_starts(lines: list[str], start: int, end: int) -> list[int]:
    """Where, inside one header's span, a second review starts after a closing paper link."""
    closings = [i for i in range(start + 1, end + 1) if _is_closing_link(lines, i)]
    cuts = []
    for number, closing in enumerate(closings):
        stop = closings[number + 1] if number + 1 < len(closings) else end + 1
        text = [line for line in lines[closing + 1:stop] if line.strip()]
        size = sum(len(t.strip()) for t in text)
        if (len(text) >= _MIN_REVIEW_LINES and size >= _MIN_REVIEW_CHARS
                and not LINK_ONLY.match(text[0].strip())):
            cuts.append(next(i for i in range(closing + 1, stop) if lines[i].strip()))
    return cuts


def _is_closing_link(lines: list[str], index: int) -> bool:
    """A line that is only a paper link, not introduced by the line before ('code here:')."""
    line = lines[index].strip()
    if not LINK_ONLY.match(line) or not PAPER_HOSTS.search(line):
        return False
    before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()), "")
    return not before.endswith(":")


# --- one review -------------------------------------------------------------------------------

def _reading(span: _Span) -> DateReading | None:
    """The header's date, when it stands where a date stands: right after "Daily Paper" and its
    separator (so 'GPT-3.5' in a title is never read as the 3rd of May)."""
    if not span.header:
        return None
    reading = find_date(span.header.rest)
    if reading is None:
        return None
    before = _BEFORE_DATE.sub("", span.header.rest[:reading.start])
    return reading if not _strip_decoration(before).strip(_SEPARATORS + " \t([") else None


def _review(lines: list[str], span: _Span, reading: DateReading | None, dating: Dating) -> Review:
    moved: list[int] = []  # stream lines that open the review: its header, not its body
    title: str | None = ""
    first = span.start  # the body's first line
    if span.header:
        title, run = _header_title(lines, span, reading)
        if title is not None:
            moved = [span.start, *run]
            first = moved[-1] + 1
    if not title:  # the first title-like line after the header; moved only if it comes first
        found, run = _title_after(lines, span.start + 1 if span.header else first, span.end,
                                  span.header)
        title = found
        if run and first == run[0] - _blank_gap(lines, first, run[0]):
            moved += run
            first = run[-1] + 1
    body_lines = _trim_blank(lines[first:span.end + 1])
    header = tuple(lines[i] for i in moved)
    return Review(
        line=next(i for i in range(span.start, span.end + 1) if lines[i].strip()) + 1,
        end_line=span.end + 1,
        title=title or f"Paper review, {dating.date.isoformat()}",
        date=dating.date,
        date_guessed=dating.guessed,
        papers=papers_in([*header, *body_lines]),
        header=header,
        body="\n".join(body_lines),
        untitled=not title,
    )


def _blank_gap(lines: list[str], start: int, stop: int) -> int:
    """How many lines from START to STOP are blank (STOP - START when all are)."""
    return sum(1 for line in lines[start:stop] if not line.strip())


def _header_title(lines: list[str], span: _Span, reading: DateReading | None
                  ) -> tuple[str | None, list[int]]:
    """The title on the header line (or in the bold run the header opens), and the lines that run
    took. None when the header line goes on with the review's first sentence instead."""
    assert span.header is not None
    rest = span.header.rest
    if reading:
        rest = rest[reading.end:].lstrip(" \t)]")
    else:  # an unreadable date still fills the header's date slot: keep it out of the title
        rest = _DATE_LIKE.sub("", _strip_decoration(rest).lstrip(_SEPARATORS + " "))
        slot = _DATE_SLOT.match(rest)
        if slot and (re.search(r"\d", slot["slot"]) or len(slot["slot"].split()) <= 2):
            rest = rest[slot.end():]
    title = clean_title(rest, span.header.decorations)
    if title:
        return (title if _fits_title(title, rest, on_header=True) else None), []
    if lines[span.start].count("**") % 2:  # "**Mike's Daily Paper - 04.12.24:" / "KAN: ...**"
        start = next((i for i in range(span.start + 1, span.end + 1) if lines[i].strip()), None)
        run = _bold_run(lines, start, span.end, already_open=True) if start is not None else []
        if run:
            raw = " ".join(lines[i] for i in run)
            joined = clean_title(raw, span.header.decorations)
            if _fits_title(joined, raw, on_header=True):
                return joined, run
    return "", []


def _title_after(lines: list[str], first: int, end: int, header: _Header | None
                 ) -> tuple[str, list[int]]:
    """The first title-like line among the first few from FIRST, before the prose starts, and
    the lines it spans."""
    decorations = header.decorations if header else ()
    seen = 0
    index = first
    while index <= end and seen < _TITLE_SEARCH:
        if not lines[index].strip():
            index += 1
            continue
        run = [index]
        if _opens_bold(lines[index]):
            run = _bold_run(lines, index, end, already_open=False) or run
        after = run[-1] + 1
        raw = " ".join(lines[i] for i in run)
        title = clean_title(raw, decorations)
        if ((after > end or not lines[after].strip()) and _is_titled(lines[index])
                and _fits_title(title, raw, on_header=False)):
            return title, run
        if len(raw.strip()) > _MAX_TITLE or raw.rstrip().endswith("."):
            break  # the review's prose has begun: a later short line is a section heading
        seen += 1
        index = after
    return "", []


def _is_titled(line: str) -> bool:
    """Not a list item, a quote, math or a link: those never open with the paper's title."""
    text = line.strip().lstrip("*_").strip()
    return not (re.match(r"^(?:[-+•>]\s|\d+[.)]\s|\$\$|<|\[|!\[|```)", text)
                or LINK_ONLY.match(text))


def _bold_run(lines: list[str], start: int, end: int, *, already_open: bool) -> list[int]:
    """The lines from START to the one that closes an open '**' (at most three, no gaps)."""
    count = 1 if already_open else 0
    run: list[int] = []
    for index in range(start, min(end, start + 2) + 1):
        if not lines[index].strip():
            return []
        run.append(index)
        count += lines[index].count("**")
        if count % 2 == 0:
            return run
    return []


def _opens_bold(line: str) -> bool:
    return line.strip().startswith("**") and line.count("**") % 2 == 1


def clean_title(text: str, decorations: tuple[str, ...] = ()) -> str:
    """A title without the emoji, bold markers and separators around it: '⚡️ **KAN:**' -> 'KAN'."""
    previous = None
    text = text.replace("**", "").replace("__", "")
    while text != previous:
        previous = text
        text = text.strip()
        for decoration in decorations:
            text = text.removeprefix(decoration).removesuffix(decoration)
        text = _SHORTCODE.sub("", text)
        text = _strip_decoration(text).strip(_SEPARATORS + " \t")
        text = _strip_decoration(text[::-1])[::-1]
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return " ".join(text.split())


def _fits_title(title: str, raw: str, *, on_header: bool) -> bool:
    """Short, not a section label ('Background:'), not a sentence ('Today we review ...')."""
    if not title or len(title) > _MAX_TITLE or title.lower() in _SECTION_WORDS:
        return False
    if on_header:
        return not (title.count(" ") >= 15 and re.search(r"[.!]\s", title))
    ending = _strip_decoration(raw.replace("**", "").rstrip()[::-1])[:1]
    first = next((c for c in title if c.isalnum()), "")
    return (first.isupper() or first.isdigit()) and ending not in (":", ".", ",", ";", "!")


# --- text helpers -----------------------------------------------------------------------------

def _is_decoration(char: str) -> bool:
    """Emoji, symbols, joiners and markup that dress a header: none of it is words."""
    return unicodedata.category(char) in ("So", "Sk", "Mn", "Me", "Cf", "Co", "Cs") or char in (
        "*_#>~|\u200d\ufe0f")


def _lead_length(text: str) -> int:
    """How many leading characters of TEXT are decoration (emoji, ':rocket:', '**', spaces)."""
    index = 0
    while index < len(text):
        if text[index].isspace() or _is_decoration(text[index]):
            index += 1
        elif shortcode := _LEADING_SHORTCODE.match(text, index):
            index = shortcode.end()
        else:
            break
    return index


def _strip_decoration(text: str) -> str:
    return text[_lead_length(text):]


def _trim_blank(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), -1)
    return lines[start:end + 1]
