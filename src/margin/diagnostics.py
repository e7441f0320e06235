"""Problems found while building, collected rather than raised, so one run reports them all."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO


class Level(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem: where it is (a site-relative path and a 1-based line, when known) and what."""

    path: str
    line: int | None
    message: str
    level: Level = Level.ERROR

    def location(self) -> str:
        if not self.path:
            return ""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "

    def __str__(self) -> str:
        return f"{self.level.value}: {self.location()}{self.message}"


def error(path: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(path, line, message, Level.ERROR)


def warning(path: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(path, line, message, Level.WARNING)


def os_error(exc: OSError) -> Diagnostic:
    """What the system refused (a full or read-only disk, a name too long, no permission), as
    one line naming the file: `error: PATH: No space left on device`."""
    path = exc.filename if isinstance(exc.filename, str) else ""
    if isinstance(exc.filename2, str):
        path = f"{path} -> {exc.filename2}"
    return error(path, None, exc.strerror or str(exc))


def count(diagnostics: Iterable[Diagnostic], level: Level) -> int:
    return sum(1 for d in diagnostics if d.level is level)


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(d.level is Level.ERROR or strict for d in diagnostics)


def print_all(diagnostics: Iterable[Diagnostic], stream: TextIO | None = None) -> None:
    """Print each diagnostic once, on one line, in file order."""
    stream = stream or sys.stderr
    for diagnostic in sorted(set(diagnostics), key=_file_order):
        print(diagnostic, file=stream)


def _file_order(d: Diagnostic) -> tuple[str, int, str]:
    return (d.path, d.line or 0, d.message)
