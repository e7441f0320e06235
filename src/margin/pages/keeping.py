"""What drawing asks of the incremental engine (incremental/engine.py), which knows what
each page read at the last build: the pages to keep without planning them, and, in a live
server, the views the last round made. Drawing works without one: every page is planned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from margin.model import Note, RenderedBody, SiteIndex
from margin.pages.feeds import FeedPlan
from margin.pages.graph import Graph
from margin.pages.views import NoteView, SiteView, TagView


class Decision(Protocol):
    feeds: set[str]  # the URLs of the feeds nothing they read changed in
    dirty: int  # note pages not vouched for
    # The generated pages nothing they read changed in: path -> (template, notes shown).
    generated: dict[str, tuple[str, tuple[str, ...]]]
    lists_hold: bool  # no note came, went or moved (its URL, place among others, dates)
    notes_to_plan: frozenset[str]  # the notes whose pages are not kept
    dropped: tuple[str, ...]  # the last output's pages not kept (note, generated, feeds)
    replan: frozenset[str] | None  # with lists_hold: the generated pages not kept
    regrouped: frozenset[str]  # the URLs of the lists that may have new pages (tags)

    def kept_pages(self) -> dict[str, tuple[str, str]]:
        """note key -> (output path, template): the note pages nothing they read changed in."""
        ...

    @property
    def kept_count(self) -> int: ...


class Carried(Protocol):
    """What a live server's round hands the next (incremental/carried.py): the site's tag
    views and its note views, the last round's objects while their inputs are, and the page
    printer's digests of them."""

    prints: dict[Any, Any]

    def site(self, site: SiteView) -> SiteView: ...

    def note_view(self, note: Note, body: RenderedBody | None, tags: dict[str, TagView]
                  ) -> NoteView: ...

    def forget_others(self, keys: Mapping[str, Any]) -> None: ...


class PageEngine(Protocol):
    """What the last build left of what each note page and feed read (incremental/engine.py):
    the pages that read nothing changed are kept without being planned."""

    def decide(self, index: SiteIndex, site: SiteView, printer: Any, graph: Graph,
               feeds: list[FeedPlan]) -> Decision | None:
        """The pages and feeds to keep (PRINTER: the page printer, drawing.py's); None: none."""
        ...

    def carried(self) -> Carried:
        """The views and digests the last round in this process made (a live server's)."""
        ...

    def unprinted(self, paths: Iterable[str]) -> None:
        """The generated pages drawn after after() with no fingerprint (decided again)."""
        ...

    def after(self, planned: Mapping[str, tuple[str, str]], feeds: list[FeedPlan],
              generated: Mapping[str, tuple[str, tuple[str, ...]]]) -> object:
        """The state for the next build, given the note pages decided again (note key ->
        output path and template) and every generated page (path -> template and the keys of
        the notes it shows)."""
        ...
