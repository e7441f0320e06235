"""One rendered body's entry in the build cache, as bytes: what the body asked of the site (its
Dependencies) and the body but for its HTML (the head), then the HTML: a lookup decodes the
head alone, and may leave the body packed until a page asks for it (PackedBody)."""

from __future__ import annotations

import hashlib
import marshal
import pickle
import struct
import zlib
from dataclasses import dataclass, fields, replace
from typing import Any, Protocol

from margin.model import RenderedBody, markup_of, read_html

# A dumped entry's length but for its body's HTML, and that part's CRC-32: a lookup reads and
# checks it alone (the pack's checksum covers the whole entry, HTML included)
_HEAD = struct.Struct("<II")
HEAD_GUESS = 8192  # bytes read for a head at first: most are 3-10 KB
# The first byte of a head kept as plain values (marshal: read back faster than a pickle); one
# holding what marshal cannot write (a diagnostic, a Markup) is a pickle, never starting so.
_PLAIN = b"M"

Signature = tuple[int, int, int] | None  # (file type, size, mtime in ns); None: nothing there


@dataclass(frozen=True)
class Dependencies:
    """What one body asked of the site while rendering, with the answers."""

    urls: tuple[tuple[str, str | None], ...] = ()  # note key -> its permalink (None: no note)
    # It went through every permalink (Liquid's post_url) or read the link-name table as a
    # whole: True when rendered, stored as the digest of the whole table at that time.
    every_url: bool | str = False
    # (wikilink name, the folder it was written in) -> keys it resolved to
    names: tuple[tuple[tuple[str, str | None], tuple[str, ...]], ...] = ()
    every_name: bool | str = False
    files: tuple[tuple[str, Signature], ...] = ()
    notes: tuple[tuple[str, str | None], ...] = ()  # notes embedded: key -> embed_print()
    # files looked for by name: (collection root, name) -> the files of that name found
    by_name: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = ()
    # bibliography files cited from, as they were: for the build's stamp only, as the body
    # depends on the entries it cited (RenderedBody.cited), not on the rest of the file
    bibliographies: tuple[tuple[str, Signature], ...] = ()


@dataclass(frozen=True)
class Entry:
    """What the cache keeps for one body."""

    body: RenderedBody
    needs: Dependencies


class Settles(Protocol):
    """What dump_entry asks of the cache (BodyCache.settled)."""

    def settled(self, needs: Dependencies) -> Dependencies: ...


def dump_entry(entry: Entry, cache: Settles | None = None) -> bytes:
    """An entry as bytes; `every_url`/`every_name` flags become the digests they were taken at.
    The body's HTML, most of the bytes, follows the rest (pickled, its length first), so that
    a build that only looks it up does not read it: load_entry(html=False)."""
    needs = entry.needs if cache is None else cache.settled(entry.needs)
    head = _dumped_head(entry.body, needs)
    html = read_html(entry.body.html).encode("utf-8", "surrogatepass")
    return _HEAD.pack(len(head), zlib.crc32(head)) + head + html


def _dumped_head(body: RenderedBody, needs: Dependencies) -> bytes:
    """All of an entry but its HTML: as plain values when marshal can write them all (what a
    lookup checks, then the body's fields, packed apart: PackedBody); else pickled."""
    try:
        return _PLAIN + marshal.dumps(
            (tuple(getattr(needs, name) for name in _NEEDS_FIELDS), body.cited,
             marshal.dumps(tuple(getattr(body, name) for name in _BODY_FIELDS))))
    except ValueError:  # an object marshal cannot write (or a str or tuple subclass), as a
        # diagnostic or an asset: so a body with either is never packed
        return pickle.dumps(Entry(replace(body, html=""), needs),
                            protocol=pickle.HIGHEST_PROTOCOL)


def entry_digest(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


@dataclass(frozen=True)
class PackedBody:
    """A cached body not made yet (model.KeptBodies makes it when first asked for): its
    HTML (or stand-in), the bibliography entries it cited, and its other fields, marshalled."""

    html: Any
    cited: tuple[tuple[tuple[str, ...], str, str | None], ...]
    fields: bytes

    def body(self) -> RenderedBody:
        return RenderedBody(self.html, *marshal.loads(self.fields))


def load_entry(payload: bytes | memoryview, html: bool = True, standin: Any = "",
               packed: bool = False) -> Entry | None:
    """The entry dumped as PAYLOAD (None: it is not one); without HTML, that is STANDIN.
    PACKED: its body a PackedBody, when its head is plain values (Entry.body is then one)."""
    try:
        length, crc = _HEAD.unpack_from(payload)
        end = _HEAD.size + length
        head = payload[_HEAD.size:end]
        if len(payload) < end or zlib.crc32(head) != crc:
            return None
        text = markup_of(entry_html(payload, end)) if html else standin
        if head[:1] == _PLAIN:
            needs, cited, fields = marshal.loads(head[1:])
            body = PackedBody(text, cited, fields)
            return Entry(body if packed else body.body(),  # type: ignore[arg-type]
                         Dependencies(*needs))
        entry = pickle.loads(head)
        if not isinstance(entry, Entry):
            return None
        return Entry(replace(entry.body, html=text), entry.needs)
    except Exception:  # an entry from another margin, or damaged past its checksum
        return None


def head_size(start: bytes) -> int:
    """How many bytes of an entry hold its head, from the START of it (0: not an entry)."""
    return _HEAD.size + _HEAD.unpack_from(start)[0] if len(start) >= _HEAD.size else 0


def entry_html(payload: bytes | memoryview, end: int | None = None) -> str:
    """The HTML of the entry PAYLOAD (its head ENDing there, if known), the rest unread."""
    if end is None:
        end = _HEAD.size + _HEAD.unpack_from(payload)[0]
    if len(payload) < end:
        raise ValueError("an entry shorter than its head")
    return bytes(payload[end:]).decode("utf-8", "surrogatepass")


_BODY_FIELDS = tuple(each.name for each in fields(RenderedBody))[1:]  # all but the HTML,
_NEEDS_FIELDS = tuple(each.name for each in fields(Dependencies))  # (which comes first)
