"""`margin init`: copy the starter site (src/margin/starter/) into a folder. Never overwrites.

The starter files are real files in the package. Two placeholders are filled in on the way:
@DATE@ (today, in the example post's name and date) and @REQUIREMENT@ (what the GitHub Actions
workflow installs margin from).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

from margin.load.discover import NOTE_SUFFIXES

STARTER_DIR = Path(__file__).resolve().parent / "starter"
DEFAULT_REQUIREMENT = "margin"
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


def init_site(target: Path, *, today: date, requirement: str = DEFAULT_REQUIREMENT) -> InitResult:
    """Write every starter file that is not already there; report each one written or skipped."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    if not requirement.strip() or "\n" in requirement:
        raise InitError(f"not a pip requirement: {requirement!r}")
    root = target.resolve()
    has_notes = _has_notes(root / "content")
    written: list[str] = []
    skipped: list[Skipped] = []
    for name in starter_files():
        relative = name.replace(_DATE, today.isoformat())
        text = _fill((STARTER_DIR / name).read_text(encoding="utf-8"), today, requirement)
        reason = _reason_to_skip(root, relative, has_notes) or _write_new(root / relative, text)
        if reason:
            skipped.append(Skipped(relative, reason))
        else:
            written.append(relative)
    return InitResult(tuple(written), tuple(skipped))


def installed_requirement() -> str:
    """Where this margin came from, as a pip requirement: its git repository when installed
    from one (so the workflow installs the same margin), else the PyPI name."""
    try:
        record = json.loads(metadata.distribution("margin").read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return DEFAULT_REQUIREMENT
    return requirement_from_direct_url(record)


def requirement_from_direct_url(record: dict) -> str:
    """A PEP 610 direct_url.json record -> 'margin @ git+URL@COMMIT'; local installs -> 'margin'."""
    vcs = record.get("vcs_info") or {}
    url = str(record.get("url", ""))
    if vcs.get("vcs") != "git" or not url or url.startswith("file:"):
        return DEFAULT_REQUIREMENT
    revision = vcs.get("commit_id") or vcs.get("requested_revision")
    return f"margin @ git+{url}" + (f"@{revision}" if revision else "")


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


def _write_new(path: Path, text: str) -> str | None:
    """Create PATH holding TEXT, or say why not; opened with 'x', so a race cannot overwrite."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return "a file is in the way of its folder"
    except OSError as exc:
        raise InitError(f"cannot make {path.parent}: {exc.strerror or exc}") from None
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        return "already there"
    except OSError as exc:
        raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None
    return None
