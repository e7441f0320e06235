"""A SourceFile -> a Note: front matter typed, title, date, tags, slug and permalink decided."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from margin import urls
from margin.diagnostics import Diagnostic, error
from margin.load import frontmatter
from margin.load.dates import parse_date, split_file_date
from margin.load.discover import JEKYLL_FOLDERS
from margin.model import Note, SiteConfig, SourceFile, Tag
from margin.slugs import humanize, slugify

# Keys with a typed place on Note; all others stay in Note.extra for templates.
TYPED_KEYS = frozenset({
    "title", "date", "updated", "last_modified_at", "tags", "categories", "category", "slug",
    "permalink", "draft", "description", "summary", "layout", "template", "aliases",
})
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
    try:
        part = frontmatter.split(source.text)
        meta = frontmatter.parse(part)
        return _note(source, part, meta, config), []
    except frontmatter.FrontMatterError as exc:
        return None, [error(source.relative, exc.line, f"front matter: {exc.reason}")]
    except NoteError as exc:
        return None, [error(source.relative, exc.line, exc.message)]


def _note(
    source: SourceFile, part: frontmatter.Split, meta: dict[str, Any], config: SiteConfig
) -> Note:
    key_path = PurePosixPath(source.path.relative_to(config.content_dir).as_posix())
    folders = [f for f in key_path.parent.parts if f not in JEKYLL_FOLDERS]
    if not folders and key_path.parent.parts:
        folders = ["posts"]  # content/_posts/ and content/_drafts/ hold the posts section
    section = folders[0] if folders else ""

    def line_of(key: str) -> int:
        return frontmatter.key_line(part, key)

    file_date, stem = split_file_date(key_path.stem)
    if stem == "index" and folders:
        stem = folders[-1]  # a folder's index.md speaks for the folder
        folders = folders[:-1]
    date = _date_field(meta, "date", line_of) or file_date
    updated = _date_field(meta, "updated", line_of) or _date_field(
        meta, "last_modified_at", line_of
    )
    body, body_line = part.body, part.body_line
    title = _text(meta.get("title"))
    if not title:
        title, body = _title_from_heading(body)
    if not title:
        title = humanize(stem)

    slug = slugify(_text(meta.get("slug")) or stem)
    tokens = {
        "year": f"{date:%Y}" if date else "",
        "month": f"{date:%m}" if date else "",
        "day": f"{date:%d}" if date else "",
        "slug": slug,
        "title": slugify(title),
        "section": section,
        "path": "/".join([*folders, slug]),
    }
    if _text(meta.get("permalink")):
        url = urls.normalize(_text(meta["permalink"]))
    else:
        default = config.permalinks["dated" if date else "undated"]
        url = urls.expand(config.permalinks.get(section, default), tokens)

    return Note(
        key=key_path.as_posix(),
        source=source.relative,
        title=title,
        body=body,
        body_line=body_line,
        section=section,
        slug=slug,
        url=url,
        date=date,
        updated=updated,
        tags=_tags(meta, line_of),
        draft=_flag(meta.get("draft")) or "_drafts" in key_path.parent.parts,
        summary=_text(meta.get("description")) or _text(meta.get("summary")),
        layout=_text(meta.get("layout")) or None,
        template=_text(meta.get("template")) or None,
        aliases=tuple(_aliases(meta.get("aliases"), line_of)),
        extra={k: v for k, v in meta.items() if k not in TYPED_KEYS},
        digest=source.digest,
    )


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
