"""Stage 1: files -> Note records (front matter parsed, nothing rendered)."""

from __future__ import annotations

from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.load.discover import note_paths, read_source
from margin.load.memo import NoteMemo
from margin.load.notes import make_note
from margin.model import Note, SiteConfig, SourceFile


def load(config: SiteConfig, memo: NoteMemo | None = None) -> tuple[list[Note], list[Diagnostic]]:
    """Every publishable note under content/, and every problem found on the way. MEMO (the
    build cache's) gives back the notes of files whose bytes it has seen."""
    sources, diagnostics = read_sources(config)
    notes, problems = notes_from(sources, config, memo)
    return notes, diagnostics + problems


def read_sources(config: SiteConfig) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every note file under content/, read (the build checks these against its last run
    before making any note)."""
    paths, diagnostics = note_paths(config)
    sources = []
    for path in paths:
        source, problem = read_source(path, config)
        if problem:
            diagnostics.append(problem)
        else:
            sources.append(source)
    return sources, diagnostics


def notes_from(sources: list[SourceFile], config: SiteConfig, memo: NoteMemo | None = None
               ) -> tuple[list[Note], list[Diagnostic]]:
    notes: list[Note] = []
    diagnostics: list[Diagnostic] = []
    for source in sources:
        note, problems = _note(source, config, memo)
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
    return _note(source, config, memo)


def _note(source: SourceFile, config: SiteConfig, memo: NoteMemo | None
          ) -> tuple[Note | None, list[Diagnostic]]:
    kept = memo.get(source.relative, source.digest) if memo is not None else None
    if kept is not None:
        note, problems = kept
    else:
        note, problems = make_note(source, config)
        if memo is not None:
            memo.put(source.relative, source.digest, note, problems)
    if note and (config.drafts or not note.draft):
        return note, problems
    return None, problems
