"""markdown-it rules that find math: every delimiter our users' tools write, and not currency.

- `$...$`, and `$$...$$` in a sentence (kramdown's inline math) or on its own lines, via
  mdit-py-plugins' dollarmath with pandoc's rule (no space inside the dollars, no digit right
  after the closing one) plus ours: a `$` right after a letter or digit never opens math
  (`US$232`, `5$`);
- `\\(...\\)` and `\\[...\\]` inside a paragraph, also spanning lines (pandoc's exports), and
  `\\[ ... \\]` or `\\begin{env}...\\end{env}` as blocks of their own.

Tokens: `math_inline` (`$`, `\\(`), `math_inline_double` (`$$` or `\\[` inside a paragraph) and
`math_block`/`amsmath` (blocks). `math.py` turns their content into MathML.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

_CLOSERS = {"(": ")", "[": "]"}


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True,
                      allow_blank_lines=True, allow_labels=False)
    md.inline.ruler.at("math_inline", _dollar_rule())
    md.inline.ruler.before("escape", "math_backslash", _backslash_inline)
    md.block.ruler.before("fence", "math_backslash_block", _backslash_block)
    amsmath_plugin(md)


def _dollar_rule():
    """dollarmath's inline rule, refusing a `$` glued to the word before it."""
    dollars = math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)

    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "$":
            return False
        if state.pos > 0 and state.src[state.pos - 1].isalnum():
            return False
        return dollars(state, silent)

    return rule


def find_closing(src: str, start: int, closer: str, end: int | None = None) -> int:
    """Index of the backslash of the `\\)` or `\\]` closing math that starts at START, or -1.

    A backslash always takes the next character with it, so `\\\\` (a TeX line break) never
    closes anything.
    """
    end = len(src) if end is None else end
    position = start
    while position < end - 1:
        if src[position] == "\\":
            if src[position + 1] == closer:
                return position
            position += 2
        else:
            position += 1
    return -1


def _looks_like_escaped_brackets(content: str) -> bool:
    """`\\[1\\]` or `\\[3, 4\\]` is Markdown escaping a citation, not an equation."""
    return not content.strip() or content.replace(",", "").replace(" ", "").isdigit()


def _backslash_inline(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "\\" or start + 1 >= state.posMax or src[start + 1] not in _CLOSERS:
        return False
    if start > 0 and src[start - 1].isalnum():
        return False  # `array\[i\]`: escaped brackets after a word
    opener = src[start + 1]
    close = find_closing(src, start + 2, _CLOSERS[opener], state.posMax)
    if close < 0:
        return False
    content = src[start + 2:close]
    if _looks_like_escaped_brackets(content):
        return False
    if not silent:
        token = state.push("math_inline" if opener == "(" else "math_inline_double", "math", 0)
        token.content = content
        token.markup = "\\" + opener
    state.pos = close + 2
    return True


def _backslash_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`\\[` opening a block: display math up to the line ending in `\\]`."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", begin):
        return False
    close = find_closing(state.src, begin + 2, "]")
    if close < 0:
        return False
    line = start_line
    while state.eMarks[line] < close:
        line += 1
        if line >= end_line or state.isEmpty(line):
            return False  # past the container, or a blank line before any `\]`
    if state.src[close + 2:state.eMarks[line]].strip():
        return False  # text after `\]`: a paragraph that starts with math, not a block
    if _looks_like_escaped_brackets(state.src[begin + 2:close]):
        return False
    if silent:
        return True
    lines = [state.src[state.bMarks[n] + state.tShift[n]:state.eMarks[n]]
             for n in range(start_line, line + 1)]
    lines[0] = lines[0][2:]
    lines[-1] = lines[-1].rstrip()[:-2]
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = "\n".join(lines)
    token.markup = "\\["
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True
