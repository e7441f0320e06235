"""What Pagefind reads of a page, digested: the search shard holding a page is indexed again
only when this changes, not whenever the page does (a note's page changes when a related note
is added, its backlinks or neighbours move; none of that is in the index).

A page marked with data-pagefind-body is read inside that element only, less the elements
marked data-pagefind-ignore; its filters, metadata and sort keys may sit anywhere (inside
ignored parts too). The digest takes all of those, and more rather than less when the markup
is odd: an element that never closes runs to the end of the page.
"""

from __future__ import annotations

import hashlib
import re

SEARCH_MARK = b"data-pagefind-body"  # Pagefind indexes only the pages that carry it

_OPENING = rb"<([a-zA-Z][\w:-]*)\b[^>]*\s%s\b[^>]*>"
_BODY = re.compile(_OPENING % rb"data-pagefind-body")
_IGNORED = re.compile(_OPENING % rb"data-pagefind-ignore")
_FIELDS = re.compile(rb"<[^>]*\sdata-pagefind-(?:filter|meta|sort|weight|index-attrs|default-meta)"
                     rb"\b[^>]*>[^<]{0,200}")
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_VOID = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr"}


def searched_digest(data: bytes) -> str:
    """A digest of everything Pagefind can take from the marked page DATA."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in _HTML_TAG.findall(data[:4096]) + _FIELDS.findall(data):
        hasher.update(part)
        hasher.update(b"\0")
    for body in _BODY.finditer(data):
        end = _element_end(data, body)
        hasher.update(_without_ignored(data[body.start():end]))
        hasher.update(b"\0")
    return hasher.hexdigest()


def _without_ignored(region: bytes) -> bytes:
    kept, position = [], 0
    for ignored in _IGNORED.finditer(region):
        if ignored.start() < position:
            continue  # inside an element already left out
        kept.append(region[position:ignored.start()])
        position = _element_end(region, ignored)
    kept.append(region[position:])
    return b"".join(kept)


def _element_end(data: bytes, opening: re.Match[bytes]) -> int:
    """Where the element OPENING starts closes (after its end tag); the end of DATA if never."""
    name = opening.group(1).lower()
    if name in _VOID or opening.group(0).endswith(b"/>"):
        return opening.end()
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(data, opening.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(data)
