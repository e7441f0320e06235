"""Reading note bodies as text before rendering: code-free lines and the passage around a spot.

The index needs links, citations and their context without paying for a Markdown render, so it
scans the source text; code blocks and inline code are blanked out first so that nothing inside
them counts.
"""

from __future__ import annotations

import re

# A fence (group 1) or an indented line, after its line break: the only lines that can start or
# end a code block. (Matched from "\n" rather than a multiline "^", which is several times slower.)
_BLOCK_LINE = re.compile(r"\n(?: {0,3}(`{3,}|~{3,})|    )")
_BACKTICKS = re.compile(r"`+")
# What starts a block, at a line's start: a heading, or at any indent (nested lists) a list
# item or a quote; and that marker with the space after it, which a passage leaves out.
_BLOCK_START = re.compile(r" {0,3}#{1,6}\s|[ \t]*(?:[-*+]\s|\d{1,9}[.)]\s|>)")
_BLOCK_MARKER = re.compile(r" {0,3}#{1,6}[ \t]+|[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")
MARK = "\ue000"  # where, in a passage, the link or citation it was taken for stands
PASSAGE_LIMIT = 1200  # characters of a paragraph kept around a link: a context is shorter


def code_free_lines(body: str) -> list[str]:
    """The body's lines with fenced code blocks and inline code spans replaced by blanks.

    Only fence lines and indented lines can change what is code, so the loop visits those and
    blanks whole runs of fenced lines at once; inline code is blanked in one pass over the body
    (a span never crosses a line end, so this equals blanking it line by line).
    """
    lines = body.split("\n")
    if "`" in body:
        lines = [_without_code_spans(line) if "`" in line else line for line in lines]
    fence: str | None = None
    number, counted, last = 0, 0, -1  # line of the match; where counted up to; previous match
    broken = "\n" + body  # so that the first line, too, follows a line break
    for match in _BLOCK_LINE.finditer(broken):
        number += broken.count("\n", counted, match.start())
        counted = match.start()
        if fence is not None:
            lines[last + 1 : number] = [""] * (number - last - 1)
        opener = match.group(1)
        if opener and (fence is None or opener.startswith(fence)):
            fence = opener[0] * 3 if fence is None else None
            lines[number] = ""
        elif fence is not None or (opener is None and _blank_before(lines, number)):
            lines[number] = ""
        last = number
    if fence is not None:
        lines[last + 1 :] = [""] * (len(lines) - last - 1)
    return lines


def _without_code_spans(line: str) -> str:
    """LINE with its inline code spans blanked, as CommonMark reads them: a run of backticks
    opens a span that the next run of as many closes. Linear: each run learns where the next
    run of its length is from one pass backwards; a line of single backticks (the usual case)
    pairs them in order."""
    if "``" not in line:
        parts = line.split("`")
        kept = [parts[0]]
        for index in range(1, len(parts)):
            if index % 2 == 0:
                kept.append(parts[index])  # after a span's closing backtick
            elif index + 1 < len(parts):
                kept.append(" " * (len(parts[index]) + 2))
            else:
                kept.append("`" + parts[index])  # a backtick that nothing closes
        return "".join(kept)
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(line)]
    closing: list[int | None] = [None] * len(runs)
    seen: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        start, end = runs[index]
        closing[index] = seen.get(end - start)
        seen[end - start] = index
    pieces, kept_to, index = [], 0, 0
    while index < len(runs):
        close = closing[index]
        if close is None:
            index += 1
            continue
        start, end = runs[index][0], runs[close][1]
        pieces += [line[kept_to:start], " " * (end - start)]
        kept_to, index = end, close + 1
    return "".join(pieces) + line[kept_to:] if pieces else line


def _blank_before(lines: list[str], number: int) -> bool:
    """An indented line is code only when it opens after a blank line (not a list continuation);
    LINES up to NUMBER are already code-free, so a line of code before counts as blank."""
    return not lines[number - 1].strip() if number else True


def hint_positions(body: str, hints: tuple[str, ...]) -> list[int]:
    """Where in BODY any of HINTS starts, in order: found with str.find, which is much faster
    than a regex or a loop over the lines when, as usual, few lines hold one."""
    found = []
    for hint in hints:
        at = body.find(hint)
        while at >= 0:
            found.append(at)
            at = body.find(hint, at + 1)
    return sorted(found)


def line_numbers(text: str, positions: list[int]) -> list[int]:
    """The numbers of the lines of TEXT holding POSITIONS (ascending), once each."""
    numbers: list[int] = []
    number, counted = 0, 0
    for at in positions:
        number += text.count("\n", counted, at)
        counted = at
        if not numbers or numbers[-1] != number:
            numbers.append(number)
    return numbers


def passage_around(source: list[str], lines: list[str], line: int, column: int) -> str:
    """The paragraph holding SOURCE[line][column], as written (less list, quote and heading
    markers), with MARK at that spot; no more than PASSAGE_LIMIT characters around it. LINES
    are SOURCE's code-free lines, which tell where the paragraph starts and ends."""
    block_start = _BLOCK_START.match
    start = line
    while start > 0 and lines[start - 1].strip() and not block_start(lines[start]):
        start -= 1
    end = line
    while end + 1 < len(lines) and lines[end + 1].strip() and not block_start(lines[end + 1]):
        end += 1
    parts, offset = [], 0
    for number in range(start, end + 1):
        text = source[number]
        marker = _BLOCK_MARKER.match(text)
        cut = marker.end() if marker else 0
        if number == line:
            cut = min(cut, column)
            offset += column - cut
        elif number < line:
            offset += len(text) - cut + 1
        parts.append(text[cut:])
    paragraph = "\n".join(parts)
    low = max(0, offset - PASSAGE_LIMIT // 2)
    high = min(len(paragraph), offset + PASSAGE_LIMIT // 2)
    if low:
        low = paragraph.find(" ", low, offset) + 1 or offset
    if high < len(paragraph):
        space = paragraph.rfind(" ", offset, high)
        high = space if space > offset else high
    return paragraph[low:offset] + MARK + paragraph[offset:high]


class Passage:
    """passage_around() the spot (LINE, COLUMN: in the code-free lines) of a note's BODY,
    worked out each time it is read rather than kept: a backlink's passage is only read when
    the linking note's rendered body holds no sentence for the link (pages/graph.py), yet
    kept as text, the passages of 4,000 notes' links weighed 40 MB through every build. It
    holds the note's body itself, which the note keeps anyway. Equal to another passage, or
    to a text, with the same text."""

    __slots__ = ("body", "column", "line")

    def __init__(self, body: str, line: int, column: int):
        self.body, self.line, self.column = body, line, column

    def __str__(self) -> str:
        return passage_around(self.body.split("\n"), code_free_lines(self.body), self.line,
                              self.column)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Passage):
            if (self.body is other.body and self.line == other.line
                    and self.column == other.column):
                return True
            return str(self) == str(other)
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type, tuple[str, int, int]]:
        return Passage, (self.body, self.line, self.column)
