"""Verify mode (tests, `Session(verify=True)`): what the live server kept between saves, made
again from scratch and compared, so a shortcut that misses a change fails the test that made it.

The pages are checked where they are kept (pages/drawing.py, Options.verify); this checks the
two kept before them: the index memo's index and the bodies kept because their inputs seemed
unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from margin.index import index_notes
from margin.index.bibcites import site_bibliography
from margin.markdown.body import render_body
from margin.markdown.context import body_context
from margin.model import Note, RenderedBody, SiteConfig, SiteIndex, read_html


def check_kept(config: SiteConfig, notes: list[Note], index: SiteIndex,
               bodies: Mapping[str, RenderedBody]) -> None:
    """Raise AssertionError if INDEX or any of BODIES differs from what NOTES make afresh."""
    fresh, _ = index_notes(notes, bibliography=site_bibliography(config))  # files read again
    for field in fields(SiteIndex):
        if _comparable(getattr(index, field.name)) != _comparable(getattr(fresh, field.name)):
            raise AssertionError(f"the index memo's {field.name} differs from indexing afresh")
    context = body_context(config, index.notes, index.link_targets)
    for key, body in bodies.items():
        if replace(body, html=read_html(body.html)) != render_body(index.notes[key], context):
            raise AssertionError(f"{key}: its body was kept, but it renders differently now")


def _comparable(value: Any) -> Any:
    """LinkTargets compares by identity: compare what it answers from instead."""
    names = getattr(value, "names", None)
    return (names, value.by_path) if names is not None and hasattr(value, "by_path") else value
