"""Reading note bodies as text before rendering: code-free lines and the sentence around a spot.

The index needs links, citations and their context without paying for a Markdown render, so it
scans the source text; code blocks and inline code are blanked out first so that nothing inside
them counts.
"""

from __future__ import annotations

import re

# A fence (group 1) or an indented line, after its line break: the only lines that can start or
# end a code block. (Matched from "\n" rather than a multiline "^", which is several times slower.)
_BLOCK_LINE = re.compile(r"\n(?: {0,3}(`{3,}|~{3,})|    )")
# `(`+)(.+?)\1` with its first backtick spelled out: the same matches, found far faster.
_INLINE_CODE = re.compile(r"`(`*)(.+?)`\1")
# The space between two sentences (group 1): after . ! or ?, before what can start a sentence.
# Spelled with the stop first, not as a look-behind, so the regex engine can skip ahead to stops.
_SENTENCE_END = re.compile(r"[.!?](\s+)(?=[A-Z0-9\"“(\[*_])")
# Markup to drop (in the order _plain_line applies them):
_EMBED = re.compile(r"!\[\[[^\]]*\]\]")
_LABELLED_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?\|([^\]]*)\]\]")  # keeps the label
_PLAIN_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#([^\]|]*))?\]\]")  # keeps the target
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # keeps the text
_HTML_TAG = re.compile(r"<[^>]+>")
_BLOCK_MARKER = re.compile(r"\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")  # at a line's start
_EMPHASIS = re.compile(r"(\*\*|__|~~)")
_BLOCK_START = re.compile(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")
CONTEXT_LIMIT = 280


def code_free_lines(body: str) -> list[str]:
    """The body's lines with fenced code blocks and inline code spans replaced by blanks.

    Only fence lines and indented lines can change what is code, so the loop visits those and
    blanks whole runs of fenced lines at once; inline code is blanked in one pass over the body
    (a span never crosses a line end, so this equals blanking it line by line).
    """
    text = _INLINE_CODE.sub(_spaces, body) if "`" in body else body
    lines = text.split("\n")
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


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


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


def sentence_around(lines: list[str], line: int, column: int) -> str:
    """The plain-text sentence holding LINES[line][column], from its paragraph."""
    block_start = _BLOCK_START.match
    start = line
    while start > 0 and lines[start - 1].strip() and not block_start(lines[start]):
        start -= 1
    end = line
    while end + 1 < len(lines) and lines[end + 1].strip() and not block_start(lines[end + 1]):
        end += 1
    if start == end:  # a paragraph of one line, as most are
        offset, paragraph = column, lines[line]
    else:
        offset = sum(len(lines[i]) + 1 for i in range(start, line)) + column
        paragraph = "\n".join(lines[start : end + 1])
    sentence_start = 0
    sentence_end = len(paragraph)
    for match in _SENTENCE_END.finditer(paragraph):
        if match.start(1) < offset:
            sentence_start = match.end()
        else:
            sentence_end = match.start(1)
            break
    return plain(paragraph[sentence_start:sentence_end])


def plain(markdown: str) -> str:
    """Markdown as reading text, on one line, shortened to a readable context snippet."""
    if "\n" in markdown:
        text = " ".join(" ".join(map(_plain_line, markdown.split("\n"))).split())
    else:
        text = " ".join(_plain_line(markdown).split())
    if len(text) > CONTEXT_LIMIT:
        text = text[:CONTEXT_LIMIT].rsplit(" ", 1)[0] + "…"
    return text


def _plain_line(line: str) -> str:
    """One line without its markup. Each pattern is tried only when the line holds a text the
    pattern cannot match without (most lines hold little markup)."""
    if "[[" in line:
        if "![[" in line:
            line = _EMBED.sub("", line)
        if "[[" in line:
            line = _LABELLED_WIKILINK.sub(_second_group, line)
        if "[[" in line:
            line = _PLAIN_WIKILINK.sub(_first_group, line)
    if "![" in line:
        line = _IMAGE.sub("", line)
    if "](" in line:
        line = _LINK.sub(_first_group, line)
    if "<" in line:
        line = _HTML_TAG.sub("", line)
    marker = _BLOCK_MARKER.match(line)
    if marker:
        line = line[marker.end() :]
    if "**" in line or "__" in line or "~~" in line:
        line = _EMPHASIS.sub("", line)
    return line


# Replacements as functions: the same text as the templates r"\1" and r"\2" (the groups always
# take part in a match), without re's template expansion in Python for every match.
def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def _second_group(match: re.Match[str]) -> str:
    return match.group(2)
