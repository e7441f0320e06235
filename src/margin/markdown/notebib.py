"""Which bibliography a note cites from: its own `bibliography:` files (relative to the note),
then the site's (`[citations]` in site.toml, relative to the site folder)."""

from __future__ import annotations

from pathlib import Path

from margin.index.bibliography import BibEntry, note_files
from margin.markdown.context import BodyContext
from margin.markdown.csl import DEFAULT_STYLE, StyleError, style_path
from margin.model import Note


class NoteBibliography:
    """The entries one note can cite; each lookup is kept with its answer (RenderedBody.cited)
    so that caches render the note again exactly when one of those answers changes."""

    def __init__(self, files: tuple[str, ...], context: BodyContext):
        self.files = files
        self._context = context
        self.cited: dict[str, str | None] = {}  # key -> the entry's digest, None: not found

    def lookup(self, key: str) -> BibEntry | None:
        entry = self._context.library.lookup(
            [self._context.site_dir / f for f in self.files], key)
        self.cited[key] = None if entry is None else entry.digest
        return entry

    @property
    def style(self) -> Path:
        name = self._context.citations.style or DEFAULT_STYLE
        try:
            return style_path(name, self._context.site_dir)
        except StyleError:  # (site.toml's check reported it)
            return style_path(DEFAULT_STYLE, self._context.site_dir)

    def record(self) -> tuple[tuple[tuple[str, ...], str, str | None], ...]:
        return tuple((self.files, key, digest) for key, digest in self.cited.items())


def note_bibliography(note: Note, context: BodyContext) -> NoteBibliography | None:
    """None for a note with no bibliography: its `[@…]` is text, as before citations."""
    files = note_files(note, context.citations.bibliography)
    return NoteBibliography(files, context) if files else None


def still_cited(cited: tuple[tuple[tuple[str, ...], str, str | None], ...],
                context: BodyContext) -> bool:
    """Whether every lookup recorded in CITED would get the same answer now."""
    for files, key, digest in cited:
        entry = context.library.lookup([context.site_dir / f for f in files], key)
        if (None if entry is None else entry.digest) != digest:
            return False
    return True
