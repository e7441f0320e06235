"""The page plan: which pages the site has, which template draws each, and with what values."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Set
from functools import partial
from typing import Any

import jinja2

from margin import urls
from margin.diagnostics import Diagnostic, error
from margin.model import Note, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.pages import templates
from margin.pages.graph import Graph
from margin.pages.page import Page
from margin.pages.seo import article
from margin.pages.views import (
    MonthView,
    NoteView,
    Pagination,
    SiteView,
    TagView,
    YearView,
    archive_heatmap,
    note_view,
    section_title,
    tag_chart,
    tag_cloud,
)

HOME_RECENT = 10
DEFAULT_TEMPLATE = "note.html"


class LazyContext(Mapping[str, Any]):
    """Template values worked out only when a template (or a page fingerprint) asks for them."""

    def __init__(self, make: Callable[[], dict[str, Any]]):
        self._make: Callable[[], dict[str, Any]] | None = make
        self._values: dict[str, Any] = {}

    def _made(self) -> dict[str, Any]:
        if self._make is not None:
            self._values, self._make = self._make(), None
        return self._values

    def __getitem__(self, key: str) -> Any:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


class Planner:
    """Builds the Page list from the index; the views it makes are shared between pages."""

    def __init__(
        self, config: SiteConfig, index: SiteIndex, bodies: Mapping[str, RenderedBody],
        site: SiteView, layouts: set[str],
        make_view: Callable[[Note, RenderedBody | None, dict[str, TagView]], NoteView] = note_view,
    ):
        self.config, self.index, self.bodies = config, index, bodies
        self.site, self.layouts = site, layouts
        self.tags = {t.slug: t for t in site.tags}
        self._make_view = make_view  # (a live server's: the last round's views, where they hold)
        self._views: dict[str, NoteView] = {}
        self.graph = Graph(index, self.view)

    def view(self, key: str) -> NoteView:
        if key not in self._views:
            note, body = self.index.notes[key], self.bodies.get(key)
            self._views[key] = self._make_view(note, body, self.tags)
        return self._views[key]

    def views(self, keys) -> tuple[NoteView, ...]:
        return tuple(self.view(k) for k in keys)

    def all_views(self) -> Mapping[str, NoteView]:
        """Every note's view, by key (made once)."""
        if len(self._views) < len(self.index.notes):
            for key in self.index.notes:
                self.view(key)
        return self._views

    def pages(self) -> Iterator[Page]:
        for key in self.index.ordered():
            yield self.note_page(self.index.notes[key])
        yield from self.generated_pages()

    def generated_pages(self, kept: Container[str] = (), wanted: Set[str] | None = None,
                        whole: Container[str] = ()) -> Iterator[Page]:
        """Every page not a note's (of the list pages, those not KEPT, by output path: a
        tag's pages are thousands at a large site, and a save keeps nearly all; with WANTED,
        only those of its paths, each list looked up in it rather than walked, but for the
        lists at the URLs WHOLE)."""
        yield self.home_page()
        yield Page(urls.TAGS, "tags.html", {"tags": self.site.tags}, ("*",))
        for entry in self.index.tags:
            tag = self.tags[entry.tag.slug]
            title = f"Tagged “{tag.name}”"
            url = urls.tag(tag.slug)
            yield from self.list_pages(url, title, entry.keys, kind="tag", tag=tag, kept=kept,
                                       wanted=None if url in whole else wanted)
        for name, keys in self.index.sections.items():
            if urls.section(name) == urls.PAPERS and self.index.papers:
                continue  # the paper index speaks for a section called 'papers'
            if urls.section(name) in self.index.by_url:
                continue  # the folder's own page (its index.md) stands in for the list
            yield from self.list_pages(urls.section(name), section_title(name), keys,
                                       kind="section", tag=None, kept=kept,
                                       wanted=None if urls.section(name) in whole else wanted)
        yield self.archive_page()
        yield from self.graph.pages(kept)
        yield Page(urls.SEARCH, "search.html", {}, ())
        yield Page(urls.NOT_FOUND, "404.html", {}, ())

    def note_page(self, note: Note) -> Page:
        view = self.view(note.key)  # as `note`, and as Jekyll's `page` for ported templates

        def context() -> dict[str, Any]:
            return {"note": view, "page": view, **self.graph.note_extras(note),
                    "article": article(view, self.site) if view.date else None}

        # (the context is made where the page is drawn: a worker, when there are many)
        return Page(note.url, self.template_for(note), LazyContext(context), (note.key,), note)

    def template_for(self, note: Note) -> str:
        if note.template:
            return note.template if note.template.endswith(".html") else note.template + ".html"
        if note.layout and f"{note.layout}.html" in self.layouts:
            return f"{note.layout}.html"
        return DEFAULT_TEMPLATE

    def home_page(self) -> Page:
        recent = self.index.chronological[:HOME_RECENT]

        def context() -> dict[str, Any]:
            return {"recent": self.views(recent), "undated": self.views(self.index.undated),
                    "cloud": tag_cloud(self.site.tags)}
        return Page(urls.HOME, "home.html", LazyContext(context), ("*",))

    def list_pages(self, url: str, title: str, keys: tuple[str, ...], *, kind: str,
                   tag: TagView | None, kept: Container[str] = (),
                   wanted: Set[str] | None = None) -> Iterator[Page]:
        """The pages listing KEYS (but those whose output paths are KEPT; only those WANTED)."""
        size = self.config.paginate
        total = max(1, -(-len(keys) // size))
        charts: list[Any] = []  # the tag's chart, made once, for the first page drawn

        def context(chunk: tuple[str, ...], pagination: Pagination) -> dict[str, Any]:
            if not charts:
                charts.append(tag_chart(self.index, keys, tag.name) if tag else None)
            return {"title": title, "kind": kind, "tag": tag, "notes": self.views(chunk),
                    "count": len(keys), "pagination": pagination, "chart": charts[0]}

        paths = urls.paged_paths(url, total)
        numbers: Iterable[int] = range(1, total + 1)
        if wanted is not None:  # (a save plans a page or two of a few lists)
            numbers = sorted(paths.index(path) + 1
                             for path in wanted & urls.paged_path_set(url, total))
        elif kept and all(map(kept.__contains__, paths)):  # (a save keeps nearly every list)
            return
        for number in numbers:
            if kept and paths[number - 1] in kept:
                continue
            chunk = keys[(number - 1) * size : number * size]
            pagination = Pagination(
                number, total,
                urls.paged(url, number - 1) if number > 1 else None,
                urls.paged(url, number + 1) if number < total else None,
            )
            # (the values are made only for a page decided again: the rest are kept)
            yield Page(urls.paged(url, number), "list.html",
                       LazyContext(partial(context, chunk, pagination)), chunk)

    def archive_page(self) -> Page:
        def context() -> dict[str, Any]:
            years = tuple(
                YearView(year, tuple(
                    MonthView(year, month, calendar.month_name[month], self.views(keys))
                    for month, keys in months
                ))
                for year, months in self.index.archive
            )
            return {"years": years, "undated": self.views(self.index.undated),
                    "heatmap": archive_heatmap(self.index)}
        return Page(urls.ARCHIVE, "archive.html", LazyContext(context), ("*",))


def draw(page: Page, env: jinja2.Environment, config: SiteConfig, site: SiteView
         ) -> tuple[OutputFile | None, Diagnostic | None]:
    """Render one page; a template problem becomes a diagnostic naming the template and note."""
    try:
        template = env.get_template(page.template)
        html = template.render(site=site, page_url=page.url, **page.context)
    except jinja2.TemplateNotFound as exc:
        where = page.note.source if page.note else ""
        return None, error(where, None, f"template not found: {exc.name}")
    except Exception as exc:  # any template error: report it, keep building the rest
        problem = templates.describe(config, exc)
        reason = problem.reason
        if page.note and problem.path and not isinstance(exc, jinja2.TemplateSyntaxError):
            reason += f" (rendering {page.note.source})"
        return None, error(problem.path, problem.line, reason)
    owner = page.note.key if page.note else ""
    path = urls.output_path(page.url)
    return OutputFile(path, html.encode("utf-8"), page.sources, owner), None
