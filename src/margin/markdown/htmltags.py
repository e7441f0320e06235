"""Find and rewrite `<img>` tags inside raw HTML that notes carry (figure blocks, icons).

Only the tags themselves are parsed and rewritten, attribute by attribute; everything around
them is passed through byte for byte. Comments and `<pre>`/`<code>`/`<script>`/`<style>`
content are skipped: an `<img>` written there is text, not an image.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

Attributes = list[tuple[str, str | None]]

_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_SKIPPED = re.compile(r"<!--.*?(?:-->|$)|<(pre|code|script|style|textarea)\b.*?(?:</\1\s*>|$)",
                      re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def parse_attributes(tag: str) -> Attributes:
    """`<img src="a.png" alt='x &amp; y' hidden>` -> [('src','a.png'), ('alt','x & y'), ...]."""
    inner = tag[4:].rstrip(">").rstrip("/") if tag[:4].lower() == "<img" else tag
    found: Attributes = []
    for match in _ATTRIBUTE.finditer(inner):
        name = match.group(1).lower()
        raw = next((v for v in match.group(2, 3, 4) if v is not None), None)
        found.append((name, html.unescape(raw) if raw is not None else None))
    return found


def serialize(attributes: Attributes, self_closing: bool) -> str:
    parts = ["<img"]
    for name, value in attributes:
        parts.append(f" {name}" if value is None else f' {name}="{html.escape(value)}"')
    return "".join(parts) + (" />" if self_closing else ">")


def rewrite_images(text: str, fix: Callable[[Attributes, int], Attributes]) -> str:
    """TEXT with every live `<img>` replaced by FIX(attributes, line offset in TEXT)."""
    if "<img" not in text.lower():
        return text
    skipped = [m.span() for m in _SKIPPED.finditer(text)]
    out, last = [], 0
    for match in _IMG.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in skipped):
            continue
        tag = match.group(0)
        new = serialize(fix(parse_attributes(tag), text.count("\n", 0, start)),
                        tag.rstrip(">").rstrip().endswith("/"))
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out)


def get(attributes: Attributes, name: str) -> str | None:
    return next((value for key, value in attributes if key == name), None)


def put(attributes: Attributes, name: str, value: str | None) -> Attributes:
    """ATTRIBUTES with NAME set to VALUE (in place of the old one, else at the end)."""
    if any(key == name for key, _ in attributes):
        return [(key, value if key == name else old) for key, old in attributes]
    return [*attributes, (name, value)]
