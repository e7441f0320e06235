"""Template view models: the documented contract between margin and templates.

Templates see these values, never the internal Note or SiteIndex, so either side can change
without breaking the other. The README's template reference lists every field here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from margin import urls
from margin.markdown.facts import word_count
from margin.model import (
    Note,
    RenderedBody,
    SiteConfig,
    SiteIndex,
    TagEntry,
    markup_of,
    read_html,
)
from margin.pages import charts
from margin.pages.charts import Picture
from margin.pages.feeds import tag_feed

WORDS_PER_MINUTE = 230
CLOUD_TAGS = 30  # the home page's cloud shows this many of the most-used tags
_NO_HTML = Markup()


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    url: str  # root-relative; templates pass it through the `url` filter
    count: int = 0
    feed_url: str = ""  # the tag's Atom feed; '' when none of its notes is dated (no feed)


@dataclass(frozen=True)
class NoteView:
    title: str
    url: str
    date: datetime | None
    updated: datetime | None
    tags: tuple[TagView, ...]
    section: str
    summary: str  # text: math as Unicode (markdown/snippets.py), for descriptions and feeds
    source: str  # the note's file, relative to the site folder
    extra: Mapping[str, Any]
    # The rendered HTML (Markup), or where `margin build` left it (incremental/bodytext.py): not
    # for templates, which read `content`.
    _html: Any = ""
    toc: tuple[dict, ...] = ()
    words: int = 0
    image: str = ""  # the first image link previews can show (root-relative or full URL)
    summary_html: Markup = _NO_HTML  # the summary as HTML, math as MathML, for lists
    # Not for templates: the sentences around this note's links and citations (graph.py).
    _contexts: tuple[tuple[str, str, str], ...] = ()

    @property
    def content(self) -> Markup:
        """The rendered HTML, read where a page shows it."""
        return read_html(self._html)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class SectionView:
    name: str
    title: str
    url: str
    count: int


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    name: str  # 'February'
    notes: tuple[NoteView, ...]


@dataclass(frozen=True)
class YearView:
    year: int
    months: tuple[MonthView, ...]

    @property
    def count(self) -> int:
        return sum(len(m.notes) for m in self.months)


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    author: str
    language: str
    base_url: str
    tags: tuple[TagView, ...]  # every tag, by name, with counts
    sections: tuple[SectionView, ...]
    note_count: int
    generator: str


@dataclass(frozen=True)
class CloudTag:
    """A tag in the home page's cloud: SIZE 1 (fewest notes) … 5 (most), on a log scale."""

    tag: TagView
    size: int


def tag_views(index: SiteIndex) -> tuple[TagView, ...]:
    return tuple(
        TagView(e.tag.name, e.tag.slug, urls.tag(e.tag.slug), len(e.keys), _feed_url(index, e))
        for e in index.tags
    )


def _feed_url(index: SiteIndex, entry: TagEntry) -> str:
    """pages/feeds.py writes a tag's feed only when the tag has a dated note."""
    if any(index.notes[key].date for key in entry.keys):
        return tag_feed(entry.tag.slug)
    return ""


def tag_cloud(tags: tuple[TagView, ...], limit: int = CLOUD_TAGS) -> tuple[CloudTag, ...]:
    """The LIMIT most-used tags, by name, each sized by its count."""
    chosen = sorted(sorted(tags, key=lambda t: (-t.count, t.name.casefold()))[:limit],
                    key=lambda t: t.name.casefold())
    sizes = charts.size_buckets([t.count for t in chosen])
    return tuple(CloudTag(tag, size) for tag, size in zip(chosen, sizes, strict=True))


def archive_heatmap(index: SiteIndex) -> Picture | None:
    """The archive's calendar of notes per day over the year up to the newest note."""
    return charts.heatmap(index.notes[key].date.date() for key in index.chronological)


def tag_chart(index: SiteIndex, keys: tuple[str, ...], name: str) -> Picture | None:
    """A tag page's notes-per-month bars; None when none of its notes is dated."""
    days = [index.notes[key].date.date() for key in keys if index.notes[key].date]
    return charts.month_bars(days, what=f"Notes tagged “{name}”")


def section_title(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").strip().capitalize()


def site_view(config: SiteConfig, index: SiteIndex, version: str) -> SiteView:
    sections = tuple(
        SectionView(name, section_title(name), urls.section(name), len(keys))
        for name, keys in index.sections.items()
    )
    return SiteView(
        title=config.title, description=config.description, author=config.author,
        language=config.language, base_url=config.base_url, tags=tag_views(index),
        sections=sections, note_count=len(index.notes), generator=f"margin {version}",
    )


def note_view(note: Note, body: RenderedBody | None, tags: dict[str, TagView]) -> NoteView:
    """A note for templates, its tags as the site spells them; BODY gives content, summary,
    contents, words and the first image (worked out when it was rendered)."""
    return NoteView(
        title=note.title,
        url=note.url,
        date=note.date,
        updated=note.updated,
        tags=tuple(tags[t.slug] for t in note.tags if t.slug in tags),
        section=note.section,
        summary=note.summary or (body.summary if body else ""),
        source=note.source,
        extra=note.extra,
        _html=markup_of(body.html) if body else Markup(),
        toc=body.contents if body else (),
        words=body.words if body else word_count(note.body),
        image=body.image if body else "",
        summary_html=escape(note.summary) if note.summary else
        Markup(body.summary_html if body else ""),
        _contexts=body.contexts if body else (),
    )
