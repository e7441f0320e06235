"""The token pass that typesets every math token and reports the ones the engine refuses.

Display or inline: `$...$` and `\\(...\\)` are inline; `$$...$$` blocks, `\\[...\\]` and
environments are display; `$$...$$` inside a sentence stays inline (kramdown writes inline math
that way) unless it stands alone on its line, as an equation between two lines of a paragraph.
"""

from __future__ import annotations

import html

from markdown_it.token import Token

from margin.render.highlight import language_of
from margin.render.math import to_mathml
from margin.render.mathtext import math_text
from margin.render.state import BodyState, inline_children

BLOCK_TYPES = ("math_block", "amsmath")
BREAKS = ("softbreak", "hardbreak")
SEARCH_TEXT_CLASS = "math-search-text"
_INLINE_TYPES = frozenset({"math_inline", "math_inline_double"})


def typeset_math(tokens: list[Token], state: BodyState) -> None:
    for token in tokens:
        if token.type == "fence" and language_of(token.info) == "math":
            token.type = "math_block"  # GitHub's ```math block
        if token.type in BLOCK_TYPES:
            _typeset(token, display=True, state=state,
                     line=token.map[0] if token.map else None)
    for inline, position, child, line in inline_children(tokens, _INLINE_TYPES):
        if child.type == "math_inline":
            _typeset(child, display=False, state=state, line=line)
        elif child.type == "math_inline_double":
            display = child.markup == "\\[" or _alone_on_line(inline.children or [], position)
            _typeset(child, display=display, state=state, line=line)


def _typeset(token: Token, *, display: bool, state: BodyState, line: int | None) -> None:
    """Put the token's HTML in its meta, and for snippets its MathML and its text (the source,
    for math the engine refuses)."""
    state.math += 1
    result = to_mathml(token.content, display=display)
    if result.error:
        where = None if line is None else line + token.content[: result.error_offset].count("\n")
        state.warn(where, f"math: {result.error}")
        shown = (f'<pre class="math-error">{result.html}</pre>' if token.type in BLOCK_TYPES
                 else result.html)
        text = token.content
    else:
        text = math_text(result.html)
        shown = searchable(result.html, text)
    token.meta = {**token.meta, "mathml": result.html, "text": text,
                  "html": shown + ("\n" if token.block else "")}


def searchable(mathml: str, text: str) -> str:
    """MATHML as the search index reads it: Pagefind passes over the MathML (whose elements'
    text would run together, the TeX annotation after it) and reads TEXT from a hidden span,
    which no browser shows (feeds leave it out: render/feeds.py)."""
    if not mathml.startswith("<math"):
        return mathml
    return (f"<math data-pagefind-ignore{mathml[5:]}"
            f'<span class="{SEARCH_TEXT_CLASS}" hidden>{html.escape(text)}</span>')


def _alone_on_line(children: list[Token], position: int) -> bool:
    def blank(token: Token) -> bool:
        return token.type == "text" and not token.content.strip()

    before = position - 1
    while before >= 0 and blank(children[before]):
        before -= 1
    after = position + 1
    while after < len(children) and blank(children[after]):
        after += 1
    return ((before < 0 or children[before].type in BREAKS)
            and (after >= len(children) or children[after].type in BREAKS))


def render_math(self, tokens: list[Token], index: int, options, env) -> str:
    """markdown-it render rule for every math token: the HTML typeset_math stored."""
    token = tokens[index]
    return token.meta.get("html") or html.escape(token.content)
