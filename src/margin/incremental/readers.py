"""The engine's reverse map, from each note to the notes whose pages show it, made for the
next build from the last one's without copying what did not change."""

from __future__ import annotations

from collections.abc import Iterable


class Readers:
    """The reverse map (note -> the notes whose pages show it), changed without changing the
    last build's: a set is copied the first time it changes."""

    def __init__(self, last: dict[str, set[str]]):
        self.map = last  # (copied when a set first changes)
        self._copied: set[str] | None = None

    def _own(self, key: str) -> set[str]:
        if self._copied is None:
            self.map, self._copied = dict(self.map), set()
        if key not in self._copied:
            self.map[key] = set(self.map.get(key, ()))
            self._copied.add(key)
        return self.map[key]

    def drop(self, reader: str, shown: Iterable[str]) -> None:
        for key in shown:
            self._own(key).discard(reader)

    def add(self, reader: str, shown: Iterable[str]) -> None:
        for key in shown:
            self._own(key).add(reader)
