"""Drawing a whole site for `margin build`: only the pages whose inputs changed since the last
build, on every core, one page at a time through memory.

Each planned page is fingerprinted (render/pageprint.py). When the last build drew the same
fingerprint at the same path and its file is still intact, the page is not drawn again: the
write stage puts that file back in place. The other pages are drawn in worker processes (which
start with the planner, views and compiled templates already in memory) and come back with
what the link checker needs, so neither the pages' bytes nor their parsing stay in this
process longer than it takes to write them. Output is the same as render() would give.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import jinja2

from margin import __version__, urls
from margin.diagnostics import Diagnostic, error
from margin.linkcheck import PageLinks, page_links
from margin.model import AssetFile, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.parallel import Background, fork_imap, fork_map
from margin.render import _collision, _with_body_assets, templates
from margin.render.assets import asset_files
from margin.render.dependencies import TemplateReader
from margin.render.feeds import feeds
from margin.render.pageprint import PagePrinter, base_fingerprint
from margin.render.pages import Page, Planner, draw
from margin.render.sitemap import sitemap
from margin.render.views import SiteView, site_view

SEARCH_MARK = b"data-pagefind-body"  # Pagefind indexes only the pages that carry it
PARALLEL_FROM = 64  # fewer pages than this are drawn here: forking would cost more


@dataclass(frozen=True)
class PageRecord:
    """What the last build wrote at one path: enough to reuse and to link-check it unseen."""

    fingerprint: str | None  # of its inputs; None: not drawn from a template, or unknowable
    digest: str  # of its bytes
    stamp: tuple[int, int, int]  # (size, mtime_ns, inode) of the file as written
    links: PageLinks | None  # for HTML pages
    indexed: bool = False  # Pagefind reads it
    owner: str = ""  # the key of the note whose page it is


@dataclass(frozen=True)
class Drawn:
    """A page of this build: its bytes, or None when the last build's file is still right."""

    path: str
    owner: str
    fingerprint: str | None
    digest: str
    links: PageLinks | None
    indexed: bool
    data: bytes | None = None
    reused: PageRecord | None = None  # the last build's file is this page
    staged: tuple[int, int, int] | None = None  # written out already; the file's stamp


Reusable = Callable[[str, str], PageRecord | None]  # (path, fingerprint) -> last build's record
_LATER = "later"  # a fingerprint to work out where the page is drawn


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
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: list[AssetFile] = field(default_factory=list)
    drawn: int = 0  # pages drawn (the rest were reused)

    def pages(self) -> Iterator[Drawn]:
        config, index, bodies = self.config, self.index, self.bodies
        env = templates.environment(config)
        site = site_view(config, index, __version__)
        planner = Planner(config, index, bodies, site, templates.site_templates(config))
        self.diagnostics = [d for body in bodies.values() for d in body.diagnostics]
        generated = Background(self._feeds)  # on another core, while the pages are planned
        planned = self._claimed(planner.pages())
        printer = PagePrinter(base_fingerprint(config), TemplateReader(env))
        todo: list[tuple[Page, str | None]] = []
        for page, fingerprint in zip(planned, self._fingerprints(planned, printer, site),
                                     strict=True):
            path = urls.output_path(page.url)
            kept = self.reusable(path, fingerprint) if self.reusable and fingerprint else None
            if kept is None:
                todo.append((page, fingerprint))
            else:
                owner = page.note.key if page.note else ""
                yield Drawn(path, owner, fingerprint, kept.digest, kept.links, kept.indexed,
                            reused=kept)
        written = [urls.output_path(page.url) for page in planned]
        yield from self._draw(todo, env, site, printer)
        feed_pages = generated.result()
        yield from feed_pages
        written += [page.path for page in feed_pages]
        for output in sitemap([OutputFile(path, b"") for path in written], index, config):
            drawn = _drawn(output, None)
            yield self.keep(drawn) if self.keep else drawn
            written.append(output.path)
        assets, problems = asset_files(config)
        taken = set(written)
        problems += [error("", None, f"/{asset.path} is both a page and an asset file")
                     for asset in assets if asset.path in taken]
        self.diagnostics += problems
        self.assets = _with_body_assets(assets, bodies)

    def _fingerprints(self, planned: list[Page], printer: PagePrinter, site: SiteView
                      ) -> list[str | None]:
        """Every planned page's fingerprint, on every core; with nothing to reuse, each is left
        to be worked out where the page is drawn (in parallel with the drawing)."""
        if self.reusable is None:
            return [_LATER] * len(planned)
        jobs = self.jobs if len(planned) >= PARALLEL_FROM * 4 else 1
        return fork_map(lambda page: printer.page(page.url, page.template, page.context, site),
                        planned, jobs)

    def _feeds(self) -> list[Drawn]:
        """The Atom feeds, kept (written out) where they are made."""
        drawn = [_drawn(output, None) for output in feeds(self.index, self.config, self.bodies)]
        return [self.keep(page) for page in drawn] if self.keep else drawn

    def _claimed(self, pages: Iterator[Page]) -> list[Page]:
        """The planned pages, each URL once; a second claim on a URL is an error."""
        claimed: dict[str, Page] = {}
        for page in pages:
            owner = claimed.setdefault(urls.output_path(page.url), page)
            if owner is not page:
                self.diagnostics.append(_collision(page, owner))
        return list(claimed.values())

    def _draw(self, todo: list[tuple[Page, str | None]], env: jinja2.Environment,
              site: SiteView, printer: PagePrinter) -> Iterator[Drawn]:
        config, keep = self.config, self.keep
        for name in {page.template for page, _ in todo}:
            with contextlib.suppress(Exception):  # draw() reports it, page by page
                env.get_template(name)  # compiled once here, not once per worker

        def draw_one(item: tuple[Page, str | None]) -> tuple[Drawn | None, Diagnostic | None]:
            page, fingerprint = item
            if fingerprint == _LATER:
                fingerprint = printer.page(page.url, page.template, page.context, site)
            output, problem = draw(page, env, config, site)
            if output is None:
                return None, problem
            drawn = _drawn(output, fingerprint)
            return (keep(drawn) if keep else drawn), problem

        tick = self.progress(len(todo)) if self.progress else None
        jobs = self.jobs if len(todo) >= PARALLEL_FROM else 1
        problems: dict[int, Diagnostic] = {}
        for number, (drawn, problem) in fork_imap(draw_one, todo, jobs, tick):
            if problem:
                problems[number] = problem
            if drawn:
                self.drawn += 1
                yield drawn
        self.diagnostics += [problems[number] for number in sorted(problems)]


def _drawn(output: OutputFile, fingerprint: str | None) -> Drawn:
    data = output.data
    html = output.path.endswith(".html")
    return Drawn(output.path, output.owner, fingerprint,
                 hashlib.blake2b(data, digest_size=16).hexdigest(),
                 page_links(data) if html else None, html and SEARCH_MARK in data, data)
