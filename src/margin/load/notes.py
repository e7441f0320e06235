"""A SourceFile -> a Note: front matter typed, title, date, tags, slug and permalink decided."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from margin.diagnostics import Diagnostic, error
from margin.load import frontmatter, notebooks
from margin.load.dates import parse_date, split_file_date
from margin.load.notebooks import is_notebook, read_notebook
from margin.load.permalinks import FOLDER_PAGES, Place, note_url, place_of
from margin.model import Note, SiteConfig, SourceFile, Tag
from margin.slugs import humanize, slugify

# Keys with a typed place on Note; all others stay in Note.extra for templates.
TYPED_KEYS = frozenset({
    "title", "date", "updated", "last_modified_at", "tags", "categories", "category", "slug",
    "permalink", "draft", "description", "summary", "layout", "template", "aliases",
})
# Layouts that list posts: with an empty body, such a page has nothing of its own to show.
LIST_LAYOUTS = frozenset({
    "home", "archive", "archives", "blog", "category", "categories", "tag", "tags", "posts",
    "list", "paginate", "index",
})
NAME_AS_TITLE = ("obsidian", "quartz", "typora")  # tools that show a note's file name as is
_HEADING = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_MARKUP = [
    (re.compile(r"<[^>]+>"), ""),  # html tags
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__|\*|`)"), ""),
]


class NoteError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def make_note(source: SourceFile, config: SiteConfig) -> tuple[Note | None, list[Diagnostic]]:
    """Type a note's front matter; any problem is an error naming the file and line."""
    if is_notebook(source.relative):
        return _notebook_note(source, config)
    try:
        part = frontmatter.split(source.text)
        meta = frontmatter.parse(part)
        return _note(source, part, meta, config), []
    except frontmatter.FrontMatterError as exc:
        return None, [error(source.relative, exc.line, f"front matter: {exc.reason}")]
    except NoteError as exc:
        return None, [error(source.relative, exc.line, exc.message)]


def _notebook_note(source: SourceFile, config: SiteConfig
                   ) -> tuple[Note | None, list[Diagnostic]]:
    """A Jupyter notebook's note (load/notebooks.py): its metadata is its front matter."""
    try:
        notebook = read_notebook(source.text)
        meta, raw_cell = notebooks.front_matter(notebook)
        body = notebooks.body_of(notebook, source.text, source.digest[:12], raw_cell)
        part = frontmatter.Split(None, "", 1, body, 1)
        note = _note(source, part, meta, config, notebook_title=True)
    except notebooks.NotebookError as exc:
        return None, [error(source.relative, exc.line, exc.reason)]
    except frontmatter.FrontMatterError as exc:
        return None, [error(source.relative, None, "front matter in the first raw cell: "
                                                   f"{exc.reason} (its line {exc.line})")]
    except NoteError as exc:
        return None, [error(source.relative, None, exc.message)]
    return note, []


def _note(
    source: SourceFile, part: frontmatter.Split, meta: dict[str, Any], config: SiteConfig,
    notebook_title: bool = False,
) -> Note | None:
    key_path = PurePosixPath(source.path.relative_to(config.content_dir).as_posix())

    def line_of(key: str) -> int:
        return frontmatter.key_line(part, key)

    file_date, stem = split_file_date(key_path.stem)
    place = place_of(key_path, config, file_date, stem)
    date = _date_field(meta, "date", line_of) or file_date
    updated = _date_field(meta, "updated", line_of) or _date_field(
        meta, "last_modified_at", line_of
    )
    body, body_line = part.body, part.body_line
    layout = _text(meta.get("layout")) or None
    if _only_lists_notes(key_path, layout, body):
        return None
    title = _text(meta.get("title"))
    if not title:
        title, body = (_first_cell_heading if notebook_title else _title_from_heading)(body)
    if not title:
        title = _file_title(place, key_path)

    named = _text(meta.get("slug")) or place.stem
    chosen = _text(meta.get("permalink")) or _site_path(meta.get("url"))
    url, tool_url = note_url(place, config, chosen, date, named, title,
                             _strings(meta.get("categories"), "categories", line_of)
                             + _strings(meta.get("category"), "category", line_of))
    return Note(
        key=key_path.as_posix(),
        source=source.relative,
        title=title,
        body=body,
        body_line=body_line,
        section=place.section,
        slug=slugify(named),
        url=url,
        date=date,
        updated=updated,
        tags=_tags(meta, line_of),
        draft=_flag(meta.get("draft")) or "_drafts" in key_path.parent.parts,
        summary=_text(meta.get("description")) or _text(meta.get("summary")),
        layout=layout,
        template=_text(meta.get("template")) or None,
        aliases=tuple(_aliases(meta.get("aliases"), line_of)),
        extra={k: v for k, v in meta.items() if k not in TYPED_KEYS},
        digest=source.digest,
        url_chosen=bool(chosen),
        tool_url=tool_url,
    )


def _only_lists_notes(key: PurePosixPath, layout: str | None, body: str) -> bool:
    """A page with nothing of its own (an empty body) whose layout or place makes it a list of
    posts: Jekyll's home/archive/tag pages, Hugo's _index.md. margin draws its own lists."""
    if body.strip():
        return False
    return key.stem == "_index" or (layout or "").lower() in LIST_LAYOUTS


def _site_path(value: Any) -> str:
    """Hugo's `url:` when it is a path on the site (not a link elsewhere)."""
    text = _text(value)
    return text if text and "://" not in text and not text.startswith("mailto:") else ""


def _file_title(place: Place, key: PurePosixPath) -> str:
    """A note without a title is called by its file name: exactly as written when the name
    was written as a title (it has spaces) or its tool shows names as they are (Obsidian,
    Quartz, Typora); a name written as a slug ('llm-study_notes') reads as words."""
    name = place.stem if place.folder_page else key.stem
    words = place.stem
    if place.mount and place.stem in FOLDER_PAGES and not place.folders:
        name = words = place.mount.rsplit("/", 1)[-1]  # a collection's own index.md
    kind = place.collection.kind if place.collection else "margin"
    if " " in name or kind in NAME_AS_TITLE:
        return name
    return humanize(words)


def _date_field(meta: dict[str, Any], key: str, line_of) -> datetime | None:
    if key not in meta or meta[key] == "":
        return None
    value = parse_date(meta[key])
    if value is None:
        raise NoteError(line_of(key), f"front matter: '{key}' is not a date: {meta[key]!r}")
    return value


def _tags(meta: dict[str, Any], line_of) -> tuple[Tag, ...]:
    names: list[str] = []
    for key in ("tags", "categories", "category"):
        names.extend(_strings(meta.get(key), key, line_of))
    seen: dict[str, Tag] = {}
    for name in names:
        slug = slugify(name)
        seen.setdefault(slug, Tag(name, slug))
    return tuple(seen.values())


def _strings(value: Any, key: str, line_of) -> list[str]:
    """A YAML list, or a string split on commas, else on spaces (Jekyll's `tags: a b c`)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(",") if "," in value else value.split()
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list | tuple):
        flat = [_text(v) for v in value if not isinstance(v, dict | list)]
        if len(flat) != len(value):
            raise NoteError(line_of(key), f"front matter: '{key}' must be a list of words")
        return [v for v in flat if v]
    if isinstance(value, int | float):
        return [_text(value)]
    raise NoteError(line_of(key), f"front matter: '{key}' must be a list or a text")


def _aliases(value: Any, line_of) -> list[str]:
    """Old names of the note: each is a wikilink target and, as a URL, a redirect page."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return _strings(value, "aliases", line_of)


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _title_from_heading(body: str) -> tuple[str, str]:
    """Use the first line's '# Heading' as the title when it is the note's only level-1 heading.

    A note with several '# ' headings is sectioned by them; none of them names the whole note.
    The heading used as the title leaves the body, so the page does not show it twice.
    """
    lines = body.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _HEADING.match(lines[first]):
        return "", body
    if _count_level_one_headings(lines) != 1:
        return "", body
    title = _HEADING.match(lines[first]).group(1)
    for pattern, replacement in _INLINE_MARKUP:
        title = pattern.sub(replacement, title)
    title = " ".join(title.split())
    if not title:
        return "", body
    lines[first] = ""  # keep the line count, so later line numbers still match the file
    return title, "\n".join(lines)


def _first_cell_heading(body: str) -> tuple[str, str]:
    """A notebook's title from its first Markdown cell's heading, as _title_from_heading
    finds it, though code cells (placeholders in the body) come before."""
    lines = body.split("\n")
    masked = ["" if line.startswith(notebooks.PLACEHOLDER[:20]) else line for line in lines]
    title, without = _title_from_heading("\n".join(masked))
    if not title:
        return "", body
    pairs = zip(masked, without.split("\n"), strict=True)
    line = next(number for number, (was, now) in enumerate(pairs) if was != now)
    lines[line] = ""
    return title, "\n".join(lines)


def _count_level_one_headings(lines: list[str]) -> int:
    fence: str | None = None
    count = 0
    for line in lines:
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None and _HEADING.match(line):
            count += 1
    return count
