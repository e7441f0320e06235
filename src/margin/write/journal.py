"""An in-place update of the output, as a list of renames written down before the first one.

When few files change, margin moves each new file into the output (one rename each) rather
than swapping in a whole new tree (at 4,700 pages, hard-linking the tree took over a second
and deleting the old one many more). Everything the update puts in place (pages, assets, the
search bundles and their manifest) is complete beside the output before the journal is
written; then only renames remain. A build killed among them leaves the journal, and the next
build (or serve) first carries out what remains (`finish_interrupted`), so the output ends as
the new site, never as a mix. Every step can be done twice: a step already done is skipped.

Steps (sources relative to the output's parent folder, targets to the output):
  ["file", source, target]          move a staged file into place
  ["dir", source, target, aside]    move the folder at target aside, then source to target
  ["remove", target]                delete a file margin wrote, and folders left empty
  ["remove-dir", target]            delete a folder of margin's inside the output
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from margin.write.atomic import reached

JOURNAL = ".margin-updating"
Step = list[str]


def interrupted(output: Path) -> bool:
    """Whether an in-place update of OUTPUT was cut short (its files may be half old, half new)."""
    return (output / JOURNAL).exists()


def run(output: Path, steps: list[Step]) -> None:
    """Write the journal of STEPS into OUTPUT (whole, by a rename), do them, delete it."""
    journal = output / JOURNAL
    written = journal.with_name(JOURNAL + ".tmp")
    written.write_text(json.dumps({"steps": steps}), encoding="utf-8")
    os.replace(written, journal)
    reached("update:journaled")
    for number, step in enumerate(steps):
        _do(output, step)
        if number == 0:
            reached("update:one-moved")
    journal.unlink()


def finish_interrupted(output: Path) -> bool:
    """Carry out what remains of an update of OUTPUT that was cut short; whether there was
    one. A journal that cannot be read (an older margin's) is left: the output then counts as
    unknown, and the next build writes it in full."""
    journal = output / JOURNAL
    try:
        steps = json.loads(journal.read_text(encoding="utf-8"))["steps"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    for step in steps:
        _do(output, step)
    journal.unlink()
    return True


def remove_file(root: Path, relative: str) -> None:
    """Delete a file margin wrote under ROOT, then the folders that left empty (never ROOT)."""
    target = root / relative
    if not target.parent.resolve().is_relative_to(root.resolve()):
        return
    if target.is_file() and not target.is_symlink():
        target.unlink()
    folder = target.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            break
        folder = folder.parent


def _do(output: Path, step: Step) -> None:
    kind, beside = step[0], output.parent
    if kind == "file":
        source, target = beside / step[1], output / step[2]
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    elif kind == "dir":
        source, target, aside = beside / step[1], output / step[2], beside / step[3]
        if source.exists():
            if target.exists():
                if aside.exists():
                    shutil.rmtree(aside)
                os.replace(target, aside)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    elif kind == "remove":
        remove_file(output, step[1])
    elif kind == "remove-dir":
        target = output / step[1]
        if target.is_dir() and not target.is_symlink() and target.resolve().is_relative_to(
                output.resolve()):
            shutil.rmtree(target)
