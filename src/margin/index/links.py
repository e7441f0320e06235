"""Links between notes: wikilinks and relative .md links, resolved to note keys, with context.

Resolution happens once, here, from the source text: the index learns every note's outbound
links and backlinks without rendering, and the renderer only looks the answers up.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from urllib.parse import unquote

from margin.diagnostics import Diagnostic, warning
from margin.index.text import code_free_lines, hint_positions, line_numbers, passage_around
from margin.load.dates import split_file_date
from margin.model import Link, Note
from margin.slugs import slugify

WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
# A link to a .md file, not an image: '[' comes first (the look-behind after it) so that the
# regex engine can skip ahead to each '['. No part runs past a bracket or parenthesis that could
# start another try, so the tries together read each character a bounded number of times.
_MD_LINK = re.compile(r"\[(?<!!\[)[^\[\]]*\]\(\s*<?([^()\[\]\s<>]+?\.(?:md|markdown))"
                      r"(#[^()\[\]\s<>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_HINTS = ("[[", ".md", ".markdown")  # a line links to a note only if it holds one of these
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

    def __init__(self, notes: list[Note], names_of: Mapping[str, frozenset[str]] | None = None):
        """NAMES_OF: link_names() of each note by key, when the caller has them already."""
        names: dict[str, set[str]] = defaultdict(set)
        self.by_path = {note.key: note.key for note in notes}
        for note in notes:
            for name in link_names(note) if names_of is None else names_of[note.key]:
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
    hints = hint_positions(note.body, _LINK_HINTS)
    if not hints:
        return [], []  # no wikilink, no link to a note file
    links: dict[str, Link] = {}
    problems: list[Diagnostic] = []
    folder = posixpath.dirname(note.key)
    beside = _beside(folder)
    lines = code_free_lines(note.body)
    source = note.body.split("\n")
    for number in line_numbers(note.body, hints):  # code-free, a line may have none left
        line = lines[number]
        file_line = note.body_line + number
        if "[[" in line:
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
                    context = passage_around(source, lines, number, match.start())
                    links[resolution.key] = Link(note.key, resolution.key, file_line, context)
        if ".md" in line or ".markdown" in line:
            for match in _MD_LINK.finditer(line):
                key = _relative_note(folder, beside, match.group(1), targets)
                if key and key not in links and key != note.key:
                    context = passage_around(source, lines, number, match.start())
                    links[key] = Link(note.key, key, file_line, context)
    return list(links.values()), problems


def _broken_wikilink(note: Note, line: int, target: str, resolution: Resolution) -> Diagnostic:
    if resolution.keys:
        names = ", ".join(resolution.keys)
        return warning(note.source, line, f"ambiguous wikilink [[{target}]]: matches {names}")
    return warning(note.source, line, f"wikilink [[{target}]]: no note is called that")


def _relative_note(folder: str, beside: str, href: str, targets: LinkTargets) -> str | None:
    """'../notes/x.md' written in posts/a.md (FOLDER 'posts') -> 'notes/x.md' when that note
    exists; BESIDE is _beside(FOLDER), for the common 'x.md' next to the note."""
    if "://" in href or href.startswith(("mailto:", "#")):
        return None
    if "%" in href:
        href = unquote(href)
    if href.startswith("/"):
        path = href.lstrip("/")
        path = path[len("content/"):] if path.startswith("content/") else path
    elif "/" not in href:  # one plain name (it ends in .md, so it is neither '.' nor '..')
        path = beside + href
    else:
        path = posixpath.normpath(posixpath.join(folder, href))
    return targets.by_path.get(path)


def _beside(folder: str) -> str:
    """What normpath(join(FOLDER, name)) puts before a plain file name: worked out once a note."""
    base = posixpath.normpath(folder)
    return "" if base == "." else base if base.endswith("/") else base + "/"


def backlinks(all_links: list[Link]) -> dict[str, tuple[Link, ...]]:
    """Target key -> the links pointing at it, in source-key order."""
    found: dict[str, list[Link]] = defaultdict(list)
    for link in sorted(all_links, key=attrgetter("source", "line")):
        found[link.target].append(link)
    return {key: tuple(links) for key, links in found.items()}
