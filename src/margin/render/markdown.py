"""Note bodies -> HTML with markdown-it-py: CommonMark, tables, heading anchors, a table of contents."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from margin.model import Note, RenderedBody
from margin.slugs import slugify

SUMMARY_LENGTH = 220


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """One configured parser per process: building it costs more than rendering a short note."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    anchors_plugin(
        md, min_level=1, max_level=6, slug_func=lambda text: slugify(text, "section"),
        permalink=True, permalinkSymbol="#", permalinkSpace=True,
    )
    return md


def render_body(note: Note) -> RenderedBody:
    """The note's body as HTML, with its headings (for a table of contents) and a summary."""
    md = parser()
    env: dict = {}
    tokens = md.parse(note.body, env)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html=html, toc=_headings(tokens), summary=_first_paragraph(tokens))


def _headings(tokens: list[Token]) -> tuple[tuple[int, str, str], ...]:
    found = []
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "heading_open" and opening.attrGet("id"):
            found.append((int(opening.tag[1]), str(opening.attrGet("id")), _plain_text(inline)))
    return tuple(found)


def _first_paragraph(tokens: list[Token]) -> str:
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "paragraph_open":
            text = " ".join(_plain_text(inline).split())
            if text:
                return shorten(text)
    return ""


def _plain_text(inline: Token) -> str:
    return "".join(
        child.content for child in inline.children or ()
        if child.type in ("text", "code_inline", "softbreak") or child.type.startswith("math")
    ).replace("\n", " ")


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:—-")
    return cut + "…"
