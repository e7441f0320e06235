"""Stage 1: files -> Note records (front matter parsed, nothing rendered)."""

from __future__ import annotations

from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.load.discover import note_paths, read_source
from margin.load.notes import make_note
from margin.model import Note, SiteConfig


def load(config: SiteConfig) -> tuple[list[Note], list[Diagnostic]]:
    """Every publishable note under content/, and every problem found on the way."""
    paths, diagnostics = note_paths(config)
    notes: list[Note] = []
    for path in paths:
        note, problems = load_file(path, config)
        diagnostics.extend(problems)
        if note:
            notes.append(note)
    return notes, diagnostics


def load_file(path: Path, config: SiteConfig) -> tuple[Note | None, list[Diagnostic]]:
    """One note file, as load() reads it (the live server reloads just the file saved): None
    when it cannot be read or parsed, or is a draft and drafts are left out."""
    source, problem = read_source(path, config)
    if problem:
        return None, [problem]
    note, problems = make_note(source, config)
    if note and (config.drafts or not note.draft):
        return note, problems
    return None, problems
