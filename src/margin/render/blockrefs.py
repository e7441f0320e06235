"""Obsidian's block ids: a paragraph or list item ending with ` ^block-id` gets the id
`^block-id` (what `[[note#^block-id]]` links to), and the marker is not shown."""

from __future__ import annotations

import re

from markdown_it.token import Token

_MARKER = re.compile(r"[ \t]+\^([A-Za-z0-9-]+)[ \t]*$")
_HOLDERS = ("paragraph_open", "list_item_open")


def has_block_ids(text: str) -> bool:
    """A cheap first look: only a body holding ' ^' can have one."""
    return " ^" in text


def mark_blocks(tokens: list[Token]) -> None:
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children or "^" not in token.content:
            continue
        last = token.children[-1]
        found = _MARKER.search(last.content) if last.type == "text" else None
        if found is None:
            continue
        last.content = last.content[: found.start()]
        holder = _holder(tokens, index)
        if holder is not None and holder.attrGet("id") is None:
            holder.attrSet("id", "^" + found.group(1))


def _holder(tokens: list[Token], index: int) -> Token | None:
    """The block the inline at INDEX belongs to: its paragraph, or the list item of a tight
    list's hidden paragraph (whose tags are never written)."""
    for position in range(index - 1, -1, -1):
        token = tokens[position]
        if token.type in _HOLDERS and not token.hidden:
            return token
        if token.nesting == -1:
            return None
    return None
