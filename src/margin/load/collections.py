"""Collections: folders under content/ that hold notes written for another tool.

A researcher brings a Jekyll blog, a Hugo site, a Quartz garden or an Obsidian vault by copying
it under content/. Each tool has its own rules (where links are resolved from, which math
delimiters it reads, how URLs are made), so margin must know, for every note, which tool it was
written for. A folder is a collection root when it holds the tool's own marker:

    _config.yml                           Jekyll
    hugo.toml / hugo.yaml / config.toml
      / config.yaml, beside a content/    Hugo (notes in content/, files in static/)
    quartz.config.ts                      Quartz (notes in content/)
    .obsidian/                            Obsidian

or when site.toml names it: `[collections] "papers" = "typora"` (also for kinds that leave no
marker: Typora folders, pandoc exports). A declaration wins over a marker.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from margin.model import Collection

KINDS = ("jekyll", "hugo", "quartz", "obsidian", "typora", "pandoc", "margin")
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml")
# The names whose coming, going or change can change what a folder's collection is (or, for
# _config.yml, its notes' URLs): the live server reads the site's configuration again.
MARKER_NAMES = frozenset({"_config.yml", "_config.yaml", "quartz.config.ts", ".obsidian",
                          *_HUGO_CONFIGS})
# What margin reads from a Jekyll _config.yml: the rest is the blog's own business.
_JEKYLL_SETTINGS = ("permalink", "baseurl")


def detect(content_dir: Path, declared: Mapping[str, str] | None = None
           ) -> tuple[Collection, ...]:
    """Every collection root under CONTENT_DIR (itself included), outermost first; DECLARED
    maps content-relative folders to kinds (site.toml's [collections])."""
    found: dict[str, Collection] = {}
    if content_dir.is_dir():
        for folder, dirs, files in os.walk(content_dir):
            relative = Path(folder).relative_to(content_dir).as_posix()
            root = "" if relative == "." else relative
            kind = _marker_kind(set(dirs), set(files), Path(folder))
            if kind is not None and not _notes_of_a_site(root, found.values()):
                found[root] = _collection(root, kind, Path(folder))
            # Markers are looked for in published folders only (and never inside a Hugo
            # site's own theme or build folders).
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_"))
                             and d not in ("node_modules", "public", "resources", "themes"))
    for root, kind in (declared or {}).items():
        root = posixpath.normpath(root.strip("/")) if root.strip("/") else ""
        root = "" if root == "." else root
        found[root] = _collection(root, kind, content_dir / root)
    return tuple(found[root] for root in sorted(found, key=lambda r: (r.count("/"), r)))


def collection_of(collections: Iterable[Collection], key: str) -> Collection | None:
    """The innermost collection holding the note KEY (its path under content/)."""
    best: Collection | None = None
    for collection in collections:
        if collection.holds(key) and (best is None or len(collection.root) >= len(best.root)):
            best = collection
    return best


def kind_of(collections: Iterable[Collection], key: str) -> str:
    """The tool the note KEY was written for: 'margin' outside every collection."""
    found = collection_of(collections, key)
    return found.kind if found is not None else "margin"


def _notes_of_a_site(root: str, outer: Iterable[Collection]) -> bool:
    """ROOT is the content/ folder of a Quartz or Hugo site found above it: an Obsidian vault
    there (`content/.obsidian/`, Quartz's way) is that site's notes, not a site of its own."""
    return any(collection.notes_root == root != collection.root for collection in outer)


def _marker_kind(dirs: set[str], files: set[str], folder: Path) -> str | None:
    if "_config.yml" in files or "_config.yaml" in files:
        return "jekyll"
    if "quartz.config.ts" in files:
        return "quartz"
    if "content" in dirs and any(name in files for name in _HUGO_CONFIGS):
        return "hugo"
    if ".obsidian" in dirs:
        return "obsidian"
    return None


def _collection(root: str, kind: str, folder: Path) -> Collection:
    settings: dict[str, str] = {}
    if kind == "jekyll":
        settings = _jekyll_settings(folder)
    notes_root = posixpath.join(root, "content") if kind in ("hugo", "quartz") else root
    if kind in ("hugo", "quartz") and not (folder / "content").is_dir():
        notes_root = root  # only the notes were copied
    files_root = posixpath.join(root, "static") if kind == "hugo" else root
    if kind == "hugo" and not (folder / "static").is_dir():
        files_root = root
    return Collection(root=root, kind=kind, notes_root=notes_root, files_root=files_root,
                      settings=tuple(sorted(settings.items())))


def _jekyll_settings(folder: Path) -> dict[str, str]:
    """The few _config.yml keys margin honours; an unreadable file leaves the defaults."""
    for name in ("_config.yml", "_config.yaml"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: str(data[key]) for key in _JEKYLL_SETTINGS
                if isinstance(data.get(key), str | int | float)}
    return {}
