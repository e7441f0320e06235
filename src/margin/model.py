"""The values that flow between the build stages. No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from margin.diagnostics import Diagnostic

EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Collection:
    """A folder under content/ holding notes written for another tool (load/collections.py)."""

    root: str  # content-relative folder, '/' between parts; '' for content/ itself
    kind: str  # 'jekyll', 'hugo', 'quartz', 'obsidian', 'typora', 'pandoc' or 'margin'
    notes_root: str = ""  # where its notes' paths start (a Hugo site's content/)
    files_root: str = ""  # where its root-relative file links start (a Hugo site's static/)
    settings: tuple[tuple[str, str], ...] = ()  # read from the tool's config (Jekyll: permalink)

    def holds(self, key: str) -> bool:
        """Whether the note or file KEY (content-relative) lies inside this collection."""
        return not self.root or key.startswith(self.root + "/")

    def setting(self, name: str, default: str = "") -> str:
        return dict(self.settings).get(name, default)


@dataclass(frozen=True)
class Macro:
    name: str  # without the backslash
    body: str
    arguments: int = 0
    optional: str | None = None  # the first argument's default, when it is optional


@dataclass(frozen=True)
class MathSettings:
    """site.toml's `[math]`: its macros and the preamble files' (read by mathconfig.py)."""

    macros: tuple[Macro, ...] = ()
    digest: str = ""  # of everything above and the preamble files' bytes: a cache key
    files: tuple[str, ...] = ()  # the preamble files, site-relative: `margin serve` watches them

    def with_macros(self, extra: Sequence[Macro]) -> MathSettings:
        return MathSettings(self.macros + tuple(extra), self.digest, self.files) if extra \
            else self


@dataclass(frozen=True)
class CitationSettings:
    """site.toml's `[citations]`: the site's bibliography files and the CSL style."""

    bibliography: tuple[str, ...] = ()  # site-relative files
    style: str = ""  # the .csl file the `csl` setting names (markdown/csl.py)
    digest: str = ""  # of the above and a site's own .csl file's bytes: a cache key


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.toml (and the command line) can set; frozen once loaded."""

    site_dir: Path
    output_dir: Path
    title: str = "My notes"
    description: str = ""
    author: str = ""
    base_url: str = ""
    language: str = "en"
    permalinks: MappingProxyType[str, str] = field(default_factory=lambda: EMPTY)
    paginate: int = 20
    feed_entries: int = 20
    max_note_mb: int = 10  # a larger note file is skipped with a warning (load/discover.py)
    drafts: bool = False
    strict: bool = False
    theme_dir: Path | None = None
    collections: tuple[Collection, ...] = ()  # foreign sites under content/, outermost first
    math: MathSettings | None = None  # [math]: macros and preamble files (markdown/mathconfig.py)
    citations: CitationSettings = field(default_factory=CitationSettings)  # [citations]

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def assets_dir(self) -> Path:
        return self.site_dir / "assets"


@dataclass(frozen=True)
class SourceFile:
    """A note file as read from disk (or, unread, as a build vouched for it: load/known.py)."""

    path: Path
    relative: str  # site-relative, with '/' separators: what diagnostics name
    text: str | None  # None: not read, as the last build read it (read it to make its note)
    digest: str
    stamp: tuple[int, int, int, int] | None = None  # (size, mtime_ns, ctime_ns, inode) before read


@dataclass(frozen=True)
class Tag:
    """A tag as first spelled, and its URL-safe slug (which is also its identity)."""

    name: str
    slug: str


@dataclass(frozen=True)
class Note:
    """One Markdown note, front matter parsed and typed; the body not yet rendered."""

    key: str  # path under content/, e.g. 'posts/2025-02-08-week.md'
    source: str  # site-relative path, for diagnostics
    title: str
    body: str
    body_line: int  # the file line on which the body starts (1-based)
    section: str
    slug: str
    url: str  # root-relative, before the base_url prefix: '/2025/02/08/week/'
    date: datetime | None = None
    updated: datetime | None = None
    tags: tuple[Tag, ...] = ()
    draft: bool = False
    summary: str = ""
    layout: str | None = None
    template: str | None = None
    aliases: tuple[str, ...] = ()  # old names/URLs: wikilink targets and redirect pages
    # other front matter keys; a plain dict (typed read-only) so notes pickle to workers
    extra: Mapping[str, Any] = field(default_factory=dict)
    digest: str = ""
    url_chosen: bool = False  # the note set its URL (permalink:/url:); False: margin derived it
    tool_url: str = ""  # in a collection: the URL its own tool gave it, before mounting

    @property
    def dated(self) -> bool:
        return self.date is not None

    @property
    def day(self) -> date | None:
        return self.date.date() if self.date else None


@dataclass(frozen=True)
class TagEntry:
    tag: Tag
    keys: tuple[str, ...]  # newest first


@dataclass(frozen=True)
class Link:
    """One link from a note to another note, with the sentence around it (for backlinks)."""

    source: str  # key of the linking note
    target: str  # key of the linked note
    line: int  # file line in the source note
    context: Any  # str(context): the passage around it (index/text.py Passage: read lazily)


@dataclass(frozen=True)
class Citation:
    """One note's mention of a paper."""

    paper: str  # 'arxiv:2501.09223' or 'doi:10.1145/...'
    key: str
    line: int  # file line
    context: str  # the sentence around the mention
    link_text: str = ""


@dataclass(frozen=True)
class Paper:
    """A paper cited by notes: its page is /papers/<slug>/."""

    id: str
    slug: str
    title: str
    link: str  # where the paper itself lives
    citations: tuple[Citation, ...]  # newest citing note first
    entry: Any = None  # index.bibliography.BibEntry: the paper's entry in a bibliography


@dataclass(frozen=True)
class SiteIndex:
    """Notes by key and URL plus every ordering the list pages need; keys, not objects."""

    notes: MappingProxyType[str, Note]
    by_url: MappingProxyType[str, str]
    chronological: tuple[str, ...]  # dated notes, newest first
    undated: tuple[str, ...]  # by title
    tags: tuple[TagEntry, ...]  # by name
    # year -> month -> keys, newest first
    archive: tuple[tuple[int, tuple[tuple[int, tuple[str, ...]], ...]], ...]
    sections: MappingProxyType[str, tuple[str, ...]]
    links: MappingProxyType[str, tuple[Link, ...]] = field(default_factory=lambda: EMPTY)
    backlinks: MappingProxyType[str, tuple[Link, ...]] = field(default_factory=lambda: EMPTY)
    papers: tuple[Paper, ...] = ()  # most cited first
    note_papers: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY)
    related: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY)
    series: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY)
    link_targets: Any = None  # index.links.LinkTargets: wikilink names -> keys, for the renderer
    # collection notes by the URL their own tool gave them, mounted under the collection
    # ('/R/2020/01/02/x.html' -> key): links written for the old site (index/claims.py)
    by_tool_url: MappingProxyType[str, str] = field(default_factory=lambda: EMPTY)
    # the notes that may have old URLs to redirect from (aliases, a tool's URL), by key
    redirecting: tuple[str, ...] = ()

    def ordered(self, keys: Iterable[str] | None = None) -> tuple[str, ...]:
        """All (or the given) keys: dated newest first, then undated by title (the given
        ones sorted as these orderings were: a few of many, without a pass over all)."""
        if keys is None:
            return self.chronological + self.undated
        notes = [self.notes[key] for key in keys]
        dated = sorted((n for n in notes if n.date), key=newest_first, reverse=True)
        return tuple(n.key for n in (*dated, *sorted((n for n in notes if not n.date),
                                                      key=by_title)))

    def dated(self, section: str) -> tuple[str, ...]:
        """A section's dated notes, newest first: its notes come in the order above, so
        they are all those before its undated ones (found from the end)."""
        keys = self.sections.get(section, ())
        end = len(keys)
        while end and not self.notes[keys[end - 1]].date:
            end -= 1
        return keys[:end]


def newest_first(note: Note) -> tuple[Any, str]:
    """The chronological order's sort key (reversed: newest first, then by key)."""
    return (note.date, note.key)


def by_title(note: Note) -> tuple[str, str]:
    """The undated notes' sort key."""
    return (note.title.casefold(), note.key)


@dataclass(frozen=True)
class RenderedBody:
    html: Any  # Markup; or where `margin build` left it in the cache: see read_html()
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, id, text)
    summary: str = ""  # the first paragraph's text, shortened (or all before <!--more-->)
    summary_html: str = ""  # the same as HTML: math as MathML (markdown/snippets.py)
    # (note key or paper id, HTML, text): the sentence around the body's first link to each
    # note and first mention of each paper, for backlinks and paper pages
    contexts: tuple[tuple[str, str, str], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    assets: tuple[AssetFile, ...] = ()  # files the body uses that the asset stage won't copy
    links: tuple[str, ...] = ()  # keys of the notes the body links to
    images: tuple[str, ...] = ()  # image files read for their size (cache invalidation)
    math: int = 0  # math expressions typeset
    embeds: tuple[str, ...] = ()  # keys of the notes shown inside it (`![[note]]`), any depth
    # Worked out with the body, once, rather than for every note's view on every build
    # (pages/views.py note_view): the note's words, its contents for templates (`toc`),
    # the first image previews can show.
    words: int = 0
    contents: tuple[dict, ...] = ()
    image: str = ""
    # Bibliography entries looked up: (files, key, the entry's digest or None): a body is
    # rendered again when one of them changes (markdown/citations.py)
    cited: tuple[tuple[tuple[str, ...], str, str | None], ...] = ()


class KeptBodies(Mapping[str, "RenderedBody"]):
    """Every note's body by note key, those a build found in its cache left packed until first
    asked for (BODIES: key -> a body, or a packed one: an object whose `body()` makes it). A
    one-note build at 4,000 notes asks for a few dozen; making every body first was a tenth
    of its time. A packed body has no diagnostics and no assets (bodycache.py packs no other)."""

    def __init__(self, bodies: dict[str, Any]):
        self._bodies = bodies

    def __getitem__(self, key: str) -> RenderedBody:
        body = self._bodies[key]
        if not isinstance(body, RenderedBody):
            body = self._bodies[key] = body.body()  # (made twice at worst, by two threads)
        return body

    def __contains__(self, key: object) -> bool:
        return key in self._bodies

    def __iter__(self) -> Iterator[str]:
        return iter(self._bodies)

    def __len__(self) -> int:
        return len(self._bodies)

    def made(self) -> Iterator[RenderedBody]:
        """The bodies not packed: the only ones with diagnostics or assets."""
        return (body for body in self._bodies.values() if isinstance(body, RenderedBody))


def unpacked_bodies(bodies: Mapping[str, RenderedBody]) -> Iterable[RenderedBody]:
    """The bodies of BODIES that may have diagnostics or assets (all but the packed ones)."""
    return bodies.made() if isinstance(bodies, KeptBodies) else bodies.values()


def read_html(html: Any) -> str:
    """HTML as held: the text, or where `margin build` left it in the cache, read back
    (incremental/bodytext.py)."""
    return html if isinstance(html, str) else html.load()


def markup_of(html: Any) -> Any:
    """A body's HTML as Markup, which templates take as it is (or left stored, as held).
    Markup() copies: a copy of every note's HTML would cost as much memory as the bodies."""
    return Markup(html) if isinstance(html, str) and not isinstance(html, Markup) else html


@dataclass(frozen=True)
class OutputFile:
    """A file of the built site: its path under the output folder and its bytes."""

    path: str  # e.g. 'tags/ai/index.html'
    data: bytes
    sources: tuple[str, ...] = ()  # note keys (or 'theme') it was made from
    owner: str = ""  # the key of the note whose own page this is, if any


@dataclass(frozen=True)
class AssetFile:
    """A file copied as it is: where it comes from and where it goes."""

    source: Path
    path: str
    # The bytes themselves when no file holds them (a notebook's output image, decoded from
    # SOURCE): PATH is then named by their digest, so one path always means the same bytes.
    data: bytes | None = field(default=None, repr=False)


@dataclass
class BuildReport:
    notes: int = 0
    written: int = 0  # pages
    copied: int = 0  # assets
    unchanged: int = 0
    removed: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    failed: bool = False
