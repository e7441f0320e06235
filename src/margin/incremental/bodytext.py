"""Bodies' HTML left in the cache's packs until a page shows it.

At 16,000 notes the bodies' HTML is over 200 MB. Held by the build process, it sat in its
memory from the markdown stage to the end, and in that of every process forked to draw pages;
yet each body is shown on one page or two (its own, a feed). So `margin build` keeps, in place
of a body's HTML, where its cache entry is (StoredHtml: the entry's key and digest), and the
page that shows it reads it back (a read and a decoding, some 10 µs). An entry gone or
changed since (another build tidied the packs) is no wrong page: the body is rendered again,
as it was. Output is the same byte for byte (tests/test_build_speed.py).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

from markupsafe import Markup

from margin.incremental.entries import entry_html
from margin.incremental.packs import Packs
from margin.markdown.body import render_body
from margin.markdown.context import BodyContext
from margin.model import Note, markup_of


class BodyShelf:
    """Where stored bodies are read back from: the packs, or failing those, the notes (with
    the context they were rendered in)."""

    def __init__(self, packs: Packs, notes: Mapping[str, Note], context: BodyContext):
        self.packs = packs
        self.notes = notes
        self.context = context

    def open(self) -> None:
        """List the packs now: processes forked afterwards share the listing."""
        self.packs.open()

    def close(self) -> None:
        """Close what reading opened (a worker's own descriptors go with it)."""
        self.packs.release()

    def html(self, note: str, key: str, digest: str) -> Markup:
        """The HTML of NOTE's body, stored under KEY with DIGEST."""
        payload = self.packs.get(key)
        if payload is not None and self.packs.digest(key) == digest:
            try:
                return markup_of(entry_html(payload))
            except (ValueError, struct.error):  # damaged past its checksum: rendered again
                pass
        return markup_of(render_body(self.notes[note], self.context).html)


class StoredHtml:
    """A body's HTML, stored: what stands for it in RenderedBody.html and NoteView._html.
    Equal to another when it is the same entry; fingerprinted by the entry's digest
    (incremental/pageprint.py), which differs whenever the HTML does."""

    __slots__ = ("digest", "key", "note", "shelf")

    def __init__(self, shelf: BodyShelf, note: str, key: str, digest: str):
        self.shelf, self.note, self.key, self.digest = shelf, note, key, digest

    def load(self) -> Markup:
        return self.shelf.html(self.note, self.key, self.digest)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, StoredHtml) and self.key == other.key
                and self.digest == other.digest)

    def __hash__(self) -> int:
        return hash((self.key, self.digest))

    def __repr__(self) -> str:
        return f"StoredHtml({self.note!r}, {self.digest})"
