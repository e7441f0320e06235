"""The token pass that typesets every math token and reports the ones the engine refuses.

Display or inline: `$...$` and `\\(...\\)` are inline; `$$...$$` blocks, `\\[...\\]` and
environments are display; `$$...$$` inside a sentence stays inline (kramdown writes inline math
that way) unless it stands alone on its line, as an equation between two lines of a paragraph.

A note's expressions are typeset together, in order: `\\newcommand` in one holds for the note,
equations are numbered (1), (2)... and `\\eqref{x}`, `\\ref{x}` and Quarto's `@eq-x` (in the
text too) link to them. Quarto's `$$...$$ {#eq-x}` is a numbered equation labelled `eq-x`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from margin.markdown.highlight import language_of
from margin.markdown.htmlmath import may_hold_math, typeset_html
from margin.markdown.math import (
    MathResult,
    MathSettings,
    labels_of,
    render_all,
    unknown_labels,
    unlinked,
)
from margin.markdown.mathrules import kramdown_unescaped
from margin.markdown.mathtext import math_text
from margin.markdown.state import BodyState, block_line, lines_before
from margin.markdown.texmacros import DEFINITION, Macro, read_definitions

BLOCK_TYPES = ("math_block", "amsmath")
BREAKS = ("softbreak", "hardbreak")
SEARCH_TEXT_CLASS = "math-search-text"
_INLINE_TYPES = frozenset({"math_inline", "math_inline_double"})
_QUARTO_LABEL = re.compile(r"[ \t]*\{#(eq-[\w:.-]+)\}")
# References written in the text around the math.
_TEXT_REF = re.compile(r"\\(eqref|ref)\{([^{}\s]+)\}|(?<![\w@])@(eq-[\w:-]*\w)")


@dataclass
class _Math:
    token: Token
    display: bool
    line: int | None
    tex: str


def typeset_math(tokens: list[Token], state: BodyState) -> None:
    found = list(_math_tokens(tokens, state))
    settings = _with_note_macros(found, state)
    results = render_all([(m.tex, m.display) for m in found], settings,
                         [m.token.content for m in found]) if found else []
    for math, result in zip(found, results, strict=True):
        unknown = unknown_labels(result.html)
        for label in unknown:
            state.warn(math.line, f"math: no equation is labelled '{label}'")
        _place(math, MathResult(unlinked(result.html)) if unknown else result, state)
    labels = labels_of([r.html for r in results if not r.error and ' id="' in r.html])
    _link_text_references(tokens, labels, state)
    for token in tokens:
        if token.type == "html_block" and may_hold_math(token.content):
            _typeset_html_block(token, state, settings)


def _typeset_html_block(token: Token, state: BodyState, settings: MathSettings) -> None:
    original = token.content
    token.content, problems = typeset_html(original, settings)
    for offset, reason in problems:
        line = None if not token.map else token.map[0] + original.count("\n", 0, offset)
        state.warn(line, f"math: {reason}")


def _math_tokens(tokens: list[Token], state: BodyState) -> Iterator[_Math]:
    """Every math token of the note in reading order, display or not, with its body line."""
    for index, token in enumerate(tokens):
        if token.type == "fence" and language_of(token.info) == "math":
            token.type = "math_block"  # GitHub's ```math block
        if token.type in BLOCK_TYPES:
            label = token.meta.get("label")
            tex = _labelled(token.content, label) if label else token.content
            yield _Math(token, True, token.map[0] if token.map else None, tex)
        elif token.type == "inline" and token.children and (
                "$" in token.content or "\\" in token.content):
            yield from _inline_math(token, tokens, index, state.tool == "jekyll")


def _inline_math(inline: Token, tokens: list[Token], index: int, jekyll: bool
                 ) -> Iterator[_Math]:
    children = inline.children or []
    line, counted = block_line(tokens, index), 0
    for position, child in enumerate(children):
        if child.type not in _INLINE_TYPES:
            continue
        if line is not None:
            line += lines_before(children, position, counted)
            counted = position
        if child.type == "math_inline":
            tex = child.content
            if child.markup == "$" and "\\" in tex and jekyll:
                tex = kramdown_unescaped(tex)  # kramdown read `$x\_1$` as Markdown text
            yield _Math(child, False, line, tex)
            continue
        label = _quarto_label(children, position)
        if label:
            yield _Math(child, True, line, _labelled(child.content, label))
        else:
            display = child.markup == "\\[" or _alone_on_line(children, position)
            yield _Math(child, display, line, child.content)


def _labelled(tex: str, label: str) -> str:
    """Quarto's `$$...$$ {#eq-x}`: a numbered equation labelled eq-x."""
    return f"\\begin{{equation}}{tex}\\label{{{label}}}\\end{{equation}}"


def _quarto_label(children: list[Token], position: int) -> str:
    """`eq-x` when `{#eq-x}` follows the `$$...$$` at POSITION (taken out of the text)."""
    if position + 1 >= len(children) or children[position + 1].type != "text":
        return ""
    after = children[position + 1]
    match = _QUARTO_LABEL.match(after.content)
    if not match:
        return ""
    after.content = after.content[match.end():]
    return match.group(1)


def _with_note_macros(found: list[_Math], state: BodyState) -> MathSettings:
    """The site's settings plus the note's own definitions, taken out of its expressions."""
    settings = state.context.math
    defined: list[Macro] = []
    for math in found:
        if "\\" not in math.tex or not DEFINITION.search(math.tex):
            continue
        macros, rest, problems = read_definitions(math.tex)
        for problem in problems:
            state.warn(math.line, f"math: {problem}")
        defined.extend(macros)
        math.tex = rest
        if not rest.strip():
            math.token.meta = {**math.token.meta, "html": ""}  # definitions only: shows nothing
    return settings.with_macros(defined)


def _place(math: _Math, result: MathResult, state: BodyState) -> None:
    token = math.token
    if token.meta.get("html") == "" and not math.tex.strip():
        return
    state.math += 1
    if result.error:
        where = None if math.line is None else \
            math.line + token.content[: result.error_offset].count("\n")
        state.warn(where, f"math: {result.error}")
        shown = (f'<pre class="math-error">{result.html}</pre>' if token.type in BLOCK_TYPES
                 else result.html)
        text = token.content
    else:
        text = math_text(result.html)
        shown = searchable(result.html, text)
    # For snippets (markdown/snippets.py): the MathML, and the text where only text fits.
    token.meta = {**token.meta, "mathml": result.html, "text": text,
                  "html": shown + ("\n" if token.block else "")}


def searchable(mathml: str, text: str) -> str:
    """MATHML as the search index reads it: Pagefind passes over the MathML (whose elements'
    text would run together, the TeX annotation after it) and reads TEXT from a hidden span,
    which no browser shows (feeds leave it out: pages/feeds.py)."""
    if not mathml.startswith("<math"):
        return mathml
    return (f"<math data-pagefind-ignore{mathml[5:]}"
            f'<span class="{SEARCH_TEXT_CLASS}" hidden>{html.escape(text)}</span>')


def _link_text_references(tokens: list[Token], labels: dict[str, str], state: BodyState
                          ) -> None:
    """`\\eqref{x}`, `\\ref{x}` and `@eq-x` in the text -> links to equation x, its number."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children or not (
                "ref{" in token.content or "@eq-" in token.content):
            continue
        children: list[Token] = []
        line = block_line(tokens, index)
        for position, child in enumerate(token.children):
            if child.type == "text" and _TEXT_REF.search(child.content):
                where = None if line is None else line + lines_before(token.children, position)
                children.extend(_linked(child, labels, state, where))
            else:
                children.append(child)
        token.children = children


def _linked(text: Token, labels: dict[str, str], state: BodyState, line: int | None
            ) -> list[Token]:
    out: list[Token] = []
    position = 0
    for match in _TEXT_REF.finditer(text.content):
        kind, label = (match.group(1), match.group(2)) if match.group(2) else ("quarto",
                                                                                match.group(3))
        if label not in labels:
            state.warn(line, f"math: no equation is labelled '{label}'")
            continue
        number = html.escape(labels[label])
        shown = {"eqref": f"({number})", "ref": number, "quarto": f"Equation {number}"}[kind]
        out.append(_text(text.content[position:match.start()]))
        link = Token("html_inline", "", 0)
        link.content = f'<a class="eqref" href="#{html.escape(label)}">{shown}</a>'
        out.append(link)
        position = match.end()
    out.append(_text(text.content[position:]))
    return [t for t in out if t.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


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
    html_ = token.meta.get("html")
    return html_ if html_ is not None else html.escape(token.content)
