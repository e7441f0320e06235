"""Which note bodies may mention a name: the bodies to render again when a note is renamed,
retitled, added or deleted, or when an image changes.

A body names another note by its file name, slug, title or alias (wikilinks, relative links,
`post_url`), and an image by its file name. Names match when their slugs match (that is how
links resolve: case, spaces, dashes and accents aside), so a mention, with the whole body
reduced the way slugify() reduces text, contains the name's slug. A body that does not contain
it cannot mention the name, and its rendering cannot change. The test errs on the generous
side: rendering a body too many costs milliseconds, one too few a stale page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from margin.load.dates import split_file_date
from margin.model import Note
from margin.slugs import slugify

# slugify()'s steps for ASCII text, run over a whole body at once.
_SPELLED = str.maketrans({"&": " and ", "@": " at "})
_SEPARATORS = re.compile(r"[\s_\-–—/\\.:;,+=|~]+")
_DROPPED = re.compile(r"[^\w-]")
_DASHES = re.compile(r"-{2,}")


def note_names(note: Note) -> set[str]:
    """The slugs of every name NOTE can be linked by."""
    path = PurePosixPath(note.key)
    stem = path.stem
    _, undated = split_file_date(stem)
    forms = {stem, undated, posixpath.splitext(note.key)[0], note.slug, note.title,
             *note.aliases}
    return {slugify(form, "") for form in forms}


def file_names(name: str) -> set[str]:
    """The slugs of a file's name, as an image or a link would spell it."""
    return {slugify(name, ""), slugify(PurePosixPath(name).stem, "")}


class Mentions:
    """Bodies reduced for the search, kept while their note is unchanged."""

    def __init__(self) -> None:
        self._reduced: dict[str, tuple[str, str]] = {}  # key -> (digest, reduced body)

    def mentioning(self, names: Iterable[str], notes: Mapping[str, Note]) -> set[str]:
        """Keys of the NOTES whose bodies may mention one of NAMES (slugs; '' matches all)."""
        names = set(names)
        if "" in names:
            return set(notes)  # a name with no letters at all: any body may spell it
        found: set[str] = set()
        if not names:
            return found
        for key, note in notes.items():
            text = self._text(key, note)
            if any(name in text for name in names):
                found.add(key)
        for key in [k for k in self._reduced if k not in notes]:
            del self._reduced[key]
        return found

    def _text(self, key: str, note: Note) -> str:
        kept = self._reduced.get(key)
        if kept is not None and kept[0] == note.digest:
            return kept[1]
        text = note.body
        if text.isascii():
            reduced = _SEPARATORS.sub("-", text.lower().translate(_SPELLED))
            reduced = _DASHES.sub("-", _DROPPED.sub("", reduced))
        else:  # slugify() itself (slower) where accents and other scripts can differ
            reduced = "\n".join(slugify(line, "") for line in text.splitlines())
        self._reduced[key] = (note.digest, reduced)
        return reduced
