"""Bringing the output folder from what the last build left to what this build made, touching
as little as possible, and nothing before the build has succeeded.

While pages are drawn, only the files that differ from the last output are written, into the
staging folder beside the output. Once the build has succeeded, either
  - few files changed: each is moved into the output with one atomic rename and the files no
    longer made are deleted (Staging.update, journaled so an update cut short is redone); or
  - many changed, or the last output is unknown: the staging folder is completed with hard
    links to the output's unchanged files and swapped in whole (Staging.commit).
A failed build only ever throws the staging folder away. The search index is made again only
when a page Pagefind reads has changed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from margin.cache.fingerprint import digest
from margin.diagnostics import Diagnostic
from margin.linkcheck import PageLinks
from margin.model import AssetFile, SiteConfig
from margin.render.drawing import Drawn, PageRecord
from margin.write import search
from margin.write.output import MARKER, OutputError, Staging
from margin.write.previous import AssetRecord, OutputRecords, Stamp, present_files, stamp

IN_PLACE_SHARE = 0.25  # update in place when at most this share of the files changes
BUNDLE = "pagefind"  # the folder Pagefind writes (urls.SEARCH_BUNDLE)


class OutputUpdate:
    def __init__(self, config: SiteConfig, last: OutputRecords):
        self.last = last.trusted()
        self.staging = Staging(config)
        self.pages: dict[str, PageRecord] = {}
        self.assets: dict[str, AssetRecord] = {}
        self.changed: list[str] = []  # staged: not as the last output has them
        self.search: str | None = None
        self.bundle: dict[str, Stamp] = {}
        self.in_place = False

    def stage(self, page: Drawn) -> Drawn:
        """Write PAGE to the staging folder unless the last output has it already; its bytes
        are let go either way. (Called where the page was drawn, in a worker process too.)"""
        if page.data is None:
            return page
        kept = page.reused or self.last.same_bytes(page.path, page.digest)
        if kept is not None:
            return replace(page, data=None, reused=kept)
        self.staging.write(page.path, page.data)
        return replace(page, data=None, staged=stamp(self.staging.root / page.path))

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
            self.pages[page.path] = PageRecord(page.fingerprint, page.digest, seen,
                                               _shared(page.links), page.indexed, page.owner)
        return self.pages

    def add_assets(self, assets: list[AssetFile]) -> None:
        """Stage the assets that are new or changed since the last output."""
        for asset in assets:
            source = stamp(asset.source)
            kept = self.last.assets.get(asset.path)
            if (kept is not None and source is not None and kept.source == str(asset.source)
                    and kept.source_stamp == source and self.last.intact(asset.path, kept.stamp)):
                seen = kept.stamp
            else:
                self.staging.copy(asset.path, asset.source)
                self.changed.append(asset.path)
                seen = stamp(self.staging.root / asset.path)
            self.assets[asset.path] = AssetRecord(str(asset.source), source, seen)

    def finish(self) -> None:
        """Put the build in place: in place when few files changed, else by the swap."""
        files = set(self.pages) | set(self.assets)
        removed = (set(self.last.pages) | set(self.last.assets)) - files
        self.search = _search_key(self.pages, search.pagefind_binary())
        keep_bundle = self.search == self.last.search and self.last.bundle_intact()
        self.in_place = bool(self.last.pages) and (
            len(self.changed) + len(removed) <= IN_PLACE_SHARE * len(files))
        if self.in_place:
            # Files margin did not make go too, as they would with the swap.
            known = files | {MARKER} | (set(self.last.bundle) if keep_bundle else set())
            removed |= {path for path in present_files(self.last.output)
                        if path not in known and not path.startswith(BUNDLE + "/")}
            self.staging.update(self.changed, sorted(removed))
        else:
            for path in files - set(self.changed):
                self._link(path)
            if keep_bundle:
                for path in self.last.bundle:
                    self._link(path)
            self.staging.commit()
        self.bundle = dict(self.last.bundle) if keep_bundle else {}

    def index(self, run: Callable[[Path], list[Diagnostic]]) -> list[Diagnostic]:
        """Make the search index with RUN (write/search.py's index_site) over the output, unless
        the last one indexed exactly the same pages. The stale bundle is moved away first,
        because Pagefind leaves old pieces behind in a folder it writes again."""
        if self.bundle:
            return []
        output = self.last.output
        retired = output.with_name(f".{output.name}.margin-search-retired")
        shutil.rmtree(retired, ignore_errors=True)
        if (output / BUNDLE).is_dir():
            os.replace(output / BUNDLE, retired)
        problems = run(output)
        shutil.rmtree(retired, ignore_errors=True)
        self.bundle = _bundle_files(output)
        return problems

    def records(self) -> OutputRecords:
        return OutputRecords(self.last.output, self.pages, self.assets, self.search, self.bundle)

    def discard(self) -> None:
        self.staging.discard()

    def _link(self, relative: str) -> None:
        try:
            self.staging.link(relative, self.last.output / relative)
        except OSError as exc:
            raise OutputError(f"{self.last.output / relative} changed during the build "
                              f"({exc.strerror}); run the build again") from None


def _shared(links: PageLinks | None) -> PageLinks | None:
    """The same links, each text held once for the whole site: most pages link to the same
    places (the records stay small in memory and in the cache)."""
    if links is None:
        return None
    return PageLinks(tuple(map(sys.intern, links.targets)), frozenset(map(sys.intern, links.ids)))


def _search_key(pages: dict[str, PageRecord], binary: Path | None) -> str:
    """What Pagefind's index is made from: the pages it reads (those marked for it, else all
    HTML pages) and Pagefind itself."""
    read = [(path, r.digest) for path, r in sorted(pages.items()) if r.indexed] or [
        (path, r.digest) for path, r in sorted(pages.items()) if path.endswith(".html")]
    return digest(str(binary), stamp(binary) if binary else None, read)


def _bundle_files(root: Path) -> dict[str, Stamp]:
    found: dict[str, Stamp] = {}
    folder = root / BUNDLE
    for path in folder.rglob("*") if folder.is_dir() else ():
        seen = stamp(path)
        if seen is not None:
            found[path.relative_to(root).as_posix()] = seen
    return found
