"""The knowledge-graph pages and note extras: backlinks, related notes, papers, series, aliases."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from margin import urls
from margin.markdown.contexts import context_snippet
from margin.model import Citation, Link, Note, Paper, SiteIndex, newest_first
from margin.pages.page import Page
from margin.pages.views import NoteView
from margin.slugs import slugify


@dataclass(frozen=True)
class Mention:
    """A note and the sentence in which it links to (or cites) something: as HTML (math as
    MathML) in `context`, as text (math as Unicode) in `context_text`."""

    note: NoteView
    context: Markup
    context_text: str


def mention(note: NoteView, target: str, said: Link | Citation) -> Mention:
    """NOTE's mention of TARGET (a note key or a paper id): the sentence its rendered body
    holds, else (a link in raw HTML, a paper in front matter) the sentence of the passage
    around it the index kept (SAID's context), parsed now (markdown/contexts.py). The passage
    is not even looked at otherwise: a process drawing pages that read every one would copy
    the memory holding them all (some 40 MB at 4,000 notes) from the one it was forked from."""
    for spot, html, text in note._contexts:
        if spot == target:
            return Mention(note, Markup(html), text)
    passage = str(said.context)
    snippet = context_snippet(passage) if passage else None
    return Mention(note, Markup(snippet.html if snippet else ""), snippet.text if snippet else "")


@dataclass(frozen=True)
class PaperView:
    id: str
    title: str
    url: str  # the paper's page on this site
    link: str  # the paper itself (arxiv.org, doi.org)
    citations: tuple[Mention, ...]  # newest first
    # from the paper's bibliography entry, when a bibliography has it ('' or None when not)
    authors: str = ""  # 'Ashish Vaswani, Noam Shazeer, … et al.'
    year: str = ""
    venue: str = ""
    abstract: str = ""
    bibtex: str = ""  # the entry as written: "cite this"

    @property
    def count(self) -> int:
        return len(self.citations)


@dataclass(frozen=True)
class SeriesView:
    name: str
    url: str
    notes: tuple[NoteView, ...]
    position: int = 0  # 1-based place of the current note, on note pages


class Graph:
    """Turns the index's links, citations and series into template values and pages."""

    def __init__(self, index: SiteIndex, view: Callable[[str], NoteView]):
        self.index, self.view = index, view
        self.papers = {p.id: p for p in index.papers}
        self.series_of = {key: name for name, keys in index.series.items() for key in keys}
        self._sections: dict[str, tuple[str, ...]] = {}  # section -> its dated notes

    def note_extras(self, note: Note) -> dict[str, Any]:
        """What a note page shows beyond its body: backlinks, related notes, papers,
        neighbours, series."""
        key = note.key
        previous, following = self.neighbours(note)
        return {
            "backlinks": tuple(mention(self.view(link.source), key, link)
                               for link in self.index.backlinks.get(key, ())),
            "related": tuple(self.view(k) for k in self.index.related.get(key, ())),
            "papers": tuple(self.paper_view(self.papers[p], with_citations=False)
                            for p in self.index.note_papers.get(key, ())),
            "previous": self.view(previous) if previous else None,
            "next": self.view(following) if following else None,
            "series": self.series_view(self.series_of[key], key) if key in self.series_of else None,
        }

    def neighbours(self, note: Note) -> tuple[str | None, str | None]:
        """The older and newer dated notes of the same section."""
        if not note.date or not note.section:
            return None, None
        dated, place = self._place_in(note.section, note.key)
        older = dated[place + 1] if place + 1 < len(dated) else None
        newer = dated[place - 1] if place > 0 else None
        return older, newer

    def _place_in(self, section: str, key: str) -> tuple[tuple[str, ...], int]:
        """A section's dated notes, newest first, and the place of KEY among them (found by
        halving: a save draws a few note pages, and a section may hold thousands)."""
        dated = self._sections.get(section)
        if dated is None:
            dated = self._sections[section] = self.index.dated(section)
        notes, wanted = self.index.notes, newest_first(self.index.notes[key])
        low, high = 0, len(dated)
        while low < high:  # (the first place whose note is not newer than KEY's)
            middle = (low + high) // 2
            if newest_first(notes[dated[middle]]) > wanted:
                low = middle + 1
            else:
                high = middle
        return dated, low if low < len(dated) and dated[low] == key else dated.index(key)

    def paper_view(self, paper: Paper, with_citations: bool = True) -> PaperView:
        mentions = tuple(mention(self.view(c.key), paper.id, c)
                         for c in paper.citations) \
            if with_citations else ()
        return PaperView(paper.id, paper.title, urls.paper(paper.slug), paper.link, mentions,
                         **entry_fields(paper.entry))

    def series_view(self, name: str, current: str | None = None) -> SeriesView:
        keys = self.index.series[name]
        position = keys.index(current) + 1 if current in keys else 0
        return SeriesView(name, urls.series(slugify(name)), tuple(self.view(k) for k in keys),
                          position)

    def pages(self, kept: Container[str] = ()) -> Iterator[Page]:
        """The graph's pages but those whose output paths are KEPT (their views unmade)."""
        papers = self.index.papers
        if papers and urls.output_path(urls.PAPERS) not in kept:
            views = tuple(map(self.paper_view, papers))
            # The paper index stands in for a section called 'papers': it lists its notes too.
            reviews = tuple(self.view(k) for k in self.index.sections.get("papers", ()))
            yield Page(urls.PAPERS, "papers.html", {"papers": views, "notes": reviews},
                            ("*",))
        for paper in papers:
            if urls.output_path(urls.paper(paper.slug)) not in kept:
                keys = tuple(c.key for c in paper.citations)
                yield Page(urls.paper(paper.slug), "paper.html",
                           {"paper": self.paper_view(paper)}, keys)
        for name, keys in self.index.series.items():
            yield Page(urls.series(slugify(name)), "series.html",
                            {"series": self.series_view(name)}, keys)
        redirected: set[str] = set()
        for note in map(self.index.notes.__getitem__, self.index.redirecting):
            for old in old_urls(note):
                if old != note.url and old not in self.index.by_url and old not in redirected:
                    redirected.add(old)  # the first note (by key) keeps a URL two name
                    yield Page(old, "redirect.html", {"target": note.url, "note":
                                    self.view(note.key)}, (note.key,))


def entry_fields(entry: Any) -> dict[str, str]:
    """What a paper page shows of a bibliography entry (index/bibliography.py BibEntry)."""
    if entry is None:
        return {}
    item = entry.item
    people = [" ".join(filter(None, (p.get("given"), p.get("family")))) or p.get("literal", "")
              for p in item.get("author", ()) if isinstance(p, dict)]
    authors = ", ".join(people) + (" et al." if item.get("_others") else "")
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    venue = item.get("container-title") or item.get("publisher") or ""
    return {"authors": authors, "year": str(parts[0][0]) if parts and parts[0] else "",
            "venue": str(venue), "abstract": str(item.get("abstract", "")),
            "bibtex": entry.bibtex}


def old_urls(note: Note) -> list[str]:
    """The URLs NOTE had before, each a redirect page to its own: its aliases that are paths
    and, for a dated post of a collection published under its folder (a Jekyll or Hugo blog
    copied into content/blog/), the URL its tool gave it, so links from elsewhere still land."""
    found = [urls.normalize(alias) for alias in note.aliases if "/" in alias]
    if note.date and note.tool_url and note.tool_url != note.url:
        found.append(note.tool_url)
    return found
