"""The page plan: which pages the site has, which template draws each, and with what values."""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from margin import urls
from margin.diagnostics import Diagnostic, error
from margin.model import Note, OutputFile, RenderedBody, SiteConfig, SiteIndex
from margin.render import templates
from margin.render.graph import Graph
from margin.render.views import (
    MonthView,
    NoteView,
    Pagination,
    SiteView,
    TagView,
    YearView,
    note_view,
    section_title,
)

HOME_RECENT = 10
DEFAULT_TEMPLATE = "note.html"


@dataclass(frozen=True)
class Page:
    """One page to draw: its URL, template, template values and the notes it shows."""

    url: str
    template: str
    context: Mapping[str, Any]
    sources: tuple[str, ...]
    note: Note | None = None  # the note whose own page this is


class Planner:
    """Builds the Page list from the index; the views it makes are shared between pages."""

    def __init__(
        self, config: SiteConfig, index: SiteIndex, bodies: Mapping[str, RenderedBody],
        site: SiteView, layouts: set[str],
    ):
        self.config, self.index, self.bodies = config, index, bodies
        self.site, self.layouts = site, layouts
        self.tags = {t.slug: t for t in site.tags}
        self._views: dict[str, NoteView] = {}
        self.graph = Graph(index, self.view)

    def view(self, key: str) -> NoteView:
        if key not in self._views:
            note = self.index.notes[key]
            self._views[key] = note_view(note, self.bodies.get(key), self.tags)
        return self._views[key]

    def views(self, keys) -> tuple[NoteView, ...]:
        return tuple(self.view(k) for k in keys)

    def pages(self) -> Iterator[Page]:
        for key in self.index.ordered():
            yield self.note_page(self.index.notes[key])
        yield self.home_page()
        yield Page(urls.TAGS, "tags.html", {"tags": self.site.tags}, ("*",))
        for entry in self.index.tags:
            tag = self.tags[entry.tag.slug]
            title = f"Tagged “{tag.name}”"
            yield from self.list_pages(urls.tag(tag.slug), title, entry.keys, kind="tag", tag=tag)
        for name, keys in self.index.sections.items():
            if urls.section(name) == urls.PAPERS and self.index.papers:
                continue  # the paper index speaks for a section called 'papers'
            yield from self.list_pages(urls.section(name), section_title(name), keys,
                                       kind="section", tag=None)
        yield self.archive_page()
        for page in self.graph.pages():
            yield Page(page.url, page.template, page.context, page.sources)
        yield Page(urls.NOT_FOUND, "404.html", {}, ())

    def note_page(self, note: Note) -> Page:
        view = self.view(note.key)  # as `note`, and as Jekyll's `page` for ported templates
        context = {"note": view, "page": view, **self.graph.note_extras(note)}
        return Page(note.url, self.template_for(note), context, (note.key,), note)

    def template_for(self, note: Note) -> str:
        if note.template:
            return note.template if note.template.endswith(".html") else note.template + ".html"
        if note.layout and f"{note.layout}.html" in self.layouts:
            return f"{note.layout}.html"
        return DEFAULT_TEMPLATE

    def home_page(self) -> Page:
        recent = self.index.chronological[:HOME_RECENT]
        context = {"recent": self.views(recent), "undated": self.views(self.index.undated)}
        return Page(urls.HOME, "home.html", context, ("*",))

    def list_pages(self, url: str, title: str, keys: tuple[str, ...], *, kind: str,
                   tag: TagView | None) -> Iterator[Page]:
        size = self.config.paginate
        total = max(1, -(-len(keys) // size))
        for number in range(1, total + 1):
            chunk = keys[(number - 1) * size : number * size]
            pagination = Pagination(
                number, total,
                urls.paged(url, number - 1) if number > 1 else None,
                urls.paged(url, number + 1) if number < total else None,
            )
            context = {"title": title, "kind": kind, "tag": tag, "notes": self.views(chunk),
                       "count": len(keys), "pagination": pagination}
            yield Page(urls.paged(url, number), "list.html", context, chunk)

    def archive_page(self) -> Page:
        years = tuple(
            YearView(year, tuple(
                MonthView(year, month, calendar.month_name[month], self.views(keys))
                for month, keys in months
            ))
            for year, months in self.index.archive
        )
        context = {"years": years, "undated": self.views(self.index.undated)}
        return Page(urls.ARCHIVE, "archive.html", context, ("*",))


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
