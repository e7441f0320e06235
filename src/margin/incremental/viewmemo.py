"""Note views kept between the live server's renders, and which note pages a change can reach.

Two jobs, both for `margin serve` only:

- the same view inputs give back the same NoteView object, so everything built from views can
  be compared by identity;
- before the note pages are planned, it works out which of them may have changed: those whose
  note, index entries (backlinks, related notes, papers...) or own view changed, and those that
  show a view whose change their template can see. Every other note page is carried over by the
  page cache as it was, without being planned, which keeps a save at 4,000 notes from costing
  4,000 page plans. Anything site-wide (an ordering, the series, the papers) changing
  makes every note page a candidate again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from margin.model import SiteIndex

# SiteIndex fields no note page reads (pages/graph.py's note_extras and the note view): a
# change there alone leaves note pages as they were. Fields not listed count as read.
NOTE_PAGES_IGNORE = frozenset({"tags", "archive", "by_url", "link_targets", "links",
                               "by_tool_url"})
# SiteIndex fields the generated pages (home, tags, lists, archive, papers, series) may read,
# besides the note views they show; note_papers and related reach them through the views.
GENERATED_READ = ("by_url", "chronological", "undated", "tags", "archive", "sections", "papers",
                  "note_papers", "series")


class ViewMemo:
    """Views by key, kept while their inputs are the same; which pages show which views."""

    def __init__(self) -> None:
        self._views: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._key_of: dict[int, str] = {}  # id(view) -> key, for the views kept
        self._replaced: dict[str, Any] = {}  # key -> its previous view, this render
        self._shows: dict[str, tuple[str, tuple[str, ...]]] = {}  # page -> (template, keys)
        self._shown_by: dict[str, set[str]] = {}  # view key -> note pages showing it
        self._index: SiteIndex | None = None
        self._new_index: SiteIndex | None = None
        self._differs: Callable[[Any, Any, str], bool] | None = None
        self.carry: Callable[..., bool] = lambda *args: False
        self.carry_generated: Callable[..., bool] = lambda *args: False
        self._candidates: set[str] | None = None  # None: every note page
        self._decided = False
        self._derived: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._derived_now: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        # The generated pages of the last full plan: (url, template, sources); None when that
        # plan had a collision (its error must be found again) or none was made.
        self.generated: list[tuple[str, str, tuple[str, ...]]] | None = None

    def begin(self, index: SiteIndex, differs: Callable[[Any, Any, str], bool],
              carry: Callable[..., bool], carry_generated: Callable[..., bool]) -> None:
        """A render starts. DIFFERS(old, new, template) says whether TEMPLATE can tell two
        views of one note apart; CARRY and CARRY_GENERATED are the page cache's."""
        self._index, self._new_index = self._new_index, index
        self._differs, self.carry, self.carry_generated = differs, carry, carry_generated
        self._replaced = {}
        self._decided = False
        if self._derived_now:  # what the last render used; the rest is forgotten
            self._derived, self._derived_now = self._derived_now, {}

    def view(self, key: str, inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        kept = self._views.get(key)
        if kept is not None and kept[0] == inputs:  # the same objects, mostly: cheap
            return kept[1]
        view = make()
        if kept is not None:
            self._replaced[key] = kept[1]
            self._key_of.pop(id(kept[1]), None)
        self._views[key] = (inputs, view)
        self._key_of[id(view)] = key
        return view

    def derived(self, inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A value worked out from INPUTS (all it depends on), kept for the next render."""
        kept = self._derived.get(inputs[:2])
        if kept is not None and kept[0] == inputs:
            self._derived_now[inputs[:2]] = kept
            return kept[1]
        value = make()
        self._derived_now[inputs[:2]] = (inputs, value)
        return value

    def unchanged(self, key: str, template: str) -> bool:
        """Whether note page KEY comes out as last time (every view made beforehand)."""
        if not self._decided:
            self._candidates = self._decide()
            self._decided = True
        shows = self._shows.get(key)
        return (self._candidates is not None and key not in self._candidates
                and shows is not None and shows[0] == template)

    def generated_unchanged(self) -> bool:
        """Whether every generated page comes out as last time, as far as the index and the
        note views go (the page cache still checks templates and `site`): a save that changed
        a note's body, not what lists show of it, costs no list page."""
        old, new = self._index, self._new_index
        if old is None or new is None or self._differs is None or not self.generated:
            return False
        if any(getattr(old, name) != getattr(new, name) for name in GENERATED_READ):
            return False
        templates = {template for _, template, _ in self.generated}
        return not any(self._differs(before, self._views[key][1], template)
                       for key, before in self._replaced.items() for template in templates)

    def shown(self, key: str, template: str, views: tuple[Any, ...]) -> None:
        """Note page KEY (drawn with TEMPLATE) shows these views."""
        keys = tuple(self._key_of[id(v)] for v in views if id(v) in self._key_of)
        old = self._shows.get(key)
        if old is not None and old[1] == keys:
            self._shows[key] = (template, keys)
            return
        for shown in old[1] if old else ():
            self._shown_by.get(shown, set()).discard(key)
        for shown in keys:
            self._shown_by.setdefault(shown, set()).add(key)
        self._shows[key] = (template, keys)

    def forget_missing(self, keys: Mapping[str, Any]) -> None:
        """Forget the notes no longer on the site: their views, and their pages as showers of
        the views they showed (a renamed note's old page must not be asked about again)."""
        for key in [k for k in self._views if k not in keys]:
            self._key_of.pop(id(self._views.pop(key)[1]), None)
        for key in [k for k in self._shows if k not in keys]:
            for shown in self._shows.pop(key)[1]:
                self._shown_by.get(shown, set()).discard(key)

    def _decide(self) -> set[str] | None:
        """The note pages that may have changed; None when any may have."""
        old, new = self._index, self._new_index
        if old is None or new is None or self._differs is None:
            return None
        candidates = _changed_entries(old, new)
        if candidates is None:
            return None
        for key, before in self._replaced.items():
            candidates.add(key)
            after = self._views[key][1]
            for page in self._shown_by.get(key, ()):
                if page not in candidates and self._differs(before, after, self._shows[page][0]):
                    candidates.add(page)
        return candidates


def _changed_entries(old: SiteIndex, new: SiteIndex) -> set[str] | None:
    """Note keys whose entries differ between two indexes; None if a site-wide field (one a
    note page may read) differs."""
    notes = new.notes.keys()
    if old.notes.keys() != notes:
        return None
    changed: set[str] = set()
    for field in fields(SiteIndex):
        if field.name in NOTE_PAGES_IGNORE:
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before is after:
            continue
        if isinstance(after, Mapping) and isinstance(before, Mapping) and after.keys() <= notes \
                and before.keys() <= notes:
            changed.update(k for k in before.keys() | after.keys()
                           if before.get(k) is not after.get(k) and before.get(k) != after.get(k))
        elif before != after:
            return None
    return changed
