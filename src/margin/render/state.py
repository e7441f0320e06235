"""One note's rendering in progress: what the token passes found and what they warn about.

It travels in markdown-it's `env`, so the parser stays one shared object with no note in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from margin.diagnostics import Diagnostic, warning
from margin.model import AssetFile, Note
from margin.render.context import BodyContext

ENV_KEY = "margin"


@dataclass
class BodyState:
    note: Note
    context: BodyContext
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: dict[str, AssetFile] = field(default_factory=dict)  # output path -> file to copy
    images: list[str] = field(default_factory=list)  # files sized, for cache invalidation
    links: list[str] = field(default_factory=list)  # keys of notes linked to
    math: int = 0
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    toc_placed: bool = False

    def warn(self, line: int | None, message: str) -> None:
        """LINE is 0-based in the body (markdown-it's map); diagnostics name the file line."""
        file_line = None if line is None else self.note.body_line + line
        self.diagnostics.append(warning(self.note.source, file_line, message))


def block_line(tokens: list[Token], index: int) -> int | None:
    """The body line (0-based) of the nearest block at or before INDEX that knows its line."""
    for token in reversed(tokens[: index + 1]):
        if token.map:
            return token.map[0]
    return None


def inline_children(tokens: list[Token]) -> Iterator[tuple[Token, int, Token, int | None]]:
    """(inline token, child index, child, body line) for every child of every inline token.

    The line counts the soft and hard breaks (and multi-line math or HTML) before the child.
    Children may be replaced in the loop, but not inserted or removed.
    """
    last_line: int | None = None
    for token in tokens:
        if token.map:
            last_line = token.map[0]
        if token.type != "inline" or not token.children:
            continue
        line = last_line
        for position, child in enumerate(token.children):
            yield token, position, child, line
            if line is not None:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type.startswith(("math", "html")) or child.type == "code_inline":
                    line += (child.content or "").count("\n")


def matching_close(tokens: list[Token], opening: int) -> int:
    """The index of the token that closes TOKENS[opening] (the last token if none does)."""
    depth = 0
    for position in range(opening, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1
