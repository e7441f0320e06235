"""The build, on one screen: load -> index -> render -> write, each stage timed.

What a build can keep it keeps between runs, in SITE/.margin-cache/ (safe to delete): the
notes of unchanged files, bodies whose inputs still hold, and the records of the last output,
so that pages drawn from unchanged inputs are linked from the last output rather than drawn
again. Work that remains is spread over every core. None of this changes a byte of output.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass, field

from margin import diagnostics as diag
from margin import urls
from margin.incremental.bodies import BodyRendering
from margin.incremental.bodycache import signature
from margin.incremental.bodytext import BodyShelf
from margin.incremental.brokenlinks import Broken, check_again
from margin.incremental.build import BuildCache, searched_store
from margin.incremental.engine import PageEngine
from margin.incremental.entries import Signature
from margin.incremental.unchanged import BuildStamp, inputs_digest, stamp_of
from margin.index import claim_urls, index_claimed
from margin.index.bibcites import site_bibliography
from margin.load import notes_from, read_sources
from margin.load.known import KnownFiles, known_files
from margin.markdown.context import body_context
from margin.model import BuildReport, RenderedBody, SiteConfig, SiteIndex, SourceFile
from margin.pages.drawing import Drawing, Drawn, PageRecord
from margin.parallel import default_jobs
from margin.progress import Counter, ProgressBar
from margin.write import check_output_dir
from margin.write.incremental import LiveOutput
from margin.write.output import OutputError
from margin.write.previous import OutputRecords
from margin.write.searched import keeping_cuts
from margin.write.update import OutputUpdate


@dataclass
class Timer:
    timings: dict[str, float]

    @contextmanager
    def stage(self, name: str, add: bool = False) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start + (self.timings[name] if add else 0)


@dataclass(frozen=True)
class Options:
    """How to build, never what: no option here changes the output."""

    jobs: int = field(default_factory=default_jobs)  # worker processes
    cache: bool = True  # read and write SITE/.margin-cache/
    progress: ProgressBar | None = None
    # Check every page kept by its inputs against the full computation (MARGIN_VERIFY=1 in
    # the environment: the test suite turns it on).
    verify: bool = field(default_factory=lambda: bool(os.environ.get("MARGIN_VERIFY")))

    def counter(self, label: str) -> Counter | None:
        return self.progress.counter(label) if self.progress else None


def build(config: SiteConfig, config_problems: list[diag.Diagnostic] | None = None,
          check_output: Callable[[SiteConfig], None] = check_output_dir,
          options: Options | None = None) -> BuildReport:
    """Build the site; with any error (or warning, when strict) the old output stays as it was."""
    options = options or Options()
    report = BuildReport(diagnostics=list(config_problems or []))
    start, timer = time.perf_counter(), Timer(report.timings)
    if not _output_ready(config, check_output, report):
        return report
    cache = BuildCache(config, options.cache)
    with timer.stage("load"):
        last_stamp, taken = cache.last_stamp(keep=True), time.time_ns()
        sources, problems = read_sources(config, last_stamp.files if last_stamp else None)
        inputs = inputs_digest(config, sources, problems) if cache.enabled else ""
    if last_stamp and last_stamp.holds(inputs, cache.output):
        return _unchanged(report, last_stamp, start)  # the output is already this build's
    found, anew = len(report.diagnostics), _read_anew(sources, last_stamp)  # (sources go next)
    report.diagnostics += problems
    made = _prepare(config, sources, report, cache, options, taken)
    last = cache.last_output(keep=True).trusted()
    update = OutputUpdate(config, last, cache.searched())  # staging beside the output
    drawing = _drawing(config, made, last, options, keep=update.stage)
    try:
        with timer.stage("templates"):
            pages = update.add_pages(drawing)
        _snapshot_later(cache, made)
        if not diag.has_errors(report.diagnostics + drawing.diagnostics):
            # Pagefind indexes the changed pages from now, alongside the link check and the
            # write; were the build to fail after all, its work is dropped.
            update.start_index(options.jobs, options.counter("search"))
        broken = _check_links(config, made.index, drawing, pages, report, last, anew, options)
        # Everything is gathered; only now, and only if it all worked, does the output change.
        if diag.has_errors(report.diagnostics, strict=config.strict):
            report.failed = True
        else:
            with timer.stage("write"):
                update.add_assets(drawing.assets)
                update.prepare()
            with timer.stage("cache"):  # (while Pagefind may still be indexing)
                ahead = cache.output_ahead(update.records(drawing.state, broken))
            with timer.stage("search"):  # (what is left of it)
                report.diagnostics += update.index()
            with timer.stage("write", add=True):
                update.finish()  # pages and search index in one step
            report.written, report.copied = len(pages), len(drawing.assets)
            with timer.stage("cache", add=True):
                records = update.records(drawing.state, broken)
                cache.save_output(records, stamp_of(inputs, made.looked_at, records, report.notes,
                                                    report.diagnostics[found:], made.known), ahead)
    except (OutputError, OSError) as exc:  # a full or read-only disk: staging is thrown away
        report.diagnostics.append(diag.error("", None, str(exc)) if isinstance(exc, OutputError)
                                  else diag.os_error(exc))
        report.failed = True
    finally:
        made.close()
        update.discard()
        cache.saved()
        gc.unfreeze()  # what the stages froze (_prepare, Drawing.pages) may go now
    report.timings["total"] = time.perf_counter() - start
    return report


def _output_ready(config: SiteConfig, check_output: Callable[[SiteConfig], None],
                  report: BuildReport) -> bool:
    """Whether the output folder may be built into. When not, the report says why and has
    failed."""
    try:
        check_output(config)
    except OutputError as exc:
        report.diagnostics.append(diag.error("", None, str(exc)))
        report.failed = True
        return False
    return True


def check(config: SiteConfig, config_problems: list[diag.Diagnostic] | None = None,
          options: Options | None = None) -> BuildReport:
    """The whole build, links checked, nothing written: for `margin check`."""
    options = options or Options()
    report = BuildReport(diagnostics=list(config_problems or []))
    start = time.perf_counter()
    cache = BuildCache(config, options.cache)
    with Timer(report.timings).stage("load"):
        sources, problems = read_sources(config)
    report.diagnostics += problems
    made = _prepare(config, sources, report, cache, options)
    drawing = _drawing(config, made, cache.last_output().trusted(), options)
    with Timer(report.timings).stage("templates"):
        drawn = {page.path: PageRecord(page.fingerprint, page.digest, (0, 0, 0), page.links,
                                       page.indexed, page.owner) for page in drawing.pages()}
        pages = drawing.kept.copy()  # (kept: known once the pages are drawn)
        pages.update(drawn)
    _snapshot_later(cache, made)
    _check_links(config, made.index, drawing, pages, report)
    report.written = len(pages)
    made.close()
    cache.saved()
    gc.unfreeze()
    broken = any(d.message.startswith("broken link:") for d in report.diagnostics)
    report.failed = broken or diag.has_errors(report.diagnostics, strict=config.strict)
    report.timings["total"] = time.perf_counter() - start
    return report


@dataclass
class _Made:
    """What the stages before the pages made: every page is drawn from it."""

    index: SiteIndex
    bodies: Mapping[str, RenderedBody]  # (model.KeptBodies)
    looked_at: dict[str, Signature]  # the files the bodies looked at, as they saw them
    body_digests: dict[str, str]  # each body's cache entry's digest (with a cache)
    known: KnownFiles  # the note files as read (the next build need not read them again)
    shelf: BodyShelf | None  # where the bodies' HTML is read back from (incremental/bodytext.py)
    snapshot_later: bool = False  # the cache's snapshot is still to be written

    def close(self) -> None:
        if self.shelf is not None:
            self.shelf.close()


def _prepare(config: SiteConfig, sources: list[SourceFile], report: BuildReport,
             cache: BuildCache, options: Options, taken: int = 0) -> _Made:
    """Notes, index and every note's body (TAKEN: when the note files were looked at)."""
    timer = Timer(report.timings)
    cache.read_templates()  # (for the pages, drawn later)
    with timer.stage("notes"):
        notes, problems = notes_from(sources, config, cache.notes)
        known = known_files(sources, taken)
        sources.clear()  # the files' texts: the notes hold their bodies now
    # What the stages make lives to the end of the build: frozen, the collector no longer walks
    # it again and again (Drawing.pages thaws it all once the pages are drawn).
    gc.freeze()
    report.diagnostics += problems
    report.notes = len(notes)
    with timer.stage("index"):
        claimed = claim_urls(notes, cache.index)
    # The bodies need no more of the index than that: they render on the other cores from now,
    # while this process makes the rest of the index.
    with timer.stage("markdown"):  # the cache read; rendering what it lacks begins
        rendering = BodyRendering(claimed.by_key, body_context(config, claimed.by_key,
                                                               claimed.targets),
                                  cache.store, options.jobs, options.counter("markdown"),
                                  shelve=True)
    bibliography = site_bibliography(config)
    with timer.stage("index", add=True):
        index, problems = index_claimed(claimed, cache.index, bibliography)
    busy = rendering.busy()
    if busy:  # written here while the other cores render
        with timer.stage("snapshot"):
            cache.save_snapshot()
    report.diagnostics += problems
    looked_at: dict[str, Signature] = {}
    with timer.stage("markdown", add=True):  # what is left of it
        bodies = rendering.result(looked_at)
    # (paper pages show the entries of the bibliographies the index read)
    looked_at.update((str(path), signature(path)) for path in bibliography.library.paths())
    gc.freeze()
    return _Made(index, bodies, looked_at, rendering.digests, known, rendering.shelf,
                 not busy)


def _snapshot_later(cache: BuildCache, made: _Made) -> None:
    """The snapshot not written while bodies rendered, written now by a child, while this
    process checks links and writes the output: the pages are drawn, a core is free."""
    if made.snapshot_later:
        cache.save_snapshot(elsewhere=True)


def _drawing(config: SiteConfig, made: _Made, last: OutputRecords, options: Options,
             keep: Callable[[Drawn], Drawn] | None = None) -> Drawing:
    """The pages of MADE, to be drawn unless the LAST output has them already."""
    return drawing_of(config, made.index, made.bodies, made.body_digests, last, options, keep)


def drawing_of(config: SiteConfig, index: SiteIndex, bodies: Mapping[str, RenderedBody],
               body_digests: Mapping[str, str], last: OutputRecords, options: Options,
               keep: Callable[[Drawn], Drawn] | None = None, freeze: bool = True,
               live: LiveOutput | None = None, touched: Set[str] | None = None) -> Drawing:
    """The pages of INDEX and BODIES, to be drawn unless the LAST output has them already:
    how `margin build` and each round of `margin serve` draw. The engine keeps, unplanned,
    the note pages and feeds that read nothing changed since LAST. LIVE: a live server's
    output folder (LAST its records), which knows which files are as it left them. TOUCHED:
    the notes the live server loaded or rendered since its last round (see PageEngine)."""
    engine = PageEngine(last.engine if last.pages else None, body_digests, options.verify,
                        touched) if body_digests else None
    return Drawing(index, config, bodies, last.reusable if last.pages else None,
                   options.jobs, options.counter("pages"),
                   keep=keep or (keeping_cuts(searched_store(config.site_dir)) if live
                                 else None), engine=engine,
                   recorded=(live.recorded if live else last.recorded) if last.pages else None,
                   records=last.pages, trusted=bool(live and live.trusted),
                   verify=options.verify, freeze=freeze)


def _read_anew(sources: list[SourceFile], stamp: BuildStamp | None) -> set[str]:
    """The source files (site-relative) whose bytes differ from the last build's."""
    before = stamp.files.stamps if stamp is not None and stamp.files is not None else {}
    return {source.relative for source in sources
            if source.relative not in before or before[source.relative][1] != source.digest}


def _unchanged(report: BuildReport, stamp: BuildStamp, start: float) -> BuildReport:
    """The report of a build that found nothing to do: the last build's, again."""
    report.diagnostics += stamp.diagnostics
    report.notes, report.written, report.copied = stamp.notes, stamp.pages, stamp.assets
    report.unchanged = stamp.pages + stamp.assets
    report.timings["total"] = time.perf_counter() - start
    return report


def _check_links(config: SiteConfig, index: SiteIndex, drawing: Drawing,
                 pages: Mapping[str, PageRecord], report: BuildReport,
                 last: OutputRecords | None = None, changed_sources: set[str] | None = None,
                 options: Options | None = None) -> Broken | None:
    """Report the broken links of PAGES; each page's, or None when not checked. With LAST,
    the output's records, only the pages changed since are checked again."""
    report.diagnostics += drawing.diagnostics
    if diag.has_errors(report.diagnostics):
        return None  # pages that failed would show up again as broken links: say it once
    with Timer(report.timings).stage("links"):
        files = set(pages) | {asset.path for asset in drawing.assets}
        broken = check_again(pages, files, index.notes, urls.prefix_of(config.base_url),
                             last, changed_sources or set(), bool(options and options.verify))
        report.diagnostics += [problem for found in broken.values() for problem in found]
    return broken
