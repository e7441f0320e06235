"""What one round of the live server did: said in the terminal, pushed to the browsers."""

from __future__ import annotations

from dataclasses import dataclass, field

from margin import diagnostics as diag
from margin.diagnostics import Diagnostic
from margin.model import BuildReport
from margin.serve.changes import NoteChange


@dataclass
class Outcome:
    """What one rebuild did, for the terminal and the browsers."""

    seconds: float
    notes: dict[str, NoteChange] = field(default_factory=dict)  # key -> what happened
    written: tuple[str, ...] = ()  # output paths
    removed: tuple[str, ...] = ()
    templates: bool = False
    assets: bool = False
    config: bool = False
    bodies: int = 0  # bodies rendered
    drawn: int = 0  # pages drawn
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the whole site's, now
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    pages: int = 0  # HTML pages the site has now
    built: BuildReport | None = None  # the first round: what `margin build` did

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted({d for d in self.diagnostics if d.level is diag.Level.ERROR})

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)
