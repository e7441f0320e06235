"""Write the site into a folder beside the output, then swap it in with one rename.

A failed or interrupted build therefore never touches the last good output, and margin only
ever replaces or deletes a folder that carries its marker file. The old output is kept beside
as the spare tree that the next build brings up to date and swaps in (spare.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from margin.model import AssetFile, OutputFile, SiteConfig
from margin.write.atomic import exchange, reached
from margin.write.marker import MARKER, made_by_margin, mark, remove_own

__all__ = ["MARKER"]  # (for the modules that import it from here)
FLAT = ".margin-staged"  # in a flat staging folder, the files staged ('/' spelled %2F)


class OutputError(Exception):
    """The output folder cannot be used; the message says why in one line."""


def check_output_dir(config: SiteConfig) -> None:
    """Refuse outputs that would overwrite sources or a folder margin did not make."""
    output = config.output_dir.resolve()
    site = config.site_dir.resolve()
    protected = {
        "the site folder": site,
        "content/": config.content_dir.resolve(),
        "templates/": config.templates_dir.resolve(),
        "assets/": config.assets_dir.resolve(),
    }
    for name, folder in protected.items():
        if output == folder or folder.is_relative_to(output):
            raise OutputError(f"output folder {output} is or contains {name}; choose another")
        if output.is_relative_to(folder) and name != "the site folder":
            raise OutputError(f"output folder {output} is inside {name}; choose another")
    if output.is_symlink():
        raise OutputError(f"output folder {output} is a symlink; margin does not write through it")
    if output.exists() and not made_by_margin(output):
        raise OutputError(
            f"output folder {output} exists and was not made by margin (no {MARKER} file); "
            "move it away or choose another --output"
        )
    for kind in ("staging", "retired", "spare"):  # beside it, margin's to make and delete
        beside = output.with_name(f".{output.name}.margin-{kind}")
        if (beside.exists() or beside.is_symlink()) and (
                beside.is_symlink() or not made_by_margin(beside)):
            raise OutputError(f"{beside} exists and was not made by margin (no {MARKER} "
                              "file); margin would replace it: move it away")


def write_site(config: SiteConfig, pages: list[OutputFile], assets: list[AssetFile]) -> int:
    """Write every file into a staging folder, then swap it with the output. Returns the count."""
    staging = Staging(config)
    try:
        for asset in assets:
            staging.put(asset)
        for page in pages:
            staging.write(page.path, page.data)
        staging.commit()
    finally:
        staging.discard()
    return len(pages) + len(assets)


class Staging:
    """A fresh folder beside the output that becomes the output in one rename (commit), or is
    thrown away (discard); or whose staged files are moved into the spare tree, which then
    becomes the output in one rename (commit_spare). Files the last build wrote that are still
    right can be hard-linked from the output instead of written again; the output itself is
    never written into.

    FLAT (a rebuild, where few files usually change): files are staged side by side in one
    folder, to be moved into the spare tree's folders (without one, a new tree's), not in a copy
    of its tree whose every folder would be made, and removed, for a few files (at 4,000
    notes, making 300 folders cost a quarter of a second: the file system seeks a free inode
    past all those freed in the last half minute)."""

    def __init__(self, config: SiteConfig, flat: bool = False):
        self.output = config.output_dir.resolve()
        self.root = self.output.with_name(f".{self.output.name}.margin-staging")
        self.retired = self.output.with_name(f".{self.output.name}.margin-retired")
        self.spare = self.output.with_name(f".{self.output.name}.margin-spare")
        if not self.output.exists() and made_by_margin(self.retired):
            os.replace(self.retired, self.output)  # parked by a swap cut short: put it back
        for leftover in (self.root, self.retired):
            remove_own(leftover)
        self.root.mkdir(parents=True)
        mark(self.root)
        self._made: set[Path] = {self.root}
        self.flat: Path | None = None
        if flat:
            self.flat = self.root / FLAT
            self.flat.mkdir()
        self.committed = False

    def path(self, relative: str) -> Path:
        """Where RELATIVE is staged."""
        if self.flat is not None:
            name = relative.replace("%", "%25").replace("#", "%23").replace("/", "%2F")
            if len(name.encode()) > 200:  # beyond what some file systems take in one name
                name = "#" + hashlib.blake2b(relative.encode(), digest_size=16).hexdigest()
            return self.flat / name
        return _target(self.root, relative, self._made)

    def into_tree(self, staged: Iterable[str]) -> None:
        """Before a commit: the STAGED files (flat) moved to their places in the tree."""
        if self.flat is None:
            return
        for relative in staged:
            os.replace(self.path(relative), _target(self.root, relative, self._made))
        self.flat.rmdir()
        self.flat = None

    def write(self, relative: str, data: bytes) -> None:
        with self.naming(relative):
            self.path(relative).write_bytes(data)

    def copy(self, relative: str, source: Path) -> None:
        with self.naming(relative):
            shutil.copyfile(source, self.path(relative))

    def put(self, asset: AssetFile) -> None:
        """An asset: its bytes when it carries them, else a copy of its file."""
        if asset.data is not None:
            self.write(asset.path, asset.data)
        else:
            self.copy(asset.path, asset.source)

    @contextmanager
    def naming(self, relative: str) -> Iterator[None]:
        """A write's OSError (a full disk's says no file) names the output file it was for."""
        try:
            yield
        except OSError as exc:
            if exc.filename is None or str(exc.filename).startswith(str(self.root)):
                exc.filename, exc.filename2 = str(self.output / relative), None
            raise

    def link(self, relative: str, previous: Path) -> None:
        """Put the last build's file (already checked to be the right one) in place: a hard
        link where the file system allows it, else a copy."""
        target = self.path(relative)
        try:
            os.link(previous, target)
        except OSError:
            with self.naming(relative):
                shutil.copyfile(previous, target)

    def spare_ready(self) -> bool:
        """Whether a spare tree (margin's) is there to be brought up to date and swapped in."""
        return made_by_margin(self.spare) and not self.spare.is_symlink()

    def commit(self) -> None:
        """Swap the staging folder in as the output in one step (the output path always holds
        a whole site, the old or the new)."""
        self._swap(self.root)

    def commit_spare(self) -> None:
        """Swap the spare tree, brought to this build's files (spare.sync), in as the output."""
        self._swap(self.spare)
        remove_own(self.root)  # (what is left of staging: the files went into the spare)

    def _swap(self, tree: Path) -> None:
        """TREE becomes the output in one step; the old output is kept as the spare tree. With
        no old output (a first build: a deploy's only one) there is no spare until the next
        build swaps this one out (a tree of links made now: 0.4 s of CPU, 2-6 s on a busy disk,
        at 4,000 notes)."""
        output = self.output
        if output.is_dir() and not any(output.iterdir()):
            output.rmdir()  # an empty folder the user made for us
        reached("swap:ready")
        old: Path | None = self.retired
        if not output.exists():
            os.replace(tree, output)
            old = None
        elif exchange(tree, output):
            old = tree  # (the old output is where TREE was)
        else:  # two renames: a build killed between them is undone by the next (__init__)
            os.replace(output, self.retired)
            reached("swap:parked")
            os.replace(tree, output)
        self.committed = True
        reached("swap:done")
        if old is not None and old != self.spare:
            remove_own(self.spare)
            os.replace(old, self.spare)

    def discard(self) -> None:
        """Throw the staging folder away unless it was committed (a failed build)."""
        if not self.committed:
            remove_own(self.root)


def _target(root: Path, relative: str, made: set[Path]) -> Path:
    target = root / relative
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    return target
