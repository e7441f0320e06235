"""The folder of each search shard's pages that Pagefind reads, kept in the build cache between
builds (search-shards/<shard>/): a shard indexed again changes a link or two in its folder,
where making the folder anew cost a folder and a link for each of its pages (250 folders: a
tenth of a second on some disks), and deleting it after as much again.

A build claims a shard's folder by renaming it, so two builds at once never share one (the
second makes its own), brings it to the shard's pages (each a hard link to the file Pagefind
is to read, told by its inode, as spare.py tells the spare tree's files), lets Pagefind read
it, and gives it back by renaming it home. Nothing in a folder is trusted but what is checked.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Collection, Mapping
from pathlib import Path

from margin.write.marker import MARKER, mark, remove_own
from margin.write.previous import files_under

CLAIMED = ".claimed-"
STALE_AFTER = 600  # seconds: a folder claimed longer ago than this was left by a build cut short


class ShardTrees:
    """The shards' folders under ROOT, by shard name; those of shards not in SHARDS (the
    site's now) are deleted once a folder is claimed."""

    def __init__(self, root: Path, shards: Collection[str] = ()):
        self.root = root
        self.shards = set(shards)
        self._tidied = False

    def claim(self, name: str) -> Path:
        """Shard NAME's folder, moved where no other build looks (an empty one when there is
        none to take)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self._tidied:
            self._tidy()
        claimed = Path(tempfile.mkdtemp(prefix=f"{CLAIMED}{name}-", dir=self.root))
        try:
            os.rename(self.root / name, claimed)  # (onto the empty folder just made)
        except OSError:  # none there, or another build has it
            mark(claimed)
        return claimed

    def give_back(self, name: str, claimed: Path) -> None:
        """CLAIMED, as shard NAME's folder again (unless another build gave one back first)."""
        try:
            os.rename(claimed, self.root / name)
        except OSError:
            remove_own(claimed)

    def _tidy(self) -> None:
        """Delete the folders of shards the site no longer has, and those claimed by builds
        cut short long ago."""
        self._tidied = True
        limit = time.time() - STALE_AFTER
        with contextlib.suppress(OSError), os.scandir(self.root) as entries:
            for entry in entries:
                claimed = entry.name.startswith(CLAIMED)
                if (claimed and entry.stat().st_mtime < limit) or (
                        not claimed and entry.name not in self.shards):
                    remove_own(Path(entry.path))


def fill(tree: Path, sources: Mapping[str, Path]) -> None:
    """Make TREE hold exactly SOURCES' files (relative path -> the file), each a hard link to
    its file (a copy where there can be none); files already linked stay as they are."""
    tree.mkdir(parents=True, exist_ok=True)
    held = _held(tree)
    for relative in held.keys() - sources.keys():
        os.unlink(tree / relative)
        folder = (tree / relative).parent
        while folder != tree:  # the folders it leaves empty
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
    for relative, source in sources.items():
        target = tree / relative
        inode = held.get(relative)
        if inode is not None:
            with contextlib.suppress(OSError):
                if os.stat(source).st_ino == inode:
                    continue
            os.unlink(target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # no hard links here: a copy (never written through a file there)
            target.unlink(missing_ok=True)
            shutil.copyfile(source, target)


def _held(tree: Path) -> dict[str, int]:
    """The files under TREE (relative path -> inode), its marker aside."""
    found = files_under(tree)
    found.pop(MARKER, None)
    return found
