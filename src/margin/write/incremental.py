"""Keep a live output folder up to date: write only files whose bytes changed, remove stale ones.

`margin serve` builds once with the atomic swap of write/output.py, then updates the folder in
place on every save. Each file is replaced atomically (written beside it, then renamed), so a
reader never sees half a page, a killed server leaves none either (the site may be half
updated: the next build or serve writes it whole), and only files margin itself wrote are ever
removed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from margin.model import AssetFile, OutputFile, SiteConfig
from margin.write.atomic import reached
from margin.write.output import MARKER, OutputError, check_output_dir, write_site

_TEMPORARY = ".margin-tmp"


@dataclass(frozen=True)
class WriteResult:
    """What one update did, as paths under the output folder."""

    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0


@dataclass(frozen=True)
class _Copied:
    source: Path
    size: int
    mtime_ns: int


class LiveOutput:
    """The output folder of a running server, and what margin last put in it."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.root = config.output_dir.resolve()
        self._pages: dict[str, OutputFile] = {}
        self._assets: dict[str, _Copied] = {}

    def replace_all(self, pages: list[OutputFile], assets: list[AssetFile]) -> WriteResult:
        """The first write: the whole site, swapped in atomically (refuses folders not ours)."""
        check_output_dir(self.config)
        write_site(self.config, pages, assets)
        self._pages = {page.path: page for page in pages}
        self._assets = {asset.path: _stat(asset) for asset in assets}
        return WriteResult(written=tuple(self._pages) + tuple(self._assets))

    def adopt(self, pages: list[OutputFile], assets: list[AssetFile], read_back: set[str],
              built: bool = True) -> WriteResult:
        """Take over the output folder as it is: PAGES are what should be there (those in
        READ_BACK were read from it); any other that differs from its file is written, and
        unless the folder was BUILT from these very inputs just now, so is every asset."""
        if not (self.root / MARKER).is_file():
            return self.replace_all(pages, assets)  # nothing there yet
        check_output_dir(self.config)
        written = []
        for page in pages:
            if page.path not in read_back and _bytes_at(self.root / page.path) != page.data:
                self._write(page.path, page.data)
                written.append(page.path)
        for asset in [] if built else assets:
            self._put(asset)
            written.append(asset.path)
        self._pages = {page.path: page for page in pages}
        self._assets = {asset.path: _stat(asset) for asset in assets}
        return WriteResult(tuple(written), unchanged=len(pages) + len(assets) - len(written))

    def update(self, pages: list[OutputFile], assets: list[AssetFile]) -> WriteResult:
        """Write the pages and assets that differ from what is on disk; remove the ones now gone."""
        if not (self.root / MARKER).is_file():
            if self.root.exists() and any(self.root.iterdir()):
                raise OutputError(f"output folder {self.root} lost its {MARKER} file; "
                                  "margin no longer writes into it")
            return self.replace_all(pages, assets)  # deleted while serving: start again
        written: list[str] = []
        unchanged = 0
        new_pages = {page.path: page for page in pages}
        for path, page in new_pages.items():
            old = self._pages.get(path)
            if old is not None and (old.data is page.data or old.data == page.data):
                unchanged += 1
                continue
            self._write(path, page.data)
            written.append(path)
        new_assets: dict[str, _Copied] = {}
        for asset in assets:
            copied = _stat(asset)
            if copied.size < 0:
                continue  # deleted since it was listed: the next save's listing drops it
            new_assets[asset.path] = copied
            if self._assets.get(asset.path) == copied:
                unchanged += 1
                continue
            self._put(asset)
            written.append(asset.path)
        stale = [p for p in self._pages if p not in new_pages and p not in new_assets]
        stale += [p for p in self._assets if p not in new_assets and p not in new_pages]
        for path in stale:
            self._remove(path)
        self._pages, self._assets = new_pages, new_assets
        return WriteResult(tuple(written), tuple(stale), unchanged)

    def _put(self, asset: AssetFile) -> None:
        if asset.data is not None:
            self._write(asset.path, asset.data)
        else:
            self._copy(asset.path, asset.source)

    def _target(self, relative: str) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(self.root):
            raise OutputError(f"{relative}: its folder leads out of the output folder")
        return target

    def _write(self, relative: str, data: bytes) -> None:
        target = self._target(relative)
        temporary = target.with_name(target.name + _TEMPORARY)
        temporary.write_bytes(data)
        reached("live:written")
        os.replace(temporary, target)

    def _copy(self, relative: str, source: Path) -> None:
        target = self._target(relative)
        temporary = target.with_name(target.name + _TEMPORARY)
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)

    def _remove(self, relative: str) -> None:
        """Delete a file margin wrote, then any folders that left empty (never the root)."""
        target = self.root / relative
        if target.is_file() and not target.is_symlink():
            target.unlink()
        folder = target.parent
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                break
            folder = folder.parent


def _bytes_at(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _stat(asset: AssetFile) -> _Copied:
    source = asset.source
    if asset.data is not None:  # named by its bytes' digest: the path says what they are
        return _Copied(source, len(asset.data), 0)
    try:
        info = source.stat()
    except OSError:
        return _Copied(source, -1, -1)
    return _Copied(source, info.st_size, info.st_mtime_ns)
