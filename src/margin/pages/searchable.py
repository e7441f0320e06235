"""What Pagefind reads of a page, digested: the search shard holding a page is indexed again
only when this changes, not whenever the page does (a note's page changes when a related note
is added, its backlinks or neighbours move; none of that is in the index).

A page marked with data-pagefind-body is read inside that element only, less the elements
marked data-pagefind-ignore; its filters, metadata and sort keys may sit anywhere (inside
ignored parts too). The digest takes all of those, and more rather than less when the markup
is odd: an element that never closes runs to the end of the page.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator

SEARCH_MARK = b"data-pagefind-body"  # Pagefind indexes only the pages that carry it

_OPENING = rb"<([a-zA-Z][\w:-]*)\b[^>]*\s%s\b[^>]*>"
_BODY = re.compile(_OPENING % rb"data-pagefind-body")
_IGNORED = re.compile(_OPENING % rb"data-pagefind-ignore")
_FIELDS = re.compile(rb"<[^>]*\sdata-pagefind-(?:filter|meta|sort|weight|index-attrs|default-meta)"
                     rb"\b[^>]*>[^<]{0,200}")
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
# Where the tags above may be: their attributes after a space (looked behind for, so that
# the attribute's text, which the regex engine finds fast, comes first), in one pass.
_ATTRIBUTES = re.compile(rb"data-pagefind-(?<=\sdata-pagefind-)(?:"
                         rb"(filter|meta|sort|weight|index-attrs|default-meta)|(body)|(ignore))\b")
_VOID = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr"}


def searched_digest(data: bytes) -> str:
    """A digest of everything Pagefind can take from the marked page DATA."""
    hasher = hashlib.blake2b(digest_size=16)
    fields: list[int] = []
    bodies: list[int] = []
    ignored: list[int] = []
    for found in _ATTRIBUTES.finditer(data):
        kind = found.lastindex  # the group that matched
        (fields if kind == 1 else bodies if kind == 2 else ignored).append(found.start())
    for part in _HTML_TAG.findall(data[:4096]) + [
            match.group() for match in _marked(_FIELDS, fields, data)]:
        hasher.update(part)
        hasher.update(b"\0")
    for body in _marked(_BODY, bodies, data):
        end = _element_end(data, body, len(data))
        hasher.update(_without_ignored(data, body.start(), end, ignored))
        hasher.update(b"\0")
    return hasher.hexdigest()


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


def _without_ignored(data: bytes, start: int, end: int, ignored: list[int]) -> bytes:
    """DATA[START:END] less its elements marked data-pagefind-ignore, their attributes found
    at IGNORED (as _marked reads them; one inside another's is left out with it, so the
    search goes on from where that ends)."""
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
                kept.append(data[position:tag])
                position = _element_end(data, opening, end)
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
