"""Stage 1: files -> Note records (front matter parsed, nothing rendered)."""

from __future__ import annotations

from margin.diagnostics import Diagnostic
from margin.load.discover import note_paths, read_source
from margin.load.notes import make_note
from margin.model import Note, SiteConfig


def load(config: SiteConfig) -> tuple[list[Note], list[Diagnostic]]:
    """Every publishable note under content/, and every problem found on the way."""
    paths, diagnostics = note_paths(config)
    notes: list[Note] = []
    for path in paths:
        source, problem = read_source(path, config)
        if problem:
            diagnostics.append(problem)
            continue
        note, problems = make_note(source, config)
        diagnostics.extend(problems)
        if note and (config.drafts or not note.draft):
            notes.append(note)
    return notes, diagnostics
