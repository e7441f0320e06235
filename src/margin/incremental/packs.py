"""Many small entries in a few files: the cache of rendered bodies.

One file per body meant a cold build of 4,000 notes made 4,000 files, and the file system's
bookkeeping for them (finding a free inode, checking it was not freed a moment ago) cost more
than writing their bytes: about 0.9 s of an 11 s build. A build now writes the entries it made
as one pack, a file of

    MAGIC, the entries (each checked as store.pack() checks any entry), the table of
    contents (a checked, pickled {key: (offset, length, the payload's digest)}), TRAILER
    (the table's place, END)

written under a temporary name and renamed when whole, so readers only ever see whole packs.
A pack whose trailer or table does not check is passed over; an entry that does not check
reads as a miss. A pack is never changed once written: packs holding few entries are merged
when there are too many of them, and all of them rewritten when most of what they hold is no
longer used. Two builds at once each write their own pack; one that finds a pack gone (merged
by the other) just misses.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import secrets
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from margin.incremental.store import HEADER, Store, pack, unpack

SUFFIX = ".pack"
MAGIC = b"margin-pack 2\n"
END = b"\nmargin-pack end\n"
TRAILER = struct.Struct("<QQ")  # the table's offset and length, followed by END
MOST_PACKS = 8  # beyond this, the packs other than the largest are merged into one
STALE_AFTER = 3600  # seconds: a temporary file older than this was left by a build cut short


@dataclass
class Pack:
    path: Path
    table: dict[str, tuple[int, int, str]]  # key -> its checked entry's offset and length,
    # and the payload's digest (made by whoever stored it)
    size: int
    handle: int | None = None  # an open descriptor, once an entry is read


@dataclass
class Packs:
    """The entries in the packs of STORE's folder KIND, and the pack this build adds (`add`,
    then `close`). A key found in more than one pack is read from the newest (packs are named
    by when they were written): an entry rendered again because its old one no longer held
    supersedes it."""

    store: Store
    kind: str
    _packs: list[Pack] | None = None  # read when first needed, oldest first
    _where: dict[str, Pack] = field(default_factory=dict)  # key -> the pack it is read from
    _damaged: list[Path] = field(default_factory=list)
    _writing: _Writer | None = None

    @property
    def folder(self) -> Path:
        return self.store.root / self.kind

    def get(self, key: str) -> bytes | None:
        """The payload stored under KEY, or None: absent, unreadable or damaged."""
        found = self._read(key, lambda length: (0, length))
        return None if found is None else unpack(found)

    def get_start(self, key: str, size: int) -> bytes | None:
        """The first SIZE bytes of KEY's payload (all of it, if shorter), its checksum NOT
        checked: for a caller that checks what it reads (a body's head: entries.py)."""
        return self._read(key, lambda length: (HEADER, max(0, min(size, length - HEADER))))

    def _read(self, key: str, part: Callable[[int], tuple[int, int]]) -> bytes | None:
        """The bytes of KEY's checked entry that PART(its length) names: (from, how many)."""
        self._found_packs()
        found = self._where.get(key)
        if found is None:
            return None
        offset, length, _ = found.table[key]
        start, size = part(length)
        try:
            if found.handle is None:
                found.handle = os.open(found.path, os.O_RDONLY)
            return os.pread(found.handle, size, offset + start)
        except OSError:  # merged away by another build since it was listed
            return None

    def digest(self, key: str) -> str:
        """The digest of KEY's payload, as stored with it (get() first)."""
        return self._where[key].table[key][2]

    def add(self, key: str, payload: bytes, digest: str) -> bool:
        """Keep PAYLOAD (whose digest is DIGEST) under KEY in this build's pack; False when it
        cannot be written (a cache that cannot be written is only a slower build)."""
        try:
            if self._writing is None:
                self._writing = _Writer(self.store.ready(self.folder))
            self._writing.add_packed(key, pack(payload), digest)
        except OSError:
            return False
        return True

    def open(self) -> None:
        """List the packs and read their tables now (a process forked afterwards shares
        them)."""
        self._found_packs()

    def close(self, used: set[str] | None) -> None:
        """Finish this build's pack and tidy the folder. USED: the keys this build read or
        wrote; entries no longer used are dropped once they outweigh those (None: unknown,
        nothing is dropped or merged)."""
        packs = self._found_packs()
        if self._writing is not None:
            with contextlib.suppress(OSError):
                written = self._writing.finish()
                packs.append(written)
                self._where.update(dict.fromkeys(written.table, written))
            self._writing = None
        if used is not None:
            with contextlib.suppress(OSError):
                self._tidy(packs, used)
        self.release()

    def release(self) -> None:
        """Close the packs read and forget them: the next get() lists the folder again."""
        for each in self._packs or ():
            if each.handle is not None:
                os.close(each.handle)
        self._packs, self._where, self._damaged = None, {}, []

    def _found_packs(self) -> list[Pack]:
        if self._packs is None:
            names: list[str] = []
            with contextlib.suppress(OSError):
                names = sorted(n for n in os.listdir(self.folder)
                               if n.endswith(SUFFIX) and not n.startswith("."))
            self._packs = []
            for name in names:
                found = read_pack(self.folder / name)
                if found is None:
                    self._damaged.append(self.folder / name)
                else:
                    self._packs.append(found)
                    self._where.update(dict.fromkeys(found.table, found))  # newer ones win
        return self._packs

    def _tidy(self, packs: list[Pack], used: set[str]) -> None:
        """Rewrite the packs when entries no build uses outweigh those this one used; else
        merge the small ones when there are too many. Then drop the damaged packs and what
        builds cut short left behind."""
        if packs:
            live = sum(entry[1] for each in packs for key, entry in each.table.items()
                       if key in used and self._where[key] is each)
            if sum(each.size for each in packs) > 2 * max(live, 1 << 20):
                self._merge(packs, used)
            elif len(packs) > MOST_PACKS:
                largest = max(packs, key=lambda each: each.size)
                self._merge([each for each in packs if each is not largest])
        for damaged in self._damaged:
            damaged.unlink(missing_ok=True)
        self._drop_leftovers()

    def _merge(self, packs: list[Pack], keep: set[str] | None = None) -> None:
        """One pack for the entries PACKS are read from (those in KEEP; None: all), then
        PACKS gone."""
        writer = _Writer(self.folder)
        try:
            for each in packs:  # (one merged by a build running alongside is gone, and with it
                # its entries: they will be rendered again)
                with contextlib.suppress(FileNotFoundError), open(each.path, "rb") as stream:
                    for key, (offset, length, digest) in each.table.items():
                        if self._where[key] is each and (keep is None or key in keep):
                            stream.seek(offset)
                            writer.add_packed(key, stream.read(length), digest)
        except BaseException:
            writer.abandon()
            raise
        writer.finish()
        for each in packs:
            each.path.unlink(missing_ok=True)

    def _drop_leftovers(self) -> None:
        """Temporary files of builds cut short, and the entry folders older margins made."""
        for entry in os.scandir(self.folder):
            with contextlib.suppress(OSError):
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    if entry.stat().st_mtime < time.time() - STALE_AFTER:
                        os.unlink(entry.path)
                elif len(entry.name) == 2 and entry.is_dir(follow_symlinks=False):
                    for old in os.scandir(entry.path):
                        os.unlink(old.path)
                    os.rmdir(entry.path)


def read_pack(path: Path) -> Pack | None:
    """The pack at PATH, or None when it is no whole pack."""
    try:
        with open(path, "rb") as stream:
            size = stream.seek(0, os.SEEK_END)
            if size < len(MAGIC) + TRAILER.size + len(END):
                return None
            stream.seek(0)
            if stream.read(len(MAGIC)) != MAGIC:  # not a pack, or one of another format
                return None
            stream.seek(size - TRAILER.size - len(END))
            trailer = stream.read()
            if not trailer.endswith(END):
                return None
            offset, length = TRAILER.unpack(trailer[: TRAILER.size])
            stream.seek(offset)
            table = pickle.loads(unpack(stream.read(length)) or b"")
    except Exception:  # unreadable, or damaged past its checks
        return None
    return Pack(path, table, size) if isinstance(table, dict) else None


class _Writer:
    """A pack being written, under a temporary name until finish() renames it."""

    def __init__(self, folder: Path):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        self.temporary = Path(temporary)
        self.stream = os.fdopen(handle, "wb", buffering=1 << 20)
        self.stream.write(MAGIC)
        self.table: dict[str, tuple[int, int, str]] = {}

    def add_packed(self, key: str, packed: bytes, digest: str) -> None:
        offset = self.stream.tell()
        self.stream.write(packed)
        self.table[key] = (offset, len(packed), digest)

    def finish(self) -> Pack:
        """The pack, whole, under its name: when it was written (so newer sorts later)."""
        try:
            table = pack(pickle.dumps(self.table, pickle.HIGHEST_PROTOCOL))
            offset = self.stream.tell()
            self.stream.write(table + TRAILER.pack(offset, len(table)) + END)
            size = self.stream.tell()
            self.stream.close()
            path = self.temporary.with_name(f"{time.time_ns():016x}-{secrets.token_hex(4)}"
                                            + SUFFIX)
            os.replace(self.temporary, path)
        except BaseException:
            self.abandon()
            raise
        return Pack(path, self.table, size)

    def abandon(self) -> None:
        self.stream.close()
        self.temporary.unlink(missing_ok=True)
