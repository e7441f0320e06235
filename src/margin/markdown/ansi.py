"""Terminal colour codes in a notebook's printed output: made classes the theme colours, or
dropped (a traceback's). Only SGR colours and bold are kept; any other escape goes.
"""

from __future__ import annotations

import html
import re

# CSI sequences (`ESC [ params final`), OSC ones (`ESC ] ... BEL`, the end optional so that a
# stray one costs one pass), and two-character escapes: each match is bounded, so linear.
_ESCAPE = re.compile(r"\x1b(?:\[([0-?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)")
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def strip_ansi(text: str) -> str:
    return _ESCAPE.sub("", text) if "\x1b" in text else text


def ansi_html(text: str) -> str:
    """TEXT escaped for HTML, its colour codes as `<span class="ansi-red ansi-bold">`."""
    if "\x1b" not in text:
        return html.escape(text, quote=False)
    out: list[str] = []
    style: _Style = (None, None, False)
    position = 0
    for match in _ESCAPE.finditer(text):
        out.append(_span(html.escape(text[position:match.start()], quote=False), style))
        position = match.end()
        if match.group(2) == "m":
            style = _apply(style, match.group(1))
    out.append(_span(html.escape(text[position:], quote=False), style))
    return "".join(out)


_Style = tuple[str | None, str | None, bool]  # foreground class, background class, bold


def _span(text: str, style: _Style) -> str:
    classes = " ".join(c for c in (style[0], style[1], "ansi-bold" if style[2] else None) if c)
    return f'<span class="{classes}">{text}</span>' if text and classes else text


def _apply(style: _Style, parameters: str) -> _Style:
    """The style after one SGR sequence: colours 30-37 and 90-97 (bright), backgrounds
    40-47, bold 1; 0 (or nothing) resets, 39, 49 and 22 end one of them."""
    fg, bg, bold = style
    for part in (parameters or "0").split(";"):
        code = int(part) if part.isdigit() else -1
        if code == 0:
            fg, bg, bold = None, None, False
        elif code in (1, 22):
            bold = code == 1
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = "ansi-" + _COLOURS[code % 10] + ("-bright" if code >= 90 else "")
        elif code == 39:
            fg = None
        elif 40 <= code <= 47:
            bg = "ansi-bg-" + _COLOURS[code % 10]
        elif code == 49:
            bg = None
    return fg, bg, bold
