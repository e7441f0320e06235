"""Obsidian's `==highlighted text==` (also Quartz's and Typora's): a `<mark>`, in notes of
those collections only, where `a == b` in prose is not something their authors write.

The text between the pairs is parsed as any inline text (`==**bold** word==`). The opening
`==` needs a non-space after it and the closing one a non-space before it, as Obsidian reads
them; a line holding an opening `==` with no closing one after it is searched once. The rule
stays in every note's parser (markdown/unusedrules.py): its first check is one comparison.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from margin.markdown.state import ENV_KEY

MARK_TOOLS = frozenset({"obsidian", "quartz", "typora"})
_UNCLOSED = "marks.unclosed"  # env: (source, end) -> where no closing `==` follows


def marks_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "mark", _mark)


def _mark(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("==", start) or start + 2 >= state.posMax:
        return False
    body = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if body is None or body.tool not in MARK_TOOLS:
        return False
    inner = start + 2
    if src[inner] in " \t\n=" or (start > 0 and src[start - 1] == "="):
        return False
    unclosed = state.env.setdefault(_UNCLOSED, {})
    if unclosed.get((src, state.posMax), state.posMax) <= inner:
        return False
    end = src.find("==", inner, state.posMax)
    if end < 0:
        unclosed[(src, state.posMax)] = inner
        return False
    if src[end - 1] in " \t\n":
        return False
    if not silent:
        state.push("mark_open", "mark", 1)
        outer_max = state.posMax
        state.pos, state.posMax = inner, end
        state.md.inline.tokenize(state)
        state.posMax = outer_max
        state.push("mark_close", "mark", -1)
    state.pos = end + 2
    return True
