"""The few file-system steps that make a write safe to kill at any moment.

`exchange` swaps two folders in one step (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np
RENAME_SWAP): the output path holds the old site, then the new one, never nothing. Where
neither exists (or the file system refuses it) it falls back to two renames, and the next
build puts a site parked by an interrupted swap back (output.py `Staging`).

`reached` lets tests kill margin (SIGKILL, as `kill -9` does) at a named step of the write,
by setting MARGIN_KILL_AT to that step's name, or to `NAME#K` for the K-th time the step is
reached (each file the spare tree takes is one: spare.py); nothing happens otherwise.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h


def _libc_call() -> tuple[str, object] | None:
    """The C function that swaps two paths, by platform, or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        return "renameat2", libc.renameat2
    if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        return "renamex_np", libc.renamex_np
    return None


_SWAP = _libc_call()


def exchange(first: Path, second: Path) -> bool:
    """Swap the two existing paths FIRST and SECOND atomically. False when this system cannot
    (the caller then renames in two steps); raises OSError for any other failure."""
    if _SWAP is None:
        return False
    name, call = _SWAP
    a, b = os.fsencode(first), os.fsencode(second)
    if name == "renameat2":
        done = call(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)  # type: ignore[operator]
    else:
        done = call(a, b, _RENAME_SWAP)  # type: ignore[operator]
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # a file system without the swap (some network and FUSE ones)
    raise OSError(code, os.strerror(code), str(first), None, str(second))


_REACHED: dict[str, int] = {}


def reached(step: str) -> None:
    """Tests: die here, as `kill -9` would, when MARGIN_KILL_AT names STEP (or STEP#K and
    this is the K-th time)."""
    wanted = os.environ.get("MARGIN_KILL_AT")
    if not wanted:
        return
    count = _REACHED[step] = _REACHED.get(step, 0) + 1
    if wanted in (step, f"{step}#{count}"):
        os.kill(os.getpid(), signal.SIGKILL)
