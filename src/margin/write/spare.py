"""The spare tree beside the output, brought to the new site and swapped in with one rename.

A build that changes a few files could move each into the live output, but a build killed
among those renames would leave half a site. Instead margin keeps the previous output beside
the live one (`.NAME.margin-spare`): after a swap the old tree is not deleted but kept, and
the next build makes it the new site (each unchanged file a hard link to the live one, each
changed file moved in from staging, each file no longer made deleted), then swaps it in.
The output path holds the old site or the new one whatever moment the build is killed at.

Nothing about the spare tree is trusted: `sync` reads what it holds (one directory walk,
without a stat per file) and compares inodes, so a spare left half-synced by a killed build,
or one that drifted while `margin serve` updated the live output in place, is put right by
the next build. The spare is never written into: a file in it may be the live file itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path

from margin.write.atomic import reached
from margin.write.marker import MARKER


def sync(spare: Path, live: Path, placed: Mapping[str, Path], kept: Mapping[str, int], *,
         under: str = "", skip: Collection[str] = ()) -> None:
    """Make the files below SPARE/UNDER exactly PLACED (relative path -> a staged file, moved
    in) and KEPT (relative path -> inode of LIVE/path, hard-linked unless the spare already
    holds that very file). The folders in SKIP (relative paths) are left as they are."""
    files, folders = _walk(spare, under, set(skip))
    files.pop(MARKER, None)  # the spare's own: it stays, so the spare is always marked
    stale = [path for path in files if path not in placed and path not in kept]
    for path in stale:
        _remove(spare / path)
        del files[path]
    _prune(spare, stale, folders)
    for path, source in placed.items():
        target = _clear(spare, path, files, folders)
        os.replace(source, target)
        reached("spare:file")
    for path, inode in kept.items():
        if files.get(path) == inode:
            continue
        target = _clear(spare, path, files, folders)
        try:
            os.link(live / path, target)
        except OSError:  # a file system without hard links: a copy (the spare is not live)
            shutil.copyfile(live / path, target)
        reached("spare:file")


def _walk(root: Path, under: str, skip: set[str]) -> tuple[dict[str, int], set[str]]:
    """Files (relative path -> inode, from the directory entries alone) and folders below
    ROOT/UNDER, not looking into the folders in SKIP. Anything not a folder counts as a file."""
    files: dict[str, int] = {}
    folders: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if relative not in skip:
                        folders.add(relative)
                        walk(entry.path, relative + "/")
                elif entry.is_symlink() or entry.is_file(follow_symlinks=False):
                    files[relative] = entry.inode()
                else:
                    files[relative] = -1  # a FIFO or device: never one of margin's files

    start = root / under if under else root
    if start.is_dir() and not start.is_symlink():
        if under:
            folders.add(under)
        walk(str(start), f"{under}/" if under else "")
    return files, folders


def _remove(path: Path) -> None:
    os.unlink(path)
    reached("spare:file")


def _prune(root: Path, removed: list[str], folders: set[str]) -> None:
    """Delete the folders left empty by the REMOVED files, deepest first."""
    parents = {path.rpartition("/")[0] for path in removed} - {""}
    candidates: set[str] = set()
    for parent in parents:
        while parent and parent not in candidates:
            candidates.add(parent)
            parent = parent.rpartition("/")[0]
    for folder in sorted(candidates, key=lambda name: name.count("/"), reverse=True):
        try:
            os.rmdir(root / folder)  # only succeeds when empty
        except OSError:
            continue
        folders.discard(folder)


def _clear(root: Path, relative: str, files: dict[str, int], folders: set[str]) -> Path:
    """ROOT/RELATIVE, made ready to receive a file: its folders there, no file in its way."""
    target = root / relative
    if relative in files:
        os.unlink(target)
        del files[relative]
    elif relative in folders:  # a folder where the new site has a file: it was left empty
        shutil.rmtree(target)
        folders.discard(relative)
    parent = relative.rpartition("/")[0]
    if parent and parent not in folders:
        missing = []
        while parent and parent not in folders:
            missing.append(parent)
            parent = parent.rpartition("/")[0]
        for folder in reversed(missing):
            os.mkdir(root / folder)
            folders.add(folder)
    return target
