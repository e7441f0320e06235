"""Links between notes: wikilinks and relative .md links, resolved to note keys, with context.

Resolution happens once, here, from the source text: the index learns every note's outbound
links and backlinks without rendering, and the renderer only looks the answers up.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import unquote

from margin.diagnostics import Diagnostic, warning
from margin.index.text import code_free_lines, sentence_around
from margin.load.dates import split_file_date
from margin.model import Link, Note
from margin.slugs import slugify

WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+?\.(?:md|markdown))(#[^)\s>]*)?>?"
                      r"(?:\s+\"[^\"]*\")?\s*\)")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")


@dataclass(frozen=True)
class Resolution:
    """What a wikilink target names: one note, several (ambiguous) or none."""

    keys: tuple[str, ...]

    @property
    def key(self) -> str | None:
        return self.keys[0] if len(self.keys) == 1 else None


class LinkTargets:
    """Every name a note answers to: file name (with and without date), slug, title, aliases."""

    def __init__(self, notes: list[Note]):
        names: dict[str, set[str]] = defaultdict(set)
        self.by_path = {note.key: note.key for note in notes}
        for note in notes:
            for name in link_names(note):
                names[name].add(note.key)
        self.names = {name: tuple(sorted(keys)) for name, keys in names.items()}

    def resolve(self, target: str) -> Resolution:
        target = target.strip()
        if target.endswith((".md", ".markdown")):
            target = posixpath.splitext(target)[0]
        found = self.names.get(_fold(target)) or self.names.get(_fold(slugify(target)))
        return Resolution(found or ())


def link_names(note: Note) -> frozenset[str]:
    """The names NOTE answers to, folded: its file name (with and without the date), slug,
    title, aliases and path under content/ ('notes/attention')."""
    stem = posixpath.splitext(posixpath.basename(note.key))[0]
    _, undated_stem = split_file_date(stem)
    names = {stem, undated_stem, note.slug, note.title, *note.aliases,
             posixpath.splitext(note.key)[0]}
    return frozenset(_fold(name) for name in names)


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())


def note_links(
    note: Note, targets: LinkTargets
) -> tuple[list[Link], list[Diagnostic]]:
    """The notes NOTE links to (in order, once per target) and warnings for broken wikilinks."""
    links: dict[str, Link] = {}
    problems: list[Diagnostic] = []
    lines = code_free_lines(note.body)
    for number, line in enumerate(lines):
        if "[[" not in line and ".md" not in line and ".markdown" not in line:
            continue  # no wikilink, no link to a note file: skip the regular expressions
        file_line = note.body_line + number
        for match in WIKILINK.finditer(line):
            embed, target = match.group(1), match.group(2).strip()
            if embed and target.lower().endswith(IMAGE_SUFFIXES):
                continue  # an image embed; the renderer resolves it as an image
            if not target:
                continue  # [[#Heading]]: a link inside the note itself
            resolution = targets.resolve(target)
            if resolution.key is None:
                problems.append(_broken_wikilink(note, file_line, target, resolution))
            elif resolution.key not in links and resolution.key != note.key:
                context = sentence_around(lines, number, match.start())
                links[resolution.key] = Link(note.key, resolution.key, file_line, context)
        for match in _MD_LINK.finditer(line):
            key = _relative_note(note.key, match.group(1), targets)
            if key and key not in links and key != note.key:
                context = sentence_around(lines, number, match.start())
                links[key] = Link(note.key, key, file_line, context)
    return list(links.values()), problems


def _broken_wikilink(note: Note, line: int, target: str, resolution: Resolution) -> Diagnostic:
    if resolution.keys:
        names = ", ".join(resolution.keys)
        return warning(note.source, line, f"ambiguous wikilink [[{target}]]: matches {names}")
    return warning(note.source, line, f"wikilink [[{target}]]: no note is called that")


def _relative_note(from_key: str, href: str, targets: LinkTargets) -> str | None:
    """'../notes/x.md' written in posts/a.md -> 'notes/x.md' when that note exists."""
    if "://" in href or href.startswith(("mailto:", "#")):
        return None
    href = unquote(href)
    if href.startswith("/"):
        path = href.lstrip("/")
        path = path[len("content/"):] if path.startswith("content/") else path
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(from_key), href))
    return targets.by_path.get(path)


def backlinks(all_links: list[Link]) -> dict[str, tuple[Link, ...]]:
    """Target key -> the links pointing at it, in source-key order."""
    found: dict[str, list[Link]] = defaultdict(list)
    for link in sorted(all_links, key=lambda link: (link.source, link.line)):
        found[link.target].append(link)
    return {key: tuple(links) for key, links in found.items()}
