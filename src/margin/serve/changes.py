"""Sort the paths a save touched by what they are, so each gets its cheapest correct response.

A note file -> reload that file (then body / metadata / added / deleted / renamed is decided by
comparing the new note with the old one); a template -> redraw the pages using it, bodies kept;
an asset -> copy it; a bibliography -> render again the bodies citing an entry that changed;
site.toml -> build everything again. Anything else is ignored.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from margin.config import CONFIG_NAME
from margin.index.bibliography import BIB_SUFFIXES
from margin.load.collections import MARKER_NAMES
from margin.load.discover import NOTE_SUFFIXES, is_hidden
from margin.model import Note, SiteConfig

# Editors' and downloaders' scratch files: never content.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".bak")


class Kind(enum.Enum):
    CONFIG = "config"
    NOTE = "note"
    CONTENT_FILE = "content file"  # an image or other file beside the notes
    TEMPLATE = "template"
    ASSET = "asset"
    BIBLIOGRAPHY = "bibliography"  # a .bib file, or a file site.toml names as a bibliography


class NoteChange(enum.Enum):
    """What happened to one note, decided after its file was read again."""

    BODY = "body"
    METADATA = "metadata"
    ADDED = "added"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass
class Changes:
    """One batch of saved paths, by kind."""

    config: bool = False
    notes: set[Path] = field(default_factory=set)
    content_files: set[Path] = field(default_factory=set)
    templates: set[Path] = field(default_factory=set)
    assets: set[Path] = field(default_factory=set)
    bibliographies: set[Path] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.config or self.notes or self.content_files or self.templates
                    or self.assets or self.bibliographies)

    def may_cite(self) -> bool:
        """Whether a bibliography may have changed (a CSL-JSON one is a .json content file)."""
        return bool(self.bibliographies) or any(p.suffix == ".json" for p in self.content_files)


def classify(paths: Iterable[Path], config: SiteConfig) -> Changes:
    changes = Changes()
    for path in paths:
        kind = kind_of(path, config)
        if kind is Kind.CONFIG:
            changes.config = True
        elif kind is Kind.NOTE:
            changes.notes.add(path)
        elif kind is Kind.CONTENT_FILE:
            changes.content_files.add(path)
        elif kind is Kind.TEMPLATE:
            changes.templates.add(path)
        elif kind is Kind.ASSET:
            changes.assets.add(path)
        elif kind is Kind.BIBLIOGRAPHY:
            changes.bibliographies.add(path)
            if _inside(path, config.content_dir):  # (a note may link to it, too)
                changes.content_files.add(path)
    return changes


def config_files(config: SiteConfig) -> list[Path]:
    """site.toml and the files it names whose change reloads it (math preamble files, a
    .csl style of the site's)."""
    named = list(config.math.files if config.math is not None else ())
    if config.citations.style.endswith(".csl"):
        named.append(config.citations.style)
    return [config.site_dir / CONFIG_NAME, *(config.site_dir / name for name in named)]


def watched_files(config: SiteConfig) -> list[Path]:
    """The files outside content/, templates/ and assets/ that a save of must be seen."""
    return [*config_files(config),
            *(config.site_dir / name for name in config.citations.bibliography)]


def kind_of(path: Path, config: SiteConfig) -> Kind | None:
    """What PATH is to the site, or None when no page can depend on it."""
    if path == config.site_dir / CONFIG_NAME or path in config_files(config):
        return Kind.CONFIG
    if _inside(path, config.output_dir) or path.name.endswith(_SCRATCH_SUFFIXES):
        return None
    if _inside(path, config.site_dir) and (path.suffix in BIB_SUFFIXES or path in [
            config.site_dir / name for name in config.citations.bibliography]):
        return None if _hidden_under(path, config.site_dir) else Kind.BIBLIOGRAPHY
    if _inside(path, config.content_dir):
        parts = path.relative_to(config.content_dir).parts
        if path.name in MARKER_NAMES and not any(is_hidden(p) for p in parts[:-1]):
            return Kind.CONFIG  # a collection's marker: which notes it holds, their URLs
        if any(is_hidden(part) for part in parts) or path.name.startswith("#"):
            return None
        # A folder (created, moved or deleted) may hold notes: it is read again as notes.
        return Kind.NOTE if path.suffix in NOTE_SUFFIXES or not path.suffix else Kind.CONTENT_FILE
    theme = config.theme_dir
    for root, kind in ((config.templates_dir, Kind.TEMPLATE), (config.assets_dir, Kind.ASSET)):
        if _inside(path, root):
            return None if _hidden_under(path, root) else kind
    if theme is not None:
        for root, kind in ((theme / "templates", Kind.TEMPLATE), (theme / "assets", Kind.ASSET)):
            if _inside(path, root):
                return None if _hidden_under(path, root) else kind
    return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _hidden_under(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def what_changed(old: Note, new: Note) -> NoteChange:
    """BODY when only the text below the front matter changed, else METADATA."""
    if replace(new, body=old.body, body_line=old.body_line, digest=old.digest) == old:
        return NoteChange.BODY
    return NoteChange.METADATA


def pair_renames(found: dict[str, NoteChange], added: dict[str, str],
                  deleted: dict[str, str]) -> dict[str, NoteChange]:
    """An added and a deleted note with the same bytes: a rename (reported as one)."""
    by_digest = {digest: key for key, digest in deleted.items()}
    for key, digest in added.items():
        old_key = by_digest.pop(digest, None)
        if old_key is not None:
            found[key] = NoteChange.RENAMED
            found[old_key] = NoteChange.RENAMED
    return found


def note_files_at(path: Path, config: SiteConfig, known: Callable[[], set[Path]]) -> set[Path]:
    """The note files PATH is, holds, or held (a folder may have been moved or deleted; KNOWN():
    the note files the server knows of)."""
    content = config.content_dir
    if path.name.endswith(NOTE_SUFFIXES):  # the usual case: one note file
        return {path} if path.is_relative_to(content) else set()
    found = {p for p in known() if p.is_relative_to(path)}
    if path.is_dir():
        for folder, _, names in os.walk(path, followlinks=True):
            found |= {Path(folder, name) for name in names}
    return {p for p in found if p.name.endswith(NOTE_SUFFIXES) and p.is_relative_to(content)}
