"""Pandoc's table captions, as Quarto labels them: `: Caption {#tbl-x}` (or `Table: ...`) on a
line just before or after a pipe table is its <caption> and `tbl-x` its id (crossrefs.py
numbers it). Written right under the table, the line is read by GFM as one more row; after a
paragraph and a blank line, as a definition: both are taken back here. Only a line with a
`{#tbl-...}` label is a caption, so a note without one renders as it always did.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

_TABLE_CAPTION = re.compile(r"\{#(tbl-[^\s{}]+)[^{}\n]*\}[ \t]*\Z")
_CAPTION_LEAD = re.compile(r"(?:Table)?:[ \t]+")
BlockRule = Callable[[StateBlock, int, int, bool], bool]


def table_captions_plugin(md: MarkdownIt) -> None:
    """Keep the definition list rule (when there is one) off caption lines."""
    deflist = next((rule for rule in md.block.ruler.__rules__ if rule.name == "deflist"), None)
    if deflist is not None:
        md.block.ruler.at("deflist", _not_a_caption(deflist.fn), {"alt": list(deflist.alt)})


def _not_a_caption(deflist: BlockRule) -> BlockRule:
    """The definition list rule, declining where its first definition is a table's caption
    line (`Text`, a blank line, `: Caption {#tbl-x}` is a paragraph and a caption)."""

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        line = start + 1
        if not silent and line < end and state.isEmpty(line):
            line += 1
        if not silent and line < end:
            text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
            if "{#tbl-" in text and _CAPTION_LEAD.match(text) and _TABLE_CAPTION.search(text):
                return False
        return deflist(state, start, end, silent)

    return rule


def caption_table(tokens: list[Token], index: int) -> tuple[int, Token | None]:
    """A labelled caption line before or after the table at INDEX (or in its last row, written
    right under it) -> the table's id and <caption>: the index of the table_open token, moved
    or not, and the caption's inline token (None: no caption line)."""
    close = index
    while tokens[close].type != "table_close":
        close += 1
    # pandoc's order: a caption before the table, else one after it
    caption = _caption_before(tokens, index) or _caption_after(tokens, close)
    if caption is None:
        caption = _caption_row(tokens, index, close)
    if caption is None:
        return index, None
    inline, label, (start, end) = caption
    del tokens[start:end]
    if start < index:
        index -= end - start
    table = tokens[index]
    table.attrSet("id", label)
    opening = Token("caption_open", "caption", 1, block=True, level=table.level + 1)
    closing = Token("caption_close", "caption", -1, block=True, level=table.level + 1)
    tokens[index + 1:index + 1] = [opening, inline, closing]
    return index, inline


_Caption = tuple[Token, str, tuple[int, int]]  # inline token, label, token range to remove


def _caption_after(tokens: list[Token], close: int) -> _Caption | None:
    return _caption_paragraph(tokens, close + 1, tokens[close].level)


def _caption_before(tokens: list[Token], index: int) -> _Caption | None:
    if index < 3:
        return None
    return _caption_paragraph(tokens, index - 3, tokens[index].level)


def _caption_paragraph(tokens: list[Token], start: int, level: int) -> _Caption | None:
    if start + 2 >= len(tokens) or tokens[start].type != "paragraph_open" or \
            tokens[start].level != level or tokens[start + 2].type != "paragraph_close":
        return None
    found = _caption_of(tokens[start + 1])
    return None if found is None else (found[0], found[1], (start, start + 3))


def _caption_row(tokens: list[Token], index: int, close: int) -> _Caption | None:
    """The table's last body row, when its first cell alone holds a caption line."""
    if tokens[close - 1].type != "tbody_close":
        return None
    row_end = close - 2
    row_start = row_end
    while tokens[row_start].type != "tr_open":
        row_start -= 1
    cells = [t for t in tokens[row_start:row_end] if t.type == "inline"]
    if not cells or any(cell.content.strip() for cell in cells[1:]):
        return None
    found = _caption_of(cells[0])
    if found is None:
        return None
    start, end = row_start, row_end + 1
    if tokens[start - 1].type == "tbody_open" and tokens[end].type == "tbody_close":
        start, end = start - 1, end + 1  # it was the only row
    return found[0], found[1], (start, end)


def _caption_of(inline: Token) -> tuple[Token, str] | None:
    """INLINE, when it is a caption line, without its `:` and label; and the label."""
    content = inline.content
    lead = _CAPTION_LEAD.match(content)
    label = _TABLE_CAPTION.search(content) if lead and "{#tbl-" in content else None
    children = inline.children or []
    if label is None or not children or children[0].type != "text" or \
            children[-1].type != "text":
        return None
    first, last = children[0], children[-1]
    trailing = _TABLE_CAPTION.search(last.content)
    leading = _CAPTION_LEAD.match(first.content)
    if trailing is None or leading is None:
        return None
    last.content = last.content[:trailing.start()].rstrip()
    first.content = first.content[leading.end():]
    inline.children = [c for c in children if c.type != "text" or c.content]
    return inline, label.group(1)
