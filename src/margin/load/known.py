"""Note files a build need not read again: those whose stamp is the one the last build recorded.

Reading, decoding and digesting 4,000 unchanged notes cost a tenth of a second on every
rebuild; a stat of each costs a fifth of that. A file's stamp (size, modification time, change
time, inode) changes whenever its bytes do: the change time is set by the system on every
write, and programs cannot set it back. The one way for a changed file to keep its stamp is
to be written twice within one tick of the file system's clock, the second time right after a
build stamped it. So, as git does with its index, a stamp is only trusted for a file that had
last changed well before the build that recorded it (SLACK: coarser than any clock tick, FAT's
two seconds included); a file saved moments before a build is read again by the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from margin.model import SourceFile

SLACK_NS = 3_000_000_000


@dataclass(frozen=True)
class KnownFiles:
    """Site-relative path -> (stamp, digest) of each note file as a build read it, and when
    that build began reading (ns since the epoch)."""

    stamps: dict[str, tuple[tuple[int, int, int, int], str]] = field(default_factory=dict)
    taken: int = 0

    def digest(self, relative: str, stamp: tuple[int, int, int, int]) -> str | None:
        """The digest of the file at RELATIVE, if it still has STAMP and can be trusted."""
        kept = self.stamps.get(relative)
        if kept is None or kept[0] != stamp or max(stamp[1], stamp[2]) >= self.taken - SLACK_NS:
            return None
        return kept[1]


def known_files(sources: Iterable[SourceFile], taken: int) -> KnownFiles:
    """What SOURCES (read, or vouched for, from TAKEN on) tell the next build."""
    return KnownFiles({source.relative: (source.stamp, source.digest) for source in sources
                       if source.stamp is not None}, taken)
