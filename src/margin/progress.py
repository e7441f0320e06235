"""A progress bar for long builds, on a terminal only.

Nothing is drawn during the first moments of a build (most rebuilds are over by then), nor
when stderr is not a terminal (logs, CI, pipes), nor with --quiet. The bar is one line,
redrawn in place at most ten times a second and erased when the build ends, so what the
build prints afterwards reads as it would without it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Tick = Callable[[int], None]  # told how many more items are done
Counter = Callable[[int], Tick]  # told how many items there are; returns the tick

DELAY = 1.0  # seconds before the bar first shows: builds under ~2 s stay silent
INTERVAL = 0.1
WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO | None = None, delay: float = DELAY,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stderr
        self.clock = clock
        self.start = clock()
        self.delay = delay
        self._drawn_at = -1.0
        self._shown = False

    @classmethod
    def for_terminal(cls, quiet: bool, stream: TextIO | None = None) -> ProgressBar | None:
        """A bar when STREAM (stderr) is a terminal and the user did not ask for quiet."""
        stream = stream or sys.stderr
        if quiet or not _is_terminal(stream):
            return None
        return cls(stream)

    def counter(self, label: str) -> Counter:
        """A counter for one stage of the build, e.g. counter('markdown')(4000) -> tick."""

        def start(total: int) -> Tick:
            done = 0

            def tick(count: int) -> None:
                nonlocal done
                done += count
                self._draw(label, done, total)

            self._draw(label, 0, total)
            return tick

        return start

    def _draw(self, label: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.start < self.delay:
            return
        if done < total and now - self._drawn_at < INTERVAL:
            return
        self._drawn_at = now
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r\x1b[K{label:<10} [{bar}] {done}/{total}")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the bar, if it was ever drawn."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
