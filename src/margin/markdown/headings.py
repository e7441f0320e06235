"""Heading ids (stable, de-duplicated), their `#` anchor links, and the table of contents.

The id is the heading text's slug (`slugify(text, "section")`, the same one wikilinks use for
`[[note#Heading]]`); a second heading with the same text gets `-1`, then `-2`. An id written
by the author (`{#id}`) is kept and never given to another heading. A heading with the class
`no_toc` (kramdown's) stays out of the table of contents.

A Jekyll note's links were written against kramdown's ids, which differ from ours ('1. Intro'
is `intro` there, `1-intro` here; 'A & B' is `a--b`), and a Hugo or Quartz note's against
GitHub-style ids ('A & B' is `a--b`, 'snake_case' keeps its underscore): where they differ,
the heading also carries the tool's id, on an empty element at its start, so `#intro` still
lands on it.
"""

from __future__ import annotations

import html
import re

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from margin.load.collections import kind_of
from margin.markdown.math import to_mathml
from margin.markdown.mathtext import math_text
from margin.markdown.state import BodyState
from margin.slugs import slugify

ANCHOR_TOKEN = "heading_anchor"


def heading_text(inline: Token, *, readable_math: bool = False) -> str:
    """The words of a heading: text, code and math, no markup, no anchors. Math is its TeX
    (which heading ids are made from, so they stay as they were), or with READABLE_MATH, the
    Unicode text it reads as (for the table of contents)."""
    parts = []
    for child in inline.children or []:
        if child.meta.get("anchor"):
            break
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type.startswith("math"):
            parts.append(_math_words(child.content) if readable_math else child.content)
    return " ".join("".join(parts).split())


def _math_words(tex: str) -> str:
    result = to_mathml(tex, display=False)
    return tex if result.error else math_text(result.html)


def number_headings(tokens: list[Token], state: BodyState) -> None:
    taken = {str(t.attrGet("id")) for t in tokens if t.type == "heading_open" and t.attrGet("id")}
    foreign = _FOREIGN_IDS.get(kind_of(state.context.collections, state.note.key))
    used: dict[str, int] = {}  # the tool's ids so far -> repeats
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        text = heading_text(inline)
        identifier = token.attrGet("id")
        alias = None
        if not identifier:
            identifier = _unique(slugify(text, "section"), taken)
            token.attrSet("id", identifier)
            if foreign is not None:
                alias = _repeated(foreign(inline.content, text), used)
        identifier = str(identifier)
        if alias is not None and alias != identifier and alias not in taken:
            taken.add(alias)
            inline.children = [_alias(alias), *(inline.children or [])]
        inline.children = [*(inline.children or []), _anchor(identifier)]
        if "no_toc" not in str(token.attrGet("class") or "").split():
            if any(child.type.startswith("math") for child in inline.children or ()):
                text = heading_text(inline, readable_math=True)
            state.toc.append((int(token.tag[1]), identifier, text))


_KRAMDOWN_LEAD = re.compile(r"^[^a-zA-Z]+")
_KRAMDOWN_DROPPED = re.compile(r"[^a-zA-Z0-9 -]")
_GITHUB_DROPPED = re.compile(r"[^\w\- ]")


def _kramdown_id(raw: str, text: str) -> str:
    """kramdown's auto id from the heading as written: ASCII letters, digits, spaces (each a
    dash) and dashes, from the first letter on."""
    identifier = _KRAMDOWN_DROPPED.sub("", _KRAMDOWN_LEAD.sub("", raw))
    return identifier.replace(" ", "-").lower() or "section"


def _github_id(raw: str, text: str) -> str:
    """Goldmark's (Hugo) and github-slugger's (Quartz) id from the heading's words: lower case,
    punctuation dropped, each space a dash."""
    return _GITHUB_DROPPED.sub("", text.lower()).replace(" ", "-") or "heading"


_FOREIGN_IDS = {"jekyll": _kramdown_id, "hugo": _github_id, "quartz": _github_id}


def _repeated(identifier: str, used: dict[str, int]) -> str:
    """A repeat of IDENTIFIER gets `-1`, `-2`, as all three tools number them."""
    if identifier in used:
        used[identifier] += 1
        return f"{identifier}-{used[identifier]}"
    used[identifier] = 0
    return identifier


def _alias(identifier: str) -> Token:
    """An empty element holding another id for the heading it starts."""
    return Token("html_inline", "", 0, content=f'<span id="{escapeHtml(identifier)}"></span>')


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 0
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return candidate


def _anchor(identifier: str) -> Token:
    """The `#` link after a heading's words, one token drawn by render_anchor."""
    return Token(ANCHOR_TOKEN, "a", 0, meta={"anchor": True, "id": identifier})


def render_anchor(self, tokens: list[Token], index: int, options, env) -> str:
    """markdown-it render rule for the anchor: a space and the link, as markdown-it would draw
    them from text, link_open, html_inline and link_close tokens (four times the work)."""
    href = escapeHtml(f"#{tokens[index].meta['id']}")
    # data-pagefind-ignore: the `#` is not a word of the heading in search
    return f' <a class="header-anchor" href="{href}" data-pagefind-ignore="all">#</a>'


def toc_html(entries: list[tuple[int, str, str]]) -> str:
    """A nested list of links for the headings ENTRIES, as `{:toc}` or `[TOC]` places it."""
    if not entries:
        return ""
    out = ['<nav class="toc toc-inline" aria-label="Contents">\n<ol>\n']
    open_levels: list[int] = []  # the heading level at each depth of nesting
    for level, identifier, text in entries:
        if open_levels and level > open_levels[-1]:
            out.append("\n<ol>\n")
            open_levels.append(level)
        else:
            if open_levels:
                out.append("</li>\n")
            while len(open_levels) > 1 and open_levels[-2] >= level:
                open_levels.pop()
                out.append("</ol>\n</li>\n")
            if open_levels:
                open_levels[-1] = level
            else:
                open_levels.append(level)
        out.append(f'<li><a href="#{html.escape(identifier)}">{html.escape(text)}</a>')
    out.append("</li>\n" + "</ol>\n</li>\n" * (len(open_levels) - 1))
    out.append("</ol>\n</nav>\n")
    return "".join(out)
