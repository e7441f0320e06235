"""HTML a notebook saved as output (pandas' tables, mostly) made safe to put in a page.

An allow-list of our own over Python's HTMLParser rather than a library: bleach, the old
choice, is deprecated, and what notebooks show needs a few dozen tags. Kept: text, the tags
and attributes below (links and images only to http(s), mailto, relative URLs or, for images,
data: URLs of raster types). Dropped: every other tag (its text kept), whatever is inside
script, style and their kin, comments, `on*` handlers, `style` and `id` (a table must not
restyle or renumber the page), `border` (pandas sets it: every cell boxed over the theme's
table). Tags are balanced: what is left open is closed at the end and a stray end tag is
dropped, so the output cannot unbalance the page around it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
})
_VOID = frozenset({"br", "col", "hr", "img"})
# Their content is no text for the reader: dropped with them.
_HIDDEN = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript",
                     "textarea", "select", "svg", "math", "head", "title"})
_ATTRIBUTES = frozenset({"class", "title", "colspan", "rowspan", "align", "valign", "alt",
                         "width", "height", "href", "src", "scope", "start", "open"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$",
                          re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def sanitize(markup: str) -> str:
    """MARKUP with only the allowed tags and attributes left, balanced."""
    cleaner = _Cleaner()
    cleaner.feed(markup)
    cleaner.close()
    return cleaner.result()


def safe_url(url: str, image: bool = False) -> bool:
    """A URL that runs nothing when followed: no javascript:, vbscript:, data: (but an
    image's raster data:)."""
    bare = _CONTROL.sub("", html.unescape(url)).lower()
    scheme = _SCHEME.match(bare)
    if scheme is None:
        return True
    if scheme.group(1) in _SAFE_SCHEMES:
        return True
    return image and bool(_RASTER_DATA.match(url.strip()))


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.hidden = 0  # depth inside a dropped container (script, style...)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += tag not in _VOID
            return
        if self.hidden or tag not in _TAGS:
            return
        kept = "".join(_attribute(tag, name, value) for name, value in attrs)
        if tag == "a" and ' href="' in kept:
            kept += ' rel="noopener nofollow"'
        self.out.append(f"<{tag}{kept}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or tag in _HIDDEN:
            self.handle_starttag(tag, attrs)
            if tag in _HIDDEN:
                self.hidden -= 1
        # <div/> and kin are opening tags to a browser: balance them as one
        elif not self.hidden and tag in _TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden or tag not in self.open:
            return
        while self.open:
            opened = self.open.pop()
            self.out.append(f"</{opened}>")
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def _attribute(tag: str, name: str, value: str | None) -> str:
    if name not in _ATTRIBUTES or name.startswith("on"):
        return ""
    value = value or ""
    if name in ("href", "src"):
        if (name == "href") != (tag == "a") or (name == "src") != (tag == "img"):
            return ""
        if not safe_url(value, image=name == "src"):
            return ""
    return f' {name}="{html.escape(value, quote=True)}"'
