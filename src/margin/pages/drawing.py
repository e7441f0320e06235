"""Drawing a whole site for `margin build` and each save of `margin serve`: only the pages whose
inputs changed since the last output, on every core, one page at a time through memory.

First the engine (incremental/engine.py, behind the PageEngine interface) names the note pages
and feeds that read nothing changed since the last build: those are kept as it left them,
never planned. The rest are planned here; then, in worker processes (which start with the
planner, views and compiled templates already in memory), in one pass: each page's template
values are made (a note page's backlinks and neighbours only there), the page is fingerprinted
(incremental/pageprint.py) and, unless the last build drew the same fingerprint at the same
path and its file is still intact, drawn. A kept page comes back as its fingerprint (the
write stage puts the last build's file back in place); a drawn one with what the link checker
needs, so neither the pages' bytes nor their parsing stay in this process longer than it
takes to write them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter
from typing import Any

import jinja2

from margin import __version__, urls
from margin.diagnostics import Diagnostic, error
from margin.incremental.pageprint import PagePrinter, base_fingerprint
from margin.linkcheck import PageLinks, page_links
from margin.model import (
    AssetFile,
    OutputFile,
    RenderedBody,
    SiteConfig,
    SiteIndex,
    unpacked_bodies,
)
from margin.pages import collision_error, templates, unfit_error, with_body_assets
from margin.pages.assets import asset_files
from margin.pages.dependencies import TemplateReader
from margin.pages.feeds import FeedPlan, feed, feed_plans
from margin.pages.keeping import Decision, PageEngine
from margin.pages.kept import Keeping, KeptRecords
from margin.pages.plan import Page, Planner, draw
from margin.pages.searchable import DIGEST_KIND, SEARCH_MARK, cut_digest, searched_page
from margin.pages.sitemap import ROBOTS, SITEMAP, sitemap
from margin.pages.views import NoteView, SiteView, note_view, site_view
from margin.parallel import Background, fork_imap

PARALLEL_FROM = 64  # fewer pages than this are drawn here: forking would cost more
SITEMAP_PATHS = (urls.output_path(SITEMAP), urls.output_path(ROBOTS))
_DIAGNOSTICS = attrgetter("diagnostics")


@dataclass(frozen=True)
class PageRecord:
    """What the last build wrote at one path: enough to reuse and to link-check it unseen."""

    fingerprint: str | None  # of its inputs; None: not drawn from a template, or unknowable
    digest: str  # of its bytes
    stamp: tuple[int, int, int]  # (size, mtime_ns, inode) of the file as written
    links: PageLinks | None  # for HTML pages
    indexed: str | None = None  # what Pagefind reads of it, digested (None: not marked)
    owner: str = ""  # the key of the note whose page it is


@dataclass(frozen=True)
class Drawn:
    """A page of this build: its bytes, or None when the last build's file is still right."""

    path: str
    owner: str
    fingerprint: str | None
    digest: str
    links: PageLinks | None
    indexed: str | None  # what Pagefind reads of it, digested (None: not marked)
    data: bytes | None = None
    reused: PageRecord | None = None  # the last build's file is this page
    staged: tuple[int, int, int] | None = None  # written out already; the file's stamp
    cut: bytes | None = None  # what Pagefind reads of DATA (let go with it, by `keep`)


# (path, fingerprint) -> the last build's record, if its file is intact
Reusable = Callable[[str, str], PageRecord | None]
# path -> the last build's record, if its file is intact
Recorded = Callable[[str], PageRecord | None]
Kept = str  # a worker's answer for a page the last build's file still serves: its fingerprint
Done = tuple[Drawn | None, Diagnostic | None]  # a worker's answer for a page it drew


@dataclass
class Drawing:
    """A site being drawn: iterate `pages()`, then read `diagnostics` and `assets`."""

    index: SiteIndex
    config: SiteConfig
    bodies: Mapping[str, RenderedBody]
    reusable: Reusable | None  # None: no last output to reuse from, every page is drawn
    jobs: int = 1
    progress: Callable[[int], Callable[[int], None]] | None = None
    # Called with each drawn page where it was drawn (a worker): the write stage writes it
    # out there and lets its bytes go, rather than sending them back. (Default: its cut for
    # the search index let go.)
    keep: Callable[[Drawn], Drawn] | None = None
    # Which note pages and feeds read nothing changed since the last build, to be kept
    # without being planned (incremental/engine.py), and the last build's records by path.
    # Without them every page is planned and fingerprinted.
    engine: PageEngine | None = None
    recorded: Recorded | None = None
    # The last build's records by path, files unchecked: a page drawn to the same bytes takes
    # its links and search digest from there rather than parsing them again.
    records: Mapping[str, PageRecord] = field(default_factory=dict)
    trusted: bool = False  # RECORDS are a live server's last round's, as it left the files
    state: object = None  # the engine's state after this build, for the next one
    decided: int = 0  # note pages the engine did not vouch for
    notes_planned: int = 0  # note pages planned (the rest were kept unplanned)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: list[AssetFile] = field(default_factory=list)
    drawn: int = 0  # pages drawn (the rest were reused)
    deciding: float = 0.0  # seconds spent finding the pages to draw (the engine, planning)
    # The paths of the pages planned (failed ones too), feeds and sitemap: all but the kept.
    planned: list[str] = field(default_factory=list)
    # The pages kept unplanned (the engine found nothing they read changed), by path: not
    # yielded by pages(), the writer takes their records as they are, all at once.
    kept: KeptRecords = field(default_factory=dict)
    # Tests: draw every feed, and fingerprint every note page, kept by the engine too, and
    # fail if it changed (build's Options.verify, on for every build the tests run).
    verify: bool = False
    # Freeze what the stages made before drawing (a build); the live server freezes its
    # state itself after each round, and must not thaw it (a full collection then walks
    # the whole site: ~100 ms at 4,000 notes, in the way of the reload).
    freeze: bool = True

    @property
    def _keep(self) -> Callable[[Drawn], Drawn]:
        return self.keep or _uncut

    def pages(self) -> Iterator[Drawn]:
        """Every page of the site, drawn or kept. Everything the stages before made (notes,
        index, bodies) lives to the end: frozen, the collector need not walk it again and
        again while pages are planned and received, nor after (the caller thaws it at the
        end of the build: at 16,000 notes, a collection walked a million objects)."""
        if self.freeze:
            gc.freeze()
        yield from self._pages()

    def _pages(self) -> Iterator[Drawn]:
        config, index, bodies = self.config, self.index, self.bodies
        env = templates.environment(config, reload=False)
        carried = self.engine.carried() if self.engine else None
        site = site_view(config, index, __version__)
        site = carried.site(site) if carried else site
        planner = Planner(config, index, bodies, site, templates.site_templates(config),
                          carried.note_view if carried else note_view)
        self.diagnostics = list(chain.from_iterable(map(_DIAGNOSTICS, unpacked_bodies(bodies))))
        printer = PagePrinter(base_fingerprint(config), TemplateReader(env),
                              carried.prints if carried else None)
        plans = feed_plans(index, config)
        started = time.perf_counter()
        decision = self.engine.decide(index, site, printer, planner.graph, plans) \
            if self.engine else None
        self.decided = decision.dirty if decision else len(index.notes)
        kept_feeds = self._feeds_kept(plans, decision.feeds if decision else set())
        to_make = [plan for plan in plans if plan[0] not in kept_feeds]
        # (made on another core, while the pages are planned; with one, after them)
        generated = Background(lambda: self._feeds(to_make)) \
            if to_make and self.jobs > 1 else None
        kept, lost, listed = Keeping(
            index, self.records, self.recorded, self.trusted, self.verify, planner,
            lambda page: printer.page(page.url, page.template, page.context, site),
        ).pages(decision, SITEMAP_PATHS)
        notes = index.ordered(decision.notes_to_plan | lost) if decision else index.ordered()
        planned = self._claimed(self._planned(planner, notes, listed, decision), kept, planner)
        self.kept = kept
        self.notes_planned = sum(1 for page in planned if page.note is not None)
        if self.engine:
            shown = decision.generated if decision else {}
            lists = dict(shown) if len(listed) == len(shown) else {  # (all kept: in C)
                path: shown[path] for path in listed}
            lists.update((urls.output_path(page.url), (page.template, page.sources))
                         for page in planned if page.note is None)
            self.state = self.engine.after(
                {page.note.key: (urls.output_path(page.url), page.template)
                 for page in planned if page.note is not None}, plans, lists)
        self.deciding = time.perf_counter() - started
        _prepare(printer, planned, planner.view)
        yield from self._draw(planned, env, site, printer)
        paths = [urls.output_path(page.url) for page in planned]
        made = {page.path: page
                for page in (generated.result() if generated else self._feeds(to_make))}
        feed_pages = [kept_feeds.get(url) or made[urls.output_path(url)] for url, _, _ in plans]
        yield from feed_pages
        paths += [page.path for page in feed_pages]
        yield from self._sitemap(kept, paths, unchanged=bool(decision and decision.lists_hold)
                                 and self._same_pages(kept, paths))
        self.planned = paths
        assets, problems = asset_files(config)
        taken = set(paths)
        problems += [error("", None, f"/{asset.path} is both a page and an asset file")
                     for asset in assets if asset.path in taken or asset.path in kept]
        self.diagnostics += problems
        self.assets = with_body_assets(assets, bodies)
        if carried:
            carried.prints = printer.made()
            carried.forget_others(index.notes)

    def _same_pages(self, kept: KeptRecords, paths: list[str]) -> bool:
        """Whether the pages KEPT (a part of the records) and those of PATHS are the pages
        the last output recorded, besides the sitemap's (counted: each is one page)."""
        return len(self.records) == len(kept) + len(paths) + len(SITEMAP_PATHS) and all(
            map(self.records.__contains__, (*paths, *SITEMAP_PATHS)))

    def _sitemap(self, kept: KeptRecords, paths: list[str], unchanged: bool) -> Iterator[Drawn]:
        """sitemap.xml and robots.txt over the pages KEPT and PATHS (added to PATHS); as the
        last build left them when UNCHANGED: the site has the pages it had, and no note's URL
        or dates changed (incremental/listed.py)."""
        sitemap_paths = list(SITEMAP_PATHS)
        records = [self.recorded(path) if self.recorded and unchanged else None
                   for path in sitemap_paths]
        if all(records) and not self.verify:
            for path, record in zip(sitemap_paths, records, strict=True):
                assert record is not None
                yield Drawn(path, "", None, record.digest, record.links, record.indexed,
                            reused=record)
        else:
            written = [OutputFile(path, b"") for path in (*kept, *paths)]
            for output, record in zip(sitemap(written, self.index, self.config), records,
                                      strict=True):
                drawn = _drawn(output, None)
                if record is not None and record.digest != drawn.digest:
                    raise AssertionError(f"{output.path}: kept by the engine, but it changed")
                yield self._keep(drawn)
        paths += sitemap_paths

    def _feeds(self, plans: list[FeedPlan]) -> list[Drawn]:
        """The Atom feeds PLANS say, kept (written out) where they are made."""
        memo: dict[str, Any] = {}
        drawn = [_drawn(feed(plan, self.index, self.config, self.bodies, memo), None)
                 for plan in plans]
        return [self._keep(page) for page in drawn]

    def _feeds_kept(self, plans: list[FeedPlan], unchanged: set[str]) -> dict[str, Drawn]:
        """The feeds the engine found made from the same notes and bodies as the last
        build's (by URL), whose files are intact."""
        kept: dict[str, Drawn] = {}
        for plan in plans:
            path = urls.output_path(plan[0])
            record = self.recorded(path) if self.recorded and plan[0] in unchanged else None
            if record is None:
                continue
            if self.verify and _drawn(feed(plan, self.index, self.config, self.bodies, {}),
                                      None).digest != record.digest:
                raise AssertionError(f"{path}: kept by its inputs, but it changed")
            kept[plan[0]] = Drawn(path, "", record.fingerprint, record.digest, record.links,
                                  record.indexed, reused=record)
        return kept

    def _planned(self, planner: Planner, keys: tuple[str, ...], listed: Collection[str],
                 decision: Decision | None) -> Iterator[Page]:
        """The pages to decide again: the note pages not kept (of the notes KEYS, in the
        site's order), then the generated pages not kept (LISTED: those that are, by path;
        their values are never made). When every generated page the engine kept is LISTED,
        the lists' pages to plan are those it names, but for the lists that may have new
        pages (walked whole)."""
        wanted = decision.replan if decision and len(listed) == len(decision.generated) \
            else None
        whole = decision.regrouped if decision else ()
        notes = self.index.notes
        for key in keys:
            yield planner.note_page(notes[key])
        pages = [page for page in planner.generated_pages(listed, wanted, whole)
                 if not listed or urls.output_path(page.url) not in listed]
        if self.verify and wanted is not None and [page.url for page in pages] != [
                page.url for page in planner.generated_pages(listed)
                if urls.output_path(page.url) not in listed]:
            raise AssertionError("the generated pages wanted differ from those not kept")
        yield from pages

    def _claimed(self, pages: Iterator[Page], kept: Mapping[str, PageRecord], planner: Planner
                 ) -> list[Page]:
        """The planned pages, each URL once (the KEPT ones' too); a second claim on a URL is
        an error."""
        claimed: dict[str, Page] = {}
        for page in pages:
            unwritable = unfit_error(page, self.index)
            if unwritable:
                self.diagnostics.append(unwritable)
                continue
            path = urls.output_path(page.url)
            if path in kept and path not in claimed and kept[path].owner:  # only to be named
                claimed[path] = planner.note_page(self.index.notes[kept[path].owner])
            owner = claimed.setdefault(path, page)
            if owner is not page:
                self.diagnostics.append(collision_error(page, owner))
        return [page for path, page in claimed.items() if path not in kept]

    def _draw(self, planned: list[Page], env: jinja2.Environment, site: SiteView,
              printer: PagePrinter) -> Iterator[Drawn]:
        """Every planned page, in one pass over every core: each is fingerprinted where its
        template values are made (a note page's are made only there), then drawn unless the
        last build's file still serves. Only a fingerprint comes back for a page kept."""
        config, keep, reusable = self.config, self._keep, self.reusable
        for name in {page.template for page in planned}:  # compiled once, not once a worker
            with contextlib.suppress(Exception):  # draw() reports it, page by page
                env.get_template(name)

        def drawn_here(page: Page, fingerprint: str | None) -> Done:
            output, problem = draw(page, env, config, site)
            if output is None:
                return None, problem
            drawn = _drawn(output, fingerprint, self.records.get(output.path))
            return keep(drawn), problem

        def look(page: Page) -> Kept | Done:
            fingerprint = printer.page(page.url, page.template, page.context, site)
            if reusable and fingerprint and reusable(urls.output_path(page.url), fingerprint):
                return fingerprint
            return drawn_here(page, fingerprint)

        tick = self.progress(len(planned)) if self.progress else None
        enough = PARALLEL_FROM * (4 if reusable else 1)  # keeping a page costs little
        jobs = self.jobs if len(planned) >= enough else 1
        problems: dict[int, Diagnostic] = {}
        unprinted: list[str] = []
        for number, answer in fork_imap(look, planned, jobs, tick, share=True):
            page = planned[number]
            if isinstance(answer, str):
                path = urls.output_path(page.url)
                kept = reusable(path, answer) if reusable else None
                if kept is not None:
                    owner = page.note.key if page.note else ""
                    yield Drawn(path, owner, answer, kept.digest, kept.links, kept.indexed,
                                reused=kept)
                    continue
                answer = drawn_here(page, answer)  # its file changed since the worker looked
            drawn, problem = answer
            if problem:
                problems[number] = problem
            if drawn:
                self.drawn += 1
                if drawn.fingerprint is None and not drawn.owner:
                    unprinted.append(drawn.path)  # (a generated page: decided again next time)
                yield drawn
        self.diagnostics += [problems[number] for number in sorted(problems)]
        if self.engine:
            self.engine.unprinted(unprinted)


def _prepare(printer: PagePrinter, planned: list[Page], view: Callable[[str], NoteView]
             ) -> None:
    """Every template of the PLANNED pages read, and every note's view digested as its page
    will digest it: here, once, rather than again in each worker (other pages show the same
    views)."""
    shown: dict[str, list[NoteView]] = {}  # template -> the views of the notes it draws
    for page in planned:
        if page.note is not None:
            shown.setdefault(page.template, []).append(view(page.note.key))
    for name in {page.template for page in planned}:
        printer.prepare(name, shown.get(name, ()))


def _uncut(page: Drawn) -> Drawn:
    return replace(page, cut=None) if page.cut is not None else page


def _drawn(output: OutputFile, fingerprint: str | None, last: PageRecord | None = None
           ) -> Drawn:
    """OUTPUT as a page of this build; what its bytes hold for the link check and search
    taken from LAST (the last build's record at its path) when they are the same bytes."""
    data = output.data
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if last is not None and last.digest == digest and (
            last.indexed is None or last.indexed.startswith(DIGEST_KIND)):
        return Drawn(output.path, output.owner, fingerprint, digest, last.links, last.indexed,
                     data)
    html = output.path.endswith(".html")
    cut = searched_page(data) if html and SEARCH_MARK in data else None
    return Drawn(output.path, output.owner, fingerprint, digest,
                 page_links(data) if html else None,
                 cut_digest(cut) if cut is not None else None, data, cut=cut)
