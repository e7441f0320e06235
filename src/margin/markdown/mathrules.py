"""markdown-it rules that find math: every delimiter our users' tools write, and not currency.

- `$...$`, and `$$...$$` in a sentence (kramdown's inline math) or on its own lines, via
  mdit-py-plugins' dollarmath with pandoc's rule (no space inside the dollars, no digit right
  after the closing one) plus ours: a `$` right after a letter or digit never opens math
  (`US$232`, `5$`);
- `\\(...\\)` and `\\[...\\]` inside a paragraph, also spanning lines (pandoc's exports), and
  `\\[ ... \\]` or `\\begin{env}...\\end{env}` as blocks of their own;
- in Jekyll and Hugo collections, `\\\\(...\\\\)` and `\\\\[...\\\\]` (kramdown and Goldmark turn
  them into MathJax's and KaTeX's delimiters there), with the escapes `\\_`, `\\*`, `\\\\` inside;
- a `$` after CJK text opens math (only ASCII letters and digits glue it to a word); a
  closing `$` may follow a space when the content is unmistakably TeX (`\\`, `^`, `_`) and
  does not start like an amount (`$r < 2 \\log n $`);
- `$$` pairs with the next `$$` first: an environment inside an open `$$` belongs to it, `$$`
  alone on a line opens display math even inside a paragraph (Typora), and `$$a$$$$b$$` is
  two equations.

Tokens: `math_inline` (`$`, `\\(`), `math_inline_double` (`$$` or `\\[` inside a paragraph) and
`math_block`/`amsmath` (blocks). `math.py` turns their content into MathML.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

from margin.markdown.state import ENV_KEY

_CLOSERS = {"(": ")", "[": "]"}
_KRAMDOWN_ESCAPES = re.compile(r"\\([_*\\])")
_TEX_SIGNS = ("\\", "^", "_")


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True,
                      allow_blank_lines=True, allow_labels=False)
    md.inline.ruler.at("math_inline", _dollar_rule())
    md.inline.ruler.before("escape", "math_backslash", _backslash_inline)
    md.block.ruler.before("fence", "math_backslash_block", _backslash_block)
    md.block.ruler.at("math_block", _dollar_block,
                      {"alt": ["paragraph", "reference", "blockquote", "list"]})
    amsmath_plugin(md)
    md.block.ruler.at("amsmath", _outside_open_dollars(md.block.ruler.getRules("")),
                      {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _dollar_rule():
    """dollarmath's inline rule, refusing a `$` glued to the word before it, and taking a
    closing `$` after a space when what it closes is plainly TeX."""
    dollars = math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)

    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "$":
            return False
        if state.pos > 0 and state.src[state.pos - 1].isascii() and \
                state.src[state.pos - 1].isalnum():
            return False
        return dollars(state, silent) or _spaced_dollar(state, silent)

    return rule


def _spaced_dollar(state: StateInline, silent: bool) -> bool:
    """`$r < 2 \\log n $`: a space before the closing `$` (WordPress exports), taken only
    when the content holds a backslash, `^` or `_` and starts with no digit (not money)."""
    src, start = state.src, state.pos
    if src.startswith("$$", start) or start + 1 >= state.posMax or src[start + 1] in " \t\n$":
        return False
    close = src.find("$", start + 1, state.posMax)
    while close > 0 and src[close - 1] == "\\":
        close = src.find("$", close + 1, state.posMax)
    if close < 0 or (close + 1 < state.posMax and src[close + 1].isdigit()):
        return False
    content = src[start + 1:close]
    if content[0].isdigit() or not content[-1].isspace() or \
            not any(sign in content for sign in _TEX_SIGNS):
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = content
        token.markup = "$"
    state.pos = close + 1
    return True


def _dollar_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`$$` opening a block: display math up to the next `$$`, wherever it is (the first
    pairs first), then maybe `{#eq-x}` (Quarto) or another `$$` reopening on that line."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("$$", begin):
        return False
    if state.parentType == "paragraph" and (
            state.src[begin:state.eMarks[start_line]].strip() != "$$"
            or _opened_dollars(state, start_line)):
        return False  # only a `$$` alone on its line breaks a paragraph, and opens math
    pieces: list[tuple[str, str]] = []  # (content, label)
    line, opening = start_line, begin
    while True:
        found = _closing_dollars(state, opening + 2, line, end_line)
        if found is None:
            return False
        close, line = found
        content = state.src[opening + 2:close]
        after = state.src[close + 2:state.eMarks[line]]
        label = re.match(r"\s*\{#(eq-[\w:.-]+)\}\s*$", after)
        if after.startswith("$$") and after.strip() != "$$":
            pieces.append((content, ""))
            opening = close + 2
            continue
        if after.strip() and not label:
            return False  # text after the closing `$$`: a paragraph, kramdown's inline math
        pieces.append((content, label.group(1) if label else ""))
        break
    if silent:
        return True
    for content, label in pieces:
        if not content.strip():
            continue  # `$$$$`: nothing between the closing and the reopening dollars
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = content
        token.markup = "$$"
        token.map = [start_line, line + 1]
        if label:
            token.meta = {"label": label}
    state.line = line + 1
    return True


def _closing_dollars(state: StateBlock, position: int, line: int, end_line: int
                     ) -> tuple[int, int] | None:
    """(offset, line) of the `$$` closing display math opened before POSITION on LINE."""
    src = state.src
    while line < end_line:
        if position > state.eMarks[line]:
            line += 1
            if line >= end_line:
                return None
            position = state.bMarks[line] + state.tShift[line]
            if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
                return None  # the container ended
            continue
        close = src.find("$$", position, state.eMarks[line])
        while close > 0 and src[close - 1] == "\\":
            close = src.find("$$", close + 1, state.eMarks[line])
        if close >= 0:
            return close, line
        position = state.eMarks[line] + 1
    return None


def _outside_open_dollars(rules):
    """amsmath's block rule, except where it would break a paragraph that opened `$$`:
    Typora writes `$$` then `\\begin{align}` on the next line, and the environment is inside."""
    amsmath = next(rule for rule in rules if getattr(rule, "__name__", "") == "amsmath_block")

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if state.parentType == "paragraph" and _opened_dollars(state, start_line):
            return False
        return amsmath(state, start_line, end_line, silent)

    return rule


def _opened_dollars(state: StateBlock, line: int) -> bool:
    """Whether the paragraph lines before LINE (the nearest 50: Typora's `$$` is just above)
    hold an odd number of `$$`."""
    count = 0
    stop = max(0, line - 50)
    while line > stop and not state.isEmpty(line - 1):
        line -= 1
        count += state.src.count("$$", state.bMarks[line], state.eMarks[line])
    return count % 2 == 1


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
    if src[start] != "\\" or start + 1 >= state.posMax:
        return False
    if src[start + 1] == "\\":
        return _kramdown_inline(state, silent)
    if src[start + 1] not in _CLOSERS:
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
        _push_bracketed(state, opener, content)
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


def kramdown_unescaped(tex: str) -> str:
    """TeX that went through kramdown as Markdown text: its `\\_`, `\\*`, `\\\\` undone."""
    return _KRAMDOWN_ESCAPES.sub(r"\1", tex)


def _kramdown_inline(state: StateInline, silent: bool) -> bool:
    """`\\\\(x\\\\)` and `\\\\[x\\\\]`, in notes of Jekyll and Hugo collections only (their
    Markdown makes MathJax's delimiters of them; a margin note keeps its escapes)."""
    src, start = state.src, state.pos
    if start + 2 >= state.posMax or src[start + 2] not in _CLOSERS:
        return False
    body = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if body is None or body.tool not in ("jekyll", "hugo"):
        return False
    opener = src[start + 2]
    close = src.find("\\\\" + _CLOSERS[opener], start + 3, state.posMax)
    if close < 0:
        return False
    content = kramdown_unescaped(src[start + 3:close])
    if _looks_like_escaped_brackets(content):
        return False
    if not silent:
        _push_bracketed(state, opener, content)
    state.pos = close + 3
    return True


def _push_bracketed(state: StateInline, opener: str, content: str) -> None:
    """`\\(...\\)` as inline math, `\\[...\\]` as display: the one token both spellings make
    (margin's `\\(` and kramdown's doubled `\\\\(`)."""
    token = state.push("math_inline" if opener == "(" else "math_inline_double", "math", 0)
    token.content = content
    token.markup = "\\" + opener
