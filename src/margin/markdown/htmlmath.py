"""Math inside raw HTML blocks (`<div>`, `<blockquote>`...), typeset as in the text around them.

Markdown leaves an HTML block as it is, but the MathJax pages our users come from typeset
`$x$` anywhere on the page. The text between tags (never inside `<pre>`, `<code>`,
`<script>`, `<style>`, `<textarea>` or `<math>`) is searched for `$$...$$`, `$...$` (with the
currency rules of mathrules.py), `\\(...\\)` and `\\[...\\]`, one linear pass.
"""

from __future__ import annotations

import html
import re

from margin.markdown.math import MathSettings, render_all

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]{0,2000}>")  # bounded: linear
_VERBATIM = frozenset({"pre", "code", "script", "style", "textarea", "math"})
_PAIRS = {"$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def may_hold_math(content: str) -> bool:
    return "$" in content or "\\(" in content or "\\[" in content


def typeset_html(content: str, settings: MathSettings) -> tuple[str, list[tuple[int, str]]]:
    """CONTENT with its math typeset, and (offset, reason) of each expression refused."""
    pieces: list[str] = []
    found: list[tuple[int, int, str, bool]] = []  # (start, end, tex, display)
    verbatim = 0
    position = 0
    for tag in _TAG.finditer(content):
        if not verbatim:
            found.extend(_math_in(content, position, tag.start()))
        name = (tag.group(2) or "").lower()
        if name in _VERBATIM:
            verbatim = max(0, verbatim + (-1 if tag.group(1) else 1))
        position = tag.end()
    if not verbatim:
        found.extend(_math_in(content, position, len(content)))
    if not found:
        return content, []
    results = render_all([(html.unescape(tex), display) for _, _, tex, display in found],
                         settings)
    problems = []
    position = 0
    for (start, end, _, _), result in zip(found, results, strict=True):
        pieces.append(content[position:start])
        pieces.append(result.html)
        if result.error:
            problems.append((start, result.error))
        position = end
    pieces.append(content[position:])
    return "".join(pieces), problems


def _math_in(content: str, start: int, end: int) -> list[tuple[int, int, str, bool]]:
    found = []
    position = start
    while position < end:
        dollar = content.find("$", position, end)
        backslash = content.find("\\", position, end)
        candidates = [p for p in (dollar, backslash) if p >= 0]
        if not candidates:
            break
        at = min(candidates)
        math = _math_at(content, at, end)
        if math is None:
            position = at + (2 if content.startswith("\\", at) else 1)
            continue
        found.append(math)
        position = math[1]
    return found


def _math_at(content: str, at: int, end: int) -> tuple[int, int, str, bool] | None:
    opener = content[at:at + 2]
    if opener in _PAIRS:
        close = content.find(_PAIRS[opener], at + 2, end)
        if close < 0 or not content[at + 2:close].strip():
            return None
        return at, close + 2, content[at + 2:close], opener != "\\("
    if content[at] != "$" or at + 1 >= end or content[at + 1].isspace():
        return None
    if at > 0 and content[at - 1].isascii() and content[at - 1].isalnum():
        return None
    close = content.find("$", at + 1, end)
    if close < 0 or content[close - 1].isspace() or \
            (close + 1 < end and content[close + 1].isdigit()):
        return None
    return at, close + 1, content[at + 1:close], False
