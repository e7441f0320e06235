"""Child processes (forked workers, Pagefind) die with margin, even a margin killed outright.

A `kill -9` of margin runs none of its code, so only the kernel can end the children: on Linux
each child asks for SIGKILL when its parent goes (prctl PR_SET_PDEATHSIG), first thing, and
exits at once if the parent went before it asked. (A thread in each child watching its parent
would poll; the kernel's signal is immediate and costs nothing.) The signal comes when the
*thread* that started the child ends: margin starts children from threads that outlive them
(the main thread, the server's rebuild thread, a search pool thread blocked on its Pagefind).
Elsewhere (macOS) workers still end when their pipe to margin breaks, at their next result.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # resolved here, once: a child only calls it


def die_with_parent(parent: int) -> None:
    """In a child of PARENT (its pid): be killed when PARENT dies."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def dying_with(parent: int) -> Callable[[], None]:
    """For subprocess's preexec_fn: the child (between fork and exec) asks to die with
    PARENT. It only calls the C function resolved above, which takes no lock another
    thread of margin could hold at the fork."""
    return lambda: die_with_parent(parent)
