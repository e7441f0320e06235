"""Notes already made from files, by path and content digest: a build that finds a file with
the same bytes (and the same configuration, which the caller vouches for) takes its note as
it was, without parsing the front matter again."""

from __future__ import annotations

from margin.diagnostics import Diagnostic
from margin.model import Note

FEW = 8


class NoteMemo:
    """Site-relative path -> (digest of the file's bytes, the note made, problems found)."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[str, Note | None, tuple[Diagnostic, ...]]] = {}
        self.changed = 0  # files made again since the memo was loaded
        self.moved = False  # a file was added or removed since then

    def get(self, relative: str, digest: str) -> tuple[Note | None, list[Diagnostic]] | None:
        kept = self._made.get(relative)
        if kept is None or kept[0] != digest:
            return None
        return kept[1], list(kept[2])

    def put(self, relative: str, digest: str, note: Note | None,
            problems: list[Diagnostic]) -> None:
        self.moved = self.moved or relative not in self._made
        self._made[relative] = (digest, note, tuple(problems))
        self.changed += 1

    def keep_only(self, relatives: set[str]) -> None:
        """Forget files that are gone."""
        gone = [path for path in self._made if path not in relatives]
        for path in gone:
            del self._made[path]
        self.moved = self.moved or bool(gone)

    def worth_keeping(self) -> bool:
        """Whether to save the memo again: files came or went (the index's memo then has much
        to redo), or more than a few changed (each costs a parse on every build till saved)."""
        return self.moved or self.changed > FEW
