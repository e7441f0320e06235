"""Which generated pages (home, tags, lists, archive, papers, series, redirects) must be
decided again after a change, and which can be kept as the last build left them, unplanned.

Only the pages showing a changed note (by the notes each page showed: the last build's
reads) are decided again, when nothing else they read changed: no note came or went, no tag
changed, the index's orderings and groupings (dates, tags, sections, archive, papers, series)
are equal to the last build's, each template's part of the site view is the same, and every
changed note stayed where it was (section, date and date updated: the sitemap's too), kept
its URL and cites no paper (a paper page shows the sentence around each citation). A changed
note looks the same on lists when its view, through the fields any generated template reads,
and its old URLs (redirect pages) are the same: then no page showing it is decided again.
Any doubt: every generated page is planned and fingerprinted, as without the engine."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any

from margin import urls
from margin.incremental import layered
from margin.incremental.pageprint import PagePrinter
from margin.incremental.readers import Readers
from margin.model import SiteIndex
from margin.pages.graph import old_urls
from margin.pages.views import NoteView, SiteView

# The keys of generated pages' contexts whose values hold note views.
LIST_KEYS = frozenset({"recent", "undated", "notes", "years", "papers", "paper", "series",
                       "note", "tag", "tags", "cloud"})

ListPart = bytes | None


def orderings(index: SiteIndex) -> tuple[Any, ...]:
    """What generated pages read of the index besides the notes' views and the tags' members
    (compared whole)."""
    return (index.chronological, index.undated, index.archive, tuple(index.sections.items()),
            index.papers, tuple(index.series.items()))


def tag_members(index: SiteIndex) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Each tag's name, URL and notes, by slug (a tag's own pages list its notes)."""
    return {entry.tag.slug: (entry.tag.name, urls.output_path(urls.tag(entry.tag.slug))
                             .removesuffix("index.html"), entry.keys) for entry in index.tags}


def list_part(key: str, index: SiteIndex, view: Callable[[str], NoteView],
              printer: PagePrinter, templates: Iterable[str]) -> ListPart:
    """Note KEY as the generated TEMPLATES can show it; None: unknowable."""
    shown = printer.shown_part(templates, view(key), LIST_KEYS)
    if shown is None:
        return None
    hasher = hashlib.blake2b(shown, digest_size=16)
    hasher.update(repr(old_urls(index.notes[key])).encode("utf-8", "surrogatepass"))
    return hasher.digest()


def list_parts(last: Mapping[str, ListPart] | None, changed: Iterable[str], index: SiteIndex,
               view: Callable[[str], NoteView], printer: PagePrinter, templates: Iterable[str],
               made: Mapping[str, ListPart] | None = None, same_notes: bool = False
               ) -> Mapping[str, ListPart]:
    """Every note's list part: LAST's, made again for the CHANGED notes (all without LAST;
    those in MADE are taken from there, made for the same templates). SAME_NOTES: the index
    has the notes LAST was made for (else they are compared, in C)."""
    names = sorted(templates)
    if last is None:
        return {key: list_part(key, index, view, printer, names) for key in index.notes}
    now = {key: made[key] if made is not None and key in made
           else list_part(key, index, view, printer, names)
           for key in changed if key in index.notes}
    if same_notes:  # (the last map, changed: itself when nothing in it did)
        return layered.changed(last, now)
    last = layered.plain(last)
    parts = dict(last) if last.keys() <= index.notes.keys() else {
        key: part for key, part in last.items() if key in index.notes}
    parts.update(now)
    return parts


def site_parts(printer: PagePrinter, site: SiteView, templates: Iterable[str]
               ) -> dict[str, bytes | None]:
    return {template: printer.site_part(template, site) for template in templates}


Members = dict[str, tuple[str, str, tuple[str, ...]]]  # tag_members()


def restyled(last: Any, changed: set[str], index: SiteIndex, members: Members) -> set[str]:
    """The notes that may look different on lists since LAST (an EngineState): the CHANGED
    ones, and those on a tag that gained or lost a note (the count their tag chips carry;
    MEMBERS: the index's tag_members())."""
    found = set(changed)
    for slug in moved_tags(last, members):
        for tag in (members.get(slug), last.tag_members.get(slug)):
            found.update(tag[2] if tag else ())
    return found & index.notes.keys()


def moved_tags(last: Any, members: Mapping[str, tuple[str, str, tuple[str, ...]]]
                ) -> set[str]:
    return {slug for slug in members.keys() | last.tag_members.keys()
            if members.get(slug) != last.tag_members.get(slug)}


def generated_to_plan(last: Any, changed: set[str], restyled: set[str], index: SiteIndex,
                      site: SiteView, view: Callable[[str], NoteView], printer: PagePrinter,
                      placed: Mapping[str, Any], notes_now: Mapping[str, tuple[str, ...]],
                      made: dict[str, ListPart], looks: dict[tuple[str, str], bytes | None],
                      members: Members) -> set[str] | None:
    """The generated pages of LAST (an EngineState) to decide again, by path (every other
    one reads nothing that changed), given the CHANGED notes and those RESTYLED (see
    restyled()); None: every page, as the pages themselves may have changed. The list parts
    made of the restyled notes are left in MADE, the looks of the tags that gained or lost a
    note in LOOKS."""
    templates = last.listing
    if (not last.generated or not last.list_parts or not changed <= last.list_parts.keys()
            or not changed <= index.notes.keys()):  # (set <= keys: looks up CHANGED alone)
        return None  # (a note came or went: every list it is on changes)
    if any(index.note_papers.get(key) for key in changed):
        return None
    if any(last.placed.get(key) != placed.get(key) or last.notes[key][1] != notes_now[key][1]
           for key in changed):  # (a note part's second item is its URL)
        return None
    if last.orderings != orderings(index):
        return None
    parts = site_parts(printer, site, templates)
    if None in parts.values() or None in last.generated_site_parts.values():
        return None
    moved = moved_tags(last, members)
    names = sorted(templates)
    for key in restyled:
        made[key] = list_part(key, index, view, printer, names)
    shown = {key for key in restyled
             if last.list_parts.get(key) is None or made[key] != last.list_parts[key]}
    tag_pages = tuple(found[1] for slug in moved
                      for found in (members.get(slug), last.tag_members.get(slug)) if found)
    redrawn = {template for template in templates
               if parts[template] != last.generated_site_parts.get(template)}
    looks.update(tag_looks(printer, site, templates, moved))
    if not (shown or moved or redrawn):  # (a body edit not seen on lists: no page to look at)
        return set()
    shown_by = {template: _shown_on(template, shown, changed, moved, looks, last, members)
                for template in templates}
    if not (moved or redrawn) and last.list_readers:  # (the pages showing those notes)
        readers = last.list_readers
        near = set(readers.get("*", ())).union(*map(readers.get, set().union(
            *shown_by.values()), repeat(())))
        return {path for path in near if "*" in (found := last.generated[path])[1]
                or not shown_by[found[0]].isdisjoint(found[1])}
    return {path for path, (template, reads) in last.generated.items()
            if template in redrawn or path.startswith(tag_pages)
            or ((shown or moved) and "*" in reads) or not shown_by[template].isdisjoint(reads)}


Generated = Mapping[str, tuple[str, tuple[str, ...]]]  # path -> template, notes shown


def list_readers(last: dict[str, set[str]] | None, before: Generated, now: Generated,
                 paths: Iterable[str] | None) -> dict[str, set[str]]:
    """Each note -> the generated pages (paths) showing it ('*': those showing every note):
    LAST's (the reverse map of BEFORE) changed for the PATHS whose entries differ in NOW
    (None: any path may); without LAST, made whole."""
    if last is None:
        before, paths = {}, None
    readers = Readers(last or {})
    for path in (before.keys() | now.keys()) if paths is None else paths:
        old, new = before.get(path), now.get(path)
        if old != new:
            shown, showing = set(old[1] if old else ()), set(new[1] if new else ())
            readers.drop(path, shown - showing)
            readers.add(path, showing - shown)
    return readers.map


def tag_looks(printer: PagePrinter, site: SiteView, templates: Iterable[str],
              slugs: Iterable[str] | None = None) -> dict[tuple[str, str], bytes | None]:
    """How each tag (of SLUGS, by default all) looks on the notes each generated template
    lists (its chip: the count it carries, which few lists show), by (slug, template); a
    tag no note has: b'-'."""
    tags = {tag.slug: tag for tag in site.tags}
    return {(slug, template): printer.value_part(template, tags[slug], LIST_KEYS)
            if slug in tags else b"-"
            for slug in (tags if slugs is None else slugs) for template in templates}


def looks_after(last: Any, made: Mapping[tuple[str, str], bytes | None] | None,
                printer: PagePrinter, site: SiteView, templates: set[str]
                ) -> dict[tuple[str, str], bytes | None]:
    """Each tag's look on lists (tag_looks) for the next build: LAST's (an EngineState),
    with those MADE of the tags that gained or lost a note, while the lists held (no note
    came, went or moved: a tag looks different only then) and the generated TEMPLATES are
    LAST's; else all made again."""
    if last is None or made is None or last.listing != templates:
        return tag_looks(printer, site, templates)
    tags = {tag.slug for tag in site.tags}
    return {key: look for key, look in {**last.tag_looks, **made}.items() if key[0] in tags}


def _shown_on(template: str, shown: set[str], changed: set[str], moved: set[str],
              looks: Mapping[tuple[str, str], bytes | None], last: Any,
              members: Mapping[str, tuple[str, str, tuple[str, ...]]]) -> set[str]:
    """The notes of SHOWN (looking different on some list) that look different on the
    pages drawn with TEMPLATE: the CHANGED ones, and those restyled by a tag of MOVED (one
    that gained or lost a note) that TEMPLATE shows differently."""
    restyling = {slug for slug in moved if looks.get((slug, template)) is None
                 or looks[(slug, template)] != last.tag_looks.get((slug, template))}
    tagged = {key for slug in restyling
              for found in (members.get(slug), last.tag_members.get(slug)) if found
              for key in found[2]}
    return (shown & changed) | ((shown - changed) & tagged)


def readers_after(last: Any, to_plan: set[str] | None, generated: Generated, verify: bool
                  ) -> dict[str, set[str]]:
    """The reverse map of GENERATED (list_readers) for the next build: LAST's (an EngineState)
    changed for the pages decided again (TO_PLAN) when those are all that can differ (the
    same paths); VERIFY: compared with one made whole."""
    before = last.generated if last else {}
    same = to_plan is not None and len(generated) == len(before) and all(
        path in generated for path in to_plan)
    found = list_readers(last.list_readers if last and before else None, before, generated,
                         to_plan if same else None)
    if verify and {key: pages for key, pages in found.items() if pages} != list_readers(
            None, {}, generated, None):
        raise AssertionError("the generated pages' reverse map differs from one made whole")
    return found
