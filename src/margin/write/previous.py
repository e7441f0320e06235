"""The last build's output, as the build cache remembers it: for each file, the fingerprint of
what it was drawn from, a digest of its bytes and its file stamp (size, modification time,
inode). A file whose stamp still matches is the very file that build wrote, so a page drawn
from the same inputs, or with the same bytes, need not be written again. The records are
only trusted for an output folder margin made.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from margin.pages.drawing import PageRecord
from margin.write.output import MARKER

Stamp = tuple[int, int, int]


def stamp(path: str | Path) -> Stamp | None:
    """(size, mtime_ns, inode) of a regular file; None for anything else or nothing."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def present_files(root: Path) -> set[str]:
    """Every file (not folder) under ROOT, as relative paths: what the output holds now."""
    with contextlib.suppress(OSError):
        return set(files_under(root))
    return set()


def files_under(root: Path) -> dict[str, int]:
    """Every file (not folder) under ROOT, as relative paths, with its inode as its folder's
    entry says (no stat a file); raises OSError where a folder cannot be read."""
    found: dict[str, int] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found[prefix + entry.name] = entry.inode()

    walk(str(root), "")
    return found


@dataclass(frozen=True)
class AssetRecord:
    source: str
    source_stamp: Stamp | None
    stamp: Stamp | None  # of the copy in the output


@dataclass
class OutputRecords:
    """What the output folder held after the last build that wrote it."""

    output: Path
    pages: dict[str, PageRecord] = field(default_factory=dict)
    assets: dict[str, AssetRecord] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)  # search shard -> key
    bundle: dict[str, Stamp] = field(default_factory=dict)  # the search bundle's files
    engine: Any = None  # what its pages read (incremental/engine.py), for the next build
    # Each page's broken links, as the link check found them (incremental/brokenlinks.py);
    # None: not kept.
    broken: dict[str, tuple[Any, ...]] | None = None

    def trusted(self) -> OutputRecords:
        """These records, or empty ones when the output is not (wholly) the one they describe."""
        if (self.output / MARKER).is_file():
            return self
        return OutputRecords(self.output)

    def intact(self, path: str, seen: Stamp | None) -> bool:
        # (joined as text: a Path for each of thousands of kept pages cost half the check)
        return seen is not None and stamp(f"{self.output}/{path}") == seen

    def reusable(self, path: str, fingerprint: str) -> PageRecord | None:
        """The last build's record of PATH when it was drawn from FINGERPRINT and is intact."""
        record = self.pages.get(path)
        if record is None or record.fingerprint != fingerprint:
            return None
        return record if self.intact(path, record.stamp) else None

    def recorded(self, path: str) -> PageRecord | None:
        """The last build's record of PATH, if its file is intact."""
        record = self.pages.get(path)
        return record if record is not None and self.intact(path, record.stamp) else None

    def same_bytes(self, path: str, digest: str) -> PageRecord | None:
        record = self.pages.get(path)
        if record is None or record.digest != digest:
            return None
        return record if self.intact(path, record.stamp) else None

    def intact_shards(self) -> dict[str, str]:
        """The search shards (name -> key) whose every file is as the last build left it."""
        files: dict[str, list[tuple[str, Stamp]]] = {}
        for path, seen in self.bundle.items():
            parts = path.split("/")
            if len(parts) > 2:
                files.setdefault(parts[1], []).append((path, seen))
        return {name: key for name, key in self.search.items()
                if files.get(name) and all(self.intact(path, seen) for path, seen in files[name])}
