"""What Pagefind reads of each page (pages/searchable.py cuts it), kept in the build cache
between builds, each under the digest of its bytes. A search shard indexed again is then made
of cut pages already there: only the pages drawn since are cut, where they are drawn (which
cuts them anyway, for their digest), not every page of the shard read back from the output and
cut again (a fifth of a second of a one-note build at 4,000 notes, seconds of a cold one).

A file is named by the digest of its bytes (searched_digest's), which is checked when it is
used: a damaged file is a miss, and the page is cut from the output again. Files are written
under a temporary name and renamed, and never changed after: Pagefind reads hard links to them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from margin.pages.drawing import Drawn
from margin.pages.searchable import DIGEST_KIND, cut_digest

FOLDER = "searched"  # in the build cache
TREES = "search-shards"  # beside it: each search shard's folder of links (shardtrees.py)
_SUFFIX = ".html"


class SearchedStore:
    """The cut pages under ROOT, by the search digest of each (pages/searchable.py)."""

    def __init__(self, root: Path):
        self.root = root
        self.trees = root.with_name(TREES)

    def put(self, indexed: str, cut: bytes) -> None:
        """Keep CUT, the bytes whose search digest is INDEXED, unless kept already. Never
        fails: a page not kept is cut again when it is indexed."""
        target = self._path(indexed)
        if target is None or target.exists():
            return
        with contextlib.suppress(OSError):
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(cut)
                os.replace(temporary, target)
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise

    def take(self, indexed: str) -> Path | None:
        """The file of the page whose search digest is INDEXED, if kept and whole."""
        path = self._path(indexed)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return path if _named(data) == path.name else None

    def keep_only(self, indexed: Collection[str]) -> None:
        """Delete every file but those of the search digests INDEXED (a build's pages)."""
        wanted = {name for name in map(_name_of, indexed) if name is not None}
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.root):
                if entry.name not in wanted and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def _path(self, indexed: str) -> Path | None:
        name = _name_of(indexed)
        return None if name is None else self.root / name


def _name_of(indexed: str) -> str | None:
    """The file name of the cut whose search digest is INDEXED."""
    if not indexed.startswith(DIGEST_KIND):
        return None  # a digest of something else than a cut page (an unmarked site's)
    return indexed[len(DIGEST_KIND):] + _SUFFIX


def _named(cut: bytes) -> str:
    return cut_digest(cut)[len(DIGEST_KIND):] + _SUFFIX


def keeping_cuts(store: SearchedStore) -> Callable[[Drawn], Drawn]:
    """What a drawing does with each page where it is drawn (Drawing.keep) when the page
    itself is written later (the live server's rounds): its cut kept in STORE, then let go."""
    def keep(page: Drawn) -> Drawn:
        if page.cut is None:
            return page
        if page.indexed is not None:
            store.put(page.indexed, page.cut)
        return replace(page, cut=None)
    return keep
