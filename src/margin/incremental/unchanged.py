"""Whether a build would change nothing at all, found out before any note is made.

A build's output is a function of margin's code, the configuration, the templates, the note
files, the asset files, the other files note bodies looked at (images, files beside notes) and
Pagefind. After each build that wrote the output, its stamp keeps a digest of all of these,
the stamps of every file it wrote, and what it reported. When the next build finds the same
inputs and every output file as it was left, the output is already what this build would
write: it reports the same and stops. Any doubt (a file touched, a file missing) means a real
build, which itself reuses whatever it still can.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.fingerprint import digest
from margin.incremental.bodycache import signature
from margin.incremental.entries import Signature
from margin.incremental.pageprint import base_fingerprint
from margin.load.known import KnownFiles
from margin.model import SiteConfig, SourceFile
from margin.pages.assets import asset_files
from margin.write import search
from margin.write.output import MARKER
from margin.write.previous import OutputRecords, Stamp, present_files, stamp


@dataclass(frozen=True)
class BuildStamp:
    inputs: str  # digest of everything the build read but the files below
    looked_at: tuple[tuple[str, Signature], ...]  # files note bodies depend on, as they were
    outputs: tuple[tuple[str, Stamp | None], ...]  # every file written, as it was left
    notes: int
    pages: int
    assets: int
    diagnostics: tuple[Diagnostic, ...]  # warnings (a build with errors writes nothing)
    files: KnownFiles | None = None  # the note files as read: the next build need not read
    # those still the same (load/known.py)

    def holds(self, inputs: str, output: Path) -> bool:
        """Whether the inputs are the same and the output is still as this build left it."""
        folder = f"{output}/"  # (paths joined as text: a Path per output file cost a third)
        return (inputs == self.inputs and (output / MARKER).is_file()
                and all(signature(path) == seen for path, seen in self.looked_at)
                and all(stamp(folder + path) == seen for path, seen in self.outputs)
                and present_files(output) == {MARKER, *(path for path, _ in self.outputs)})


def inputs_digest(config: SiteConfig, sources: list[SourceFile],
                  problems: list[Diagnostic], site: str | None = None) -> str:
    """Everything but the note files (SITE: site_digest, when already known), the note files
    by content, and the problems found reading them."""
    return digest(site or site_digest(config),
                  [(source.relative, source.digest) for source in sources], sorted(problems))


def site_digest(config: SiteConfig) -> str:
    """Code, configuration and templates (base_fingerprint), the asset files by stamp, and
    Pagefind: what a build reads besides the notes (the live server keeps it, to tell at its
    stop whether anything of it changed unseen)."""
    assets, asset_problems = asset_files(config)
    binary = search.pagefind_binary()
    return digest(
        base_fingerprint(config), sorted(asset_problems),
        [(asset.path, str(asset.source), stamp(asset.source)) for asset in assets],
        str(binary), stamp(binary) if binary else None,
    )


def stamp_of(inputs: str, looked_at: dict[str, Signature], records: OutputRecords,
             notes: int, diagnostics: list[Diagnostic], files: KnownFiles | None = None
             ) -> BuildStamp:
    outputs = [(path, r.stamp) for path, r in records.pages.items()]
    outputs += [(path, r.stamp) for path, r in records.assets.items()]
    outputs += list(records.bundle.items())
    return BuildStamp(inputs, tuple(sorted(looked_at.items())), tuple(outputs), notes,
                      len(records.pages), len(records.assets), tuple(diagnostics), files)


def outputs_changed(before: BuildStamp | None, after: BuildStamp | None
                   ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The output files one build wrote and removed, told by the stamps before and after."""
    old = dict(before.outputs) if before else {}
    new = dict(after.outputs) if after else {}
    written = tuple(sorted(path for path, seen in new.items() if old.get(path) != seen))
    return written, tuple(sorted(path for path in old if path not in new))
