"""The search index while serving: Pagefind, run in the background once the saves pause.

`margin build` runs Pagefind over the finished site (write/search.py). Doing that on every save
would compete with the next rebuild, so the preview runs it after the initial build and then
again once no save has come for a little while, re-indexing only the shards whose pages changed
(about a second at any size). The search
page may lag a save by those seconds; every other page never does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from margin.diagnostics import Diagnostic, warning
from margin.pages.drawing import PageRecord
from margin.write.search import index_folder, shard_keys
from margin.write.searched import SearchedStore
from margin.write.update import read_by_pagefind

PAUSE_SECONDS = 2.0  # no save for this long: index again
MAX_RETRY_SECONDS = 60.0  # the longest wait before trying a failed index again


class SearchRefresher:
    """Runs INDEX(output) on its own thread after the saves pause; REPORT gets its problems."""

    def __init__(self, output: Path, report: Callable[[list[Diagnostic]], None],
                 index: Callable[[Path], list[Diagnostic]] | None = None,
                 pause: float = PAUSE_SECONDS, cuts: SearchedStore | None = None):
        self.output, self.report, self.pause = output, report, pause
        self._retry = pause
        self.index = index or self._index_changed_shards
        self._shards: dict[str, str] = {}  # the search shards in place -> their keys
        self.cuts = cuts  # what Pagefind reads of pages, kept by the server's rounds
        # The output's pages as the server's last round recorded them (a round's records are
        # never changed once made): what Pagefind reads of each is digested there already, so
        # a run need not read every page again (seconds at thousands of notes). None: unknown.
        self._pages: Mapping[str, PageRecord] | None = None
        self._known = False  # whether _shards says what is in place (seeded, or indexed)
        self._due: float | None = None
        self._stopped = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="margin-search", daemon=True)
        self.runs = 0

    def start(self, now: bool = True) -> None:
        """Index NOW (after an initial build that left no index), then whenever asked."""
        self._due = time.monotonic() if now else None
        self._thread.start()

    def seed(self, pages: Mapping[str, PageRecord] | None = None) -> None:
        """The output's search index was made from its pages as they are (by `margin build`,
        whose records of them are PAGES): the next run re-indexes only the shards whose pages
        change from now on."""
        self._pages = pages
        self._shards, self._known = shard_keys(self.output, self._searched()), True

    def changed(self, pages: Mapping[str, PageRecord] | None = None) -> None:
        """The site changed (its pages now those PAGES record): index again once the saves
        pause."""
        with self._wake:
            self._pages = pages
            self._due = time.monotonic() + self.pause
            self._wake.notify_all()

    def stop(self, timeout: float | None = 1) -> None:
        """Stop, waiting up to TIMEOUT seconds (None: until done) for a run under way."""
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)

    def present(self) -> dict[str, str] | None:
        """The search shards in place, name -> what each was made from; None when unknown
        (no index made yet, or a run that failed). Once stopped."""
        return dict(self._shards) if self._known else None

    def _index_changed_shards(self, output: Path) -> list[Diagnostic]:
        self._known = False  # (while the output's bundle is being replaced)
        self._shards, problems = index_folder(output, self._shards, pages=self._searched(),
                                              store=self.cuts)
        self._known = True
        return problems

    def _searched(self) -> dict[str, str] | None:
        pages = self._pages
        return None if pages is None else read_by_pagefind(pages)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and (self._due is None or time.monotonic() < self._due):
                    wait = None if self._due is None else self._due - time.monotonic()
                    self._wake.wait(wait)
                if self._stopped:
                    return
                self._due = None
            self.report(self._index_once())
            self.runs += 1

    def _index_once(self) -> list[Diagnostic]:
        """Index now; on any failure (a page deleted while it was read, a full disk, a bug),
        say so and try again later, waiting longer each time it fails again."""
        try:
            problems = self.index(self.output)
        except Exception as exc:
            with self._wake:
                if self._due is None:
                    self._due = time.monotonic() + self._retry
            self._retry = min(self._retry * 2, MAX_RETRY_SECONDS)
            return [warning("", None, f"search: the index was not refreshed "
                            f"({type(exc).__name__}: {exc}); trying again")]
        self._retry = self.pause
        return problems
