"""What one round of the live server hands the next, in memory: the note views it made and
the digests the page printer took of its values.

A note's view is a pure function of the note, its body and the views of its tags
(pages/views.py note_view). While those are the very objects of the last round (the tags:
equal ones, made the last round's objects again here), the last round's view is this
round's, and the printer, which digests a frozen value once per object, finds its digest
made: a page listing every note (the archive, the home page, the tag index) is fingerprinted
from a few new views rather than thousands. Nothing here is saved; a build starts empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from margin.model import Note, RenderedBody
from margin.pages.views import NoteView, SiteView, TagView, note_view

# A digest memo of the page printer (incremental/pageprint.py): id -> (object, digest), by
# the field names its printer reads.
Prints = dict[frozenset[str] | None, dict[int, tuple[Any, bytes]]]


class Carried:
    def __init__(self) -> None:
        # note key -> (note, body, its tag views, the view made of them)
        self._views: dict[str, tuple[Note, RenderedBody | None, tuple[TagView, ...],
                                     NoteView]] = {}
        self._tags: dict[str, TagView] = {}
        self.prints: Prints = {}  # the last round's digests, for the next

    def site(self, site: SiteView) -> SiteView:
        """SITE, its tag views the last round's objects where they are equal (so the views
        of the notes holding them hold too)."""
        tags = tuple(self._tag(tag) for tag in site.tags)
        self._tags = {tag.slug: tag for tag in tags}
        return dataclasses.replace(site, tags=tags)

    def _tag(self, tag: TagView) -> TagView:
        last = self._tags.get(tag.slug)
        return last if last == tag else tag

    def note_view(self, note: Note, body: RenderedBody | None, tags: dict[str, TagView]
                  ) -> NoteView:
        """note_view(NOTE, BODY, TAGS), the last round's object while its inputs are."""
        shown = tuple(tags[t.slug] for t in note.tags if t.slug in tags)
        last = self._views.get(note.key)
        if last is not None and last[0] is note and last[1] is body and last[2] == shown:
            return last[3]
        view = note_view(note, body, tags)
        self._views[note.key] = (note, body, shown, view)
        return view

    def forget_others(self, keys: Mapping[str, Any]) -> None:
        """Drop the views of notes no longer in KEYS (deleted, renamed)."""
        if len(self._views) > len(keys):
            for key in self._views.keys() - keys.keys():
                del self._views[key]
