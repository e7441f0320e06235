"""kramdown attribute lists and table-of-contents markers, applied to the tokens.

- `{: .class #id key="value"}` on a line of its own applies to the block just before it (no
  blank line between), else to the block after it; at the end of a paragraph, to the
  paragraph; right after an emphasis, link, image or code span, to that element.
- `## Heading {#id .class}` (kramdown, pandoc, Hugo) sets the heading's id and classes.
- `{: .class}` on the line after a table (which GFM would read as one more row) applies to
  the table.
- `{:toc}` (usually as `* TOC` + `{:toc}`) and a paragraph `[TOC]` place the table of
  contents there; a heading with the class `no_toc` is left out of it.
Attribute lines never show as text: what cannot be applied is dropped.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from margin.markdown.state import BodyState, matching_close

_IAL_LINE = re.compile(r"^\{:(?!:)\s*([^{}]*?)\s*\}$")
_ALD_LINE = re.compile(r"^\{:[\w-]+:[^{}]*\}$")  # an attribute list definition: nothing to show
_SPAN_IAL = re.compile(r"^\{:(?!:)\s*([^{}\n]*?)\s*\}")
# `#id .class key=value ...`, as kramdown's headings and pandoc write attributes in braces
_ATTRS = r"((?:\s*[#.][\w:-]+|\s*[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))+)\s*\}"
_HEADING_ATTRS = re.compile(r"\s*\{" + _ATTRS + r"\s*$")
_PANDOC_ATTRS = re.compile(r"\{" + _ATTRS)
_BRACKETED_SPAN = re.compile(r"\[([^\[\]\n]+)\]\{" + _ATTRS)
_PART = re.compile(r"""([#.])([\w:-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|([^\s}]+))|([\w-]+)""")
_TOC_MARKER = re.compile(r"^\[toc\]$", re.IGNORECASE)
TOC_TOKEN = "toc_placeholder"


def parse(text: str) -> list[tuple[str, str]]:
    """'.wide #fig-1 data-x="1" toc' -> [('class','wide'), ('id','fig-1'), ('data-x','1'),
    ('toc', '')]; a bare word (kramdown's reference to a definition) keeps an empty value."""
    found = []
    for match in _PART.finditer(text):
        if match.group(1):
            found.append(("class" if match.group(1) == "." else "id", match.group(2)))
        elif match.group(3):
            value = next(v for v in match.group(4, 5, 6) if v is not None)
            found.append((match.group(3).lower(), value))
        else:
            found.append((match.group(7), ""))
    return found


def apply(token: Token, attributes: list[tuple[str, str]]) -> None:
    """Set ids and safe attributes on TOKEN; classes add up. Event handlers are refused."""
    for name, value in attributes:
        if name == "class":
            token.attrJoin("class", value)
        elif name == "id":
            token.attrSet("id", value)
        elif value and not name.startswith("on") and name != "toc":
            token.attrSet(name, value)


def apply_attributes(tokens: list[Token], state: BodyState) -> list[Token]:
    """TOKENS with attribute lines applied and removed, and TOC markers in place."""
    _heading_attributes(tokens)
    _span_attributes(tokens)
    if "{" in state.note.body:
        _table_attributes(tokens)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "paragraph_open" and tokens[index + 1].type == "inline":
            inline = tokens[index + 1]
            if _TOC_MARKER.match(inline.content.strip()):
                tokens[index:index + 3] = [_toc_token(token)]
                state.toc_placed = True
                continue
            if not _may_hold_braces(inline):
                index += 1
                continue
            lines = _split_lines(inline)
            kept = [line for line in lines if _ial_of(line) is None]
            found = [a for line in lines if (ial := _ial_of(line)) is not None for a in ial]
            if any(name == "toc" for name, _ in found):
                index = _place_toc(tokens, index, state)
                continue
            if found or len(kept) < len(lines):
                if kept:
                    _join_lines(inline, kept)
                    apply(token, found)
                else:
                    # the translation of templates keeps lines where they were in the body
                    _apply_to_neighbour(tokens, index, found, state.note.body.split("\n"))
                    del tokens[index:index + 3]
                    continue
        index += 1
    return tokens


def _may_hold_braces(inline: Token) -> bool:
    """Whether a text child of INLINE may hold a `{`: one written as such, escaped (`\\{`) or
    as an entity (`&#123;`) in the text the inline token was parsed from. Most paragraphs
    have none, and so no attribute list to look for."""
    return "{" in inline.content or "&" in inline.content


def _toc_token(like: Token) -> Token:
    token = Token(TOC_TOKEN, "nav", 0)
    token.block = True
    token.map = like.map
    return token


def _place_toc(tokens: list[Token], index: int, state: BodyState) -> int:
    """Replace the `{:toc}` paragraph — or the list holding it (`* TOC`) — by the TOC."""
    start, end = index, index + 3
    level = tokens[index].level
    # climb out of the list item and list the marker sits in, if it does
    before = index - 1
    if before >= 0 and tokens[before].type == "list_item_open":
        opening = before - 1
        while opening >= 0 and not (tokens[opening].type in ("bullet_list_open",
                                                              "ordered_list_open")
                                    and tokens[opening].level == level - 2):
            opening -= 1
        if opening >= 0:
            closing = matching_close(tokens, opening)
            start, end = opening, closing + 1
    tokens[start:end] = [_toc_token(tokens[start])]
    state.toc_placed = True
    return start + 1




def _split_lines(inline: Token) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for child in inline.children or []:
        if child.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def _join_lines(inline: Token, lines: list[list[Token]]) -> None:
    children: list[Token] = []
    for number, line in enumerate(lines):
        if number:
            children.append(Token("softbreak", "br", 0))
        children.extend(line)
    inline.children = children
    inline.content = "\n".join(
        "".join(c.content for c in line) for line in lines)  # for summaries and tests


def _ial_of(line: list[Token]) -> list[tuple[str, str]] | None:
    if len(line) != 1 or line[0].type != "text":
        return None
    text = line[0].content.strip()
    if _ALD_LINE.match(text):
        return []
    match = _IAL_LINE.match(text)
    return parse(match.group(1)) if match else None


def _apply_to_neighbour(tokens: list[Token], index: int, found: list[tuple[str, str]],
                        lines: list[str]) -> None:
    """A paragraph of attribute lines: the block just before it (touching), else the next."""
    if not found:
        return
    level = tokens[index].level
    start_line = tokens[index].map[0] if tokens[index].map else None
    previous = _previous_block(tokens, index, level)
    touching = start_line is not None and 0 < start_line <= len(lines) and bool(
        lines[start_line - 1].strip())
    if previous is not None and touching:
        if previous.type != "html_block":
            apply(previous, found)
        return
    following = index + 3
    while following < len(tokens) and tokens[following].level >= level:
        candidate = tokens[following]
        if candidate.level == level and candidate.nesting >= 0:
            if candidate.type != "html_block":
                apply(candidate, found)
            return
        following += 1


def _previous_block(tokens: list[Token], index: int, level: int) -> Token | None:
    position = index - 1
    while position >= 0 and tokens[position].level > level:
        position -= 1
    if position < 0 or tokens[position].level != level:
        return None
    token = tokens[position]
    if token.nesting == -1:
        depth = 0
        while position >= 0:
            depth += tokens[position].nesting
            if depth == 0:
                return tokens[position]
            position -= 1
        return None
    return token if token.nesting == 0 else None


def _heading_attributes(tokens: list[Token]) -> None:
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        if last is None or last.type != "text":
            continue
        match = _HEADING_ATTRS.search(last.content)
        if match:
            last.content = last.content[: match.start()]
            inline.content = inline.content[: len(inline.content) - len(match.group(0))]
            apply(token, parse(match.group(1)))


def _table_attributes(tokens: list[Token]) -> None:
    """A table's last row holding only an attribute list in its first cell: the table's."""
    index = 0
    while index < len(tokens):
        if tokens[index].type != "table_close" or tokens[index - 1].type != "tbody_close":
            index += 1
            continue
        row_end = index - 2  # tr_close
        row_start = row_end
        while tokens[row_start].type != "tr_open":
            row_start -= 1
        cells = [t.content.strip() for t in tokens[row_start:row_end] if t.type == "inline"]
        found = _ial_of([Token("text", "", 0, content=cells[0])]) if cells else None
        if found is None or any(cells[1:]):
            index += 1
            continue
        table = _opening(tokens, index, "table_open")
        if table is not None:
            apply(table, found)
        del tokens[row_start:row_end + 1]
        if tokens[row_start - 1].type == "tbody_open":  # it was the only row
            del tokens[row_start - 1:row_start + 1]
        index = row_start


_SPAN_TARGETS = {"em_close": "em_open", "strong_close": "strong_open", "link_close": "link_open",
                 "s_close": "s_open"}


def _span_attributes(tokens: list[Token]) -> None:
    """`*word*{: .x}`, `[a](b){: .x}`, `![a](b){: .x}`, `` `c`{: .x} ``; pandoc's
    `![a](b){#fig:x width="3in"}`, `[a](b){.x}` and bracketed spans `[words]{.smallcaps}`."""
    for token in tokens:
        if not token.children or not _may_hold_braces(token):
            continue
        children = token.children
        for position, child in enumerate(children):
            if child.type != "text" or not position or not child.content.startswith("{"):
                continue
            previous = children[position - 1]
            match = _SPAN_IAL.match(child.content)
            pandoc = match is None and previous.type in ("image", "link_close")
            if pandoc:
                match = _PANDOC_ATTRS.match(child.content)
            if not match:
                continue
            target = None
            if previous.type in ("image", "code_inline"):
                target = previous
            elif previous.type in _SPAN_TARGETS:
                target = _opening(children, position - 1, _SPAN_TARGETS[previous.type])
            if target is not None:
                found = parse(match.group(1))
                apply(target, _sized_by_style(found) if pandoc else found)
                child.content = child.content[match.end():]
        if "]{" in token.content:
            token.children = [piece for child in children for piece in _bracketed_spans(child)]


def _sized_by_style(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pandoc's `width="3.5in"` or `50%`: a size with a unit is a style, as pandoc writes it;
    a number of pixels stays the attribute (the image pass works out the other side)."""
    sizes = [f"{name}: {value}" for name, value in found
             if name in ("width", "height") and not value.isdigit()]
    kept = [(n, v) for n, v in found if n not in ("width", "height") or v.isdigit()]
    return kept + ([("style", "; ".join(sizes))] if sizes else [])


def _bracketed_spans(child: Token) -> list[Token]:
    """A text token holding `[words]{.class}` -> text, <span class>, words, </span>, text."""
    if child.type != "text" or "]{" not in child.content:
        return [child]
    pieces, last = [], 0
    for match in _BRACKETED_SPAN.finditer(child.content):
        opening = Token("span_open", "span", 1)
        apply(opening, parse(match.group(2)))
        attrs = "".join(f' {name}="{escapeHtml(str(value))}"'
                        for name, value in (opening.attrs or {}).items())
        pieces += [Token("text", "", 0, content=child.content[last:match.start()]),
                   Token("html_inline", "", 0, content=f"<span{attrs}>"),
                   Token("text", "", 0, content=match.group(1)),
                   Token("html_inline", "", 0, content="</span>")]
        last = match.end()
    if not pieces:
        return [child]
    return [*pieces, Token("text", "", 0, content=child.content[last:])]


def _opening(children: list[Token], closing: int, kind: str) -> Token | None:
    depth = 0
    for position in range(closing, -1, -1):
        depth += children[position].nesting
        if children[position].type == kind and depth == 0:
            return children[position]
    return None
