"""Which note pages and feeds a build must decide again, found in proportion to the change.

The last build left, with its output records, what each note page and feed was made from: the
parts of every note (file, URL, body: `NotePart`), the index's facts a note page shows (related
notes, papers, series, the dated notes of each section for neighbours), the tags as each
template reads them, each template's part of the site view, the base fingerprint (code,
configuration, template files), and the reverse maps from each note to the pages that show
it. Only the pages that read a changed input are planned and fingerprinted again; the rest are
kept as the last build left them, never planned. A page decided again stops the propagation
when its fingerprint comes out the same (early cutoff). Missing or damaged state, a new base
or a template whose site part changed: every page is decided (fingerprinted), the state made
afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from margin import urls
from margin.incremental import layered, listed
from margin.incremental.carried import Carried
from margin.incremental.decision import Decision
from margin.incremental.differences import cannot_vouch, differing, moved
from margin.incremental.pageprint import PagePrinter
from margin.incremental.readers import Readers
from margin.model import SiteIndex
from margin.pages.feeds import FeedPlan
from margin.pages.graph import Graph
from margin.pages.views import SiteView

_SOURCE, _URL, _DIGEST = (attrgetter(name) for name in ("source", "url", "digest"))
_FIRST, _TEMPLATE = itemgetter(0), itemgetter(1)
# What note pages show of a paper (a bibliography entry compares by the digest of all of it)
_ID, _PAPER_PART = attrgetter("id"), attrgetter("id", "slug", "title", "link", "entry")

# The keys of a note page's context whose values hold note views (and so tags).
VIEW_KEYS = frozenset({"note", "page", "backlinks", "related", "papers", "previous", "next",
                       "series"})

_INDEX_MAPS = ("related", "note_papers", "series")  # kept as the index's views until saved

NotePart = tuple[str, str, str, str | None]  # a note's source, URL, file digest, body digest


@dataclass
class EngineState:
    """What the last build's note pages and feeds read (kept with its output records)."""

    base: str
    site_parts: dict[str, bytes | None]  # template -> what its pages show of the site
    tag_parts: dict[tuple[str, str], str | None]  # (tag slug, template) -> its part
    notes: Mapping[str, NotePart]
    pages: dict[str, tuple[str, str]]  # note key -> (its page's output path, its template)
    reads: dict[str, tuple[str, ...]]  # note key -> the notes its page shows (itself first)
    readers: dict[str, set[str]]  # note key -> the notes whose pages show it
    # (the index's own read-only maps while the state lives; dictionaries when saved)
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note_papers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    papers: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # id -> what pages show
    series: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # section -> newest first
    # key -> (section, date, updated): where its page is among others, and its sitemap dates
    placed: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)
    feeds: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # URL -> plan
    # The generated pages (incremental/listed.py): path -> template and the notes it shows,
    # their templates, what those show of the site, of each note, and the index's orderings.
    generated: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    listing: frozenset[str] = frozenset()
    list_readers: dict[str, set[str]] = field(default_factory=dict)  # note -> those paths
    generated_site_parts: dict[str, bytes | None] = field(default_factory=dict)
    list_parts: Mapping[str, bytes | None] = field(default_factory=dict)
    tag_looks: dict[tuple[str, str], bytes | None] = field(default_factory=dict)
    orderings: tuple[Any, ...] = ()
    tag_members: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)
    unvouched: frozenset[str] = frozenset()  # notes whose part cannot vouch for their page
    # Made by this process's last round (a live server's): the notes it touched since are
    # then all whose parts may differ (the hint PageEngine takes). Never saved.
    live: bool = field(default=False, compare=False)

    # What the live server's last round made, for the next (incremental/carried.py). Never saved.
    carried: Carried | None = field(default=None, compare=False)
    unprinted: frozenset[str] = frozenset()  # generated pages drawn with no fingerprint

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "live": False, "carried": None,
                **{name: dict(self.__dict__[name]) for name in _INDEX_MAPS}}


class PageEngine:
    """One build's use of the last build's state: `decide`, then `after` for the next one."""

    def __init__(self, last: Any, body_digests: Mapping[str, str], verify: bool = False,
                 touched: Set[str] | None = None):
        self.last = last if isinstance(last, EngineState) else None
        self.bodies = body_digests
        self.verify = verify  # check the shortcuts against the whole computation
        # The notes a live server loaded or rendered again since its last round (None: not
        # known): with a LAST it made, every note whose part (source, URL, file and body
        # digest) may differ, since a part changes only by a load or a render (a note the
        # index moves to another URL is rendered again: its note is not the body's).
        self.touched = touched
        self._now: _Inputs | None = None
        self._changed: set[str] | None = None  # the notes changed since the last state
        self._restyled: set[str] | None = None  # the notes that may look different on lists
        self._parts_made: dict[str, listed.ListPart] = {}  # their list parts, made once
        self._looks: dict[tuple[str, str], bytes | None] = {}  # of the tags that moved
        self._lists_hold = False
        self._to_plan: set[str] | None = None  # the generated pages decided again
        self._made: EngineState | None = None  # by after()
        self._carried: Carried | None = None

    def carried(self) -> Carried:
        """The views and digests the last round made, in this process; else none yet."""
        if self._carried is None:
            last = self.last.carried if self.last is not None else None
            self._carried = last or Carried()
        return self._carried

    def decide(self, index: SiteIndex, site: SiteView, printer: PagePrinter, graph: Graph,
               feeds: list[FeedPlan]) -> Decision | None:
        """What may be kept unplanned; None: nothing (no state, or everything changed)."""
        last = self.last
        self._now = now = _Inputs(index, site, printer, graph, self.bodies, last, self.verify,
                                  self.touched)
        if last is None or last.base != printer.base:
            return None
        if any(now.site_part(t) != part or part is None for t, part in last.site_parts.items()):
            return None
        changed = self._changed = now.changed_notes(last.notes)
        dirty, gone = now.came_and_went(last.pages)
        changed_tags = now.changed_tags(last.tag_parts)
        shown = changed | now.tagged(changed_tags)
        for key in shown:
            dirty.add(key)
            dirty.update(last.readers.get(key, ()))
        for key in changed:  # the notes it links to now list it among their backlinks
            dirty.update(link.target for link in index.links.get(key, ()))
        dirty |= differing(last.related, index.related)
        dirty |= differing(last.note_papers, index.note_papers)
        dirty |= now.citing(differing(last.papers, now.papers))
        for name in differing(last.series, index.series):
            dirty.update((*last.series.get(name, ()), *index.series.get(name, ())))
        now.place(changed, last)
        for section in differing({s: last.dated.get(s, ()) for s in now.dated}, now.dated):
            dirty |= moved(last.dated.get(section, ()), now.dated.get(section, ()))
        unkept_pages = frozenset(key for key in dirty | gone if key in last.pages)
        kept_count = len(last.pages) - len(unkept_pages)
        unkept = {key for key in dirty if key in now.notes}  # (all not kept, if counts agree)
        if len(now.notes) - kept_count != len(unkept) or self.verify:
            everything = layered.plain(now.notes).keys() - (last.pages.keys() - unkept_pages)
            if len(now.notes) - kept_count == len(unkept) and unkept != everything:
                raise AssertionError("the notes to plan differ from those not kept")
            unkept = everything
        kept_feeds = {url for url, title, keys in feeds
                      if last.feeds.get(url) == (title, keys) and changed.isdisjoint(keys)}
        self._restyled = listed.restyled(last, changed, index, now.members)
        to_plan = listed.generated_to_plan(last, changed, self._restyled, index, site,
                                           graph.view, printer, now.placed or {}, now.notes,
                                           self._parts_made, self._looks, now.members)
        if to_plan is not None:  # (a page with no fingerprint is decided again each time)
            to_plan |= {path for path in last.unprinted if path in last.generated}
        generated = {} if to_plan is None else dict(last.generated)  # (copied in C)
        for path in to_plan or ():
            generated.pop(path, None)
        self._lists_hold, self._to_plan = to_plan is not None, to_plan
        return Decision(last.pages, unkept_pages, kept_feeds, len(now.notes) - kept_count,
                        generated, self._lists_hold, frozenset(unkept), (
                            *(last.pages[key][0] for key in unkept_pages),
                            *(last.generated if to_plan is None else to_plan),
                            *map(urls.output_path, last.feeds)),
                        None if to_plan is None else frozenset(to_plan),
                        frozenset(map(urls.tag, listed.moved_tags(last, now.members))))

    def after(self, planned: Mapping[str, tuple[str, str]], feeds: list[FeedPlan],
              generated: Mapping[str, tuple[str, tuple[str, ...]]]) -> EngineState:
        """The state for the next build: the last one where a page was kept, PLANNED (note key
        -> output path and template of every note page decided again) where not; GENERATED:
        every generated page's path -> its template and the notes it shows."""
        now = self._now
        assert now is not None, "decide() comes first"
        last = self.last if self.last is not None and self.last.base == now.printer.base \
            else None
        # (the last state's maps, shared until one changes: a save changes none, most often)
        pages, reads = (last.pages, last.reads) if last else ({}, {})
        readers = Readers(last.readers if last else {})
        gone = now.came_and_went(pages)[1]
        shown = {key: now.reads(key) for key in planned}
        replanned = [key for key, place in planned.items()
                 if pages.get(key) != place or reads.get(key) != shown[key]]
        if gone or replanned:
            pages, reads = dict(pages), dict(reads)
        for key in gone:
            pages.pop(key)
            readers.drop(key, reads.pop(key, ()))
        for key in replanned:
            before = reads.get(key, ())
            pages[key], reads[key] = planned[key], shown[key]
            readers.drop(key, set(before) - set(shown[key]))
            readers.add(key, set(shown[key]) - set(before))
        templates = set(map(_TEMPLATE, pages.values())) if gone or replanned or not last \
            else set(last.site_parts)
        listing = set(map(_FIRST, generated.values()))  # the generated pages' templates
        if last is None or self._now.placed is None:
            now.place(None, None)
        self._made = EngineState(
            now.printer.base, {t: now.site_part(t) for t in templates},
            {(slug, t): now.tag_part(slug, t) for slug in now.tags for t in templates},
            now.notes, pages, reads, readers.map, now.index.related,
            now.index.note_papers, now.papers, now.index.series,
            {**(last.dated if last and now.placed is not None and not now.whole else {}),
             **now.dated},
            now.placed or {}, {url: (title, keys) for url, title, keys in feeds},
            dict(generated), frozenset(listing),
            listed.readers_after(last, self._to_plan, generated, self.verify),
            listed.site_parts(now.printer, now.site, listing), self._list_parts(last, listing),
            listed.looks_after(last, self._looks if self._lists_hold else None, now.printer,
                               now.site, listing),
            listed.orderings(now.index), now.members, now.unvouched,
            self.touched is not None, self._carried)
        return self._made

    def unprinted(self, paths: Iterable[str]) -> None:
        """The generated pages drawn with no fingerprint: the next build decides them again."""
        if self._made is not None:
            self._made.unprinted = frozenset(paths)

    def _list_parts(self, last: EngineState | None, templates: set[str]
                    ) -> Mapping[str, bytes | None]:
        """Each note as the generated pages (drawn with TEMPLATES) show it: made again only
        for the notes changed, while the generated templates are the last build's."""
        now = self._now
        assert now is not None
        same = (last is not None and self._changed is not None and last.list_parts
                and last.listing == templates)
        held = same and not any(  # (no changed note came or went: the same notes)
            (key in last.notes) != (key in now.notes)  # type: ignore[union-attr]
            for key in self._changed or ())
        if held and self.verify and last.list_parts.keys() != now.notes.keys():  # type: ignore
            raise AssertionError("notes came or went that no changed note says")
        return listed.list_parts(last.list_parts if same else None,  # type: ignore[union-attr]
                                 self._restyled or self._changed or (), now.index,
                                 now.graph.view, now.printer, templates, self._parts_made,
                                 same_notes=bool(held))


class _Inputs:
    """This build's inputs, worked out as the comparison asks for them."""

    def __init__(self, index: SiteIndex, site: SiteView, printer: PagePrinter, graph: Graph,
                 bodies: Mapping[str, str], last: EngineState | None = None,
                 verify: bool = False, hint: Set[str] | None = None):
        self.index, self.site, self.printer, self.graph = index, site, printer, graph
        self.verify = verify
        self.tags = {tag.slug: tag for tag in site.tags}
        # Every note's part (source, URL, file and body digest): the last round's, made again
        # for the notes a live server touched since; with no such round in this process, all
        # of them (by map and zip, without a Python loop). Verify mode makes both, compared.
        self.touched: set[str] | None = None
        if last is not None and last.live and hint is not None:
            self.touched = set(hint)
            parts = {key: (note.source, note.url, note.digest, bodies.get(key))
                     for key in self.touched if (note := index.notes.get(key)) is not None}
            self.notes: Mapping[str, NotePart] = layered.changed(  # (the last map, changed)
                last.notes, parts, [key for key in self.touched if key not in parts])
            bad = {key for key in self.touched if cannot_vouch(self.notes.get(key))}
            self.unvouched = frozenset((last.unvouched - self.touched) | bad)
        if self.touched is None or verify:
            keys, notes = tuple(index.notes), tuple(index.notes.values())
            parts = dict(zip(keys, zip(
                map(_SOURCE, notes), map(_URL, notes), map(_DIGEST, notes),
                map(bodies.get, keys), strict=True), strict=True))
            # (each note has a file digest and a body digest: a part can vouch for its page)
            unvouched = frozenset() if all(map(_DIGEST, notes)) and None not in map(
                bodies.get, keys) else frozenset(k for k, p in parts.items() if cannot_vouch(p))
            if self.touched is not None and (parts, unvouched) != (self.notes, self.unvouched):
                raise AssertionError("a note's part changed that the live server did not "
                                     "touch")
            self.notes, self.unvouched = parts, unvouched
        self.papers = dict(zip(map(_ID, index.papers), map(_PAPER_PART, index.papers),
                               strict=True))
        # the dated notes of the sections where a note came, went or moved (all: `whole`)
        self.dated: dict[str, tuple[str, ...]] = {}
        self.placed: dict[str, tuple[Any, Any, Any]] | None = None
        self.whole = False
        self._site_parts: dict[str, bytes | None] = {}
        self._tag_parts: dict[tuple[str, str], str | None] = {}
        self._series_of: dict[str, str] | None = None
        self.members = listed.tag_members(index)

    def changed_notes(self, last: Mapping[str, NotePart]) -> set[str]:
        """The notes added, removed or changed since LAST, and those that cannot be vouched
        for (no body digest, no file digest)."""
        if self.touched is not None:  # (only those notes can differ)
            changed = {key for key in self.touched if last.get(key) != self.notes.get(key)}
        else:  # (the parts compared as sets, in C)
            notes, last = layered.plain(self.notes), layered.plain(last)
            changed = {key for key, _ in notes.items() - last.items()}
            changed |= last.keys() - notes.keys()
        return changed | self.unvouched

    def came_and_went(self, pages: Mapping[str, object]) -> tuple[set[str], set[str]]:
        """The notes with no page among PAGES (by note key), and the PAGES of no note: among
        the notes touched, when the counts show those are all (else found in C)."""
        notes = self.notes
        if self.touched is not None:
            came = {key for key in self.touched if key in notes and key not in pages}
            went = {key for key in self.touched if key in pages and key not in notes}
            if len(notes) - len(came) == len(pages) - len(went) and not self.verify:
                return came, went
        notes = layered.plain(notes)
        found = set(notes.keys() - pages.keys()), set(pages.keys() - notes.keys())
        if self.touched is not None and self.verify and len(notes) - len(came) == len(
                pages) - len(went) and (came, went) != found:
            raise AssertionError("the notes that came and went differ from the touched ones")
        return found

    def place(self, changed: set[str] | None, last: EngineState | None) -> None:
        """Each note's section and date (what its neighbours follow from), and the dated notes
        of the sections where one of the CHANGED notes came, went or moved since LAST; with
        no LAST, of every section."""
        notes, sections = self.index.notes, self.index.sections
        if changed is None or last is None or not last.placed:
            self.placed = {key: (note.section, note.date, note.updated)
                           for key, note in notes.items()}
            self.whole, touched = True, set(sections)
        else:  # (the last map, unless a changed note came, went or moved)
            now = {key: (note.section, note.date, note.updated)
                   for key in changed if (note := notes.get(key)) is not None}
            moved = {key for key in changed if last.placed.get(key) != now.get(key)}
            self.placed = dict(last.placed) if moved else last.placed
            touched = set()
            for key in moved:
                before = self.placed.pop(key, None)
                if key in now:
                    self.placed[key] = now[key]
                touched.update(place[0] for place in (before, now.get(key)) if place)
        self.dated = {section: self.index.dated(section) for section in touched}

    def changed_tags(self, last: Mapping[tuple[str, str], str | None]) -> set[str]:
        """The tags whose part changed for a template (removed tags too)."""
        changed = {slug for (slug, template), part in last.items()
                   if part is None or self.tag_part(slug, template) != part}
        templates = {template for _, template in last}
        return changed | {slug for slug in self.tags for t in templates
                          if (slug, t) not in last}

    def tagged(self, slugs: Iterable[str]) -> set[str]:
        """The notes with any of the tags SLUGS now (those that had one are changed notes)."""
        wanted = set(slugs)
        return {key for entry in self.index.tags if entry.tag.slug in wanted
                for key in entry.keys}

    def citing(self, papers: set[str]) -> set[str]:
        if not papers:
            return set()
        return {key for key, ids in self.index.note_papers.items() if not papers.isdisjoint(ids)}

    def site_part(self, template: str) -> bytes | None:
        if template not in self._site_parts:
            self._site_parts[template] = self.printer.site_part(template, self.site)
        return self._site_parts[template]

    def tag_part(self, slug: str, template: str) -> str | None:
        """What TEMPLATE's pages show of a tag, through the views of the notes it is on (with
        its name: the article, read whole, lists the names of a note's tags)."""
        if (slug, template) not in self._tag_parts:
            tag = self.tags.get(slug)
            part = b"-" if tag is None else self.printer.value_part(template, tag, VIEW_KEYS)
            self._tag_parts[(slug, template)] = None if part is None else (
                part.hex() + (repr(tag.name) if tag else ""))
        return self._tag_parts[(slug, template)]

    def reads(self, key: str) -> tuple[str, ...]:
        """The notes whose views note KEY's page shows (pages/graph.py note_extras), itself
        first."""
        index = self.index
        if self._series_of is None:
            self._series_of = {k: name for name, keys in index.series.items() for k in keys}
        series = self._series_of.get(key)
        neighbours = self.graph.neighbours(index.notes[key])
        shown = dict.fromkeys((key, *(link.source for link in index.backlinks.get(key, ())),
                               *index.related.get(key, ()), *(k for k in neighbours if k),
                               *(index.series[series] if series else ())))
        return tuple(shown)
