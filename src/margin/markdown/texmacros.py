"""TeX macro definitions as researchers write them: `\\newcommand`, `\\def` and the like.

Definitions come from site.toml's `[math] macros`, from preamble files and from a note's own
math. They are read here into Macros that math-core expands itself (its `macros=` takes `#1`
arguments); the one thing it lacks, an optional first argument, is done by `with_optional`,
which rewrites the calls before the engine sees them (`\\f[a]{b}` or `\\f{b}` -> `\\f{a}{b}`).

A definition is read with a small scanner (one pass, no regex backtracking) so that the
offset of a mistake can be reported as a file line.
"""

from __future__ import annotations

import re

from margin.model import Macro

DEFINERS = ("newcommand", "renewcommand", "providecommand", "def", "DeclareMathOperator", "let")
# Where a definition may start: worth a scan only when one of these occurs.
DEFINITION = re.compile(r"\\(?:(?:re)?newcommand|providecommand|def|DeclareMathOperator|let)"
                        r"(?![A-Za-z])")
_NAME = re.compile(r"\\(?:[A-Za-z]+|.)")
_PARAMETERS = re.compile(r"(?:#[1-9])*")


class DefinitionError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def read_definitions(tex: str) -> tuple[list[Macro], str, list[DefinitionError]]:
    """The definitions in TEX, TEX without them, and the ones that could not be read."""
    macros: list[Macro] = []
    problems: list[DefinitionError] = []
    kept: list[str] = []
    position = 0
    for match in DEFINITION.finditer(tex):
        if match.start() < position:
            continue  # inside a definition already read
        kept.append(tex[position:match.start()])
        try:
            macro, position = _definition(tex, match.start(), match.group(0)[1:])
            macros.append(macro)
        except DefinitionError as problem:
            problems.append(problem)
            position = len(tex)  # the rest cannot be trusted
    kept.append(tex[position:])
    return macros, "".join(kept), problems


def _definition(tex: str, start: int, definer: str) -> tuple[Macro, int]:
    position = _skip_space(tex, start + len(definer) + 1)
    if definer == "DeclareMathOperator":
        starred = tex.startswith("*", position)
        name, position = _name(tex, _skip_space(tex, position + starred), braced=True)
        _command_name(name, position)
        text, position = _group(tex, _skip_space(tex, position))
        operator = "\\operatorname*" if starred else "\\operatorname"
        return Macro(name, f"{operator}{{{text}}}"), position
    if definer == "let":
        name, position = _name(tex, position, braced=False)
        _command_name(name, position)
        position = _skip_space(tex, position)
        if tex.startswith("=", position):
            position = _skip_space(tex, position + 1)
        target = _NAME.match(tex, position)
        if not target:
            raise DefinitionError("\\let needs a command to copy", position)
        return Macro(name, target.group(0)), target.end()
    if definer == "def":
        name, position = _name(tex, position, braced=False)
        _command_name(name, position)
        parameters = _PARAMETERS.match(tex, position)
        assert parameters is not None  # it matches the empty string
        arguments = len(parameters.group(0)) // 2
        body, position = _group(tex, _skip_space(tex, parameters.end()))
        return Macro(name, body, arguments), position
    if tex.startswith("*", position):
        position += 1
    name, position = _name(tex, _skip_space(tex, position), braced=True)
    _command_name(name, position)
    arguments, optional = 0, None
    position = _skip_space(tex, position)
    if tex.startswith("[", position):
        count, position = _bracket(tex, position)
        if not count.strip().isdigit() or not 0 <= int(count) <= 9:
            raise DefinitionError(f"the number of arguments must be 0 to 9, not '{count}'",
                                  position)
        arguments = int(count)
        position = _skip_space(tex, position)
        if tex.startswith("[", position):
            optional, position = _bracket(tex, position)
            position = _skip_space(tex, position)
    body, position = _group(tex, position)
    return Macro(name, body, arguments, optional), position


def _command_name(name: str, position: int) -> str:
    """NAME, if math-core can define it: letters only."""
    if not name.isascii() or not name.isalpha():
        raise DefinitionError(f"cannot define \\{name}: a macro name is made of letters", position)
    return name


def _skip_space(tex: str, position: int) -> int:
    while position < len(tex) and tex[position] in " \t\r\n":
        position += 1
    return position


def _name(tex: str, position: int, *, braced: bool) -> tuple[str, int]:
    """`\\name` or, where BRACED, `{\\name}`."""
    if braced and tex.startswith("{", position):
        inner, end = _group(tex, position)
        inner = inner.strip()
        match = _NAME.fullmatch(inner)
        if not match:
            raise DefinitionError(f"'{inner}' is not a command name", position)
        return inner[1:], end
    match = _NAME.match(tex, position)
    if not match:
        raise DefinitionError("a command name (\\name) must follow", position)
    return match.group(0)[1:], match.end()


def _group(tex: str, position: int) -> tuple[str, int]:
    """The text of the `{...}` group at POSITION (braces balanced, `\\{` skipped)."""
    if not tex.startswith("{", position):
        raise DefinitionError("a {...} group must follow", position)
    depth = 0
    index = position
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return tex[position + 1:index], index + 1
        index += 1
    raise DefinitionError("unbalanced braces: a '{' is never closed", position)


def _bracket(tex: str, position: int) -> tuple[str, int]:
    """The text of the `[...]` at POSITION, a `]` inside braces not closing it."""
    depth = 0
    for index in range(position + 1, len(tex)):
        char = tex[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "]" and depth <= 0:
            return tex[position + 1:index], index + 1
    raise DefinitionError("a '[' is never closed", position)


def with_optional(tex: str, macros: dict[str, Macro]) -> str:
    """TEX with every call of a macro taking an optional argument given it in braces."""
    pattern = re.compile(r"\\(" + "|".join(re.escape(name) for name in macros) + r")(?![A-Za-z])")
    out: list[str] = []
    position = 0
    for match in pattern.finditer(tex):
        if match.start() < position:
            continue
        out.append(tex[position:match.end()])
        position = match.end()
        after = _skip_space(tex, position)
        if tex.startswith("[", after):
            try:
                value, position = _bracket(tex, after)
            except DefinitionError:
                value, position = macros[match.group(1)].optional or "", after
        else:
            value = macros[match.group(1)].optional or ""
        out.append("{" + value + "}")
    out.append(tex[position:])
    return "".join(out)


def nesting_depth(tex: str, limit: int) -> int:
    """How deep braces, `\\left` and `\\begin` nest in TEX (what the engine recurses on), when
    it could reach LIMIT; else a quick count below it."""
    openers = tex.count("{") + tex.count("\\left") + tex.count("\\begin")
    if openers < limit:
        return openers
    depth = deepest = 0
    index = 0
    length = len(tex)
    while index < length:
        char = tex[index]
        if char == "\\":
            if tex.startswith("left", index + 1) or tex.startswith("begin", index + 1):
                depth += 1
            elif tex.startswith("right", index + 1) or tex.startswith("end", index + 1):
                depth -= 1
            deepest = max(deepest, depth)
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if depth > deepest:
            deepest = depth
        index += 1
    return deepest


def expansion_weights(macros: tuple[Macro, ...], limit: int) -> dict[str, tuple[int, int]]:
    """name -> (arguments, how much deeper its expansion nests): what `expanded_depth` needs.
    A macro defined through itself counts as LIMIT (the engine stops it, but not in time)."""
    by_name = {m.name: m for m in macros}
    weights: dict[str, tuple[int, int]] = {}
    busy: set[str] = set()

    def weight(name: str) -> int:
        if name in weights:
            return weights[name][1]
        if name in busy:
            return limit
        busy.add(name)
        macro = by_name[name]
        depth = 1 + expanded_depth(macro.body, _Lookup(weight, by_name), limit)
        busy.discard(name)
        weights[name] = (macro.arguments, min(depth, limit))
        return weights[name][1]

    for name in by_name:
        weight(name)
    return weights


class _Lookup:
    """A weights mapping computed on demand (macros defined through other macros)."""

    def __init__(self, weight, macros: dict[str, Macro]) -> None:
        self.weight, self.macros = weight, macros

    def get(self, name: str) -> tuple[int, int] | None:
        macro = self.macros.get(name)
        return None if macro is None else (macro.arguments, self.weight(name))


def expanded_depth(tex: str, weights, limit: int) -> int:
    """How deep TEX nests once its macros are expanded, WEIGHTS giving each macro's
    (arguments, depth): braces, `\\left` and `\\begin` count one, a macro its depth, and its
    arguments sit that much deeper. Stops counting at LIMIT."""
    stack: list[int] = []  # the weight of each open brace
    total = extra = deepest = 0
    pending, pending_weight, pending_level = 0, 0, -1
    index, length = 0, len(tex)
    while index < length and deepest < limit:
        char = tex[index]
        if char == "\\":
            match = _NAME.match(tex, index)
            name = match.group(0)[1:] if match else ""
            index = match.end() if match else index + 1
            if name in ("left", "begin"):
                extra += 1
            elif name in ("right", "end"):
                extra -= 1
            else:
                found = weights.get(name)
                if found is not None:
                    deepest = max(deepest, total + extra + found[1])
                    pending, pending_weight, pending_level = found[0], found[1], len(stack)
                    continue
            deepest = max(deepest, total + extra)
            continue
        if char == "{":
            weight = 1
            if pending and len(stack) == pending_level:
                weight, pending = pending_weight, pending - 1
            stack.append(weight)
            total += weight
        elif char == "}":
            if stack:
                total -= stack.pop()
        elif not char.isspace() and len(stack) == pending_level:
            pending = 0  # a bare one-token argument nests nothing
        deepest = max(deepest, total + extra)
        index += 1
    return deepest
