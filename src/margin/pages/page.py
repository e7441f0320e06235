"""The Page value: one page of the site to draw, as the page plan and the graph pages make it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from margin.model import Note


@dataclass(frozen=True)
class Page:
    """One page to draw: its URL, template, template values and the notes it shows."""

    url: str
    template: str
    context: Mapping[str, Any]
    sources: tuple[str, ...]
    note: Note | None = None  # the note whose own page this is
