"""A note page's inputs as one digest, cheap enough to make for every note page of a site, so a
build can keep the page the last build drew from the same inputs without fingerprinting it
(incremental/pageprint.py): at 4,000 notes, fingerprinting every note page was a third of what a
rebuild after one edit cost.

A note page is drawn (pages/plan.py note_page, pages/graph.py note_extras, pages/seo.py
article) from the template files, margin's code and the configuration (the base fingerprint),
its template and URL, what its templates read of the site view, its note's view, and the
index entries its extras come from (backlinks and their sentences, related notes, papers,
neighbours, series) with the view of every note those show. A note's view is made from its
note, its body and its tags as the site counts them; the note is made from its file (the note
memo's key: path and bytes, whose digest the note keeps), the body is its cache entry (whose
digest the cache keeps). So the digest here is of those, and of the tags as far as the
template reads them (a note that shares a tag with a note added shows the same tag, unless
the count is shown). It is coarser than a fingerprint (any change to a note shown counts,
seen or not), and a page whose digest differs is fingerprinted as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from margin.incremental.pageprint import PagePrinter
from margin.model import Note, SiteIndex
from margin.pages.graph import Graph
from margin.pages.views import SiteView

# The keys of a note page's context whose values hold note views (and so tags).
VIEW_KEYS = frozenset({"note", "page", "backlinks", "related", "papers", "previous", "next",
                       "series"})


class NotePageInputs:
    """Digests of note pages' inputs (and of feeds', made from the same notes and bodies) for
    one build; None where one cannot be had (a body without a digest, a template whose facts
    cannot be read): such pages are fingerprinted, such feeds made."""

    def __init__(self, base: str, index: SiteIndex, graph: Graph, site: SiteView,
                 printer: PagePrinter, bodies: Mapping[str, str]):
        self.base, self.index, self.graph, self.site = base, index, graph, site
        self.printer = printer
        self.bodies = bodies  # note key -> digest of its body's cache entry
        self._tags = {tag.slug: tag for tag in site.tags}
        self._views: dict[tuple[str, str], str | None] = {}  # (note key, template) -> digest
        self._tag_parts: dict[tuple[str, str], str | None] = {}  # (slug, template) -> digest
        self._papers = {paper.id: paper for paper in index.papers}
        self._series_of = {key: name for name, keys in index.series.items() for key in keys}

    def of(self, note: Note, template: str) -> str | None:
        site_part = self.printer.site_part(template, self.site)
        if site_part is None:
            return None
        key, index = note.key, self.index
        backlinks = index.backlinks.get(key, ())
        related = index.related.get(key, ())
        previous, following = self.graph.neighbours(note)
        series = self._series_of.get(key)
        members = index.series[series] if series else ()
        shown = [key, *(link.source for link in backlinks), *related,
                 *(k for k in (previous, following) if k), *members]
        views = [self._view(k, template) for k in shown]
        if None in views:
            return None
        papers = [repr((p.id, p.slug, p.title, p.link))
                  for p in (self._papers[i] for i in index.note_papers.get(key, ()))]
        # Texts that could hold anything are spelled by repr(), and every list is counted:
        # two different sets of inputs cannot be joined into the same string.
        parts = [self.base, template, repr(note.url), *views,
                 f"backlinks {len(backlinks)}",
                 *(f"{link.source}\1{link.context!r}" for link in backlinks),
                 f"related {len(related)}", *related, f"papers {len(papers)}", *papers,
                 "neighbours", previous or "", following or "",
                 f"series {series!r} {len(members)}", *members]
        hasher = hashlib.blake2b(site_part, digest_size=16)
        hasher.update("\0".join(parts).encode("utf-8", "surrogatepass"))
        return hasher.hexdigest()

    def of_feed(self, url: str, title: str, keys: tuple[str, ...]) -> str | None:
        """A feed's inputs (pages/feeds.py): its entries are made from their notes and
        bodies alone (tags by the names the notes give them), and the configuration."""
        parts = [self._note_part(key) for key in keys]
        if None in parts:
            return None
        made = "\0".join((self.base, "feed", repr(url), repr(title), *parts))  # type: ignore[arg-type]
        return hashlib.blake2b(made.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def _note_part(self, key: str) -> str | None:
        note = self.index.notes[key]
        body = self.bodies.get(key)
        return None if body is None or not note.digest else f"{note.source}:{note.digest}:{body}"

    def _view(self, key: str, template: str) -> str | None:
        """What note KEY's view is made from, digested, as TEMPLATE's pages see its tags;
        None when its body has no digest."""
        found = self._views.get((key, template), "")
        if found == "":
            note_part = self._note_part(key)
            tags = [self._tag_part(tag.slug, template) for tag in self.index.notes[key].tags]
            found = None
            if note_part is not None and None not in tags:
                made = "\0".join((note_part, *tags))  # type: ignore[arg-type]
                found = hashlib.blake2b(made.encode("utf-8", "surrogatepass"),
                                        digest_size=16).hexdigest()
            self._views[(key, template)] = found
        return found

    def _tag_part(self, slug: str, template: str) -> str | None:
        if (slug, template) not in self._tag_parts:
            tag = self._tags.get(slug)
            part = b"-" if tag is None else self.printer.value_part(template, tag, VIEW_KEYS)
            # (its name as well: the article, read whole, lists the names of a note's tags)
            self._tag_parts[(slug, template)] = None if part is None else (
                part.hex() + (repr(tag.name) if tag else ""))
        return self._tag_parts[(slug, template)]
