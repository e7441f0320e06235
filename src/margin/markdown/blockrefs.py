"""Obsidian's block ids: a paragraph or list item ending with ` ^block-id` gets the id
`^block-id` (what `[[note#^block-id]]` links to), and the marker is not shown. A `^block-id`
alone after a block (Obsidian's way for callouts, quotes, lists and tables) gives that block
the id and is not shown either."""

from __future__ import annotations

import re

from markdown_it.token import Token

_MARKER = re.compile(r"[ \t]+\^([A-Za-z0-9-]+)[ \t]*$")
_HOLDERS = ("paragraph_open", "list_item_open")
_ALONE = re.compile(r"\^([A-Za-z0-9-]+)")


def has_block_ids(text: str) -> bool:
    """A cheap first look: only a body holding ' ^' can have one."""
    return " ^" in text or "\n^" in text


def mark_blocks(tokens: list[Token]) -> None:
    _mark_blocks_before(tokens)
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


def _mark_blocks_before(tokens: list[Token]) -> None:
    """Each paragraph of a lone `^block-id` taken out, its id given to the block before it."""
    dropped: set[int] = set()
    for index in range(1, len(tokens) - 2):
        opening, inline = tokens[index], tokens[index + 1]
        if opening.type != "paragraph_open" or inline.type != "inline" or \
                not _ALONE.fullmatch(inline.content.strip()):
            continue
        block = _block_before(tokens, index)
        if block is None:
            continue
        if block.attrGet("id") is None:
            block.attrSet("id", inline.content.strip())
        dropped.update((index, index + 1, index + 2))
    if dropped:
        tokens[:] = [token for position, token in enumerate(tokens) if position not in dropped]


def _block_before(tokens: list[Token], index: int) -> Token | None:
    """The opening token of the block that ends right before INDEX, at its level."""
    last = tokens[index - 1]
    if last.nesting == 0:
        return last if last.block and last.level == tokens[index].level else None
    if last.nesting != -1 or last.level != tokens[index].level:
        return None
    for position in range(index - 2, -1, -1):
        if tokens[position].level == last.level and tokens[position].nesting == 1:
            return tokens[position]
    return None


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
