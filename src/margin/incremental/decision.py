"""The engine's answer to drawing (pages/keeping.py Decision): which of the last build's
pages nothing they read changed in, to be kept unplanned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    """The note pages and feeds (URLs) nothing they read changed in."""

    last_pages: Mapping[str, tuple[str, str]]  # the last build's: note key -> path, template
    unkept: frozenset[str]  # the notes of LAST_PAGES whose pages are not kept
    feeds: set[str]
    dirty: int  # note pages to decide again (for the report and the tests)
    # The generated pages kept: path -> (template, the notes it shows); with lists_hold,
    # the others are decided again, and no note came, went or moved (URL, place, dates).
    generated: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    lists_hold: bool = False
    notes_to_plan: frozenset[str] = frozenset()  # the notes whose pages are not kept
    # The last output's pages not kept, by path: note pages, generated pages, feeds.
    dropped: tuple[str, ...] = ()
    replan: frozenset[str] | None = None  # with lists_hold: the generated pages not kept
    regrouped: frozenset[str] = frozenset()  # the URLs of lists that may have new pages

    def kept_pages(self) -> dict[str, tuple[str, str]]:
        """The note pages kept: note key -> output path and template (copied in C)."""
        kept = dict(self.last_pages)
        for key in self.unkept:
            del kept[key]
        return kept

    @property
    def kept_count(self) -> int:
        return len(self.last_pages) - len(self.unkept)
