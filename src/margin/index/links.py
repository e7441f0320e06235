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
from margin.index.text import Passage, code_free_lines, hint_positions, line_numbers
from margin.load.dates import split_file_date
from margin.load.notebooks import NOTEBOOK_SUFFIX
from margin.model import Link, Note
from margin.slugs import slugify

WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
# A link to a .md file, not an image: '[' comes first (the look-behind after it) so that the
# regex engine can skip ahead to each '['. No part runs past a bracket or parenthesis that could
# start another try, so the tries together read each character a bounded number of times.
_MD_LINK = re.compile(r"\[(?<!!\[)[^\[\]]*\]\(\s*<?([^()\[\]\s<>]+?\.(?:md|markdown|ipynb))"
                      r"(#[^()\[\]\s<>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")
# A line links to a note only if it holds one of these (a notebook is a note: .ipynb)
_LINK_HINTS = ("[[", ".md", ".markdown", ".ipynb")
_NOTE_SUFFIXES = (".md", ".markdown")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")


@dataclass(frozen=True)
class Resolution:
    """What a wikilink target names: one note, several (ambiguous) or none."""

    keys: tuple[str, ...]

    @property
    def key(self) -> str | None:
        return self.keys[0] if len(self.keys) == 1 else None


class LinkTargets:
    """Every name a note answers to: file name (with and without date), slug, title, aliases,
    the ends of its path ('Sub/Note'), and its URLs (for links written for a collection's old
    site)."""

    def __init__(self, notes: list[Note], names_of: Mapping[str, frozenset[str]] | None = None):
        """NAMES_OF: link_names() of each note by key, when the caller has them already."""
        names: dict[str, set[str]] = defaultdict(set)
        self.by_path = {note.key: note.key for note in notes}
        folded: dict[str, list[str]] = defaultdict(list)
        for note in notes:
            folded[posixpath.splitext(note.key)[0].casefold()].append(note.key)
            for name in link_names(note) if names_of is None else names_of[note.key]:
                names[name].add(note.key)
        self.names = {name: tuple(sorted(keys)) for name, keys in names.items()}
        self._folded_paths = {path: keys[0] for path, keys in folded.items() if len(keys) == 1}

    def resolve(self, target: str, folder: str | None = None) -> Resolution:
        """The notes TARGET names. From a note in FOLDER, Obsidian's order: a path from the
        note's folder, then from each folder above it up to content/, then a name unique in
        the site. A target starting with '/' is first looked up as a note's URL."""
        target = target.strip()
        if target.startswith("/"):  # a URL, or a path from content/: never a bare name
            found = self.names.get(_url_name(target))
            stem = posixpath.splitext(target)[0] if target.endswith(_NOTE_SUFFIXES) else \
                _url_path(target)
            key = self._by_path_from("", stem.strip("/")) if not found and stem else None
            return Resolution(found or ((key,) if key else ()))
        if target.endswith(NOTEBOOK_SUFFIX):
            return self._notebook(target, folder)
        if target.endswith(_NOTE_SUFFIXES):
            target = posixpath.splitext(target)[0]
        if folder is not None and target:
            key = self._by_path_from(folder, target)
            if key is not None:
                return Resolution((key,))
        found = self.names.get(_fold(target)) or self.names.get(_fold(slugify(target)))
        return Resolution(found or ())

    def _notebook(self, target: str, folder: str | None) -> Resolution:
        """`x.ipynb`: that notebook from FOLDER or a folder above it, else the notebooks
        of that name (never the Markdown note `x.md` beside it)."""
        while folder is not None:
            path = posixpath.normpath(posixpath.join(folder, target))
            if path in self.by_path:
                return Resolution((path,))
            folder = posixpath.dirname(folder) if folder else None
        stem = posixpath.splitext(posixpath.basename(target))[0]
        named = self.names.get(_fold(stem)) or ()
        return Resolution(tuple(key for key in named if key.endswith(NOTEBOOK_SUFFIX)))

    def _by_path_from(self, folder: str, stem: str) -> str | None:
        """The note at STEM (a path without its suffix) from FOLDER or a folder above it."""
        while True:
            path = posixpath.normpath(posixpath.join(folder, stem))
            if not path.startswith("../"):
                key = (self.by_path.get(path + ".md") or self.by_path.get(path + ".markdown")
                       or self._folded_paths.get(path.casefold())
                       or self.by_path.get(path + "/index.md")  # a folder's own page
                       or self.by_path.get(path + "/_index.md"))
                if key is not None:
                    return key
            if not folder:
                return None
            folder = posixpath.dirname(folder)


def link_names(note: Note) -> frozenset[str]:
    """The names NOTE answers to, folded: its file name (with and without the date), slug,
    title, aliases and path under content/ ('notes/attention')."""
    path = posixpath.splitext(note.key)[0]
    stem = posixpath.basename(path)
    _, undated_stem = split_file_date(stem)
    names = {stem, undated_stem, note.slug, note.title, *note.aliases, path}
    # The ends of its path, for Obsidian's [[Sub/Note]] written from anywhere in the vault.
    slash = path.find("/")
    while slash >= 0:
        names.add(path[slash + 1 :])
        slash = path.find("/", slash + 1)
    folded = {_fold(name) for name in names}
    folded.update(_url_name(url) for url in note_urls(note))
    return frozenset(folded)


def note_urls(note: Note) -> tuple[str, ...]:
    """Every URL a link may reach NOTE by: its own and its old ones (aliases that are URLs:
    a collection note's URL on its old site, where margin gives it another)."""
    return (note.url, *(alias for alias in note.aliases if alias.startswith("/")))


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())


def _url_name(url: str) -> str:
    """How a note's URL stands among its names: NUL first (no link text folds to that), the
    same for '/a/b/', '/a/b', '/a/b.html' and '/a/b/index.html'."""
    return "\0" + _url_path(url).casefold()


def _url_path(url: str) -> str:
    """'/a/b/', '/a/b.html', '/a/b/index.html#x' -> '/a/b'."""
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    for ending in ("/index.html", "/index.htm", ".html", ".htm", "/"):
        if path.endswith(ending):
            return path[: -len(ending)]
    return path


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
    for number in line_numbers(note.body, hints):  # code-free, a line may have none left
        line = lines[number]
        file_line = note.body_line + number
        if "[[" in line:
            for match in WIKILINK.finditer(line):
                embed, target = match.group(1), match.group(2).strip()
                if not target or is_file_embed(embed, target) or link_follows(line, match):
                    continue  # [[#Heading]] in the note itself; a file; [[text]](url)
                resolution = targets.resolve(target, folder)
                if resolution.key is None and not resolution.keys and names_file(target):
                    continue  # [[paper.pdf]]: a file, found (or missed) by the renderer
                if resolution.key is None:
                    problems.append(_broken_wikilink(note, file_line, target, resolution))
                elif resolution.key not in links and resolution.key != note.key:
                    context = Passage(note.body, number, match.start())
                    links[resolution.key] = Link(note.key, resolution.key, file_line, context)
        if ".md" in line or ".markdown" in line or ".ipynb" in line:
            for match in _MD_LINK.finditer(line):
                key = _relative_note(folder, beside, match.group(1), targets)
                if key and key not in links and key != note.key:
                    context = Passage(note.body, number, match.start())
                    links[key] = Link(note.key, key, file_line, context)
    return list(links.values()), problems


def names_file(target: str) -> bool:
    """Whether TARGET ends like a file name other than a note's ('paper.pdf', 'x.png')."""
    found = _FILE_SUFFIX.search(target)
    return found is not None and found.group(0).lower() not in (".md", ".markdown")


def is_file_embed(embed: str, target: str) -> bool:
    """`![[x.png]]`, `![[paper.pdf]]`: a file, which the renderer finds, not a note."""
    return bool(embed) and names_file(target)


def link_follows(text: str, match: re.Match[str]) -> bool:
    """`[[text]](url)`: a Markdown link whose text has brackets, never a wikilink."""
    return text.startswith("(", match.end())


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
    found = targets.by_path.get(path)
    if found is None and not href.startswith("/"):
        # Obsidian and Quartz write paths from the vault's root, or a name unique in it.
        found = targets.resolve(href, folder).key
    return found


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
