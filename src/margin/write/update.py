"""Bringing the output folder from what the last build left to what this build made, touching
as little as possible, and nothing before the build has succeeded.

While pages are drawn, only the files that differ from the last output are written, into the
staging folder beside the output. Once the build has succeeded, either
  - few files changed: each is moved into the output with one atomic rename and the files no
    longer made are deleted (Staging.update, journaled so that an update cut short is
    completed by the next build); or
  - many changed, or the last output is unknown: the staging folder is completed with hard
    links to the output's unchanged files and swapped in whole, in one step (Staging.commit).
A failed build only ever throws the staging folder away. Of the search index, only the shards
holding a changed page are made again, and they go in with the pages, never after them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.model import AssetFile, SiteConfig
from margin.pages.drawing import Drawn, PageRecord
from margin.write import search
from margin.write.output import MARKER, OutputError, Staging, interrupted
from margin.write.previous import AssetRecord, OutputRecords, Stamp, present_files, stamp
from margin.write.search import BUNDLE

IN_PLACE_SHARE = 0.25  # update in place when at most this share of the files changes
_CARRIED: Stamp = (-1, -1, -1)  # the source stamp recorded for an asset that carries its bytes


class OutputUpdate:
    def __init__(self, config: SiteConfig, last: OutputRecords):
        self.last = last.trusted()
        self.staging = Staging(config, flat=bool(self.last.pages))
        self.pages: dict[str, PageRecord] = {}
        self.assets: dict[str, AssetRecord] = {}
        self.changed: list[str] = []  # staged: not as the last output has them
        self.shards: list[search.Shard] = []
        self.kept: set[str] = set()  # search shards that stay as they are
        self.search: dict[str, str] = {}  # search shard -> key
        self.bundle: dict[str, Stamp] = {}
        self.in_place = False
        self.removed: set[str] = set()
        self.indexing: search.Indexing | None = None
        self.made: search.Made | None = None

    def stage(self, page: Drawn) -> Drawn:
        """Write PAGE to the staging folder unless the last output has it already; its bytes
        are let go either way. (Called where the page was drawn, in a worker process too.)"""
        if page.data is None:
            return page
        kept = page.reused or self.last.same_bytes(page.path, page.digest)
        if kept is not None:
            return replace(page, data=None, reused=kept)
        self.staging.write(page.path, page.data)
        return replace(page, data=None, staged=stamp(self.staging.path(page.path)))

    def add_pages(self, pages: Iterable[Drawn]) -> dict[str, PageRecord]:
        """Stage the pages that differ from the last output; returns every page's record."""
        for page in pages:
            page = self.stage(page)
            if page.staged is not None:
                self.changed.append(page.path)
                seen = page.staged
            else:
                assert page.reused is not None
                seen = page.reused.stamp
            self.pages[page.path] = PageRecord(page.fingerprint, page.digest, seen, page.links,
                                               page.indexed, page.owner, page.inputs)
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
        self.shards = search.shards_of(_read_by_pagefind(self.pages), search.pagefind_binary(),
                                       self.last.search)
        self.kept = {shard.name for shard in self.shards if intact.get(shard.name) == shard.key}
        changed = set(self.changed)
        output, staging = self.last.output, self.staging
        self.indexing = search.Indexing(
            output, self.shards, self.kept, jobs, progress=progress,
            source=lambda path: staging.path(path) if path in changed else output / path)

    def prepare(self) -> None:
        """Decide how the build goes in (in place when few files changed, else by the swap)
        and, for the swap, complete the staging tree with the unchanged files, while Pagefind
        may still be indexing."""
        files = set(self.pages) | set(self.assets)
        self.removed = (set(self.last.pages) | set(self.last.assets)) - files
        self.in_place = bool(self.last.pages) and (
            len(self.changed) + len(self.removed) <= IN_PLACE_SHARE * len(files))
        if self.in_place:
            # Files margin did not make go too, as they would with the swap; the search
            # bundle's folder is put right with the bundles.
            known = files | {MARKER}
            self.removed |= {path for path in present_files(self.last.output)
                             if path not in known and not path.startswith(BUNDLE + "/")}
            return
        self.staging.into_tree(self.changed)
        for path in files - set(self.changed):
            self._link(path)
        for path in self.last.bundle:
            if path.split("/")[1] in self.kept:
                self._link(path)

    def index(self) -> list[Diagnostic]:
        """Wait for the search shards whose pages changed (indexed since start_index())."""
        assert self.indexing is not None
        self.made = self.indexing.made()
        self.search = self.made.present
        return self.made.problems

    def finish(self) -> None:
        """Put the build in place, search index included, so that a build killed at any
        moment leaves a whole site, old or new: the staging tree swapped in in one step, or
        the in-place renames journaled (write/journal.py)."""
        assert self.indexing is not None and self.made is not None
        if self.in_place:
            self.staging.update(self.changed, sorted(self.removed), self._search_steps())
        else:
            self._search_into_staging()
            self.staging.commit()
        self.indexing.abandon()
        self.bundle = _bundle_files(self.last.output)

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

    def _search_steps(self) -> list[list[str]]:
        """The journal's steps that bring the output's search bundle to this build's."""
        assert self.made is not None and self.indexing is not None
        beside, output = self.last.output.parent, self.last.output
        steps: list[list[str]] = []
        for name, bundle in self.made.bundles.items():
            aside = bundle.with_name(f"old-{name}")
            steps.append(["dir", bundle.relative_to(beside).as_posix(), f"{BUNDLE}/{name}",
                          aside.relative_to(beside).as_posix()])
        manifest = self.made.manifest()
        folder = output / BUNDLE
        present = sorted(entry.name for entry in folder.iterdir()) if folder.is_dir() else []
        if manifest is None:
            return steps + ([["remove-dir", BUNDLE]] if present else [])
        self.staging.write(search.MANIFEST, manifest)
        steps.append(["file", self.staging.path(search.MANIFEST).relative_to(beside).as_posix(),
                      search.MANIFEST])
        keep = set(self.made.present) | {search.MANIFEST.split("/")[1]}
        return steps + [["remove-dir" if (folder / name).is_dir() else "remove",
                         f"{BUNDLE}/{name}"] for name in present if name not in keep]

    def records(self) -> OutputRecords:
        return OutputRecords(self.last.output, self.pages, self.assets, self.search, self.bundle)

    def discard(self) -> None:
        """Drop what a failed build made; but an update its journal names (cut short by a
        refused rename) keeps it all, for the next build to finish."""
        if self.indexing is not None and not interrupted(self.last.output):
            self.indexing.abandon()
        self.staging.discard()

    def _link(self, relative: str) -> None:
        try:
            self.staging.link(relative, self.last.output / relative)
        except OSError as exc:
            raise OutputError(f"{self.last.output / relative} changed during the build "
                              f"({exc.strerror}); run the build again") from None


def _read_by_pagefind(pages: dict[str, PageRecord]) -> dict[str, str]:
    """The pages Pagefind reads (those marked for it, else all HTML pages) -> digests of what
    it reads of them."""
    marked = {path: r.indexed for path, r in pages.items() if r.indexed}
    return marked or {path: r.digest for path, r in pages.items() if path.endswith(".html")}


def _bundle_files(root: Path) -> dict[str, Stamp]:
    found: dict[str, Stamp] = {}
    folder = root / BUNDLE
    for path in folder.rglob("*") if folder.is_dir() else ():
        seen = stamp(path)
        if seen is not None:
            found[path.relative_to(root).as_posix()] = seen
    return found
