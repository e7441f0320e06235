"""The build cache on disk: SITE/.margin-cache/, a few named entries, safe to delete at any time.

Every entry carries a magic line and a checksum of its payload (CRC-32: damage, not malice,
is what it guards against, and it reads the cache five times faster than a cryptographic
digest), so a truncated or corrupted file reads as a miss (never as a wrong value, never as a
crash). Entries are written to a
temporary file and renamed into place, so two builds running at once each see either a whole
old entry or a whole new one. Nothing here knows what the payloads mean.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

from margin.collector import collector_paused

FOLDER = ".margin-cache"
_MAGIC = b"margin-cache 2\n"
_SUM = 4  # bytes of the payload's CRC-32, little-endian
_README = ("This folder is margin's build cache: rendered note bodies and parsed notes, kept "
           "between builds.\nIt is safe to delete; `margin build --no-cache` ignores it.\n")


class Store:
    """Entries by name (the bodies live in packs under it: incremental/packs.py); a no-op store
    when DISABLED."""

    def __init__(self, root: Path, enabled: bool = True):
        self.root = root
        self.enabled = enabled
        self._ready: set[Path] = set()

    def get_pickled(self, name: str, keep: bool = False) -> object:
        """The value pickled under NAME, or None: absent, damaged, or from another margin.
        KEEP: it lives to the end of the build (see collector_paused)."""
        if not self.enabled:
            return None
        try:
            payload = unpack(memoryview((self.root / name).read_bytes()))
        except OSError:
            return None
        if payload is None:
            return None
        try:
            with collector_paused(keep):
                return pickle.loads(payload)
        except Exception:  # written by another margin, or damaged beyond its checksum
            return None

    def put_pickled(self, name: str, value: object) -> None:
        """Keep VALUE under NAME, pickled straight into the file: the snapshot of 4,000 notes
        is 40 MB, and two copies of it in memory (the pickle, then the checked entry) made
        the biggest peak of a build."""
        if not self.enabled:
            return
        with contextlib.suppress(OSError):
            self._write(self.root / name, value)

    def clear(self) -> None:
        """Delete the whole cache (margin's own folder only)."""
        if (self.root / "README").is_file() and not self.root.is_symlink():
            shutil.rmtree(self.root, ignore_errors=True)

    def ready(self, folder: Path) -> Path:
        """FOLDER (the cache or one inside it), made if need be: the cache with its README."""
        if folder not in self._ready:
            if not self.root.is_dir():
                self.root.mkdir(parents=True, exist_ok=True)
                (self.root / "README").write_text(_README, encoding="utf-8")
            folder.mkdir(parents=True, exist_ok=True)
            self._ready.add(folder)
        return folder

    def _write(self, target: Path, value: object) -> None:
        """VALUE pickled into TARGET as a checked entry (pack()'s layout), the checksum
        worked out as the pickle is written and put in its place at the end."""
        folder = self.ready(target.parent)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC + bytes(_SUM))
                checked = _Checksummed(stream)
                pickle.dump(value, checked, pickle.HIGHEST_PROTOCOL)
                stream.seek(len(_MAGIC))
                stream.write(checked.crc.to_bytes(_SUM, "little"))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class Pickled:
    """VALUE pickled at once and kept as its bytes: whatever holds it pickles them as they are,
    and unpickles as VALUE. For the bulk of an entry ready before the rest of it (the output's
    page records, pickled while Pagefind indexes rather than after)."""

    __slots__ = ("data",)

    def __init__(self, value: object):
        self.data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return pickle.loads, (self.data,)


class _Checksummed:
    """A stream's writes, with the CRC-32 of what went through."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.stream.write(data)


HEADER = len(_MAGIC) + _SUM  # what pack() puts before the payload


def pack(payload: bytes) -> bytes:
    return _MAGIC + zlib.crc32(payload).to_bytes(_SUM, "little") + payload


def unpack(data: bytes | memoryview) -> bytes | memoryview | None:
    """The payload of a packed entry (a view, when DATA is one: no copy), or None when the
    entry is not whole."""
    start = HEADER
    if len(data) < start or data[: len(_MAGIC)] != _MAGIC:
        return None
    payload = data[start:]
    if zlib.crc32(payload).to_bytes(_SUM, "little") != data[len(_MAGIC):start]:
        return None
    return payload
