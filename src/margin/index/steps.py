"""The per-note steps of indexing, each done from scratch: what `margin build` does, and what
the live server's memo (memo.py) does less of."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from margin.diagnostics import Diagnostic
from margin.index.claims import Claims, claim
from margin.index.links import LinkTargets, backlinks, note_links
from margin.index.papers import citations
from margin.index.related import related_notes
from margin.model import Citation, Link, Note


class IndexSteps:
    """The per-note steps of index_notes(), each done from scratch."""

    def claims(self, notes: list[Note]) -> Claims:
        """Each note at its URL (claims.py), the notes by key in key order."""
        found = claim(notes)
        return replace(found, by_key=dict(sorted(found.by_key.items())))

    def targets(self, notes: list[Note]) -> LinkTargets:
        return LinkTargets(notes)

    def begin(self, targets: LinkTargets) -> None:
        """A new index run starts, with this link-name table."""

    def links(self, note: Note, targets: LinkTargets) -> tuple[list[Link], list[Diagnostic]]:
        return note_links(note, targets)

    def citations(self, note: Note) -> list[Citation]:
        return citations(note)

    def all_links(self, ordered: tuple[str, ...], notes: dict[str, Note], targets: LinkTargets
                  ) -> tuple[dict[str, tuple[Link, ...]], list[Diagnostic]]:
        """Every note's links (by key, in ORDERED order) and the problems found in them."""
        outbound: dict[str, tuple[Link, ...]] = {}
        diagnostics: list[Diagnostic] = []
        for key in ordered:
            found, problems = self.links(notes[key], targets)
            outbound[key] = tuple(found)
            diagnostics += problems
        return outbound, diagnostics

    def all_citations(self, ordered: tuple[str, ...], notes: dict[str, Note]
                      ) -> dict[str, list[Citation]]:
        """Every note's citations, by key in ORDERED order."""
        return {key: self.citations(notes[key]) for key in ordered}

    def backlinks(self, outbound: dict[str, tuple[Link, ...]]) -> dict[str, tuple[Link, ...]]:
        # by source key: already in the order backlinks() sorts to, which makes its sort quick
        return backlinks([link for key in sorted(outbound) for link in outbound[key]])

    def related(self, notes: dict[str, Note], note_papers: dict[str, tuple[str, ...]]
                ) -> Mapping[str, tuple[str, ...]]:
        return MappingProxyType(related_notes(notes, note_papers))

    def grouped(self, group: Callable[[tuple[str, ...], dict[str, Note]], Any],
                keys: tuple[str, ...], notes: dict[str, Note], read: Callable[[Note], Any]
                ) -> Any:
        """GROUP(KEYS, NOTES): the notes grouped (by tag, month, section, series), reading
        READ(note) of each note of KEYS, in that order."""
        return group(keys, notes)


DIRECT = IndexSteps()
