"""Python's cyclic garbage collector, kept out of the way while a build makes its many objects.

Indexing, unpickling the cache and planning pages each make tens of thousands of small objects
and no reference cycles; every few hundred new objects would set the cyclic collector walking,
now and then through everything the build holds, to find nothing to free (a sixth of the index's
time, half of reading the cache back). Reference counting still frees what it can meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block. KEEP: what the block made lives to the end of the
    build; it is frozen (gc.freeze) so that no later collection walks it either
    (pages/drawing.py thaws it once the pages are drawn)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Everything alive frozen while children are forked, so that their collectors leave the
    parent's objects alone (and the pages holding them stay shared). Thawed afterwards unless
    the caller had frozen what it made already (a build, whose data lives to its end)."""
    already = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
