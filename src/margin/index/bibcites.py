"""Papers cited through a bibliography: `[@key]` or `@key` whose entry has an arXiv id or a
DOI is a citation of that paper, like a link to it; and every entry that is a paper gives the
paper's page its title, authors, venue, abstract and BibTeX.

Read from the note's text (code left out) without parsing it, as index/papers.py does: the
rendered body marks the same citations for the sentence the paper page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from margin.diagnostics import Diagnostic
from margin.index.bibliography import BibEntry, Library, note_files
from margin.index.text import code_free_lines, passage_around
from margin.model import Citation, Note, SiteConfig

# the keys markdown/citations.py reads, after no letter or mark (not an e-mail address)
_KEY = re.compile(r"(?<![\w.+\-@])@((?!(?i:fig|tbl|sec|eq)-)\w(?:[\w:.#$%&+?<>~/-]*\w)?)")


@dataclass
class SiteBibliography:
    """The site's bibliography files (site.toml) and the files read, for the index."""

    site_dir: Path
    files: tuple[str, ...] = ()
    library: Library = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.library is None:
            self.library = Library(self.site_dir)

    def entries(self, files: tuple[str, ...]) -> list[BibEntry]:
        return [entry for f in files
                for entry in self.library.file(self.site_dir / f).entries.values()]


def bib_citations(notes: list[Note], bibliography: SiteBibliography | None
                  ) -> tuple[dict[str, list[Citation]], dict[str, BibEntry], list[Diagnostic]]:
    """Per note key, the papers it cites by key; every paper's entry; the files' problems
    (each file's once)."""
    cited: dict[str, list[Citation]] = {}
    if bibliography is None:
        return cited, {}, []
    papers: dict[str, BibEntry] = {}
    used: dict[str, None] = {}
    for note in notes:
        files = note_files(note, bibliography.files)
        if not files:
            continue
        used.update(dict.fromkeys(files))
        if "@" in note.body:
            found = _cited(note, files, bibliography.library, bibliography.site_dir)
            if found:
                cited[note.key] = found
    for name in used:
        for entry in bibliography.library.file(bibliography.site_dir / name).entries.values():
            if entry.paper:
                papers.setdefault(entry.paper, entry)
    problems = [p for name in used
                for p in bibliography.library.file(bibliography.site_dir / name).problems]
    return cited, papers, problems


def _cited(note: Note, files: tuple[str, ...], library: Library, site_dir: Path
           ) -> list[Citation]:
    paths = [site_dir / f for f in files]
    lines = code_free_lines(note.body)
    source = note.body.split("\n")
    seen: dict[str, Citation] = {}
    for number, line in enumerate(lines):
        if "@" not in line:
            continue
        for match in _KEY.finditer(line):
            entry = library.lookup(paths, match.group(1))
            if entry is None or not entry.paper or entry.paper in seen:
                continue
            context = passage_around(source, lines, number, match.start())
            seen[entry.paper] = Citation(entry.paper, note.key, note.body_line + number,
                                         context, entry.title)
    return list(seen.values())


def site_bibliography(config: SiteConfig, library: Library | None = None) -> SiteBibliography:
    return SiteBibliography(config.site_dir, config.citations.bibliography, library)
