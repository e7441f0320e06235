"""`![[note]]` and `![[note#Heading]]`: another note's rendered body (or one section of it), in
a box linked to its page, as Obsidian shows an embedded note.

The embedded note is rendered from its own folder (its links and images resolve as on its own
page), with its own warnings left to its own page. A note that would end up inside itself
(A embeds B embeds A) is shown as a link, with a warning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown_it.token import Token

from margin import urls
from margin.index.text import code_free_lines
from margin.markdown.math import to_mathml
from margin.markdown.state import BodyState
from margin.markdown.wikilinks import EMBED_TOKEN, math_pieces
from margin.model import Note, RenderedBody
from margin.slugs import slugify

# render(note, text, state): the body of NOTE made of TEXT, inside the note STATE renders
Render = Callable[[Note, str, BodyState], RenderedBody]

EMBED_LOOP = "notes embedded in a loop"
MAX_DEPTH = 8  # embeds inside embeds: past this, a link (however the notes are arranged)
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def embed_notes(tokens: list[Token], state: BodyState, render: Render) -> None:
    """Fill every `note_embed` token with the embedded note's HTML; a paragraph holding only an
    embed loses its <p> (the embed is a block of its own)."""
    for index, token in enumerate(tokens):
        children = token.children
        if token.type != "inline" or not children or all(c.type != EMBED_TOKEN
                                                         for c in children):
            continue
        boxes = 0
        for child in children:
            if child.type == EMBED_TOKEN:
                child.meta["html"] = _embedded(child.meta, state, render, _line(tokens, index))
                boxes += child.meta["html"].startswith("<div")
        if not boxes or not index or tokens[index - 1].type != "paragraph_open":
            continue
        shown = [c for c in children if c.type not in ("text", "softbreak") or c.content.strip()]
        if len(shown) == 1:  # the embed alone: a block of its own
            tokens[index - 1].hidden = tokens[index + 1].hidden = True
        else:  # text around it: a <p> cannot hold the box, a <div> can
            tokens[index - 1].tag = tokens[index + 1].tag = "div"


def render_embed(self, tokens: list[Token], index: int, options, env) -> str:
    """The markdown-it render rule of a `note_embed` token."""
    return tokens[index].meta.get("html") or html.escape(tokens[index].meta.get("text", ""))


def _line(tokens: list[Token], index: int) -> int | None:
    for position in range(index, -1, -1):
        if tokens[position].map:
            return tokens[position].map[0]
    return None


def _embedded(meta: dict, state: BodyState, render: Render, line: int | None) -> str:
    key, heading = meta["key"], meta["heading"]
    context = state.context
    note = context.notes.get(key)
    url = context.permalinks.get(key)
    if note is None or url is None:
        return ""
    shown = "".join(to_mathml(piece, display=False, settings=context.math).html if is_math
                    else html.escape(piece) for is_math, piece in math_pieces(meta["text"]))
    link = (f'<a class="wikilink" href="{html.escape(urls.with_prefix(context.prefix, url))}">'
            f"{shown}</a>")
    chain = (*state.chain, state.note.key)
    if key in chain or len(chain) > MAX_DEPTH:
        if key == chain[0]:  # said once, on the page of the note that would hold itself
            loop = " -> ".join((*chain, key))
            state.warn(line, f"{EMBED_LOOP}: {loop}; linked instead")
        return link
    text = note.body if not heading else section(note.body, heading)
    if text is None:
        what = f"block {heading}" if heading.startswith("^") else f"heading {heading!r}"
        state.warn(line, f"![[{meta['text']}]]: {key} has no {what}; linked instead")
        return link
    body = render(note, text, BodyState(note, context, chain=chain))
    for problem in body.diagnostics:  # the embedded note's own are said on its own page
        if problem.message.startswith(EMBED_LOOP):
            state.warn(line, problem.message)
    state.embeds.extend(k for k in (key, *body.embeds) if k not in state.embeds)
    for asset in body.assets:
        state.assets.setdefault(asset.path, asset)
    state.images.extend(body.images)
    return (f'<div class="embed" data-embed="{html.escape(key)}">'
            f'<p class="embed-source">{link}</p>\n{body.html}</div>\n')


def section(body: str, heading: str) -> str | None:
    """The part of BODY under HEADING (its text, or `^id` for a block), heading included;
    None when there is none."""
    lines = code_free_lines(body)
    originals = body.split("\n")
    if heading.startswith("^"):
        return _block(lines, originals, heading)
    wanted = slugify(heading, "")
    for number, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and slugify(found.group(2), "") == wanted:
            level = len(found.group(1))
            end = number + 1
            while end < len(lines):
                other = _HEADING.match(lines[end])
                if other and len(other.group(1)) <= level:
                    break
                end += 1
            return "\n".join(originals[number:end])
    return None


def _block(lines: list[str], originals: list[str], marker: str) -> str | None:
    """The paragraph (or list item) ending with ` ^id`."""
    for number, line in enumerate(lines):
        if line.rstrip().endswith(" " + marker) or line.strip() == marker:
            start = number
            while (start > 0 and not _LIST_ITEM.match(lines[start]) and lines[start - 1].strip()
                   and not _HEADING.match(lines[start - 1])):
                start -= 1
            return "\n".join(originals[start : number + 1])
    return None
