"""BibTeX and BibLaTeX text -> raw entries: type, key, fields as written, line, source text.

Our own small reader rather than a library's: citeproc-py's reader drops BibLaTeX `date`,
`eprint` and `url` and makes `and others` an author called "others"; pybtex reads them but
takes about 0.4 ms an entry and leaves the LaTeX in the values. This one is one pass over the
text, linear in its length; index/latex.py turns the values into plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_AT = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\r\n]*([{(])")
_NAME = re.compile(r"[ \t\r\n]*([^\s=,{}()\"#%]+)[ \t\r\n]*")
_SPACES = re.compile(r"[ \t\r\n]*")
_NUMBER_OR_MACRO = re.compile(r"[A-Za-z0-9_:.+\-/]+")
_BRACES = re.compile(r"\\.|[{}]")  # (an escaped brace counts for nothing)
_PARENTHESES = re.compile(r"\\.|[()]")
_MONTHS = {name: str(number) for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass(frozen=True)
class RawEntry:
    kind: str  # lower case: 'article', 'misc'...
    key: str
    fields: dict[str, str] = field(hash=False)  # lower-case name -> value, braces kept
    line: int  # 1-based line of the `@`
    text: str  # the entry as written, for "cite this"


class BibSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def parse_bibtex(text: str) -> tuple[list[RawEntry], list[tuple[int, str]]]:
    """The entries of TEXT in order, and the problems found as (line, message): a broken entry
    is skipped, the rest are still read."""
    entries: list[RawEntry] = []
    problems: list[tuple[int, str]] = []
    macros = dict(_MONTHS)
    position = 0
    lines = _Lines(text)
    while True:
        match = _AT.search(text, position)
        if match is None:
            return entries, problems
        kind = match.group(1).lower()
        start, position = match.start(), match.end()
        closer = "}" if match.group(2) == "{" else ")"
        line = lines.at(start)
        try:
            if kind in ("comment", "preamble"):
                position = _skip_balanced(text, position - 1)
                continue
            if kind == "string":
                position, fields = _fields(text, position, closer, macros, line)
                macros.update(fields)
                continue
            comma = text.find(",", position)
            end_of_key = text.find(closer, position)
            if comma < 0 or (0 <= end_of_key < comma):
                raise BibSyntaxError(line, "an entry without a key and fields")
            key = text[position:comma].strip()
            if not key or any(c.isspace() for c in key):
                raise BibSyntaxError(line, f"bad entry key {key!r}")
            position, fields = _fields(text, comma + 1, closer, macros, line)
            entries.append(RawEntry(kind, key, fields, line, text[start:position].strip()))
        except BibSyntaxError as problem:
            problems.append((problem.line, str(problem)))
            position = max(position, start + 1)


def _fields(text: str, position: int, closer: str, macros: dict[str, str], line: int
            ) -> tuple[int, dict[str, str]]:
    """`name = value, ...` up to CLOSER; returns the position after it and the fields."""
    fields: dict[str, str] = {}
    while True:
        position = _SPACES.match(text, position).end()
        if position >= len(text):
            raise BibSyntaxError(line, "an entry that never closes")
        if text[position] == closer:
            return position + 1, fields
        if text[position] == ",":
            position += 1
            continue
        name = _NAME.match(text, position)
        if name is None or text[name.end():name.end() + 1] != "=":
            raise BibSyntaxError(_line_at(text, position), "expected `name = value`")
        position, value = _value(text, name.end() + 1, macros)
        fields[name.group(1).lower()] = value


def _value(text: str, position: int, macros: dict[str, str]) -> tuple[int, str]:
    """A value: pieces in braces, quotes, numbers or @string names, joined by `#`."""
    pieces = []
    while True:
        position = _SPACES.match(text, position).end()
        char = text[position:position + 1]
        if char == "{":
            end = _skip_balanced(text, position)
            pieces.append(text[position + 1:end - 1])
        elif char == '"':
            end = _quoted_end(text, position)
            pieces.append(text[position + 1:end - 1])
        else:
            word = _NUMBER_OR_MACRO.match(text, position)
            if word is None:
                raise BibSyntaxError(_line_at(text, position), "a field without a value")
            end = word.end()
            pieces.append(macros.get(word.group(0).lower(), word.group(0)))
        position = _SPACES.match(text, end).end()
        if text[position:position + 1] != "#":
            return position, "".join(pieces)
        position += 1


def _skip_balanced(text: str, opening: int) -> int:
    """The position after the brace (or parenthesis) closing the one at OPENING."""
    marks = _BRACES if text[opening] == "{" else _PARENTHESES
    depth = 0
    for mark in marks.finditer(text, opening):
        char = mark.group(0)
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
            if depth == 0:
                return mark.end()
    raise BibSyntaxError(_line_at(text, opening), f"an unbalanced '{text[opening]}'")


def _quoted_end(text: str, opening: int) -> int:
    depth = 0
    for position in range(opening + 1, len(text)):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and text[position - 1] != "\\":
            return position + 1
    raise BibSyntaxError(_line_at(text, opening), "a quoted value that never closes")


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


class _Lines:
    """Line numbers of positions met in order, counted from the last one (linear in all)."""

    def __init__(self, text: str):
        self.text, self.position, self.line = text, 0, 1

    def at(self, position: int) -> int:
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line
