"""Keep a live output folder up to date in place, from the same records `margin build` keeps
(write/previous.py: OutputRecords): write only files whose bytes changed, remove only files
the records say margin wrote.

`margin serve` takes over the folder `margin build` left, with that build's records, and then
updates it in place on every save. Each file is replaced atomically (written beside it, then
renamed), so a reader never sees half a page, a killed server leaves none either (the site may
be half updated: the next build or serve writes it whole). The records stay in memory,
updated from each round's pages: they are what the next round keeps pages by, and what the
server leaves for the next `margin build` when it stops.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import filterfalse
from pathlib import Path

from margin.model import AssetFile, SiteConfig
from margin.pages.drawing import Drawing, Drawn, PageRecord
from margin.write.atomic import reached
from margin.write.marker import mark
from margin.write.output import MARKER, OutputError, check_output_dir
from margin.write.previous import AssetRecord, OutputRecords, Stamp, stamp

_TEMPORARY = ".margin-tmp"
_CARRIED: Stamp = (-1, -1, -1)  # the source stamp recorded for an asset that carries its bytes


@dataclass(frozen=True)
class WriteResult:
    """What one update did, as paths under the output folder."""

    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    drawn: tuple[str, ...] = ()  # pages drawn from a template this round (not kept)


class LiveOutput:
    """The output folder of a running server, and the records of what margin put in it."""

    def __init__(self, config: SiteConfig, records: OutputRecords | None = None):
        self.config = config
        self.root = config.output_dir.resolve()
        self.records = records.trusted() if records is not None else OutputRecords(self.root)
        # Every recorded file was written or looked at by this process since the records were
        # taken (after a round): a record is then trusted without a look at its file.
        self._known = False

    def ready(self) -> None:
        """Before a round writes: an output folder deleted while serving is made again (with
        nothing recorded in it); one that is not margin's, or lost its marker since margin
        wrote into it, is not written into."""
        if (self.root / MARKER).is_file():
            return
        if not self.records.pages:
            check_output_dir(self.config)  # the first write: the folder must be margin's
        elif self.root.exists() and any(self.root.iterdir()):
            raise OutputError(f"output folder {self.root} lost its {MARKER} file; "
                              "margin no longer writes into it")
        self.root.mkdir(parents=True, exist_ok=True)
        mark(self.root)
        self.records, self._known = OutputRecords(self.root), False

    @property
    def recorded(self) -> Callable[[str], PageRecord | None]:
        """The record of a page (by path), if its file is intact: after a round, as this
        process left it (a kept page's file is not looked at: thousands of them each save)."""
        return self.records.pages.get if self._known else self.records.recorded

    @property
    def trusted(self) -> bool:
        """Whether the records are the last round's exactly, every file as it left it."""
        return self._known

    def keep(self, page: Drawn) -> Drawn:
        """Write PAGE in place unless its file holds these bytes already; its bytes are let
        go either way (called where the page was drawn)."""
        if page.data is None:
            return page
        kept = page.reused or self.records.same_bytes(page.path, page.digest)
        if kept is not None:
            return replace(page, data=None, reused=kept)
        self._write(page.path, page.data)
        return replace(page, data=None, staged=stamp(self.root / page.path))

    def update(self, drawing: Drawing) -> WriteResult:
        """Draw DRAWING (made with these records) and write the pages and assets that differ
        from the folder's files; remove the files of pages and assets the site no longer has.
        A page planned but not drawn failed: its last good file stays, and so does its
        record."""
        last = self.records
        fresh: dict[str, PageRecord] = {}
        written: list[str] = []
        drawn: list[str] = []
        for page in drawing.pages():
            if page.data is not None and page.fingerprint is not None:
                drawn.append(page.path)
            page = self.keep(page)
            if page.staged is not None:
                written.append(page.path)
                seen = page.staged
            else:
                assert page.reused is not None
                seen = page.reused.stamp
            fresh[page.path] = PageRecord(page.fingerprint, page.digest, seen, page.links,
                                          page.indexed, page.owner)
        records = drawing.kept.copy()  # (in C, a live server's kept records: pages/kept.py)
        records.update(fresh)
        failed = list(filterfalse(records.__contains__, drawing.planned))  # (in C)
        for path in failed:
            if path in last.pages:
                records[path] = last.pages[path]
        copied = self._assets(drawing.assets, written)
        stale = sorted((last.pages.keys() | last.assets.keys()) - records.keys() - copied.keys())
        for path in stale:
            self._remove(path)
        self.records = OutputRecords(self.root, records, copied, last.search, last.bundle)
        # The engine's state says every planned page is as its inputs make it: not so for a
        # page that failed, whose old file stays. Until none fails, every page is decided again
        # (so its error is found again, rather than the old page kept unplanned).
        self.records.engine = None if failed else drawing.state
        self._known = True
        unchanged = len(records) + len(copied) - len(written)
        return WriteResult(tuple(written), tuple(stale), unchanged, tuple(drawn))

    def _assets(self, assets: list[AssetFile], written: list[str]) -> dict[str, AssetRecord]:
        """Copy the ASSETS new or changed since the records (adding them to WRITTEN)."""
        last, found = self.records, {}
        for asset in assets:
            # Bytes carried are named by their digest: the same path is the same bytes.
            source = stamp(asset.source) if asset.data is None else _CARRIED
            if source is None:
                continue  # deleted since it was listed: the next save's listing drops it
            kept = last.assets.get(asset.path)
            if (kept is not None and kept.source == str(asset.source)
                    and kept.source_stamp == source and last.intact(asset.path, kept.stamp)):
                seen = kept.stamp
            else:
                self._put(asset)
                written.append(asset.path)
                seen = stamp(self.root / asset.path)
            found[asset.path] = AssetRecord(str(asset.source), source, seen)
        return found

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
