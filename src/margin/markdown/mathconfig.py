"""site.toml's `[math]` table -> MathSettings: the site's macros and preamble files, checked.

    [math]
    macros = { vz = "\\\\mathbf{z}", norm = "\\\\lVert #1 \\\\rVert", bold = ["{\\\\bf #1}", 1] }
    preamble = ["tex/macros.tex"]

A macro is its body (arguments counted from the `#n` in it) or MathJax's `[body, arguments]`
or `[body, arguments, default of the first]`. A preamble file holds `\\newcommand`,
`\\renewcommand`, `\\providecommand`, `\\def`, `\\let` and `\\DeclareMathOperator` lines (and
`%` comments); a line it cannot read is an error naming the file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from margin.diagnostics import Diagnostic, error, warning
from margin.markdown.math import MathSettings
from margin.markdown.texmacros import Macro, read_definitions

_KEYS = ("macros", "preamble")
_COMMENT = re.compile(r"(?<!\\)%.*")
# Lines of a LaTeX preamble that are no macro and that math does not need: skipped quietly.
_PREAMBLE_NOISE = re.compile(r"\\(?:usepackage|RequirePackage|documentclass|newtheorem|"
                             r"theoremstyle|input|include|makeatletter|makeatother|newenvironment|"
                             r"renewenvironment|setlength|allowdisplaybreaks|numberwithin)"
                             r"(?![A-Za-z])")

LineOf = Callable[[str, str | None], int | None]


def math_settings(table: Any, site_dir: Path, config_name: str, line_of: LineOf
                  ) -> tuple[MathSettings, list[Diagnostic]]:
    """MathSettings from the `[math]` TABLE; LINE_OF(key, table) finds a key's site.toml line."""
    problems: list[Diagnostic] = []
    if not isinstance(table, dict):
        return MathSettings(), [error(config_name, line_of("math", None),
                                      "'math' must be a table ([math])")]
    for key in table:
        if key not in _KEYS:
            problems.append(warning(config_name, line_of(key, "math"),
                                    f"unknown key 'math.{key}' (known: macros, preamble)"))
    digest = hashlib.sha256()
    macros: list[Macro] = []
    files = _preamble_paths(table.get("preamble", []), config_name, line_of, problems)
    for path in files:
        macros.extend(_read_preamble(site_dir, path, config_name, line_of, problems, digest))
    macros.extend(_table_macros(table.get("macros", {}), config_name, line_of, problems))
    for macro in macros:
        digest.update(repr(macro).encode("utf-8"))
    return MathSettings(tuple(macros), digest.hexdigest() if macros else "", tuple(files)), \
        problems


def _preamble_paths(value: Any, config_name: str, line_of: LineOf,
                    problems: list[Diagnostic]) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(error(config_name, line_of("preamble", "math"),
                              "'math.preamble' must be a list of file paths"))
        return []
    return value


def _read_preamble(site_dir: Path, relative: str, config_name: str, line_of: LineOf,
                   problems: list[Diagnostic], digest: Any) -> list[Macro]:
    path = site_dir / relative
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(error(config_name, line_of("preamble", "math"),
                              f"math.preamble: cannot read {relative}: {exc.strerror or exc}"))
        return []
    digest.update(relative.encode("utf-8") + b"\0" + data + b"\0")
    text = data.decode("utf-8", errors="replace")
    macros, rest, bad = read_definitions(_without_comments(text))
    for problem in bad:
        line = text.count("\n", 0, problem.offset) + 1 if problem.offset <= len(text) else None
        problems.append(error(relative, line, f"math preamble: {problem}"))
    if not bad:
        problems.extend(_leftovers(relative, rest, text))
    return macros


def _without_comments(text: str) -> str:
    """TEXT with `%` comments blanked, each line keeping its length (offsets stay lines)."""
    return "\n".join(_COMMENT.sub(lambda m: " " * len(m.group(0)), line)
                     for line in text.split("\n"))


def _leftovers(relative: str, rest: str, text: str) -> list[Diagnostic]:
    """A line that is neither a definition, a comment nor a known preamble command."""
    problems = []
    for number, line in enumerate(rest.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not _PREAMBLE_NOISE.match(stripped):
            problems.append(error(relative, _line_in(text, stripped, number),
                                  f"math preamble: not a macro definition: {stripped[:60]}"))
            break  # the lines after one bad line repeat the news
    return problems


def _line_in(text: str, fragment: str, fallback: int) -> int:
    """The line of TEXT where FRAGMENT is (removed definitions shift the leftover lines)."""
    found = text.find(fragment)
    return text.count("\n", 0, found) + 1 if found >= 0 else fallback


def _table_macros(table: Any, config_name: str, line_of: LineOf,
                  problems: list[Diagnostic]) -> list[Macro]:
    if not isinstance(table, dict):
        problems.append(error(config_name, line_of("macros", "math"),
                              "'math.macros' must be a table: { name = \"\\\\body\" }"))
        return []
    macros = []
    for name, value in table.items():
        macro = _table_macro(name, value)
        if macro is None:
            problems.append(error(
                config_name, line_of("macros", "math") or line_of(name, "math.macros"),
                f"math.macros.{name}: a macro is a letters-only name and a body, "
                "\"\\\\body\" or [\"\\\\body\", arguments] or [\"\\\\body\", arguments, default]"))
        else:
            macros.append(macro)
    return macros


def _table_macro(name: str, value: Any) -> Macro | None:
    name = name.removeprefix("\\")
    if not name.isascii() or not name.isalpha():
        return None
    if isinstance(value, str):
        return Macro(name, value, max((int(n) for n in re.findall(r"#([1-9])", value)),
                                      default=0))
    if isinstance(value, list) and 2 <= len(value) <= 3 and isinstance(value[0], str) \
            and isinstance(value[1], int) and not isinstance(value[1], bool) \
            and 0 <= value[1] <= 9 and (len(value) == 2 or isinstance(value[2], str)):
        return Macro(name, value[0], value[1], value[2] if len(value) == 3 else None)
    return None
