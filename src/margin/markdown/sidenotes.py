"""Footnotes as sidenotes: a copy of each footnote's text right after its first reference.

The footnote plugin lists the footnotes at the end of the note. A footnote made of paragraphs
and referenced from a paragraph also gets a `<span class="sidenote" hidden>` copy there, which
the theme's CSS floats into the right margin on wide screens (Tufte's layout), hiding the end
list's item instead; narrow screens, feeds, search and readers without CSS keep the end list
only: the copy is `hidden`, ignored by Pagefind and dropped from feeds (without_sidenotes).
A footnote holding lists, code or display math, or referenced from a table or a heading,
stays in the end list, where wide screens show it too.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

SIDENOTE_TOKEN = "sidenote"
SIDENOTE_CLASS = "sidenote"
_BESIDE = "margin_beside"  # footnote_open's meta: this footnote is shown as a sidenote
_PARAGRAPH_PARTS = frozenset({"paragraph_open", "inline", "footnote_anchor", "paragraph_close"})
_SPAN_TAGS = re.compile(r"<(/?)span\b")


def sidenotes_plugin(md: MarkdownIt) -> None:
    """Render rules for the sidenote copies and the end list's classes (add_sidenotes marks)."""
    plain_item, plain_list = md.renderer.rules["footnote_open"], \
        md.renderer.rules["footnote_block_open"]

    def footnote_open(self, tokens: list[Token], index: int, options, env) -> str:
        html = plain_item(tokens, index, options, env)
        if tokens[index].meta.get(_BESIDE):
            html = html.replace('class="footnote-item"',
                                'class="footnote-item footnote-item--beside"', 1)
        return html

    def footnote_block_open(self, tokens: list[Token], index: int, options, env) -> str:
        html = plain_list(tokens, index, options, env)
        if tokens[index].meta.get(_BESIDE):  # every footnote is beside the text
            html = html.replace('class="footnotes-sep', 'class="footnotes-sep footnotes--beside', 1)
            html = html.replace('class="footnotes"', 'class="footnotes footnotes--beside"', 1)
        return html

    md.add_render_rule("footnote_open", footnote_open)
    md.add_render_rule("footnote_block_open", footnote_block_open)
    md.add_render_rule(SIDENOTE_TOKEN, _render_sidenote)


def add_sidenotes(tokens: list[Token]) -> None:
    """Put a sidenote token after the first reference to each footnote that can be one (the
    last pass before rendering: the footnote's own tokens have been through every other)."""
    block = next((i for i in range(len(tokens) - 1, -1, -1)
                  if tokens[i].type == "footnote_block_open"), None)  # the list is last
    if block is None:
        return
    footnotes = _paragraph_footnotes(tokens, block)
    placed: set[int] = set()
    for index in range(1, block):
        token = tokens[index]
        if token.type != "inline" or tokens[index - 1].type != "paragraph_open" \
                or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            children.append(child)
            number = child.meta.get("id") if child.type == "footnote_ref" else None
            if number in footnotes and number not in placed:
                placed.add(number)
                opening, paragraphs = footnotes[number]
                opening.meta[_BESIDE] = True
                sidenote = Token(SIDENOTE_TOKEN, "", 0)
                sidenote.meta = {"number": number + 1, "paragraphs": paragraphs}
                children.append(sidenote)
        if len(children) != len(token.children):
            token.children = children
    if placed and placed == _all_footnotes(tokens, block):
        tokens[block].meta[_BESIDE] = True


def _paragraph_footnotes(tokens: list[Token], block: int) -> dict[int, tuple[Token, list[Token]]]:
    """Footnote id -> (its footnote_open token, its paragraphs' inline tokens), for the
    footnotes made of paragraphs only (a sidenote sits inside a paragraph: phrasing only)."""
    found: dict[int, tuple[Token, list[Token]]] = {}
    opening: Token | None = None
    paragraphs: list[Token] = []
    fits = True
    for token in tokens[block + 1:]:
        if token.type == "footnote_open":
            opening, paragraphs, fits = token, [], True
        elif token.type == "footnote_close":
            if opening is not None and fits and paragraphs:
                found[opening.meta["id"]] = (opening, paragraphs)
            opening = None
        elif opening is not None:
            if token.type not in _PARAGRAPH_PARTS or _cites_footnote(token):
                fits = False  # (a reference copied would repeat its id)
            elif token.type == "inline":
                paragraphs.append(token)
    return found


def _cites_footnote(token: Token) -> bool:
    return any(child.type == "footnote_ref" for child in token.children or ())


def _all_footnotes(tokens: list[Token], block: int) -> set[int]:
    return {t.meta["id"] for t in tokens[block + 1:] if t.type == "footnote_open"}


def _render_sidenote(self, tokens: list[Token], index: int, options, env) -> str:
    meta = tokens[index].meta
    parts = [self.renderInline(paragraph.children or [], options, env)
             for paragraph in meta["paragraphs"]]
    number = f'<span class="sidenote__number">{meta["number"]}</span> '
    body = "".join(f'<span class="sidenote__para">{number if not i else ""}{part}</span>'
                   for i, part in enumerate(parts))
    return f'<span class="{SIDENOTE_CLASS}" role="note" hidden data-pagefind-ignore>{body}</span>'


def without_sidenotes(html: str) -> str:
    """HTML less its sidenote copies (a feed reader may show what `hidden` hides)."""
    opening = f'<span class="{SIDENOTE_CLASS}" '
    start = html.find(opening)
    if start < 0:
        return html
    kept: list[str] = []
    done = 0
    while start >= 0:
        kept.append(html[done:start])
        done = _span_end(html, start)
        start = html.find(opening, done)
    kept.append(html[done:])
    return "".join(kept)


def _span_end(html: str, start: int) -> int:
    """Where the span opening at START closes (counting the spans inside it), or the end."""
    depth = 0
    for tag in _SPAN_TAGS.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html.index(">", tag.end()) + 1
    return len(html)
