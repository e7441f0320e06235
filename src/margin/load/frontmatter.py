"""Split a note into front matter and body, remembering on which line each starts.

Keeping the line numbers is the point: every later problem in a note can then say `file:line`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from margin.load.dates import YamlLoader

_LOADER = YamlLoader
_FENCES = {"---": ("yaml", ("---", "...")), "+++": ("toml", ("+++",))}
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class FrontMatterError(Exception):
    """A front matter problem at a file line."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Split:
    format: str | None  # 'yaml', 'toml', or None when the note has no front matter
    front_matter: str
    front_matter_line: int  # file line of the front matter's first line
    body: str
    body_line: int  # file line of the body's first line


def split(text: str) -> Split:
    """Find the front matter block at the top of TEXT (already free of BOM and CR)."""
    first, _, rest = text.partition("\n")
    fence = _FENCES.get(first.rstrip())
    if fence is None:
        return Split(None, "", 1, text, 1)
    kind, closers = fence
    lines = rest.split("\n")
    for number, line in enumerate(lines):
        if line.rstrip() in closers:
            body = "\n".join(lines[number + 1 :])
            return Split(kind, "\n".join(lines[:number]), 2, body, number + 3)
    raise FrontMatterError(1, f"no closing '{first.rstrip()}' line")


def parse(part: Split) -> dict[str, Any]:
    """The front matter as a dict; keys with no value are dropped (they count as absent)."""
    if part.format is None or not part.front_matter.strip():
        return {}
    data = _parse_toml(part) if part.format == "toml" else _parse_yaml(part)
    if not isinstance(data, dict):
        raise FrontMatterError(
            part.front_matter_line, f"expected 'key: value' lines, found {_describe(data)}"
        )
    return {str(k): v for k, v in data.items() if v is not None}


def key_line(part: Split, key: str) -> int:
    """The file line on which KEY is set, for messages about its value."""
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*[:=]")
    for offset, line in enumerate(part.front_matter.split("\n")):
        if pattern.match(line):
            return part.front_matter_line + offset
    return part.front_matter_line


def _parse_yaml(part: Split) -> Any:
    try:
        return yaml.load(part.front_matter, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        if mark is None or (context_mark and mark.column == 0 and context_mark.line < mark.line):
            mark = context_mark  # the parser noticed on a later line; point at what it was reading
        line = part.front_matter_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context = getattr(exc, "context", None)
        reason = f"{context}, {problem}" if context and problem != context else problem
        raise FrontMatterError(line, reason) from None


def _parse_toml(part: Split) -> Any:
    try:
        return tomllib.loads(part.front_matter)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        if match:
            offset = int(match.group(1)) - 1
        else:  # "(at end of document)": the last line is where the text ran out
            offset = max(0, len(part.front_matter.rstrip("\n").split("\n")) - 1)
        reason = re.sub(r"\s*\((at line \d+, column \d+|at end of document)\)", "", str(exc))
        raise FrontMatterError(part.front_matter_line + offset, reason) from None


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return f"'{value}'" if isinstance(value, str) else type(value).__name__
