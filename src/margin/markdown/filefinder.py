"""Files under content/ found the way their notes' tools found them.

- In a collection, a root-relative path (`/assets/x.png`; Hugo's `/x.png` for `static/x.png`)
  is a path from the collection's root, once its Jekyll `baseurl` is taken off.
- A relative path not found beside the note is looked for from the collection's root (Quartz
  and Obsidian write paths from there), then content/, then by its name alone, anywhere in
  the collection (content/ for a note in none): Obsidian's `![[Pasted image 2025....png]]` in
  the vault's `media/` folder. A name two files share is ambiguous: no file, a warning.
  Names match case aside and however their accents are composed (a Mac spells `é` as two
  characters in file names, the text as one).

Such a file is published at its path under content/ (a Hugo site's static/ left out).
"""

from __future__ import annotations

import os
import posixpath
import unicodedata
from collections import defaultdict
from pathlib import Path

from margin.load.collections import collection_of
from margin.load.discover import NOTE_SUFFIXES
from margin.model import Collection

_SKIPPED = ("_site", "node_modules")  # a copied site's own output and tooling


class FileNames:
    """Every file under content/ but the notes, by name (case aside); listed on first use,
    once per build."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self._by_name: dict[str, list[str]] | None = None
        self._folders: list[str] = []

    def _listing(self) -> dict[str, list[str]]:
        if self._by_name is None:
            found: dict[str, list[str]] = defaultdict(list)
            for folder, dirs, files in os.walk(self.content_dir, followlinks=True):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
                relative = Path(folder).relative_to(self.content_dir).as_posix()
                base = "" if relative == "." else relative + "/"
                self._folders.append(base)
                for name in sorted(files):
                    if not name.startswith(".") and not name.endswith(NOTE_SUFFIXES):
                        found[_folded(name)].append(base + name)
            self._by_name = dict(found)
        return self._by_name

    def named(self, path: str, root: str) -> tuple[str, ...]:
        """The files under content/ROOT whose path ends with PATH ('x.png', 'media/x.png')."""
        wanted = _folded(path.strip("/"))
        candidates = self._listing().get(posixpath.basename(wanted), [])
        inside = root + "/" if root else ""
        return tuple(c for c in candidates if c.startswith(inside)
                     and (_folded(c) == wanted or _folded(c).endswith("/" + wanted)))

    def folders(self, root: str) -> list[Path]:
        """The folders a search under content/ROOT looked through (their listing can change
        its answer: the body cache notes them)."""
        self._listing()
        inside = root + "/" if root else ""
        return [self.content_dir / f for f in self._folders if f.startswith(inside) or not f]


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def collection_root(collections: tuple[Collection, ...], key: str) -> Collection | None:
    """The collection holding the note KEY, if any (the site itself is none)."""
    found = collection_of(collections, key)
    return found if found is not None and found.kind != "margin" else None


def from_root(path: str, collection: Collection) -> tuple[str, str]:
    """A root-relative PATH written in COLLECTION -> (the file's path under content/, its
    URL): `/blog/assets/x.png` with `baseurl: /blog` -> ('blog/assets/x.png', same)."""
    relative = posixpath.normpath(without_baseurl(path, collection).lstrip("/"))
    key = posixpath.join(collection.files_root, relative) if collection.files_root else relative
    return key, published_url(key, collection)


def without_baseurl(path: str, collection: Collection) -> str:
    """A root-relative PATH with the collection's Jekyll `baseurl` taken off ('/b/x' -> '/x')."""
    baseurl = collection.setting("baseurl").strip().rstrip("/")
    if baseurl and not baseurl.startswith("/"):
        baseurl = "/" + baseurl
    if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
        return path[len(baseurl):] or "/"
    return path


def published_url(key: str, collection: Collection | None) -> str:
    """Where a file of content/ (KEY) is published: its path, a Hugo site's static/ left out."""
    if collection is not None and collection.files_root != collection.root and \
            key.startswith(collection.files_root + "/"):
        inside = key[len(collection.files_root) + 1:]
        return "/" + posixpath.join(collection.root, inside) if collection.root else "/" + inside
    return "/" + key
