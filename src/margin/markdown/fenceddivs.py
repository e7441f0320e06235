"""Pandoc's fenced divs: `::: {.note #id}` or `::: warning`, up to a line of colons.

Documents exported with pandoc (and written for Quarto) group blocks this way; without the
rule every fence would show as a paragraph of colons. The div gets the classes and id written,
its content is parsed as Markdown, and divs nest: an opening fence always names something.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from margin.markdown import attributes

_OPENING = re.compile(r":{3,}[ \t]*(?:\{([^{}\n]*)\}|([\w-]+))[ \t]*:*[ \t]*$")
_CLOSING = re.compile(r":{3,}[ \t]*$")


def fenced_divs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "fenced_div", _fenced_div,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _fenced_div(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    opening = _OPENING.match(_line(state, start_line))
    if not opening:
        return False
    if silent:
        return True
    depth, line = 1, start_line
    while line + 1 < end_line:
        line += 1
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            line -= 1  # the container ends first: so does the div
            break
        if state.sCount[line] - state.blkIndent >= 4:
            continue
        text = _line(state, line)
        if _OPENING.match(text):
            depth += 1
        elif _CLOSING.match(text):
            depth -= 1
            if depth == 0:
                break
    closed = depth == 0
    content_end = line if closed else line + 1
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType, state.lineMax = "fenced_div", content_end
    token = state.push("fenced_div_open", "div", 1)
    token.block, token.map = True, [start_line, content_end]
    if opening.group(1) is not None:
        attributes.apply(token, attributes.parse(opening.group(1)))
    else:
        token.attrSet("class", opening.group(2))
    state.md.block.tokenize(state, start_line + 1, content_end)
    state.push("fenced_div_close", "div", -1).block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = content_end + (1 if closed else 0)
    return True
