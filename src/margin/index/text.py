"""Reading note bodies as text before rendering: code-free lines and the sentence around a spot.

The index needs links, citations and their context without paying for a Markdown render, so it
scans the source text; code blocks and inline code are blanked out first so that nothing inside
them counts.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(\[*_])")
_MARKUP = [
    (re.compile(r"!\[\[[^\]]*\]\]"), ""),  # embeds
    (re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?\|([^\]]*)\]\]"), r"\2"),  # [[target|label]]
    (re.compile(r"\[\[([^\]|#]*)(?:#([^\]|]*))?\]\]"), r"\1"),  # [[target]]
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"<[^>]+>"), ""),  # html tags
    (re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)"), ""),  # block markers
    (re.compile(r"(\*\*|__|~~)"), ""),
]
CONTEXT_LIMIT = 280


def code_free_lines(body: str) -> list[str]:
    """The body's lines with fenced code blocks and inline code spans replaced by blanks."""
    lines = body.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and (fence is None or match.group(1).startswith(fence)):
            fence = match.group(1)[0] * 3 if fence is None else None
            lines[number] = ""
        elif fence is not None or (line.startswith("    ") and _blank_before(lines, number)):
            lines[number] = ""
        elif "`" in line:
            lines[number] = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
    return lines


def _blank_before(lines: list[str], number: int) -> bool:
    """An indented line is code only when it opens after a blank line (not a list continuation)."""
    previous = lines[number - 1] if number else ""
    return not previous.strip() or (previous.startswith("    ") and lines[number - 1] == "")


def sentence_around(lines: list[str], line: int, column: int) -> str:
    """The plain-text sentence holding LINES[line][column], from its paragraph."""
    start = line
    while start > 0 and lines[start - 1].strip() and not _is_block_start(lines[start]):
        start -= 1
    end = line
    while end + 1 < len(lines) and lines[end + 1].strip() and not _is_block_start(lines[end + 1]):
        end += 1
    offset = sum(len(lines[i]) + 1 for i in range(start, line)) + column
    paragraph = "\n".join(lines[start : end + 1])
    sentence_start = 0
    sentence_end = len(paragraph)
    for match in _SENTENCE_END.finditer(paragraph):
        if match.start() < offset:
            sentence_start = match.end()
        else:
            sentence_end = match.start()
            break
    return plain(paragraph[sentence_start:sentence_end])


def _is_block_start(line: str) -> bool:
    return bool(re.match(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)", line))


def plain(markdown: str) -> str:
    """Markdown as reading text, on one line, shortened to a readable context snippet."""
    lines = []
    for line in markdown.split("\n"):
        for pattern, replacement in _MARKUP:
            line = pattern.sub(replacement, line)
        lines.append(line)
    text = " ".join(" ".join(lines).split())
    if len(text) > CONTEXT_LIMIT:
        text = text[:CONTEXT_LIMIT].rsplit(" ", 1)[0] + "…"
    return text
