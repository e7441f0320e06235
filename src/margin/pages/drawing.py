"""Drawing a whole site for `margin build` and each save of `margin serve`: only the pages whose
inputs changed since the last output, on every core, one page at a time through memory.

Pages are planned here, with every note's view; the rest happens in worker processes (which
start with the planner, views and compiled templates already in memory), in one pass: each
page's template values are made (a note page's backlinks and neighbours only there), the page
is fingerprinted (incremental/pageprint.py) and, unless the last build drew the same fingerprint at
the same path and its file is still intact, drawn. A kept page comes back as its fingerprint
(the write stage puts the last build's file back in place); a drawn one with what the link
checker needs, so neither the pages' bytes nor their parsing stay in this process longer than
it takes to write them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jinja2

from margin import __version__, urls
from margin.diagnostics import Diagnostic, error
from margin.incremental.noteinputs import NotePageInputs
from margin.incremental.pageprint import PagePrinter, base_fingerprint
from margin.linkcheck import PageLinks, page_links
from margin.model import AssetFile, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.pages import collision_error, templates, unfit_error, with_body_assets
from margin.pages.assets import asset_files
from margin.pages.dependencies import TemplateReader
from margin.pages.feeds import FeedPlan, feed, feed_plans
from margin.pages.plan import Page, Planner, draw
from margin.pages.searchable import SEARCH_MARK, searched_digest
from margin.pages.sitemap import sitemap
from margin.pages.views import NoteView, SiteView, site_view
from margin.parallel import Background, fork_imap

PARALLEL_FROM = 64  # fewer pages than this are drawn here: forking would cost more


@dataclass(frozen=True)
class PageRecord:
    """What the last build wrote at one path: enough to reuse and to link-check it unseen."""

    fingerprint: str | None  # of its inputs; None: not drawn from a template, or unknowable
    digest: str  # of its bytes
    stamp: tuple[int, int, int]  # (size, mtime_ns, inode) of the file as written
    links: PageLinks | None  # for HTML pages
    indexed: str | None = None  # what Pagefind reads of it, digested (None: not marked)
    owner: str = ""  # the key of the note whose page it is
    inputs: str | None = None  # a note page's inputs, digested (incremental/noteinputs.py)


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
    inputs: str | None = None  # a note page's inputs, digested (incremental/noteinputs.py)


# (path, fingerprint or note page inputs) -> the last build's record, if its file is intact
Reusable = Callable[[str, str], PageRecord | None]
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
    # out there and lets its bytes go, rather than sending them back.
    keep: Callable[[Drawn], Drawn] | None = None
    # What note pages are made from, for keeping those whose inputs are as the last build's
    # (incremental/noteinputs.py): each body's digest, and the last build's records by page
    # inputs. Without them every page is fingerprinted.
    body_digests: Mapping[str, str] = field(default_factory=dict)
    same_inputs: Reusable | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: list[AssetFile] = field(default_factory=list)
    drawn: int = 0  # pages drawn (the rest were reused)
    planned: list[str] = field(default_factory=list)  # every page's path, failed ones too
    # Tests: draw every feed, and fingerprint every note page, kept by its inputs too, and
    # fail if it changed (build's Options.verify, on for every build the tests run).
    verify: bool = False

    def pages(self) -> Iterator[Drawn]:
        """Every page of the site, drawn or kept. Everything the stages before made (notes,
        index, bodies) lives to the end: frozen, the collector need not walk it again and
        again while pages are planned and received, nor after (the caller thaws it at the
        end of the build: at 16,000 notes, a collection walked a million objects)."""
        gc.freeze()
        yield from self._pages()

    def _pages(self) -> Iterator[Drawn]:
        config, index, bodies = self.config, self.index, self.bodies
        env = templates.environment(config, reload=False)
        site = site_view(config, index, __version__)
        planner = Planner(config, index, bodies, site, templates.site_templates(config))
        self.diagnostics = [d for body in bodies.values() for d in body.diagnostics]
        printer = PagePrinter(base_fingerprint(config), TemplateReader(env))
        digests = NotePageInputs(printer.base, index, planner.graph, site, printer,
                                 self.body_digests) if self.body_digests else None
        plans = feed_plans(index, config)
        kept_feeds, feed_inputs = self._feeds_kept(plans, digests)
        to_make = [plan for plan in plans if plan[0] not in kept_feeds]
        # (made on another core, while the pages are planned)
        generated = Background(lambda: self._feeds(to_make, feed_inputs)) if to_make else None
        planned = self._claimed(planner.pages())
        kept, inputs = self._kept_by_inputs(planned, printer, site, digests)
        left = [page for page in planned if urls.output_path(page.url) not in kept]
        _prepare(printer, left, planner.view)
        yield from kept.values()
        yield from self._draw(left, env, site, printer, inputs)
        written = [urls.output_path(page.url) for page in planned]
        made = {page.path: page for page in (generated.result() if generated else ())}
        feed_pages = [kept_feeds.get(url) or made[urls.output_path(url)] for url, _, _ in plans]
        yield from feed_pages
        written += [page.path for page in feed_pages]
        for output in sitemap([OutputFile(path, b"") for path in written], index, config):
            drawn = _drawn(output, None)
            yield self.keep(drawn) if self.keep else drawn
            written.append(output.path)
        self.planned = written
        assets, problems = asset_files(config)
        taken = set(written)
        problems += [error("", None, f"/{asset.path} is both a page and an asset file")
                     for asset in assets if asset.path in taken]
        self.diagnostics += problems
        self.assets = with_body_assets(assets, bodies)

    def _feeds(self, plans: list[FeedPlan], inputs: Mapping[str, str]) -> list[Drawn]:
        """The Atom feeds PLANS say, kept (written out) where they are made."""
        memo: dict[str, Any] = {}
        drawn = [_drawn(feed(plan, self.index, self.config, self.bodies, memo), None,
                        inputs.get(plan[0])) for plan in plans]
        return [self.keep(page) for page in drawn] if self.keep else drawn

    def _feeds_kept(self, plans: list[FeedPlan], digests: NotePageInputs | None
                    ) -> tuple[dict[str, Drawn], dict[str, str]]:
        """The feeds whose entries are made from the same notes and bodies as the last
        build's (by URL), and the inputs of the others (to be recorded with them)."""
        kept: dict[str, Drawn] = {}
        inputs: dict[str, str] = {}
        if digests is None:  # no cache: nothing to keep, nothing to record
            return kept, inputs
        for plan in plans:
            digest = digests.of_feed(*plan)
            path = urls.output_path(plan[0])
            record = self.same_inputs(path, digest) if self.same_inputs and digest else None
            if record is not None:
                if self.verify and _drawn(feed(plan, self.index, self.config, self.bodies, {}),
                                     None).digest != record.digest:
                    raise AssertionError(f"{path}: kept by its inputs, but it changed")
                kept[plan[0]] = Drawn(path, "", record.fingerprint, record.digest, record.links,
                                  record.indexed, reused=record, inputs=digest)
            elif digest:
                inputs[plan[0]] = digest
        return kept, inputs

    def _claimed(self, pages: Iterator[Page]) -> list[Page]:
        """The planned pages, each URL once; a second claim on a URL is an error."""
        claimed: dict[str, Page] = {}
        for page in pages:
            unwritable = unfit_error(page, self.index)
            if unwritable:
                self.diagnostics.append(unwritable)
                continue
            owner = claimed.setdefault(urls.output_path(page.url), page)
            if owner is not page:
                self.diagnostics.append(collision_error(page, owner))
        return list(claimed.values())

    def _kept_by_inputs(self, planned: list[Page], printer: PagePrinter, site: SiteView,
                        digests: NotePageInputs | None
                        ) -> tuple[dict[str, Drawn], dict[str, str]]:
        """The note pages whose inputs are as the last build's (kept as it left them, by
        path), and the inputs of the others (to be recorded with them)."""
        kept: dict[str, Drawn] = {}
        inputs: dict[str, str] = {}
        if digests is None:  # no cache: nothing to keep, nothing to record
            return kept, inputs
        for page in planned:
            if page.note is None:
                continue
            path = urls.output_path(page.url)
            digest = digests.of(page.note, page.template)
            if digest is None:
                continue
            record = self.same_inputs(path, digest) if self.same_inputs else None
            if record is None:
                inputs[path] = digest
                continue
            if self.verify:
                fingerprint = printer.page(page.url, page.template, page.context, site)
                if fingerprint != record.fingerprint:
                    raise AssertionError(f"{path}: kept by its inputs, but it changed")
            kept[path] = Drawn(path, page.note.key, record.fingerprint, record.digest,
                               record.links, record.indexed, reused=record, inputs=digest)
        return kept, inputs

    def _draw(self, planned: list[Page], env: jinja2.Environment, site: SiteView,
              printer: PagePrinter, inputs: Mapping[str, str]) -> Iterator[Drawn]:
        """Every planned page, in one pass over every core: each is fingerprinted where its
        template values are made (a note page's are made only there), then drawn unless the
        last build's file still serves. Only a fingerprint comes back for a page kept."""
        config, keep, reusable = self.config, self.keep, self.reusable
        for name in {page.template for page in planned}:  # compiled once, not once a worker
            with contextlib.suppress(Exception):  # draw() reports it, page by page
                env.get_template(name)

        def drawn_here(page: Page, fingerprint: str | None) -> Done:
            output, problem = draw(page, env, config, site)
            if output is None:
                return None, problem
            drawn = _drawn(output, fingerprint)
            return (keep(drawn) if keep else drawn), problem

        def look(page: Page) -> Kept | Done:
            fingerprint = printer.page(page.url, page.template, page.context, site)
            if reusable and fingerprint and reusable(urls.output_path(page.url), fingerprint):
                return fingerprint
            return drawn_here(page, fingerprint)

        tick = self.progress(len(planned)) if self.progress else None
        enough = PARALLEL_FROM * (4 if reusable else 1)  # keeping a page costs little
        jobs = self.jobs if len(planned) >= enough else 1
        problems: dict[int, Diagnostic] = {}
        for number, answer in fork_imap(look, planned, jobs, tick, share=True):
            page = planned[number]
            if isinstance(answer, str):
                path = urls.output_path(page.url)
                kept = reusable(path, answer) if reusable else None
                if kept is not None:
                    owner = page.note.key if page.note else ""
                    yield Drawn(path, owner, answer, kept.digest, kept.links, kept.indexed,
                                reused=kept, inputs=inputs.get(path))
                    continue
                answer = drawn_here(page, answer)  # its file changed since the worker looked
            drawn, problem = answer
            if problem:
                problems[number] = problem
            if drawn:
                self.drawn += 1
                digest = inputs.get(drawn.path)
                yield replace(drawn, inputs=digest) if digest else drawn
        self.diagnostics += [problems[number] for number in sorted(problems)]


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


def _drawn(output: OutputFile, fingerprint: str | None, inputs: str | None = None) -> Drawn:
    data = output.data
    html = output.path.endswith(".html")
    return Drawn(output.path, output.owner, fingerprint,
                 hashlib.blake2b(data, digest_size=16).hexdigest(),
                 page_links(data) if html else None,
                 searched_digest(data) if html and SEARCH_MARK in data else None, data,
                 inputs=inputs)
