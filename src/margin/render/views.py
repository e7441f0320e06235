"""Template view models: the documented contract between margin and templates.

Templates see these values, never the internal Note or SiteIndex, so either side can change
without breaking the other. The README's template reference lists every field here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from margin import urls
from margin.model import Note, RenderedBody, SiteConfig, SiteIndex

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str
    url: str  # root-relative; templates pass it through the `url` filter
    count: int = 0


@dataclass(frozen=True)
class NoteView:
    title: str
    url: str
    date: datetime | None
    updated: datetime | None
    tags: tuple[TagView, ...]
    section: str
    summary: str
    source: str  # the note's file, relative to the site folder
    extra: MappingProxyType[str, Any]
    content: str = ""  # Markup: the rendered HTML
    toc: tuple[dict, ...] = ()
    words: int = 0

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


def tag_views(index: SiteIndex) -> tuple[TagView, ...]:
    return tuple(
        TagView(e.tag.name, e.tag.slug, urls.tag(e.tag.slug), len(e.keys)) for e in index.tags
    )


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
    """A note for templates, its tags as the site spells them; BODY gives content and summary."""
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
        content=Markup(body.html) if body else Markup(),
        toc=tuple({"level": lv, "id": i, "text": t} for lv, i, t in body.toc) if body else (),
        words=len(note.body.split()),
    )
