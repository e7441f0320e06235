"""What Pagefind reads of a page, digested: the search shard holding a page is indexed again
only when this changes, not whenever the page does (a note's page changes when a related note
is added, its backlinks or neighbours move; none of that is in the index).

A page marked with data-pagefind-body is read inside that element only, less the elements
marked data-pagefind-ignore; its filters, metadata and sort keys may sit anywhere (inside
ignored parts too), and so may the first <h1> and <img> it takes a default title and image
from. searched_page() cuts a page to all of those (Pagefind is given that, not the page) and
the digest is of what it gives, which is more rather than less when the markup is odd: an
element that never closes runs to the end of the page.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Iterator

SEARCH_MARK = b"data-pagefind-body"  # Pagefind indexes only the pages that carry it
DIGEST_KIND = "cut:"  # searched_digest's: of the cut page (before, of its parts)

_OPENING = rb"<([a-zA-Z][\w:-]*)\b[^>]*\s%s\b[^>]*>"
_BODY = re.compile(_OPENING % rb"data-pagefind-body")
_IGNORED = re.compile(_OPENING % rb"data-pagefind-ignore")
_FIELD = re.compile(_OPENING % rb"data-pagefind-(?:filter|meta|sort|weight|index-attrs|"
                   rb"default-meta)")
_TITLE_OR_IMAGE = re.compile(rb"<(h1|img)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
# Where the tags above may be: their attributes after a space (looked behind for, so that
# the attribute's text, which the regex engine finds fast, comes first), in one pass.
_ATTRIBUTES = re.compile(rb"data-pagefind-(?<=\sdata-pagefind-)(?:"
                         rb"(filter|meta|sort|weight|index-attrs|default-meta)|(body)|(ignore))\b")
_VOID = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr"}


def searched_digest(data: bytes) -> str:
    """A digest of everything Pagefind can take from the marked page DATA, named by how it
    was taken (DIGEST_KIND): one taken otherwise, by an older margin, is taken again."""
    return cut_digest(searched_page(data))


def cut_digest(cut: bytes) -> str:
    """searched_digest() of a page whose searched_page() is CUT."""
    return DIGEST_KIND + hashlib.blake2b(cut, digest_size=16).hexdigest()


def searched_page(data: bytes) -> bytes:
    """The marked page DATA cut to what Pagefind reads of it, a page it indexes as it does
    DATA (in a fifth less time, most of a page being navigation and ignored parts): the
    <html> tag, each element marked data-pagefind-body less its ignored elements (those
    holding a field stay whole), and outside those every field element and every <h1> and
    <img>, in page order (tests/test_search_slim.py checks the bundles are the same). DATA
    itself when nothing is marked as the body, or a field element holds one."""
    fields: list[int] = []
    bodies: list[int] = []
    ignored: list[int] = []
    for found in _ATTRIBUTES.finditer(data):
        kind = found.lastindex  # the group that matched
        (fields if kind == 1 else bodies if kind == 2 else ignored).append(found.start())
    spans: list[tuple[int, int]] = []  # the body elements, none inside another
    for body in _marked(_BODY, bodies, data):
        if not spans or body.start() >= spans[-1][1]:
            spans.append((body.start(), _element_end(data, body, len(data))))
    if not spans:
        return data
    parts = [(start, _without_ignored(data, start, end, ignored, fields))
             for start, end in spans]
    outside = _read_outside(data, fields, spans)
    if outside is None:
        return data
    parts += outside
    html = _HTML_TAG.search(data, 0, 4096)
    return b"\n".join([html.group() if html else b"<html>",
                        *(part for _, part in sorted(parts, key=lambda part: part[0]))])


def _read_outside(data: bytes, fields: list[int], spans: list[tuple[int, int]]
                  ) -> list[tuple[int, bytes]] | None:
    """What Pagefind reads of DATA outside the body SPANS: the field elements (attributes at
    FIELDS) and the <h1> and <img> elements (a page's default title and image are its first),
    whole, each with where it starts; None when one holds a body."""
    found: list[tuple[int, bytes]] = []
    reach = 0  # the end of the last element taken: those inside it come with it
    openings = sorted([*_marked(_FIELD, fields, data), *_TITLE_OR_IMAGE.finditer(data)],
                      key=lambda opening: opening.start())
    for opening in openings:
        start = opening.start()
        if start < reach:
            continue
        within = bisect.bisect_right(spans, (start, len(data) + 1)) - 1
        if within >= 0 and start < spans[within][1]:
            continue
        reach = _element_end(data, opening, len(data))
        following = bisect.bisect_left(spans, (start, 0))
        if following < len(spans) and spans[following][0] < reach:
            return None
        found.append((start, data[start:reach]))
    return found


def _marked(opening: re.Pattern[bytes], attributes: list[int], data: bytes
            ) -> Iterator[re.Match[bytes]]:
    """OPENING.finditer(DATA), for a pattern that matches one tag (from its `<` to its `>`,
    none between) holding its attribute after a space, found at ATTRIBUTES: only the `<`s
    shortly before each are tried. The pattern tried at every `<` of a page, scanning each
    tag to its end and back, took most of a page's digest. The leftmost match comes first
    either way, and a `<` that does not match never will, so none is tried twice."""
    find, rfind, position, tried = data.find, data.rfind, 0, 0
    for at in attributes:
        if at - 1 <= position:
            continue  # inside the last match, or with no room for its `<` after it
        # A match holding the attribute here starts at a `<` after the last `>` before it,
        # with at least the space before the attribute between them.
        tag = find(b"<", max(position, tried, rfind(b">", position, at) + 1), at - 1)
        while tag != -1:
            match = opening.match(data, tag)
            if match is not None:
                yield match
                position = match.end()
                break
            tag = find(b"<", tag + 1, at - 1)
        tried = at - 1


def _without_ignored(data: bytes, start: int, end: int, ignored: list[int], fields: list[int]
                     ) -> bytes:
    """DATA[START:END] less its elements marked data-pagefind-ignore, their attributes found
    at IGNORED (as _marked reads them; one inside another's is left out with it, so the
    search goes on from where that ends), but for those holding a field (attribute at FIELDS):
    Pagefind reads those, unless ignored "all", which their opening tag says."""
    kept, position, tried = [], start, start
    find, rfind = data.find, data.rfind
    for at in ignored:
        if at - 1 <= position:
            continue
        if at >= end:
            break
        tag = find(b"<", max(position, tried, rfind(b">", position, at) + 1), at - 1)
        tried = at - 1
        while tag != -1:
            opening = _IGNORED.match(data, tag, end)
            if opening is not None:
                closed = _element_end(data, opening, end)
                at_field = bisect.bisect_left(fields, tag)
                if at_field == len(fields) or fields[at_field] >= closed:
                    kept.append(data[position:tag])
                    position = closed
                break
            tag = find(b"<", tag + 1, at - 1)
    kept.append(data[position:end])
    return b"".join(kept)


def _element_end(data: bytes, opening: re.Match[bytes], end: int) -> int:
    """Where the element OPENING starts closes (after its end tag), looking no further than
    END (and END if it does not close before)."""
    name = opening.group(1).lower()
    if name in _VOID or opening.group(0).endswith(b"/>"):
        return opening.end()
    tags, closing = _end_tags(name)
    if closing:  # the usual case: the end tag, just so, before any other tag
        close = data.find(b"<", opening.end(), end)
        if close != -1 and data.startswith(closing, close, end):
            return close + len(closing)
    depth = 1
    for tag in tags.finditer(data, opening.end(), end):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return end


@functools.lru_cache(maxsize=256)
def _end_tags(name: bytes) -> tuple[re.Pattern[bytes], bytes]:
    """The opening and end tags of the element NAME, and its end tag as written plainly (b''
    when a name ending in `-` or `:` makes that no end tag: `\\b` then wants a letter next)."""
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", re.IGNORECASE)
    closing = b"</%s>" % name if name[-1:].isalnum() or name.endswith(b"_") else b""
    return tags, closing
