"""Bringing the output folder from what the last build left to what this build made, touching
as little as possible, and nothing before the build has succeeded.

While pages are drawn, only the files that differ from the last output are written, into the
staging folder beside the output. Once the build has succeeded, the new site is made whole
beside the output and swapped in, in one step, so that a build killed at any moment leaves
the old site or the new one at the output path:
  - the spare tree (the output before last, kept by the last swap: spare.py) is brought to
    this build's files, changed ones moved in from staging, the others hard links to the live
    output's, and swapped in (Staging.commit_spare); its cost is that of what changed, and a
    walk of the spare's folders; or, without a spare,
  - the staging folder is completed with hard links to the output's unchanged files and
    swapped in (Staging.commit).
A failed build only ever throws the staging folder away. Of the search index, only the shards
holding a changed page are made again, and they go in with the pages, never after them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Set
from dataclasses import replace
from pathlib import Path
from typing import Any

from margin.diagnostics import Diagnostic
from margin.model import AssetFile, SiteConfig
from margin.pages.drawing import Drawing, Drawn, PageRecord
from margin.write import search, spare
from margin.write.output import OutputError, Staging
from margin.write.previous import AssetRecord, OutputRecords, Stamp, present_files, stamp
from margin.write.search import BUNDLE
from margin.write.searched import SearchedStore, keeping_cuts

_CARRIED: Stamp = (-1, -1, -1)  # the source stamp recorded for an asset that carries its bytes


class OutputUpdate:
    def __init__(self, config: SiteConfig, last: OutputRecords,
                 searched: SearchedStore | None = None):
        self.last = last.trusted()
        self.searched = searched  # the pages cut for Pagefind, kept between builds
        self._keep_cut = keeping_cuts(searched) if searched is not None else _uncut
        self.staging = Staging(config, flat=bool(self.last.pages))
        self.pages: dict[str, PageRecord] = {}
        self.assets: dict[str, AssetRecord] = {}
        self.changed: list[str] = []  # staged: not as the last output has them
        self.shards: list[search.Shard] = []
        self.kept: set[str] = set()  # search shards that stay as they are
        self.search: dict[str, str] = {}  # search shard -> key
        self.bundle: dict[str, Stamp] = {}
        self.into_spare = False
        self.indexing: search.Indexing | None = None
        self.made: search.Made | None = None

    def stage(self, page: Drawn) -> Drawn:
        """Write PAGE to the staging folder unless the last output has it already; its bytes
        are let go either way. (Called where the page was drawn, in a worker process too.)"""
        if page.data is None:
            return page
        page = self._keep_cut(page)
        kept = page.reused or self.last.same_bytes(page.path, page.digest)
        if kept is not None:
            return replace(page, data=None, reused=kept)
        self.staging.write(page.path, page.data)
        return replace(page, data=None, staged=stamp(self.staging.path(page.path)))

    def add_pages(self, drawing: Drawing) -> dict[str, PageRecord]:
        """Stage the pages of DRAWING that differ from the last output; returns every page's
        record (those it kept unplanned as they are)."""
        for page in drawing.pages():
            page = self.stage(page)
            if page.staged is not None:
                self.changed.append(page.path)
                seen = page.staged
            else:
                assert page.reused is not None
                seen = page.reused.stamp
            self.pages[page.path] = PageRecord(page.fingerprint, page.digest, seen, page.links,
                                               page.indexed, page.owner)
        pages = drawing.kept.copy()
        pages.update(self.pages)
        self.pages = pages
        return self.pages

    def add_assets(self, assets: list[AssetFile]) -> None:
        """Stage the assets that are new or changed since the last output."""
        for asset in assets:
            # Bytes carried are named by their digest: the same path is the same bytes.
            source = stamp(asset.source) if asset.data is None else _CARRIED
            kept = self.last.assets.get(asset.path)
            if (kept is not None and source is not None and kept.source == str(asset.source)
                    and kept.source_stamp == source and self.last.intact(asset.path, kept.stamp)):
                seen = kept.stamp
            else:
                self.staging.put(asset)
                self.changed.append(asset.path)
                seen = stamp(self.staging.path(asset.path))
            self.assets[asset.path] = AssetRecord(str(asset.source), source, seen)

    def start_index(self, jobs: int = 1, progress: search.Progress | None = None) -> None:
        """Start indexing the search shards whose pages changed (the others stay as they are),
        from the staged pages, while the build goes on; `index()` waits for it."""
        intact = self.last.intact_shards()
        searched = read_by_pagefind(self.pages)
        self.shards = search.shards_of(searched, search.pagefind_binary(), self.last.search)
        self.kept = {shard.name for shard in self.shards if intact.get(shard.name) == shard.key}
        changed = set(self.changed)
        output, staging = self.last.output, self.staging
        self.indexing = search.Indexing(
            output, self.shards, self.kept, jobs, progress=progress,
            source=lambda path: staging.path(path) if path in changed else output / path,
            cuts=search.Cuts(self.searched, searched) if self.searched else None)

    def _forget_cuts(self) -> None:
        """The kept cut pages made only those of this build's pages (were it to fail now, the
        few of the last output's pages forgotten would be cut again when indexed)."""
        if self.searched is not None:
            self.searched.keep_only(read_by_pagefind(self.pages).values())

    def prepare(self) -> None:
        """Make the new site whole beside the output (the spare tree brought up to date, or the
        staging tree completed with the unchanged files), the search shards kept included,
        while Pagefind may still be indexing; the shards it makes follow in finish()."""
        files = set(self.pages) | set(self.assets)
        unchanged = files - set(self.changed)
        self.into_spare = self.staging.flat is not None and self.staging.spare_ready()
        self._forget_cuts()
        if self.into_spare:
            kept = {path: self._inode(path) for path in unchanged}
            placed = {path: self.staging.path(path) for path in self.changed}
            self._checked(lambda: spare.sync(self.staging.spare, self.last.output, placed, kept,
                                             skip={BUNDLE}))
            kept_shards = {path: seen[2] for path, seen in self._kept_bundle(self.kept).items()}
            redone = {f"{BUNDLE}/{shard.name}" for shard in self.shards
                      if shard.name not in self.kept}
            self._checked(lambda: spare.sync(self.staging.spare, self.last.output, {},
                                             kept_shards, under=BUNDLE, skip=redone))
            return
        self.staging.into_tree(self.changed)
        for path in unchanged:
            self._link(path)
        for path in self._kept_bundle(self.kept):
            self._link(path)

    def index(self) -> list[Diagnostic]:
        """Wait for the search shards whose pages changed (indexed since start_index())."""
        assert self.indexing is not None
        self.made = self.indexing.made()
        self.search = self.made.present
        return self.made.problems

    def finish(self) -> None:
        """Put the build in place, search index included, in one step: the tree made whole
        in prepare() swapped in (the old output is kept as the next build's spare)."""
        assert self.indexing is not None and self.made is not None
        if self.into_spare:
            self._search_into_spare()
            self.staging.commit_spare()
        else:
            self._search_into_staging()
            self.staging.commit()
        self.indexing.abandon()
        self.bundle = self._bundle_in_place()

    def _bundle_in_place(self) -> dict[str, Stamp]:
        """The search bundle's files now in the output, with their stamps: those of the shards
        kept as the last build recorded them, when they are those very files (linked, as
        start_index() found them intact: one is checked, as where links cannot be made they
        were copied), the others read (the new shards and the manifest)."""
        assert self.made is not None
        output = self.last.output
        kept = self._kept_bundle(self.kept & self.made.present.keys())
        some = next(iter(kept), None)
        if not self.into_spare or some is None or stamp(f"{output}/{some}") != kept[some]:
            return bundle_files(output)
        for name in self.made.bundles:
            kept.update(bundle_files(output, f"{BUNDLE}/{name}"))
        seen = stamp(output / search.MANIFEST)
        if seen is not None:
            kept[search.MANIFEST] = seen
        return kept

    def _kept_bundle(self, shards: Set[str]) -> dict[str, Stamp]:
        """The last build's search bundle files of SHARDS, with their stamps."""
        return {path: seen for path, seen in self.last.bundle.items()
                if path.split("/")[1] in shards}

    def _search_into_staging(self) -> None:
        """The new bundles and the manifest, into the staging tree (kept ones are linked)."""
        assert self.made is not None
        manifest = self.made.manifest()
        if manifest is None:
            return
        for name, bundle in self.made.bundles.items():
            target = self.staging.root / BUNDLE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(bundle, target)
        (self.staging.root / search.MANIFEST).write_bytes(manifest)

    def _search_into_spare(self) -> None:
        """The spare's search bundle made this build's (the kept shards are there since
        prepare()): each new bundle moved in whole (its old folder moved aside into the
        indexing's work folder, deleted with it), the manifest staged and moved in, and
        anything else there, a shard that failed or was dropped, deleted."""
        assert self.made is not None and self.indexing is not None
        folder = self.staging.spare / BUNDLE
        for name, bundle in self.made.bundles.items():
            target = folder / name
            if target.is_dir() and not target.is_symlink():
                os.replace(target, bundle.with_name(f"old-{name}"))
            target.parent.mkdir(exist_ok=True)
            os.replace(bundle, target)
        placed: dict[str, Path] = {}
        manifest = self.made.manifest()
        if manifest is not None:
            self.staging.write(search.MANIFEST, manifest)
            placed[search.MANIFEST] = self.staging.path(search.MANIFEST)
        self._checked(lambda: spare.sync(
            self.staging.spare, self.last.output, placed, {}, under=BUNDLE,
            skip={f"{BUNDLE}/{name}" for name in self.made.present}))

    def records(self, engine: object = None, broken: dict[str, Any] | None = None
                ) -> OutputRecords:
        """The records of the output this update makes (the search index's once finished),
        with what its pages read (ENGINE) and their BROKEN links."""
        return OutputRecords(self.last.output, self.pages, self.assets, self.search, self.bundle,
                             engine, broken)

    def discard(self) -> None:
        """Drop what a failed build made (the spare it may have half-synced is put right by
        the next build: spare.py trusts nothing in it)."""
        if self.indexing is not None:
            self.indexing.abandon()
        self.staging.discard()

    def _inode(self, relative: str) -> int:
        """The inode of the live output's file RELATIVE, as its record says (checked to be
        intact when the page or asset was found unchanged)."""
        record = self.pages.get(relative) or self.assets.get(relative)
        seen = record.stamp if record is not None else None
        return seen[2] if seen is not None else -1

    def _checked(self, step: Callable[[], None]) -> None:
        """STEP, whose hard links to the live output fail only if it changed meanwhile."""
        try:
            step()
        except FileNotFoundError as exc:
            raise OutputError(f"{exc.filename} changed during the build ({exc.strerror}); "
                              "run the build again") from None

    def _link(self, relative: str) -> None:
        try:
            self.staging.link(relative, self.last.output / relative)
        except OSError as exc:
            raise OutputError(f"{self.last.output / relative} changed during the build "
                              f"({exc.strerror}); run the build again") from None


def _uncut(page: Drawn) -> Drawn:
    return replace(page, cut=None)


def read_by_pagefind(pages: Mapping[str, PageRecord]) -> dict[str, str]:
    """The pages Pagefind reads (those marked for it, else all HTML pages) -> digests of what
    it reads of them."""
    marked = {path: r.indexed for path, r in pages.items() if r.indexed}
    return marked or {path: r.digest for path, r in pages.items() if path.endswith(".html")}


def bundle_files(root: Path, under: str = BUNDLE) -> dict[str, Stamp]:
    """The search bundle's files in ROOT (those UNDER that folder of it), by path, with their
    stamps (paths joined as text: a Path for each of its thousands of files cost most of the
    time)."""
    found: dict[str, Stamp] = {}
    for relative in present_files(root / under):
        path = f"{under}/{relative}"
        seen = stamp(f"{root}/{path}")
        if seen is not None:
            found[path] = seen
    return found
