"""One note's rendering in progress: what the token passes found and what they warn about.

It travels in markdown-it's `env`, so the parser stays one shared object with no note in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from markdown_it.token import Token

from margin.diagnostics import Diagnostic, warning
from margin.load.collections import kind_of
from margin.markdown.context import BodyContext
from margin.markdown.notebib import NoteBibliography, note_bibliography
from margin.model import AssetFile, Note

ENV_KEY = "margin"
_BREAKS = ("softbreak", "hardbreak")
_TYPE = attrgetter("type")


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
    chain: tuple[str, ...] = ()  # the notes embedding this one (`![[note]]`), outermost first
    embeds: list[str] = field(default_factory=list)  # keys of the notes embedded, at any depth

    @cached_property
    def bibliography(self) -> NoteBibliography | None:
        """Where the note's citation keys are looked up; None: it has no bibliography."""
        return note_bibliography(self.note, self.context)

    def cited(self) -> tuple[tuple[tuple[str, ...], str, str | None], ...]:
        """The bibliography lookups made (none when the note never asked for its bibliography)."""
        bibliography = self.__dict__.get("bibliography")
        return bibliography.record() if bibliography is not None else ()

    @cached_property
    def tool(self) -> str:
        """The tool the note was written for ('jekyll', 'typora'... 'margin'): its habits."""
        return kind_of(self.context.collections, self.note.key)

    def warn(self, line: int | None, message: str) -> None:
        """LINE is 0-based in the body (markdown-it's map); diagnostics name the file line."""
        file_line = None if line is None else self.note.body_line + line
        self.diagnostics.append(warning(self.note.source, file_line, message))


def block_line(tokens: list[Token], index: int) -> int | None:
    """The body line (0-based) of the nearest block at or before INDEX that knows its line."""
    for position in range(index, -1, -1):
        if tokens[position].map:
            return tokens[position].map[0]
    return None


def inline_children(tokens: list[Token], kinds: frozenset[str]
                    ) -> Iterator[tuple[Token, int, Token, int | None]]:
    """(inline token, child index, child, body line) for every child whose type is in KINDS.

    The line counts the soft and hard breaks (and multi-line math or HTML) before the child;
    lines are counted only for the children asked for, as most are of no interest.
    Children may be changed in place in the loop, but not replaced, inserted or removed.
    """
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        children = token.children
        if not children or kinds.isdisjoint(map(_TYPE, children)):  # most, looked at quickly
            continue
        line, counted = block_line(tokens, index), 0
        for position, child in enumerate(children):
            if child.type in kinds:
                if line is not None:
                    line += lines_before(children, position, counted)
                    counted = position
                yield token, position, child, line


def lines_before(children: list[Token], position: int, start: int = 0) -> int:
    """The lines CHILDREN[start:position] end: breaks, and newlines inside math, HTML, code."""
    lines = 0
    for child in children[start:position]:
        if child.type in _BREAKS:
            lines += 1
        elif child.type.startswith(("math", "html")) or child.type == "code_inline":
            lines += (child.content or "").count("\n")
    return lines


def matching_close(tokens: list[Token], opening: int) -> int:
    """The index of the token that closes TOKENS[opening] (the last token if none does)."""
    depth = 0
    for position in range(opening, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1
