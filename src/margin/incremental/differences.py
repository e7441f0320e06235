"""How the engine compares this build's inputs with the last build's: what differs, found
without a Python loop over every note where C can do it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def cannot_vouch(part: tuple[Any, ...] | None) -> bool:
    """Whether a note's part (engine.py NotePart) lacks its file or body digest."""
    return part is not None and (part[3] is None or not part[2])


def differing(last: Mapping[str, Any], now: Mapping[str, Any]) -> set[str]:
    """The keys whose values differ between two mappings (compared whole first: most often
    they are equal, and that comparison runs in C; the very same mapping is not looked at)."""
    if last is now or last == now:
        return set()
    return {key for key in last.keys() | now.keys() if last.get(key) != now.get(key)}


def moved(last: tuple[str, ...], now: tuple[str, ...]) -> set[str]:
    """The notes whose older or newer neighbour differs between two orders of a section."""
    def neighbours(order: tuple[str, ...]) -> dict[str, tuple[str | None, str | None]]:
        return {key: (order[i + 1] if i + 1 < len(order) else None, order[i - 1] if i else None)
                for i, key in enumerate(order)}
    before, after = neighbours(last), neighbours(now)
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
