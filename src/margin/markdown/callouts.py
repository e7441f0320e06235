"""Callouts, as GitHub and Obsidian write them: `> [!note] Optional title`.

    > [!warning] Mind the gap
    > Body text.

becomes `<div class="callout callout-warning" data-callout="warning">` holding a
`<p class="callout-title">` and the body. Obsidian's foldable forms `[!tip]-` (closed) and
`[!tip]+` (open) become `<details>` with the title as `<summary>`. Any type word works; the
usual aliases map to the five kinds the theme colours (note, tip, important, warning, caution).
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from margin.markdown.state import matching_close

_MARKER = re.compile(r"^\[!([A-Za-z][\w-]*)\]([+-]?)[ \t]*")
KINDS = {
    "note": "note", "info": "note", "todo": "note", "abstract": "note", "summary": "note",
    "tldr": "note", "quote": "note", "cite": "note", "example": "note",
    "tip": "tip", "hint": "tip", "success": "tip", "check": "tip", "done": "tip",
    "important": "important", "question": "important", "help": "important", "faq": "important",
    "warning": "warning", "attention": "warning",
    "caution": "caution", "danger": "caution", "error": "caution", "failure": "caution",
    "fail": "caution", "missing": "caution", "bug": "caution",
}


def make_callouts(tokens: list[Token]) -> list[Token]:
    index = 0
    while index < len(tokens):
        if tokens[index].type == "blockquote_open":
            _convert(tokens, index)
        index += 1
    return tokens


def _convert(tokens: list[Token], opening: int) -> None:
    if opening + 2 >= len(tokens) or tokens[opening + 1].type != "paragraph_open":
        return
    inline = tokens[opening + 2]
    children = inline.children or []
    if not children or children[0].type != "text":
        return
    match = _MARKER.match(children[0].content)
    if not match:
        return
    closing = matching_close(tokens, opening)
    word, fold = match.group(1).lower(), match.group(2)
    kind = KINDS.get(word, word)

    # the title: the rest of the first line; the body: the lines after it
    first = children[0].copy()
    first.content = first.content[match.end():]
    title_children, body_children = [first], []
    for position, child in enumerate(children[1:], start=1):
        if child.type in ("softbreak", "hardbreak"):
            body_children = children[position + 1:]
            break
        title_children.append(child)
    if not "".join(c.content for c in title_children).strip() and all(
            c.type == "text" for c in title_children):
        title_children = [_text(word.replace("-", " ").capitalize())]

    folding = bool(fold)
    tag = "details" if folding else "div"
    box = Token("callout_open", tag, 1)
    if tokens[opening].attrGet("id"):  # an Obsidian block id written after the callout
        box.attrSet("id", tokens[opening].attrGet("id"))
    box.attrSet("class", f"callout callout-{kind}")
    box.attrSet("data-callout", word)
    if fold == "+":
        box.attrSet("open", "")
    box.map, box.level, box.block = tokens[opening].map, tokens[opening].level, True
    title_open = Token("callout_title_open", "summary" if folding else "p", 1)
    title_open.attrSet("class", "callout-title")
    title_open.block = True
    title = Token("inline", "", 0)
    # The tokens' source, not their text: later passes look for `$` and `\\` in it.
    first_line, _, rest = inline.content.partition("\n")
    title.children, title.map = title_children, inline.map
    title.content = first_line[match.end():] if title_children[0] is first else ""
    title_close = Token("callout_title_close", "summary" if folding else "p", -1)
    title_close.block = True
    end = Token("callout_close", tag, -1)
    end.block = True

    tokens[closing] = end
    if body_children:
        inline.children = body_children
        inline.content = rest
        tokens[opening:opening + 1] = [box, title_open, title, title_close]
    else:  # the marker line was the whole first paragraph
        tokens[opening:opening + 4] = [box, title_open, title, title_close]




def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
