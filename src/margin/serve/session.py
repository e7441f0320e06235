"""The live server's state and its rebuild: the same stages as `margin build`, doing only what a
save made necessary.

The session keeps the last notes, index, rendered bodies and the output's records in memory. A
save re-reads the files saved, indexes again (cheap), renders only bodies whose note or link
targets changed, and draws the pages as `margin build` does (pages/drawing.py, made by
build.drawing_of), keeping those the records say are still right; it writes only changed bytes,
in place (write/incremental.py). A file that breaks keeps its last good version on the site while
the error is shown; the next good save replaces it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from margin import diagnostics as diag
from margin.build import Options, Timer, build, drawing_of
from margin.config import CONFIG_NAME, load_config
from margin.diagnostics import Diagnostic
from margin.incremental.bodycache import Dependencies, Signature, signature
from margin.incremental.bodytext import BodyShelf
from margin.incremental.build import BuildCache
from margin.incremental.unchanged import BuildStamp, inputs_digest, outputs_changed, site_digest
from margin.index import index_notes
from margin.index.bibcites import site_bibliography
from margin.index.bibliography import Library
from margin.index.memo import IndexMemo
from margin.load import load, load_file, notes_from, read_sources
from margin.load.discover import is_note_file
from margin.markdown.context import body_context
from margin.markdown.notebib import still_cited
from margin.model import BuildReport, Note, RenderedBody, SiteConfig, SiteIndex, SourceFile
from margin.parallel import default_jobs
from margin.serve.bodies import Unstored, render_some
from margin.serve.changes import (
    Changes,
    NoteChange,
    classify,
    note_files_at,
    pair_renames,
    what_changed,
)
from margin.serve.handover import Served, hand_over, keep_records
from margin.serve.mentions import Mentions, file_names, note_names
from margin.serve.outcome import Outcome
from margin.serve.verify import check_kept
from margin.write.incremental import LiveOutput
from margin.write.output import OutputError, check_output_dir


class Session:
    """Everything the server remembers between saves; one rebuild at a time (the caller locks)."""

    def __init__(self, config: SiteConfig, overrides: dict[str, Any] | None = None,
                 config_problems: Iterable[Diagnostic] = (), verify: bool = False):
        self.config = config
        self.verify = verify  # tests: check every shortcut against the full computation
        self.overrides = dict(overrides or {})
        self.config_problems = list(config_problems)
        self.index_memo = IndexMemo()
        self.library = Library(self.config.site_dir)  # bibliography files, read once each
        self.output = LiveOutput(config)
        self.notes: dict[str, Note] = {}  # key -> the last good note
        self.problems: dict[str, list[Diagnostic]] = {}  # source file -> its loading problems
        self.index: SiteIndex | None = None
        self.bodies: dict[str, RenderedBody] = {}
        self.body_digests: dict[str, str] = {}  # key -> its body's digest (see render_some)
        self.touched: set[str] = set()  # loaded or rendered since the last round (PageEngine)
        self._shelf: BodyShelf | None = None  # where the bodies' HTML is (serve/bodies.py)
        self.drawn: tuple[str, ...] = ()  # the pages the last round drew from templates
        self._body_notes: dict[str, Note] = {}  # key -> the note its body was rendered from
        # What the server leaves for the next build as it stops (serve/handover.py Served;
        # None: unknown, site_inputs: the site_digest the last round read).
        self._needs: dict[str, Dependencies | None] = {}
        self._unstored: dict[str, Unstored | None] = {}
        self.site_inputs: str | None = None
        self._bibliographies: dict[str, Signature] = {}
        self._site_problems: list[Diagnostic] | None = None
        self.mentions = Mentions()
        self._to_take_over = False  # open() left the state to take_over()
        self.changed = False  # the site changed since `margin build` last ran: see save()
        self.built_index = False  # the output's search index is the first build's, as is

    # -- the two ways in ---------------------------------------------------------------------

    def open(self, options: Options | None = None) -> Outcome:
        """The first round: `margin build` itself (its cache in SITE/.margin-cache/, every core,
        its progress bar). Once it succeeded the output is served as it is, and take_over()
        makes the session's state from it; when it failed, every page is drawn here at once
        (the pages that can be drawn are served, the errors shown over them)."""
        start = time.perf_counter()
        report = build(self.config, self.config_problems, options=options)
        if report.failed:
            outcome = self.build_all()
        else:
            outcome = Outcome(0.0, config=True, diagnostics=report.diagnostics)
            self._to_take_over = self.built_index = True
        outcome.built = report
        outcome.seconds = time.perf_counter() - start
        return outcome

    def take_over(self, writing: Callable[[], AbstractContextManager[Any]]) -> Outcome | None:
        """After open(), the state of the session made from the site as built, not made again:
        notes from the build's memo, bodies from its cache, the output's records from its
        cache; None, as nothing is written. When the files changed since (a save while the server
        starts), `margin build` brings the output up to date first, under WRITING (the gate
        requests wait at): the outcome says which files that changed."""
        if not self._to_take_over:
            return None
        self._to_take_over = False
        start, outcome = time.perf_counter(), None
        for _ in range(3):
            adopted = self._adopt()
            if adopted is not None:
                if outcome is not None:
                    outcome.seconds = time.perf_counter() - start
                    outcome.diagnostics = adopted.diagnostics
                return outcome
            before = BuildCache(self.config).last_stamp()
            self.built_index = False  # the build below changes it (as the saves would have)
            with writing():
                report = build(self.config, self.config_problems, options=Options(jobs=1))
            if report.failed:
                with writing():
                    return self.build_all(threads_running=True)
            written, removed = outputs_changed(before, BuildCache(self.config).last_stamp())
            outcome = Outcome(0.0, written=tuple(sorted({*(outcome.written if outcome else ()),
                                                         *written})), removed=removed)
        with writing():
            return self.build_all(threads_running=True)

    def save(self, options: Options | None = None,
             search: Mapping[str, str] | None = None) -> BuildReport:
        """Leave what `margin build` would, from the session's state (serve/handover.py;
        SEARCH: the search shards the server's refresher left): the next build has nothing to
        do. Unless that is vouched for, `margin build`, keeping the pages the session wrote."""
        self.changed = False
        served = self._served()
        report = hand_over(served, search, (options or Options()).jobs) if served else None
        if report is not None:
            return report
        keep_records(BuildCache(self.config), self.output.records)
        return build(self.config, self.config_problems, options=options)

    def _served(self) -> Served | None:
        """The session's state after its last round (None: no round finished)."""
        if self.index is None or self._site_problems is None:
            return None
        return Served(self.config, self.config_problems, self.notes, self.problems, self.index,
                      self.bodies, self._body_notes, self._needs, self._unstored, self.library,
                      self._bibliographies, self.site_inputs, self._site_problems,
                      self.output.records)

    def build_all(self, threads_running: bool = False) -> Outcome:
        """Load everything and draw every page over the output as it is, keeping what its
        records say is right (site.toml changed; `margin build` failed: from its records, a
        page that fails keeps its file). With the server's threads running, in this process."""
        start = time.perf_counter()
        self.site_inputs = site_digest(self.config)  # (read before the files it stands for)
        notes, problems = load(self.config)
        self._start_over(notes, problems)
        if not self.output.records.pages or self.output.root != self.config.output_dir.resolve():
            self.output = LiveOutput(self.config, BuildCache(self.config).last_output())
        self.changed = True
        outcome = self._round(Outcome(0.0, config=True), jobs=1 if threads_running else None)
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _adopt(self) -> Outcome | None:
        """The session's state made from the output the build just left, the notes as it read
        them (one saved since is the next round's change), if the rest holds (else None)."""
        cache = BuildCache(self.config)
        stamp = cache.last_stamp()
        if stamp is None or stamp.files is None:
            return None
        problems = read_sources(self.config, stamp.files)[1]  # the files unread, but stat-ed
        built = [SourceFile(self.config.site_dir / relative, relative, None, digest, seen)
                 for relative, (seen, digest) in stamp.files.stamps.items()]
        if not self._holds(stamp, built, problems):
            return None
        sources = list(built)
        notes, more = notes_from(sources, self.config, cache.notes)
        if any(new.digest != old.digest for new, old in zip(sources, built, strict=True)):
            return None  # a note the build's memo no longer has, saved since: read as it is
        self._start_over(notes, problems + more)
        if isinstance(cache.index, IndexMemo):  # the index's answers as the build left them
            self.index_memo = cache.index
        outcome = Outcome(0.0, diagnostics=[*self.config_problems, *stamp.diagnostics])
        self._index_and_bodies(outcome, jobs=1)
        # The templates, assets and images read since: still those the pages were made from?
        if not self._holds(stamp, built, problems):
            return None
        self.output = LiveOutput(self.config, cache.last_output())
        return outcome

    def _holds(self, stamp: BuildStamp, sources: list[SourceFile],
               problems: list[Diagnostic]) -> bool:
        site = site_digest(self.config)
        held = stamp.holds(inputs_digest(self.config, sources, problems, site),
                           self.config.output_dir)
        self.site_inputs = site if held else None
        return held

    def _start_over(self, notes: list[Note], problems: list[Diagnostic]) -> None:
        self.notes = {note.key: note for note in notes}
        self.problems = {}
        for problem in problems:
            self.problems.setdefault(problem.path, []).append(problem)
        self.bodies, self._body_notes, self.body_digests = {}, {}, {}
        self._needs, self._unstored = {}, {}
        self.index_memo = IndexMemo()

    def rebuild(self, paths: Iterable[Path]) -> Outcome | None:
        """Bring the site up to date after PATHS changed; None when no page can have changed."""
        start = time.perf_counter()
        changes = classify(paths, self.config)
        if changes.config:
            return self._reconfigure(start)
        if changes.templates or changes.assets:
            self.site_inputs = site_digest(self.config)  # (read before the files it stands for)
        outcome = Outcome(0.0, templates=bool(changes.templates),
                          assets=bool(changes.assets or changes.content_files))
        problems_before = dict(self.problems)
        outcome.notes = self._reload_notes(changes)
        self.touched |= outcome.notes.keys()
        if changes.may_cite():  # (paper pages show entries too: the round redraws those)
            self._forget_cited()
        if not (outcome.notes or outcome.templates or outcome.assets or changes.may_cite()
                or self.problems != problems_before):
            return None
        self._forget_bodies(outcome.notes, changes)
        self.changed = True
        outcome = self._round(outcome)
        outcome.seconds = time.perf_counter() - start
        return outcome

    # -- steps -------------------------------------------------------------------------------

    def _round(self, outcome: Outcome, jobs: int | None = 1) -> Outcome:
        """Index, render what is missing, draw, write as a build does. JOBS: processes to use
        (None: every core)."""
        self._site_problems = None  # (until the round is done)
        index_problems = self._index_and_bodies(outcome, jobs)
        self.output.ready()
        options = Options(jobs=jobs or default_jobs(), verify=self.verify)
        drawing = drawing_of(self.config, self.index, self.bodies, self.body_digests,
                             self.output.records, options, live=self.output,
                             freeze=False, touched=self.touched)  # (preview.py freezes)
        with Timer(outcome.timings).stage("templates"):
            result = self.output.update(drawing)
        self.touched = set()
        self.drawn, outcome.drawn = result.drawn, len(result.drawn)
        outcome.timings["decide"] = drawing.deciding  # (of the templates stage)
        outcome.written, outcome.removed = result.written, result.removed
        outcome.pages = sum(1 for path in self.output.records.pages if path.endswith(".html"))
        self._site_problems = [*(d for found in self.problems.values() for d in found),
                               *index_problems, *drawing.diagnostics]
        outcome.diagnostics = [*self.config_problems, *self._site_problems]
        return outcome

    def _index_and_bodies(self, outcome: Outcome, jobs: int | None) -> list[Diagnostic]:
        """The index, and every note's body (those missing rendered); the index's problems."""
        timer = Timer(outcome.timings)
        with timer.stage("index"):
            index, index_problems = index_notes(list(self.notes.values()), self.index_memo,
                                                site_bibliography(self.config, self.library))
        self.index = index
        self._bibliographies = {str(path): signature(path) for path in self.library.paths()}
        self._forget_moved(index)
        with timer.stage("markdown"):
            missing = [k for k, note in index.notes.items() if not self._body_fresh(k, note)]
            fresh = render_some(self.config, index, missing, jobs=jobs, library=self.library)
            if fresh.shelf is not None:  # every body: the last shelf's are all dropped
                self._shelf, last = fresh.shelf, self._shelf
                if last is not None:
                    last.close()
            self.touched.update(missing)
            for key in missing:
                self.bodies[key], self._body_notes[key] = fresh.bodies[key], index.notes[key]
                self.body_digests[key] = fresh.digests[key]
                self._needs[key], self._unstored[key] = fresh.needs.get(key), \
                    fresh.unstored.get(key)
            for key in [k for k in self.bodies if k not in index.notes]:
                del self.bodies[key], self._body_notes[key]
                self.body_digests.pop(key, None)
        outcome.bodies = len(missing)
        if self.verify:
            check_kept(self.config, list(self.notes.values()), index, self.bodies)
        return index_problems

    def _reconfigure(self, start: float) -> Outcome:
        config, problems = load_config(self.config.site_dir, self.overrides)
        if not diag.has_errors(problems) and config.output_dir != self.config.output_dir:
            try:
                check_output_dir(config)
            except OutputError as exc:
                problems = [*problems, diag.error(CONFIG_NAME, None, str(exc))]
        if diag.has_errors(problems):
            # Keep serving the last good site; the error shows until site.toml is fixed.
            self.config_problems = problems
            kept = [d for found in self.problems.values() for d in found]
            return Outcome(time.perf_counter() - start, config=True,
                           diagnostics=[*problems, *kept])
        self.config, self.config_problems = config, problems
        outcome = self.build_all(threads_running=True)
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _reload_notes(self, changes: Changes) -> dict[str, NoteChange]:
        """Read the saved note files again; what happened to each note, by key."""
        files: set[Path] = set()
        for path in changes.notes | changes.content_files:
            files |= note_files_at(path, self.config, self._known_files)
        found: dict[str, NoteChange] = {}
        added_digests: dict[str, str] = {}
        for path in sorted(files):
            key = path.relative_to(self.config.content_dir).as_posix()
            source = path.relative_to(self.config.site_dir).as_posix()
            old = self.notes.get(key)
            note: Note | None = None
            problems: list[Diagnostic] = []
            if path.is_file() and is_note_file(path, self.config):
                note, problems = load_file(path, self.config)
            if problems:
                self.problems[source] = problems
            else:
                self.problems.pop(source, None)
            if note is None and diag.has_errors(problems) and old is not None:
                continue  # broken: its last good version stays until the next good save
            if note is None:
                if old is not None:
                    del self.notes[key]
                    found[key] = NoteChange.DELETED
                continue
            if old is not None and (old is note or old == note):
                continue
            self.notes[key] = note
            if old is None:
                found[key] = NoteChange.ADDED
                added_digests[key] = note.digest
            else:
                found[key] = what_changed(old, note)
        return pair_renames(found, added_digests, self._deleted_digests(found))

    def _known_files(self) -> set[Path]:
        content, site = self.config.content_dir, self.config.site_dir
        return {content / key for key in self.notes} | {site / s for s in self.problems if s}

    def _deleted_digests(self, found: dict[str, NoteChange]) -> dict[str, str]:
        return {key: self._body_notes[key].digest for key, change in found.items()
                if change is NoteChange.DELETED and key in self._body_notes}

    def _body_fresh(self, key: str, note: Note) -> bool:
        kept = self._body_notes.get(key)
        return key in self.bodies and kept is not None and (kept is note or kept == note)

    def _forget_bodies(self, notes: dict[str, NoteChange], changes: Changes) -> None:
        """Drop the bodies that may render differently: a renamed, added or deleted note, or a
        changed title or permalink, changes the links to it; a changed file, its images."""
        names: set[str] = set()
        for key, change in notes.items():
            before, after = self._body_notes.get(key), self.notes.get(key)
            if change is NoteChange.BODY or (
                    before is not None and after is not None and before.url == after.url
                    and note_names(before) == note_names(after)):
                continue  # the same names, at the same URL: links to it render the same
            for note in (before, after):
                names |= note_names(note) if note is not None else set()
        for path in changes.assets | changes.content_files:
            names |= file_names(path.name)
        for key in self.mentions.mentioning(names, self._body_notes):
            del self.bodies[key], self._body_notes[key]
        if notes:  # a note shown inside others (`![[note]]`): any change shows in them
            for key in [k for k, body in self.bodies.items() if not notes.keys().isdisjoint(
                    body.embeds)]:
                del self.bodies[key], self._body_notes[key]

    def _forget_cited(self) -> None:
        """Drop the bodies citing an entry that changed (or a key now found, or no longer)."""
        context = body_context(self.config, self.index.notes, self.index.link_targets,
                               self.library)
        stale = [key for key, body in self.bodies.items()
                 if body.cited and not still_cited(body.cited, context)]
        for key in stale:
            del self.bodies[key], self._body_notes[key]

    def _forget_moved(self, index: SiteIndex) -> None:
        """Drop the bodies linking to a note whose URL moved without a save of its own."""
        names: set[str] = set()
        for key, note in index.notes.items():
            before = self._body_notes.get(key)
            if before is not None and before.url != note.url:
                names |= note_names(before)
        if names:
            for key in self.mentions.mentioning(names, self._body_notes):
                del self.bodies[key], self._body_notes[key]
