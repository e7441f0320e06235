"""Stage 1: files -> Note records (front matter parsed, nothing rendered)."""

from __future__ import annotations

import os
from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.load.discover import file_stamp, note_paths, read_source, site_relative
from margin.load.known import KnownFiles
from margin.load.memo import NoteMemo
from margin.load.notes import make_note
from margin.model import Note, SiteConfig, SourceFile


def load(config: SiteConfig, memo: NoteMemo | None = None) -> tuple[list[Note], list[Diagnostic]]:
    """Every publishable note under content/, and every problem found on the way. MEMO (the
    build cache's) gives back the notes of files whose bytes it has seen."""
    sources, diagnostics = read_sources(config)
    notes, problems = notes_from(sources, config, memo)
    return notes, diagnostics + problems


def read_sources(config: SiteConfig, known: KnownFiles | None = None
                 ) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every note file under content/, read (the build checks these against its last run
    before making any note); those KNOWN vouches for are taken unread, at their digest."""
    paths, diagnostics = note_paths(config)
    sources = []
    for path in paths:
        if known is not None:
            try:
                stamp = file_stamp(os.stat(path))
            except OSError:
                stamp = None  # read_source says why
            relative = site_relative(path, config)
            digest = known.digest(relative, stamp) if stamp else None
            if digest is not None:
                sources.append(SourceFile(path, relative, None, digest, stamp))
                continue
        source, problem = read_source(path, config)
        if problem:
            diagnostics.append(problem)
        else:
            sources.append(source)
    return sources, diagnostics


def notes_from(sources: list[SourceFile], config: SiteConfig, memo: NoteMemo | None = None
               ) -> tuple[list[Note], list[Diagnostic]]:
    """The notes of SOURCES; a source taken unread whose note must be made is read (and
    replaced in SOURCES by what was read)."""
    notes: list[Note] = []
    diagnostics: list[Diagnostic] = []
    for number, source in enumerate(sources):
        note, problems, read = _note(source, config, memo)
        if read is not source and read is not None:
            sources[number] = read
        diagnostics.extend(problems)
        if note:
            notes.append(note)
    if memo is not None:
        memo.keep_only({source.relative for source in sources})
    return notes, diagnostics


def load_file(path: Path, config: SiteConfig, memo: NoteMemo | None = None
              ) -> tuple[Note | None, list[Diagnostic]]:
    """One note file, as load() reads it (the live server reloads just the file saved): None
    when it cannot be read or parsed, or is a draft and drafts are left out."""
    source, problem = read_source(path, config)
    if problem:
        return None, [problem]
    note, problems, _ = _note(source, config, memo)
    return note, problems


def _note(source: SourceFile, config: SiteConfig, memo: NoteMemo | None
          ) -> tuple[Note | None, list[Diagnostic], SourceFile | None]:
    """The note of SOURCE (None: a draft left out, or none could be made), its problems, and
    the source it was made from (read now if it had not been; None: unreadable now)."""
    kept = memo.get(source.relative, source.digest) if memo is not None else None
    if kept is not None:
        note, problems = kept
    else:
        if source.text is None:  # vouched for unread, but its note is not in the memo
            read, problem = read_source(source.path, config)
            if read is None:
                return None, [problem] if problem else [], None
            source = read
        note, problems = make_note(source, config)
        if memo is not None:
            memo.put(source.relative, source.digest, note, problems)
    if note and (config.drafts or not note.draft):
        return note, problems, source
    return None, problems, source
