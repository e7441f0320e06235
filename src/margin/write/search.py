"""The search index: Pagefind reads the written pages (cut to what it indexes of them,
pages/searchable.py; the cuts kept between builds, write/searched.py) and writes its bundle
under /pagefind/.

The index is made in shards of about SHARD_PAGES pages each, every page always in the same
shard (by a hash of its path), each shard a whole Pagefind bundle in /pagefind/<n>/; the search
page reads /pagefind/shards.json and merges them in the browser (Pagefind's mergeIndex). So an
edit re-indexes the one shard holding the page, not the site, and Pagefind's memory stays that
of one shard (it holds everything it indexes at once: ~950 MB for 4,000 notes in one bundle).

Pagefind ships as a binary inside the `pagefind[bin]` package (a default dependency of margin);
without it the build still succeeds, says so once, and the search page says it has no index.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from margin import urls
from margin.diagnostics import Diagnostic, warning
from margin.fingerprint import digest
from margin.orphans import dying_with
from margin.pages.searchable import SEARCH_MARK, cut_digest, searched_digest, searched_page
from margin.write.marker import mark, remove_own
from margin.write.previous import stamp
from margin.write.searched import SearchedStore
from margin.write.shardtrees import ShardTrees, fill

TIMEOUT_SECONDS = 300
SHARD_PAGES = 250  # Pagefind takes ~0.5 s and ~70 MB for this many notes
MAX_SHARDS = 16  # the browser loads every shard's entry file: beyond this, shards grow instead
BUNDLE = urls.SEARCH_BUNDLE.strip("/")
MANIFEST = f"{BUNDLE}/shards.json"
NOT_INSTALLED = ("search: Pagefind is not installed, so the site has no search index "
                 "(pip install 'pagefind[bin]')")

Progress = Callable[[int], Callable[[int], None]]


@dataclass(frozen=True)
class Shard:
    name: str  # its folder under /pagefind/
    pages: tuple[str, ...]  # output paths, in order
    key: str  # what its bundle is made from: these pages' bytes and Pagefind itself


def pagefind_binary() -> Path | None:
    """The Pagefind executable, looked for as the `pagefind` package looks (PAGEFIND_BINARY_PATH
    alone when set, so that naming a missing file turns search off; else its binary packages,
    then PATH): without importing the package's service (and asyncio with it), which margin
    does not use."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named is not None:
        return Path(named) if Path(named).is_file() else None
    found: list[Path] = []
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found.append(Path(importlib.import_module(package).get_executable()))
        except Exception:  # not installed, or broken: the same as none, the build goes on
            continue
    found += [Path(path) for path in map(shutil.which, ("pagefind_extended", "pagefind"))
              if path]
    return next((path for path in found if path.is_file()), None)


def shards_of(pages: Mapping[str, str], binary: Path | None,
              last: Collection[str] = ()) -> list[Shard]:
    """PAGES (output path -> digest of its bytes, the pages Pagefind reads) in shards: a power
    of two of them, so that a growing site re-shards rarely. LAST, the shards of the last
    build, are kept in number while they hold between half and twice SHARD_PAGES each: a
    site on a boundary (1,000 notes) does not re-index every shard for one note more."""
    count = 1
    while count * SHARD_PAGES < len(pages) and count < MAX_SHARDS:
        count *= 2
    before = _count_of(last)
    if before and before <= MAX_SHARDS and (
            before * SHARD_PAGES // 2 <= len(pages) <= before * SHARD_PAGES * 2):
        count = before
    grouped: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(pages):
        grouped[zlib.crc32(path.encode("utf-8", "surrogateescape")) % count].append(path)
    pagefind = (str(binary), stamp(binary) if binary else None)
    return [Shard(str(number), tuple(paths),
                  digest(pagefind, count, [(p, pages[p]) for p in paths]))
            for number, paths in enumerate(grouped) if paths]


def _count_of(names: Collection[str]) -> int:
    """How many shards a build made, from the names of those it kept (0 when unknown)."""
    numbers = [int(name) for name in names if name.isdigit()]
    if not numbers:
        return 0
    count = 1
    while count <= max(numbers):
        count *= 2
    return count


@dataclass(frozen=True)
class Cuts:
    """The pages already cut for Pagefind (write/searched.py): the STORE they are kept in,
    and the search digest of each page by path (DIGESTS)."""

    store: SearchedStore
    digests: Mapping[str, str]

    def kept(self, path: str) -> Path | None:
        indexed = self.digests.get(path)
        return self.store.take(indexed) if indexed else None


@dataclass
class Made:
    """What an Indexing made: the shards present once its bundles are in place (name -> key,
    in order), the new bundles (name -> folder in the work folder) and what went wrong."""

    present: dict[str, str]
    bundles: dict[str, Path]
    problems: list[Diagnostic]

    def manifest(self) -> bytes | None:
        """shards.json for the present shards; None when there are none (no /pagefind/)."""
        if not self.present:
            return None
        return json.dumps({"bundles": [f"{name}/" for name in self.present]}).encode()


class Indexing:
    """OUTPUT/pagefind/ being brought to SHARDS: every shard but those named in KEPT (whose
    bundles are already these) is indexed again, by Pagefind processes started at once, so that
    they run while the build checks links and updates the output. A shard's pages are read
    from SOURCE(path) (default: OUTPUT/path), hard-linked into a folder of its own first (here,
    not on a thread: ~0.05 ms a page alone, but a thread waits for the busy main one at every
    system call), so that they may move once this returns. The work is done in a folder of
    its own beside the output, marked as margin's (output.py MARKER): only such a folder is
    ever deleted. `made()` waits and returns the new bundles, for the caller to put in place
    with the pages; `result()` puts them in OUTPUT itself. Neither raises: a site without
    search is still a site. `abandon()` drops it all."""

    def __init__(self, output: Path, shards: list[Shard], kept: Collection[str] = (),
                 jobs: int = 1, binary: Path | None = None, progress: Progress | None = None,
                 source: Callable[[str], Path] | None = None, cuts: Cuts | None = None):
        self.output, self.shards, self.kept, self.cuts = output, shards, kept, cuts
        self.binary = binary or pagefind_binary()
        self.redo = [shard for shard in shards if shard.name not in kept]
        self._source = source or (lambda path: output / path)
        self._made: dict[str, Future[str | None]] = {}
        self._failed: dict[str, str] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._trees = (ShardTrees(cuts.store.trees, [shard.name for shard in shards])
                       if cuts is not None else None)
        self._claimed: dict[str, Path] = {}  # shard -> its folder, while claimed
        self.work: Path | None = None
        if self.binary is None or not self.redo:
            return
        for leftover in output.parent.glob(f".{output.name}.margin-search*"):
            remove_own(leftover)  # of a build killed while indexing
        self.work = Path(tempfile.mkdtemp(prefix=f".{output.name}.margin-search-",
                                          dir=output.parent))
        mark(self.work)
        self._tick = progress(len(self.redo)) if progress else None
        self._pool = ThreadPoolExecutor(max(1, min(jobs, len(self.redo))))
        self._link_all()

    def made(self) -> Made:
        """Wait for the shards being indexed; their bundles stay in the work folder."""
        if self.binary is None:
            return Made({}, {}, [warning("", None, NOT_INSTALLED)])
        present = {shard.name: shard.key for shard in self.shards if shard.name in self.kept}
        bundles: dict[str, Path] = {}
        failures: list[str] = []
        for shard in self.redo:
            assert self.work is not None
            reason = self._failed.get(shard.name) or self._made[shard.name].result()
            if shard.name in self._claimed and self._trees is not None:
                self._trees.give_back(shard.name, self._claimed.pop(shard.name))
            if reason:
                failures.append(reason)
            else:
                present[shard.name] = shard.key
                bundles[shard.name] = self.work / f"out-{shard.name}"
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        order = {shard.name: present[shard.name] for shard in self.shards
                 if shard.name in present}
        problems = [warning("", None, f"search: Pagefind failed, "
                                      f"{_lost(len(failures), len(self.shards))}: {failures[0]}")
                    ] if failures else []
        return Made(order, bundles, problems)

    def result(self) -> tuple[dict[str, str], list[Diagnostic]]:
        """made(), put in OUTPUT: each new bundle in its shard's place, one rename each."""
        try:
            made = self.made()
            for name, bundle in made.bundles.items():
                assert self.work is not None
                _replace(bundle, self.output / BUNDLE / name, self.work)
        finally:
            self.abandon()
        _clear(self.output / BUNDLE, keep=made.present)
        manifest = made.manifest()
        if manifest is not None:
            (self.output / MANIFEST).write_bytes(manifest)
        return made.present, made.problems

    def abandon(self) -> None:
        """Stop (shards not yet started are not) and forget the work: the output is as it was."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self.work is not None:
            remove_own(self.work)
            self.work = None
        for tree in self._claimed.values():  # (Pagefind may have left it half read)
            remove_own(tree)
        self._claimed.clear()

    def _link_all(self) -> None:
        """Each shard's pages linked into a folder of its own, then indexed (on the pool):
        the cut kept for a page where there is one (CUTS), else the page, cut there. With
        CUTS, the folder is the shard's, kept in the cache (shardtrees.py)."""
        assert self._pool is not None and self.work is not None
        for shard in self.redo:
            sources: dict[str, Path] = {}
            to_cut: list[str] = []
            for path in shard.pages:
                cut = self.cuts.kept(path) if self.cuts else None
                if cut is None:
                    to_cut.append(path)
                sources[path] = cut or self._source(path)
            try:
                site = self._tree(shard.name, sources)
            except OSError as exc:
                self._failed[shard.name] = f"could not read {exc.filename}: {exc.strerror}"
                continue
            self._made[shard.name] = self._pool.submit(
                _index_shard, site, tuple(to_cut), self.work / f"out-{shard.name}",
                self.binary, self._tick, self.cuts.store if self.cuts else None)

    def _tree(self, name: str, sources: dict[str, Path]) -> Path:
        """The folder of shard NAME's pages for Pagefind to read: SOURCES linked into it."""
        assert self.work is not None
        if self._trees is None:
            fill(self.work / f"src-{name}", sources)
            return self.work / f"src-{name}"
        tree = self._claimed[name] = self._trees.claim(name)
        try:
            fill(tree, sources)
        except OSError:  # a folder in a state no build leaves: made again
            remove_own(tree)
            tree = self._claimed[name] = self._trees.claim(name)
            fill(tree, sources)
        return tree


def index_site(output: Path, shards: list[Shard], kept: Collection[str] = (), jobs: int = 1,
               binary: Path | None = None, progress: Progress | None = None,
               cuts: Cuts | None = None) -> tuple[dict[str, str], list[Diagnostic]]:
    """Bring OUTPUT/pagefind/ to SHARDS, all at once (see Indexing)."""
    return Indexing(output, shards, kept, jobs, binary, progress, cuts=cuts).result()


def index_folder(output: Path, present: Mapping[str, str], jobs: int = 1,
                 pages: Mapping[str, str] | None = None, store: SearchedStore | None = None
                 ) -> tuple[dict[str, str], list[Diagnostic]]:
    """index_site for the live server's output folder, which writes a file only when its
    bytes change: PRESENT is what the last call returned, PAGES what Pagefind reads of the
    output's pages, digested, as the server's records say (None: read from the files), their
    cuts kept in STORE."""
    binary = pagefind_binary()
    shards = shards_of(_pages_in(output) if pages is None else pages, binary, present)
    kept = {shard.name for shard in shards
            if present.get(shard.name) == shard.key and (output / BUNDLE / shard.name).is_dir()}
    cuts = Cuts(store, pages) if store is not None and pages is not None else None
    return index_site(output, shards, kept, jobs, binary, cuts=cuts)


def shard_keys(output: Path, pages: Mapping[str, str] | None = None) -> dict[str, str]:
    """What index_folder() would return for OUTPUT as it is (PAGES: as for index_folder),
    taking its bundle as made from these very pages (the live server's start, right after
    `margin build` made both)."""
    bundle = output / BUNDLE
    there = [p.name for p in bundle.iterdir() if p.is_dir()] if bundle.is_dir() else []
    shards = shards_of(_pages_in(output) if pages is None else pages, pagefind_binary(), there)
    return {shard.name: shard.key for shard in shards if shard.name in there}


def run_pagefind(binary: Path, site: Path, bundle: Path) -> str | None:
    """Index the pages under SITE into the bundle folder BUNDLE; why it failed, or None."""
    command = [str(binary), "--site", str(site), "--output-path", str(bundle), "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              check=False, stdin=subprocess.DEVNULL,
                              preexec_fn=dying_with(os.getpid()))
    except (OSError, subprocess.SubprocessError) as exc:
        return f"could not run: {exc}"
    if done.returncode != 0:
        said = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        return said[-1] if said else f"exit status {done.returncode}"
    return None


def _pages_in(output: Path) -> dict[str, str]:
    """The HTML pages under OUTPUT that Pagefind reads (marked ones, else all) -> digests of
    what it reads of them (of their stamps, when none is marked)."""
    pages: dict[str, str] = {}
    marked: dict[str, str] = {}
    for path in output.rglob("*.html"):
        relative = path.relative_to(output).as_posix()
        if relative.startswith(BUNDLE + "/") or not path.is_file():
            continue
        data = path.read_bytes()
        pages[relative] = repr(stamp(path))
        if SEARCH_MARK in data:
            marked[relative] = searched_digest(data)
    return marked or pages


def _index_shard(site: Path, to_cut: tuple[str, ...], made: Path, binary: Path,
                 tick: Callable[[int], None] | None, store: SearchedStore | None = None
                 ) -> str | None:
    """Pagefind over SITE, a folder holding only this shard's pages (hard links to the cuts
    kept, or to the output's pages, those TO_CUT each replaced by what Pagefind reads of it,
    and kept in STORE), so it reads nothing else and its result URLs are the pages' own."""
    try:
        _slim(site, to_cut, store)
    except OSError as exc:
        reason: str | None = f"could not read {exc.filename}: {exc.strerror}"
    else:
        reason = run_pagefind(binary, site, made)
    if reason is None and not (made / "pagefind-entry.json").is_file():
        reason = "it wrote no index"
    if tick:
        tick(1)
    return reason


def _slim(site: Path, pages: tuple[str, ...], store: SearchedStore | None = None) -> None:
    """Each marked page of PAGES under SITE replaced (never written through: it is a link to
    the output's) by the part Pagefind reads (pages/searchable.py), which it indexes the same
    in a fifth less time; kept in STORE for the next time."""
    for path in pages:
        page = site / path
        data = page.read_bytes()
        slim = searched_page(data) if SEARCH_MARK in data else data
        if slim is not data:
            written = page.with_name(page.name + ".slim")
            written.write_bytes(slim)
            os.replace(written, page)
            if store is not None:
                store.put(cut_digest(slim), slim)


def _replace(made: Path, place: Path, work: Path) -> None:
    """Put the bundle MADE at PLACE, moving the one there out of the way first."""
    place.parent.mkdir(parents=True, exist_ok=True)
    if place.exists():
        os.replace(place, work / f"old-{place.name}")
    os.replace(made, place)


def _clear(bundle: Path, keep: Collection[str]) -> None:
    """Remove from BUNDLE (margin's own folder) everything but the shards named in KEEP."""
    if not bundle.is_dir():
        return
    for entry in bundle.iterdir():
        if entry.name in keep and entry.is_dir() and not entry.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if not keep:
        bundle.rmdir()


def _lost(failed: int, total: int) -> str:
    if failed == total:
        return "no search index"
    return f"{failed} of {total} parts of the search index are missing"
