"""The last output's records of the pages a build keeps unplanned (those the engine found
nothing changed in), and, in verify mode, the check that each is what drawing it would give.

A live server's round after its first has the last round's records exactly, each file as
it left it: the kept pages' records are then those records less the pages decided again,
seen through without a copy (a save at 16,000 notes copies none of 18,000 records; the
writer copies them once, in C, into the next round's). Elsewhere (a build) each kept page's
record is looked up, its file looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from itertools import filterfalse
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from margin import urls
from margin.model import SiteIndex
from margin.pages.keeping import Decision
from margin.pages.plan import Planner

if TYPE_CHECKING:
    from margin.pages.drawing import PageRecord

_FIRST, _OWNER = itemgetter(0), attrgetter("owner")


class Less(Mapping[str, "PageRecord"]):
    """RECORDS less the paths DROPPED, looked up through, not copied (but by copy())."""

    def __init__(self, records: Mapping[str, PageRecord], dropped: frozenset[str]):
        self._records, self._dropped = records, dropped
        self._count = len(records) - sum(path in records for path in dropped)

    def __getitem__(self, path: str) -> PageRecord:
        if path in self._dropped:
            raise KeyError(path)
        return self._records[path]

    def __contains__(self, path: object) -> bool:
        return path not in self._dropped and path in self._records

    def __iter__(self) -> Iterator[str]:
        return filterfalse(self._dropped.__contains__, self._records)  # (in C)

    def __len__(self) -> int:
        return self._count

    def copy(self) -> dict[str, PageRecord]:
        """A dictionary of these records (copied in C)."""
        found = dict(self._records)
        for path in self._dropped:
            found.pop(path, None)
        return found


KeptRecords = dict[str, "PageRecord"] | Less  # the kept pages' records, by path (copy() for a dict)


@dataclass
class Keeping:
    """What a build keeps of the last output's RECORDS (path -> record), given RECORDED (a
    page's record if its file is intact). TRUSTED: RECORDS are a live server's last round's
    exactly. PRINT: a page's fingerprint (verify mode draws nothing kept unchecked)."""

    index: SiteIndex
    records: Mapping[str, PageRecord]
    recorded: Callable[[str], PageRecord | None] | None
    trusted: bool
    verify: bool
    planner: Planner
    print: Callable[[Any], str | None]

    def pages(self, decision: Decision | None, others: tuple[str, ...]
              ) -> tuple[KeptRecords, set[str], Collection[str]]:
        """The records of the note and generated pages kept, by path; the notes whose pages
        the engine kept but whose files are not intact (to be planned); the generated pages
        kept, by path. OTHERS: the paths of pages never kept this way (sitemap)."""
        if decision is None:
            return {}, set(), ()
        copied = self._copied(decision, others) if self.trusted else None
        if copied is not None and not self.verify:
            return copied, set(), decision.generated
        kept, lost = self._notes(decision.kept_pages())
        listed = self._generated(decision.generated)
        kept.update(listed)
        if copied is not None and (copied != kept or lost):
            raise AssertionError("the kept pages' records, copied, differ from those looked up")
        return kept, lost, listed

    def _copied(self, decision: Decision, others: tuple[str, ...]) -> Less | None:
        """The last round's records less those of the pages not kept; None when the count
        shows they are not the pages kept. (A generated page drawn with no fingerprint is
        never kept: the engine decides it again, engine.py `unprinted`.)"""
        kept = Less(self.records, frozenset((*decision.dropped, *others)))
        return kept if len(kept) == decision.kept_count + len(decision.generated) else None

    def _notes(self, unchanged: Mapping[str, tuple[str, str]]
               ) -> tuple[dict[str, PageRecord], set[str]]:
        """The note pages of UNCHANGED (note key -> path, template) as the last build
        recorded them, by path, and the notes of those whose files are not intact (or were
        recorded for another note)."""
        if self.recorded is None:
            return {}, set(unchanged)
        # (in C: every page recorded, the usual case; else one by one. A kept page's record
        # is its own note's: the engine keeps no page whose note or URL changed, and its state
        # is saved with these records; verify mode checks it)
        keys, paths = tuple(unchanged), tuple(map(_FIRST, unchanged.values()))
        records = tuple(map(self.recorded, paths))
        if all(records):
            if self.verify and tuple(map(_OWNER, records)) != keys:
                raise AssertionError("a page kept by the engine was recorded for another note")
            kept, lost = dict(zip(paths, records, strict=True)), set()
        else:
            kept = {path: record for key, path, record in zip(keys, paths, records, strict=True)
                    if record is not None and record.owner == key}
            lost = {key for key, path in zip(keys, paths, strict=True) if path not in kept}
        for key in unchanged.keys() - lost if self.verify else ():
            page = self.planner.note_page(self.index.notes[key])
            path = unchanged[key][0]
            if self.print(page) != kept[path].fingerprint or urls.output_path(page.url) != path:
                raise AssertionError(f"{path}: kept by its inputs, but it changed")
        return kept, lost

    def _generated(self, unchanged: Mapping[str, object]) -> dict[str, PageRecord]:
        """The generated pages of UNCHANGED (by path) as the last build recorded them, those
        whose files are intact and were fingerprinted."""
        kept: dict[str, PageRecord] = {}
        for path in unchanged:
            record = self.recorded(path) if self.recorded else None
            if record is not None and record.fingerprint is not None:
                kept[path] = record
        if self.verify and kept:
            pages = {urls.output_path(page.url): page
                     for page in self.planner.generated_pages()}
            for path, record in kept.items():
                page = pages.get(path)
                if (page and self.print(page)) != record.fingerprint:
                    raise AssertionError(f"{path}: kept by the engine, but it changed")
        return kept
