"""`margin new`: a note file (dated, or not) from the section's archetype. Never overwrites."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import frontmatter
import yaml

from margin.load.discover import is_hidden
from margin.slugs import slugify

DEFAULT_BODY = "\nWrite here.\n"


class ScaffoldError(Exception):
    """Why the note was not written, in one line."""


def new_note(site: Path, title: str, *, section: str, tags: list[str], day: date | None
             ) -> Path:
    """Write content/SECTION/YYYY-MM-DD-slug.md (slug.md when DAY is None); return its path."""
    if not title.strip():
        raise ScaffoldError("the title is empty")
    if not section or is_hidden(section) or "/" in section.strip("/") or ".." in section:
        raise ScaffoldError(f"not a section name: {section!r}")
    folder = site / "content" / section
    path = folder / f"{f'{day.isoformat()}-' if day else ''}{slugify(title)}.md"
    post = _archetype(site, section)
    post.metadata.update({"title": title.strip(), "date": day})
    if day is None:
        del post.metadata["date"]
    if tags:
        post.metadata["tags"] = tags
    elif "tags" not in post.metadata:
        post.metadata["tags"] = []
    text = frontmatter.dumps(post, handler=frontmatter.YAMLHandler(), sort_keys=False,
                             allow_unicode=True, default_flow_style=None)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text.rstrip("\n") + "\n")
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    return path


def _archetype(site: Path, section: str) -> frontmatter.Post:
    """The site's archetypes/SECTION.md (or archetypes/default.md), else an empty note."""
    for name in (f"{section}.md", "default.md"):
        path = site / "archetypes" / name
        if path.is_file():
            try:
                return frontmatter.loads(path.read_text(encoding="utf-8-sig"))
            except yaml.YAMLError as exc:
                raise ScaffoldError(f"{path}: front matter: {exc}") from None
    return frontmatter.Post(DEFAULT_BODY)
