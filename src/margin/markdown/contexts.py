"""The sentence a backlink or a paper page shows, when the linking note's body does not hold it.

A body's contexts come from its parsed paragraphs (markdown/snippets.py contexts_of). A link the
parse does not show as one (inside raw HTML) or a paper named in front matter has none there;
for those the index keeps the passage around the spot, with MARK where it stands
(index/text.py passage_around), and here it is parsed as inline Markdown, its math typeset,
and the sentence holding MARK cut out of it.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it.token import Token

from margin.markdown.body import parser
from margin.markdown.math import to_mathml
from margin.markdown.mathtext import math_text
from margin.markdown.snippets import Snippet, atoms_of, sentence_with_mark
from margin.markdown.wikilinks import ENV_KEY


class _AnyNote:
    """Stands in for the wikilink resolver: a context shows a wikilink's label as text, so
    whatever the name, it is a link (to no URL in particular)."""

    urls = {"": ""}  # noqa: RUF012 (read only)

    @staticmethod
    def lookup(target: str) -> tuple[str, tuple[str, ...]]:
        return "", ()


@lru_cache(maxsize=8192)
def context_snippet(passage: str) -> Snippet:
    """The sentence of PASSAGE holding MARK, as HTML and as text."""
    tokens = parser().parseInline(passage, {ENV_KEY: _AnyNote()})
    children = (tokens[0].children or []) if tokens else []
    for child in children:
        if child.type.startswith("math"):
            _typeset(child)
    return sentence_with_mark(atoms_of(children))


def _typeset(token: Token) -> None:
    """The MathML and the text of the math TOKEN, in its meta (as markdown/equations.py puts
    them); math the engine refuses shows as its source, in the HTML as in the text."""
    result = to_mathml(token.content, display=False)
    text = token.content if result.error else math_text(result.html)
    token.meta = {**token.meta, "mathml": result.html, "text": text}
