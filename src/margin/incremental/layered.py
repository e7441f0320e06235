"""A map of the engine's state changed in proportion to the change: the last build's map,
shared and never changed, under this build's own changes.

A live server's save changes a few entries of maps as large as the site (every note's part,
every note as the lists show it, every generated page); copying each map to change them cost
a pass over every note per save. `changed()` layers the changes over the last map instead,
and merges them into one dictionary (one copy, in C) only once they grow past a part of it:
the copies come every so many saves, not at each one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, filterfalse
from typing import Any

_MERGE_PART = 16  # merge once the changes are more than 1/16 of the map (and past _MERGE_MIN)
_MERGE_MIN = 64


class Layered(Mapping[str, Any]):
    """BASE (not changed) with the keys of TOP set and those of GONE removed."""

    __slots__ = ("_base", "_count", "_gone", "_top")

    def __init__(self, base: Mapping[str, Any], top: dict[str, Any], gone: frozenset[str]):
        self._base, self._top, self._gone = base, top, gone
        self._count = len(base) - len(gone) + sum(key not in base for key in top)

    def __getitem__(self, key: str) -> Any:
        if key in self._top:
            return self._top[key]
        if key in self._gone:
            raise KeyError(key)
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._top or (key not in self._gone and key in self._base)

    def __iter__(self) -> Iterator[str]:
        hidden = self._gone.union(self._top)
        return chain(filterfalse(hidden.__contains__, self._base), self._top)

    def __len__(self) -> int:
        return self._count

    def merged(self) -> dict[str, Any]:
        """One dictionary of the same entries (copied in C)."""
        found = dict(self._base)
        for key in self._gone:
            del found[key]
        found.update(self._top)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self.merged(),)  # (saved as the dictionary it stands for)


def changed(mapping: Mapping[str, Any], updates: Mapping[str, Any],
            removed: Iterable[str] = ()) -> Mapping[str, Any]:
    """MAPPING with UPDATES set and the keys REMOVED taken out, MAPPING itself unchanged: the
    same object when nothing changes, else a Layered map over its base (a dictionary once the
    changes grow past a part of it)."""
    removed = [key for key in removed if key in mapping and key not in updates]
    if not removed and all(key in mapping and mapping[key] == value
                           for key, value in updates.items()):
        return mapping
    if isinstance(mapping, Layered):
        base, top, gone = mapping._base, dict(mapping._top), set(mapping._gone)
    else:
        base, top, gone = mapping, {}, set()
    for key in removed:
        top.pop(key, None)
        if key in base:
            gone.add(key)
    gone.difference_update(updates)
    top.update(updates)
    layered = Layered(base, top, frozenset(gone))
    if len(top) + len(gone) > max(_MERGE_MIN, len(base) // _MERGE_PART):
        return layered.merged()
    return layered


def plain(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """MAPPING as a dictionary when layered (for a pass over all of it, in C)."""
    return mapping.merged() if isinstance(mapping, Layered) else mapping
