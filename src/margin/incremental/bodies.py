"""Every note's body as HTML: cached bodies whose inputs still hold, the rest rendered on every
core. The result is the same, byte for byte, whatever the cache held and however many jobs ran
(tests/test_build_speed.py compares whole sites built each way)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from margin.collector import collector_paused
from margin.incremental.bodycache import BodyCache, render_watched
from margin.incremental.bodytext import BodyShelf, StoredHtml
from margin.incremental.entries import (
    Dependencies,
    Entry,
    Signature,
    dump_entry,
    entry_digest,
    load_entry,
)
from margin.incremental.store import Store
from margin.markdown.body import render_body
from margin.markdown.context import BodyContext
from margin.model import KeptBodies, Note, RenderedBody, markup_of
from margin.parallel import fork_imap

Progress = Callable[[int], None]
PARALLEL_FROM = 16  # fewer bodies than this are rendered here: forking would cost more


class BodyRendering:
    """Bodies of NOTES (SiteIndex.notes, in its order) being rendered on every core from the
    moment this is made, while this process goes on with something else (the index): a
    thread of it receives them. `result()` waits for the last. SHELVE (with a cache): each
    body's HTML is left in the cache, read back where a page shows it (incremental/bodytext.py);
    `shelf` reads it, and is closed by the caller once the pages are drawn."""

    def __init__(self, notes: Mapping[str, Note], context: BodyContext,
                 store: Store | None = None, jobs: int = 1,
                 progress: Callable[[int], Progress] | None = None, shelve: bool = False):
        self._notes = notes
        self._found: dict[str, RenderedBody] = {}
        self._looked_at: dict[str, Signature] = {}
        self.digests: dict[str, str] = {}  # note key -> its cache entry's digest (with a cache)
        # note key -> what its body asked of the site (with a cache): the live server checks
        # them again as it stops (serve/handover.py)
        self.needs: dict[str, Dependencies] = {}
        self._failure: BaseException | None = None
        self._cache = BodyCache(store, context) if store is not None and store.enabled else None
        self._context = context
        self.shelf = (BodyShelf(self._cache.packs, notes, context)
                      if shelve and self._cache is not None else None)
        self._work: list[tuple[str, str]] = (  # (note key, cache key): what to render
            [(key, "") for key in notes] if self._cache is None else self._looked_up())
        results = fork_imap(self._render, self._work,
                            jobs if len(self._work) >= PARALLEL_FROM else 1,
                            progress(len(self._work)) if progress else None)
        self._thread = threading.Thread(target=self._gather, args=(results,), daemon=True)
        self._thread.start()

    def result(self, looked_at: dict[str, Signature] | None = None) -> KeptBodies:
        """Every note's body (those found in the cache made when first asked for); LOOKED_AT
        gets the files they looked at."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        if self._cache is not None:
            self._cache.close()
        if self.shelf is not None:
            self.shelf.open()
        if looked_at is not None:
            looked_at.update(self._looked_at)
        return KeptBodies({key: self._found[key] for key in self._notes})

    def busy(self) -> bool:
        """Whether bodies are still being rendered."""
        return self._thread.is_alive()

    def _looked_up(self) -> list[tuple[str, str]]:
        """The bodies the cache holds (kept) and those it lacks: (note key, cache key)."""
        cache, shelf = self._cache, self.shelf
        assert cache is not None
        missing: list[tuple[str, str]] = []
        with collector_paused(keep=True):  # the bodies live to the end of the build
            for key, note in self._notes.items():
                cache_key = cache.key(note)
                kept = (cache.get(cache_key, packed=True) if shelf is None else  # (shelved:
                        cache.get(cache_key, False, partial(StoredHtml, shelf, key, cache_key),
                                  packed=True))  # read later)
                if kept is None:
                    missing.append((key, cache_key))
                else:
                    self.digests[key] = cache.digest(cache_key)
                    self.needs[key] = kept.needs
                    self._found[key] = kept.body
                    self._looked_at.update(cache.looked_at(kept.needs))
        return missing

    def _gather(self, results: Iterator[tuple[int, Any]]) -> None:
        try:
            for number, result in results:  # one at a time: the pickled bodies never all
                self._receive(number, result)  # sit in memory at once
        except BaseException as exc:  # raised again by result(), in the caller's thread
            self._failure = exc

    def _render(self, item: tuple[str, str]) -> Any:
        """In a worker: the body, or (with a cache) its entry, pickled, and its digest."""
        key, _ = item
        if self._cache is None:
            return as_markup(render_body(self._notes[key], self._context))
        entry = render_watched(self._notes[key], self._context)
        payload = dump_entry(Entry(as_markup(entry.body), entry.needs), self._cache)
        return payload, entry_digest(payload)

    def _receive(self, number: int, result: Any) -> None:
        """A rendered body, or (with a cache) its entry, pickled: kept in the cache here."""
        key, cache_key = self._work[number]
        if self._cache is None:
            self._found[key] = result
            return
        payload, digest = result
        entry = load_entry(payload, html=self.shelf is None)
        assert entry is not None  # made by dump_entry a moment ago
        stored = self._cache.put(cache_key, payload, digest)
        if stored:
            self._found[key] = self._kept(key, cache_key, entry.body, digest)
        else:  # not shelved after all: its HTML is wanted here
            self._found[key] = (entry if self.shelf is None else load_entry(payload)).body
        self._looked_at.update(self._cache.looked_at(entry.needs))
        self.digests[key] = digest
        self.needs[key] = entry.needs

    def _kept(self, key: str, cache_key: str, body: RenderedBody, digest: str) -> RenderedBody:
        """BODY as this build keeps it: its HTML stored, when shelving."""
        if self.shelf is None:
            return as_markup(body)
        return replace(body, html=StoredHtml(self.shelf, key, cache_key, digest))


def as_markup(body: RenderedBody) -> RenderedBody:
    """BODY with its HTML as Markup (the same text): templates take it as it is, where a str
    would be copied into a Markup for every note's view (pages/views.py)."""
    html = markup_of(body.html)
    return body if html is body.html else replace(body, html=html)
