"""`margin init`: copy the starter site (src/margin/starter/) into a folder. Never overwrites.

The starter files are real files in the package. Two placeholders are filled in on the way:
@DATE@ (today, in the example post's name and date) and @REQUIREMENT@ (what the GitHub Actions
workflow installs margin from: see origin.py). A local wheel to install is copied in too.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from margin.load.discover import NOTE_SUFFIXES
from margin.origin import Origin

STARTER_DIR = Path(__file__).resolve().parent / "starter"
_DATE = "@DATE@"
_REQUIREMENT = "@REQUIREMENT@"


class InitError(Exception):
    """Why the site was not started, in one line."""


@dataclass(frozen=True)
class Skipped:
    path: str  # relative to the new site's folder
    reason: str


@dataclass(frozen=True)
class InitResult:
    written: tuple[str, ...]
    skipped: tuple[Skipped, ...]


def starter_files() -> list[str]:
    """The starter's files, relative to it, with '/' separators and placeholders unfilled."""
    found = []
    for folder, dirs, files in os.walk(STARTER_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        relative = Path(folder).relative_to(STARTER_DIR)
        found.extend((relative / name).as_posix() for name in sorted(files))
    return found


def init_site(target: Path, *, today: date, origin: Origin) -> InitResult:
    """Write every starter file that is not already there (and the wheel the workflow installs,
    when it is a local one); report each one written or skipped."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    requirement = origin.requirement
    if not requirement.strip() or "\n" in requirement:
        raise InitError(f"not a pip requirement: {requirement!r}")
    root = target.resolve()
    has_notes = _has_notes(root / "content")
    written: list[str] = []
    skipped: list[Skipped] = []
    files = [(name.replace(_DATE, today.isoformat()),
              _fill((STARTER_DIR / name).read_text(encoding="utf-8"), today, requirement))
             for name in starter_files()]
    if origin.wheel:
        files.append((requirement.removeprefix("./"), origin.wheel))
    for relative, content in files:
        reason = _reason_to_skip(root, relative, has_notes) or _write_new(root / relative, content)
        if reason:
            skipped.append(Skipped(relative, reason))
        else:
            written.append(relative)
    return InitResult(tuple(written), tuple(skipped))


def _reason_to_skip(root: Path, relative: str, has_notes: bool) -> str | None:
    path = root / relative
    if os.path.lexists(path):
        return "already there"
    if has_notes and relative.startswith("content/"):
        return "content/ already has notes"
    if not path.parent.resolve().is_relative_to(root):
        return "its folder is a link out of the site"
    return None


def _has_notes(content: Path) -> bool:
    if not content.is_dir():
        return False
    return any(
        name.endswith(NOTE_SUFFIXES) for _, _, files in os.walk(content) for name in files
    )


def _fill(text: str, today: date, requirement: str) -> str:
    text = text.replace(_DATE, today.isoformat())
    # The workflow holds the requirement in a YAML double-quoted string: escape it as JSON does.
    return text.replace(_REQUIREMENT, json.dumps(requirement.strip())[1:-1])


def _write_new(path: Path, content: str | Path) -> str | None:
    """Create PATH holding CONTENT (text, or a copy of a file), or say why not; opened with 'x',
    so a race cannot overwrite."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return "a file is in the way of its folder"
    except OSError as exc:
        raise InitError(f"cannot make {path.parent}: {exc.strerror or exc}") from None
    try:
        if isinstance(content, Path):
            with content.open("rb") as source, path.open("xb") as file:
                shutil.copyfileobj(source, file)
        else:
            with path.open("x", encoding="utf-8", newline="\n") as file:
                file.write(content)
    except FileExistsError:
        return "already there"
    except OSError as exc:
        raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None
    return None
