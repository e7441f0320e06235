"""Stage 2: Note records -> SiteIndex (permalinks checked, tags, dates, sections)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType

from margin.collector import collector_paused
from margin.diagnostics import Diagnostic
from margin.index.bibcites import SiteBibliography, bib_citations
from margin.index.bibliography import BibEntry
from margin.index.links import LinkTargets
from margin.index.papers import declared_titles, paper_link, paper_slug, paper_title
from margin.index.steps import DIRECT, IndexSteps
from margin.model import Citation, Note, Paper, SiteIndex, TagEntry, by_title, newest_first

# What each grouping of the notes reads of a note (besides its place in the order).
_SECTION, _TAGS, _DATE, _EXTRA = (attrgetter(name) for name in ("section", "tags", "date",
                                                               "extra"))


@dataclass(frozen=True)
class Claimed:
    """The notes that keep their URLs, and every name a link can use for them: all a note's
    body needs from the rest of the site, so bodies can be rendered while the index is made."""

    by_key: dict[str, Note]
    by_url: dict[str, str]
    targets: LinkTargets
    diagnostics: list[Diagnostic]
    by_tool_url: dict[str, str]  # collection notes by their old URL, mounted (claims.py)
    redirecting: list[str]  # the notes that may have old URLs (claims.py)


def index_notes(notes: list[Note], steps: IndexSteps = DIRECT,
                bibliography: SiteBibliography | None = None
                ) -> tuple[SiteIndex, list[Diagnostic]]:
    """Order and group the notes, each at its own URL (claims.py).
    STEPS does the per-note work (the live server passes an IndexMemo that remembers it);
    BIBLIOGRAPHY joins the papers cited by key to their entries (bibcites.py)."""
    return index_claimed(claim_urls(notes, steps), steps, bibliography)


def claim_urls(notes: list[Note], steps: IndexSteps = DIRECT) -> Claimed:
    """Each note's URL, collisions told apart (claims.py); the names links resolve by."""
    with collector_paused():
        return _claim(notes, steps)


def index_claimed(claimed: Claimed, steps: IndexSteps = DIRECT,
                  bibliography: SiteBibliography | None = None
                  ) -> tuple[SiteIndex, list[Diagnostic]]:
    """The rest of index_notes(), from the claimed notes (with the same STEPS)."""
    with collector_paused():
        return _index(claimed, steps, bibliography)


def _claim(notes: list[Note], steps: IndexSteps) -> Claimed:
    found = steps.claims(notes)
    return Claimed(found.by_key, found.by_url, steps.targets(list(found.by_key.values())),
                   found.problems, found.by_tool_url, found.redirecting)


def _index(claimed: Claimed, steps: IndexSteps, bibliography: SiteBibliography | None
           ) -> tuple[SiteIndex, list[Diagnostic]]:
    by_key, by_url, targets = claimed.by_key, claimed.by_url, claimed.targets
    diagnostics = list(claimed.diagnostics)
    dated = [n for n in by_key.values() if n.date]
    chronological = tuple(n.key for n in sorted(dated, key=newest_first, reverse=True))
    undated = tuple(n.key for n in sorted((n for n in by_key.values() if not n.date),
                                          key=by_title))
    ordered = chronological + undated
    sections = steps.grouped(_sections, ordered, by_key, _SECTION)

    # The knowledge graph: links between notes, papers cited, related notes, series.
    steps.begin(targets)
    outbound, problems = steps.all_links(ordered, by_key, targets)
    diagnostics += problems
    cited = dict(steps.all_citations(ordered, by_key))  # (a copy: bibliographies add to it)
    by_bib, entries, problems = bib_citations([by_key[key] for key in ordered], bibliography)
    diagnostics += problems
    for key, found in by_bib.items():
        known = {c.paper for c in cited[key]}
        cited[key] = [*cited[key], *(c for c in found if c.paper not in known)]
    papers = _papers(cited, by_key, entries)
    note_papers = {key: tuple(c.paper for c in found) for key, found in cited.items() if found}
    index = SiteIndex(
        notes=MappingProxyType(by_key),
        by_url=MappingProxyType(by_url),
        chronological=chronological,
        undated=undated,
        tags=steps.grouped(_tags, ordered, by_key, _TAGS),
        archive=steps.grouped(_archive, chronological, by_key, _DATE),
        sections=MappingProxyType(sections),
        links=MappingProxyType(outbound),
        backlinks=MappingProxyType(steps.backlinks(outbound)),
        papers=papers,
        note_papers=MappingProxyType(note_papers),
        related=steps.related(by_key, note_papers),  # (read-only already)
        series=MappingProxyType(steps.grouped(_series, ordered, by_key, _EXTRA)),
        link_targets=targets,
        by_tool_url=MappingProxyType(claimed.by_tool_url),
        redirecting=tuple(sorted(claimed.redirecting)),
    )
    return index, diagnostics


def _tags(ordered: tuple[str, ...], notes: dict[str, Note]) -> tuple[TagEntry, ...]:
    """Tag slug -> notes; a tag is shown as first spelled by the oldest note using it."""
    keys: dict[str, list[str]] = defaultdict(list)
    spelling = {}
    for key in reversed(ordered):  # oldest first, so the first spelling wins
        for tag in notes[key].tags:
            spelling.setdefault(tag.slug, tag)
            keys[tag.slug].append(key)
    entries = [TagEntry(spelling[slug], tuple(reversed(found))) for slug, found in keys.items()]
    return tuple(sorted(entries, key=lambda e: (e.tag.name.casefold(), e.tag.slug)))


def _archive(chronological: tuple[str, ...], notes: dict[str, Note]):
    years: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key in chronological:
        when = notes[key].date
        years[when.year][when.month].append(key)
    return tuple(
        (year, tuple((month, tuple(keys)) for month, keys in months.items()))
        for year, months in years.items()
    )


def _sections(ordered: tuple[str, ...], notes: dict[str, Note]) -> dict[str, tuple[str, ...]]:
    sections: dict[str, list[str]] = defaultdict(list)
    for key in ordered:
        if notes[key].section:
            sections[notes[key].section].append(key)
    return {name: tuple(keys) for name, keys in sorted(sections.items())}


def _papers(cited: dict[str, list[Citation]], notes: dict[str, Note],
            entries: dict[str, BibEntry]) -> tuple[Paper, ...]:
    """Every cited paper, most cited first; each with its citing notes, newest first, and
    its bibliography entry if it has one (whose title it then takes)."""
    by_paper: dict[str, list[Citation]] = defaultdict(list)
    for found in cited.values():  # notes come newest first
        for citation in found:
            by_paper[citation.paper].append(citation)
    declared = declared_titles(list(notes.values()))
    papers = [
        Paper(paper, paper_slug(paper), entries[paper].title if paper in entries and
              entries[paper].title else paper_title(paper, found, declared), paper_link(paper),
              tuple(found), entries.get(paper))
        for paper, found in by_paper.items()
    ]
    return tuple(sorted(papers, key=lambda p: (-len(p.citations), p.title.casefold(), p.id)))


def _series(ordered: tuple[str, ...], notes: dict[str, Note]) -> dict[str, tuple[str, ...]]:
    """Series name -> its notes in reading order: `series_part` when given, else oldest first."""
    members: dict[str, list[str]] = defaultdict(list)
    for key in reversed(ordered):  # oldest first
        name = notes[key].extra.get("series")
        if isinstance(name, str) and name.strip():
            members[name.strip()].append(key)

    def part(key: str) -> float:
        value = notes[key].extra.get("series_part")
        return float(value) if isinstance(value, int | float) else float("inf")

    return {name: tuple(sorted(keys, key=lambda k: (part(k), keys.index(k))))
            for name, keys in sorted(members.items())}
