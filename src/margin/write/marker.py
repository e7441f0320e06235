"""The marker file that says a folder is margin's: only a folder carrying it is ever replaced
or deleted (the output, its staging folder, the old output parked during a swap, the search
index's work folder), so a look-alike folder the user made survives whatever its name."""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = ".margin-output"
_MARKER_TEXT = "This folder is written by margin; it is replaced on every build.\n"


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def made_by_margin(folder: Path) -> bool:
    """Whether FOLDER carries the marker (or is empty: nothing in it to lose)."""
    if not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def remove_own(folder: Path) -> None:
    """Delete FOLDER if it carries the marker, or is empty (made by a build killed before it
    marked it); anything else is left alone."""
    if not folder.is_dir() or folder.is_symlink():
        return
    if (folder / MARKER).is_file():
        shutil.rmtree(folder)
    elif not any(folder.iterdir()):
        folder.rmdir()
