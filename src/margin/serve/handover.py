"""What the server leaves for the next `margin build` as it stops: the state a build would
have saved, saved from the server's own, so that the build finds nothing to do.

A build leaves the bodies it rendered in the cache, the records of the output it wrote, the
search index, and a stamp of what it read and reported (incremental/unchanged.py). The server
holds all of it after its last round but three things, done here: the bodies it rendered
itself go into the cache (each with the entry the build would have made), the search shards
whose pages changed since the refresher last ran are indexed again, and every link is
checked (as the build checks them, from the pages' records). The stamp is then made from the
note files as they are now.

It vouches only for what it can see: a note, template, asset or configuration changed since
the last round (the watcher stopped first), or a body whose inputs no longer hold, and no
stamp is made (the caller runs `margin build`). With an error on the site a build would fail
and write nothing: then the records are kept, and no stamp.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from margin import diagnostics as diag
from margin import urls
from margin.build import Timer
from margin.diagnostics import Diagnostic
from margin.incremental.bodycache import BodyCache
from margin.incremental.brokenlinks import check_again
from margin.incremental.build import BuildCache, searched_store
from margin.incremental.entries import Dependencies, Signature
from margin.incremental.unchanged import inputs_digest, site_digest, stamp_of
from margin.index.bibliography import Library
from margin.load import notes_from, read_sources
from margin.load.known import known_files
from margin.markdown.context import body_context
from margin.markdown.notebib import still_cited
from margin.model import BuildReport, Note, RenderedBody, SiteConfig, SiteIndex, SourceFile
from margin.serve.bodies import Unstored
from margin.write import search
from margin.write.previous import OutputRecords
from margin.write.update import bundle_files, read_by_pagefind


@dataclass(frozen=True)
class Served:
    """What the live server holds of the site after its last round."""

    config: SiteConfig
    config_problems: list[Diagnostic]
    notes: Mapping[str, Note]  # key -> the last good note
    problems: Mapping[str, list[Diagnostic]]  # source file -> its loading problems
    index: SiteIndex
    bodies: Mapping[str, RenderedBody]
    body_notes: Mapping[str, Note]  # key -> the note its body was rendered from
    needs: Mapping[str, Dependencies | None]  # key -> what its body asked (None: unknown)
    unstored: Mapping[str, Unstored | None]  # key -> its body's entry, not yet in the cache
    library: Library
    bibliographies: Mapping[str, Signature]  # the index's, as it read them
    site_inputs: str | None  # site_digest as the last round read it (None: unknown)
    diagnostics: list[Diagnostic]  # the last round's (the configuration's aside)
    records: OutputRecords


def hand_over(served: Served, search_shards: Mapping[str, str] | None, jobs: int
              ) -> BuildReport | None:
    """Leave the build's state for SERVED; None when it cannot be vouched for. SEARCH_SHARDS:
    the search shards in the output, name -> key (None: those the records name)."""
    start, config = time.perf_counter(), served.config
    report = BuildReport(diagnostics=[*served.config_problems, *served.diagnostics])
    timer = Timer(report.timings)
    cache = BuildCache(config)
    last = cache.last_stamp()
    with timer.stage("markdown"):
        looked_at = _bodies(served, cache)
    if diag.has_errors(report.diagnostics, strict=config.strict):
        return _failed(report, cache, served.records, start)
    if looked_at is None:
        return None
    with timer.stage("load"):
        taken = time.time_ns()
        sources, problems = read_sources(config, last.files if last else None)
        site = site_digest(config)
    if site != served.site_inputs or not _same_notes(served, sources, problems):
        return None
    with timer.stage("search"):  # (Pagefind runs alongside the link check)
        indexing = _start_search(served.records, search_shards, jobs, served.config.site_dir)
    with timer.stage("links"):
        report.diagnostics += _links(served)
    with timer.stage("search", add=True):
        report.diagnostics += _finish_search(served.records, indexing)
    if diag.has_errors(report.diagnostics, strict=config.strict):
        return _failed(report, cache, served.records, start)
    with timer.stage("cache"):
        records = served.records
        cache.save_output(records, stamp_of(
            inputs_digest(config, sources, problems, site), looked_at, records,
            len(served.notes), report.diagnostics[len(served.config_problems):],
            known_files(sources, taken)))
    report.notes, report.written, report.copied = (len(served.notes), len(records.pages),
                                                   len(records.assets))
    report.timings["total"] = time.perf_counter() - start
    return report


def keep_records(cache: BuildCache, records: OutputRecords) -> None:
    """RECORDS for the next build to keep pages by, under the last stamp (which no longer
    holds, as the folder changed since): the pages the server wrote are the build's to keep."""
    last = cache.last_stamp()
    if last is not None and records.pages:
        cache.save_output(records, last)


def _failed(report: BuildReport, cache: BuildCache, records: OutputRecords, start: float
            ) -> BuildReport:
    """The report of a site a build would fail on: it writes nothing, and neither is a stamp
    saved; the records are kept (the pages the server wrote stay the build's to keep)."""
    keep_records(cache, records)
    report.failed = True
    report.timings["total"] = time.perf_counter() - start
    return report


def _bodies(served: Served, cache: BuildCache) -> dict[str, Signature] | None:
    """Put the bodies the server rendered in the cache; the files every body looked at (for
    the stamp), or None when a body is not the one the build would take from the cache."""
    index = served.index
    context = body_context(served.config, index.notes, index.link_targets, served.library)
    bodies = BodyCache(cache.store, context)
    looked_at: dict[str, Signature] | None = {}
    for key, note in index.notes.items():
        unstored, needs, body = served.unstored.get(key), served.needs.get(key), \
            served.bodies.get(key)
        if unstored is not None:
            bodies.put(unstored.key, unstored.payload, unstored.digest)
        if looked_at is None:
            continue
        made_from = served.body_notes.get(key)
        fresh = body is not None and (made_from is note or made_from == note)
        if not (fresh and needs is not None and bodies.holds(needs)) or (
                body.cited and not still_cited(body.cited, context)):
            looked_at = None
            continue
        looked_at.update(bodies.looked_at(needs))
    bodies.add_only()
    if looked_at is not None:
        looked_at.update(served.bibliographies)
    return looked_at


def _same_notes(served: Served, sources: list[SourceFile], problems: list[Diagnostic]
                ) -> bool:
    """Whether the note files are those the server last read: each note's at its digest, and
    any other one (a draft) still no note, with the same problems."""
    by_source = {note.source: note for note in served.notes.values()}
    for source in sources:
        note = by_source.pop(source.relative, None)
        if note is not None:
            if note.digest != source.digest:
                return False
            continue
        made, found = notes_from([source], served.config)
        if made or set(found) != set(served.problems.get(source.relative, ())):
            return False
    return not by_source and all(p in served.problems.get(p.path, ()) for p in problems)


def _start_search(records: OutputRecords, present: Mapping[str, str] | None, jobs: int,
                  site_dir: Path) -> search.Indexing:
    """The search shards whose pages changed since they were indexed (PRESENT: the shards in
    place, name -> key; None: those the RECORDS name), being indexed again as a build would
    (from the cuts kept in SITE_DIR's cache)."""
    output, binary = records.output, search.pagefind_binary()
    known = records.intact_shards() if present is None else present
    searched = read_by_pagefind(records.pages)
    shards = search.shards_of(searched, binary, known)
    kept = {shard.name for shard in shards if known.get(shard.name) == shard.key
            and (output / search.BUNDLE / shard.name).is_dir()}
    return search.Indexing(output, shards, kept, jobs, binary,
                           cuts=search.Cuts(searched_store(site_dir), searched))


def _finish_search(records: OutputRecords, indexing: search.Indexing) -> list[Diagnostic]:
    """The shards indexed put in place; RECORDS then name them, and the bundle's files."""
    records.search, problems = indexing.result()
    records.bundle = bundle_files(records.output)
    return problems


def _links(served: Served) -> list[Diagnostic]:
    """The build's link check, over the pages as the records hold them (which then keep
    each page's findings, as a build's do, for the next build to check only what changed)."""
    pages = served.records.pages
    broken = check_again(pages, set(pages) | set(served.records.assets), served.index.notes,
                         urls.prefix_of(served.config.base_url), None, set())
    served.records.broken = broken
    return [problem for path in pages for problem in broken.get(path, ())]
