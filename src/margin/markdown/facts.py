"""What a rendered body tells the pages about itself, worked out once when it is rendered: its
words, its headings for a table of contents, the first image a link preview can show."""

from __future__ import annotations

import html
import re
from typing import Any

_IMG = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# `<(pre|code)\b.*?</\1>`, written to be passed over fast (as linkcheck.py's).
_CODE = re.compile(r"<(?=[pc])(pre|code)\b[^<]*(?:<(?!/\1>)[^<]*)*</\1>", re.IGNORECASE)
_CODE_START = re.compile(r"<(?:pre|code)\b", re.IGNORECASE)
_PREVIEWABLE = re.compile(r"^(?:https?://|/)", re.IGNORECASE)


def first_image(body_html: str, prefix: str) -> str:
    """The first image of a rendered body that link previews can show, as a site URL without
    the base_url PREFIX (a full URL for a remote image); '' when there is none. SVG files
    (icons, mostly) and data: URIs are skipped: preview cards do not show them."""
    first = _IMG.search(body_html)
    if first is None:
        return ""  # most notes: no image at all, and no need to blank out their code
    if not _CODE_START.search(body_html, 0, first.end()):
        # No code before it: the first image is the first with the code blanked out too.
        found = _previewable(first, prefix)
        if found is not None:
            return found
    for match in _IMG.finditer(_CODE.sub("", body_html)):
        found = _previewable(match, prefix)
        if found is not None:
            return found
    return ""


def _previewable(image: re.Match[str], prefix: str) -> str | None:
    """The IMAGE's src as first_image gives it; None when previews cannot show it."""
    src = html.unescape(image.group(1) if image.group(1) is not None else image.group(2))
    src = src.strip()
    path = src.split("?", 1)[0].split("#", 1)[0]
    if not _PREVIEWABLE.match(src) or src.startswith("//") or path.lower().endswith(".svg"):
        return None
    if prefix and (src == prefix or src.startswith(prefix + "/")):
        src = src[len(prefix):] or "/"
    return src


# For word_count: ASCII whitespace as str.split() sees it (0) and everything else (1).
_WORD_BYTES = bytes(0 if chr(code).isspace() else 1 for code in range(256))


def word_count(text: str) -> int:
    """len(text.split()), without making a string of every word: an ASCII text (the usual
    case) is read as one big number, a byte per character, 1 where it is no space; the words
    are the 1s with a 0 (or nothing) before them."""
    if not text.isascii():
        return len(text.split())
    marks = int.from_bytes(text.encode("ascii").translate(_WORD_BYTES), "little")
    return (marks & ~(marks << 8)).bit_count()


def contents(toc: tuple[tuple[int, str, str], ...]) -> tuple[dict[str, Any], ...]:
    """A body's headings for templates: each one's level, id, text and depth, the place of its
    level among the levels the note's headings use (so h1 then h3 indents one step)."""
    depths = {level: depth for depth, level in enumerate(sorted({entry[0] for entry in toc}))}
    return tuple({"level": level, "id": id_, "text": text, "depth": depths[level]}
                 for level, id_, text in toc)
