"""Quarto's cross-references: numbered figures and tables, labelled sections, links to them.

- `![Caption](x.png){#fig-x}` (or a raw `<figure id="fig-x">`) is "Figure 1: Caption";
- a caption line `: Caption {#tbl-x}` (or `Table: ...`) just before or after a pipe table is
  its `<caption>`, "Table 1: Caption", and the table's id;
- `## Heading {#sec-x}` is a section (the heading ids are headings.py's);
- `@fig-x`, `@tbl-x`, `@sec-x` in the text link to them: "Figure 1", "Table 1", and for a
  section its heading's words (margin shows no section numbers, so a number would point at
  nothing the reader can see); `@Fig-x` at a sentence's start; `[-@fig-x]` is the number
  alone, `[Fig. @fig-x]` that prefix instead of "Figure", `[@fig-a; @fig-b]` both.

One counter per kind per page, in reading order; references may come before their target.
Equations (`{#eq-x}`, `@eq-x`) are equations.py's: this rule never reads `@eq-`, nor any other
`@key`, which stays for citations. An unknown label is a warning, the reference left as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from margin.markdown.headings import heading_text
from margin.markdown.state import BodyState, inline_children

XREF_TOKEN = "crossref"
PREFIXES = {"fig": "Figure", "tbl": "Table", "sec": "Section"}
KIND_NAMES = {"fig": "figure", "tbl": "table", "sec": "section"}
# The strings a note must hold for a reference to be read at all (markdown/unusedrules.py).
TRIGGERS = ("@fig-", "@tbl-", "@sec-", "@Fig-", "@Tbl-", "@Sec-")
_LABEL = r"[\w]+(?:[-:.][\w]+)*"  # pandoc's key: inner punctuation only, `@fig-x.` ends at x
_REFERENCE = re.compile(rf"@([FfTtSs](?:ig|bl|ec))-({_LABEL})")
_BRACKET = re.compile(r"\[([^\[\]\n]{1,300})\](?![(\[])")
_ITEM = re.compile(rf"\s*(?:(-)|([^@;]*?\S)\s+)?@([FfTtSs](?:ig|bl|ec))-({_LABEL})\s*\Z")
_NOT_BEFORE = frozenset("@.+-_")  # `a@fig-x.org`, `x.@sec-y`: e-mails and the like
_TABLE_CAPTION = re.compile(r"\{#(tbl-[^\s{}]+)[^{}\n]*\}[ \t]*\Z")
_CAPTION_LEAD = re.compile(r"(?:Table)?:[ \t]+")
_HTML_FIGURE = re.compile(r"""<figure\b[^>]*?\bid\s*=\s*["']?(fig-[^"'\s>]+)[^>]*>""")
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>")


@dataclass(frozen=True)
class Reference:
    kind: str  # fig, tbl, sec
    label: str  # as the target is labelled: `fig-x`
    upper: bool  # written `@Fig-x`
    prefix: str | None  # `[Fig. @fig-x]`: "Fig."; `[-@fig-x]`: ""; else None (the kind's)


@dataclass
class _Targets:
    numbers: dict[str, str] = field(default_factory=dict)  # label -> "1", or a heading's words
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, label: str, state: BodyState, line: int | None) -> str:
        if label in self.numbers:
            state.warn(line, f"cross-reference: the label '{label}' is used twice")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        number = str(self.counts[kind])
        self.numbers.setdefault(label, number)
        return number


def crossrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "crossref", _reference_rule)
    md.add_render_rule(XREF_TOKEN, _render_unresolved)
    rules = md.block.ruler.__rules__
    deflist = next((rule for rule in rules if rule.name == "deflist"), None)
    if deflist is not None:
        md.block.ruler.at("deflist", _not_a_caption(deflist.fn), {"alt": list(deflist.alt)})


def _not_a_caption(deflist: Callable[[StateBlock, int, int, bool], bool]
                   ) -> Callable[[StateBlock, int, int, bool], bool]:
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


def _reference_rule(state: StateInline, silent: bool) -> bool:
    """One rule for both forms: it is asked at every `[` and `@` of a note that refers."""
    char = state.src[state.pos]
    if state.linkLevel > 0 or char not in "@[":
        return False
    return _bare(state, silent) if char == "@" else _bracketed(state, silent)


def _bare(state: StateInline, silent: bool) -> bool:
    """`@fig-x` (not after a letter, digit or `.`: an e-mail address), outside link text."""
    pos = state.pos
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in _NOT_BEFORE):
        return False
    match = _REFERENCE.match(state.src, pos)
    if match is None:
        return False
    if not silent:
        _push(state, [_reference(match.group(1), match.group(2), None)], match.group(0))
    state.pos = match.end()
    return True


def _bracketed(state: StateInline, silent: bool) -> bool:
    """`[@fig-x]`, `[-@fig-x]`, `[Fig. @fig-x]`, `[@fig-a; @tbl-b]`: every item ours, else
    the brackets are left to the other rules (citations, links)."""
    pos = state.pos
    match = _BRACKET.match(state.src, pos)
    if match is None or "@" not in match.group(1):
        return False
    references = []
    for item in match.group(1).split(";"):
        found = _ITEM.match(item)
        if found is None:
            return False
        prefix = "" if found.group(1) else found.group(2)
        references.append(_reference(found.group(3), found.group(4), prefix))
    if not silent:
        _push(state, references, match.group(0))
    state.pos = match.end()
    return True


def _reference(kind: str, label: str, prefix: str | None) -> Reference:
    lowered = kind.lower()
    return Reference(lowered, f"{lowered}-{label}", kind[0].isupper(), prefix)


def _push(state: StateInline, references: list[Reference], written: str) -> None:
    token = state.push(XREF_TOKEN, "", 0)
    token.content = written
    token.meta = {"references": references}


def _render_unresolved(self, tokens: list[Token], index: int, options, env) -> str:
    return html.escape(tokens[index].content)


def may_cross_reference(text: str) -> bool:
    """Whether TEXT may label a figure, table or section or refer to one (quick: most don't)."""
    return "fig-" in text or "tbl-" in text or "sec-" in text


def number_crossrefs(tokens: list[Token], state: BodyState) -> None:
    """Number the labelled figures and tables, then turn every reference into a link."""
    targets = _Targets()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "paragraph_open" and token.tag == "figure":
            _number_figure(token, tokens[index + 1], targets, state)
        elif token.type == "html_block" and "fig-" in token.content:
            token.content = _number_html_figures(token, targets, state)
        elif token.type == "table_open":
            index = _caption_table(tokens, index, targets, state)
        elif token.type == "heading_open" and str(token.attrGet("id") or "").startswith("sec-"):
            label = str(token.attrGet("id"))
            targets.add("sec", label, state, token.map[0] if token.map else None)
            targets.numbers[label] = heading_text(tokens[index + 1], readable_math=True)
        index += 1
    _link_references(tokens, targets, state)


def _number_figure(figure: Token, inline: Token, targets: _Targets, state: BodyState) -> None:
    """A figure whose image (or paragraph, by `{: #fig-x}`) is labelled `fig-...`: the id
    moves to the <figure>, the caption starts with "Figure N: "."""
    children = inline.children or []
    image = next((c for c in children if c.type == "image"), None)
    label = str(figure.attrGet("id") or "")
    if not label.startswith("fig-") and image is not None:
        label = str(image.attrGet("id") or "")
        if label.startswith("fig-"):
            del image.attrs["id"]
            figure.attrSet("id", label)
    if not label.startswith("fig-"):
        return
    number = targets.add("fig", label, state, figure.map[0] if figure.map else None)
    title = f"{PREFIXES['fig']} {number}"
    for position, child in enumerate(children):
        if child.type == "html_inline" and child.content == "<figcaption>":
            children.insert(position + 1, Token("text", "", 0, content=f"{title}: "))
            return
    inline.children = [*children, Token("html_inline", "", 0,
                                        content=f"<figcaption>{title}</figcaption>")]


def _number_html_figures(token: Token, targets: _Targets, state: BodyState) -> str:
    """`<figure id="fig-x">` written as HTML: "Figure N: " at the start of its caption."""
    content, out, position = token.content, [], 0
    for match in _HTML_FIGURE.finditer(content):
        line = None if not token.map else token.map[0] + content.count("\n", 0, match.start())
        title = f"{PREFIXES['fig']} {targets.add('fig', match.group(1), state, line)}"
        end = content.find("</figure>", match.end())
        caption = _FIGCAPTION.search(content, match.end(), end if end >= 0 else len(content))
        if caption is not None:
            out += [content[position:caption.end()], f"{title}: "]
            position = caption.end()
        elif end >= 0:
            out += [content[position:end], f"<figcaption>{title}</figcaption>"]
            position = end
    return "".join(out) + content[position:]


def _caption_table(tokens: list[Token], index: int, targets: _Targets, state: BodyState
                   ) -> int:
    """A labelled caption line before or after the table (or in its last row, written right
    under it) -> the table's <caption>; the index of the table_open token, moved or not."""
    close = index
    while tokens[close].type != "table_close":
        close += 1
    # pandoc's order: a caption before the table, else one after it
    caption = _caption_before(tokens, index) or _caption_after(tokens, close)
    if caption is None:
        caption = _caption_row(tokens, index, close)
    if caption is None:
        return index
    inline, label, (start, end) = caption
    del tokens[start:end]
    if start < index:
        index -= end - start
    table = tokens[index]
    table.attrSet("id", label)
    number = targets.add("tbl", label, state, table.map[0] if table.map else None)
    inline.children = [Token("text", "", 0, content=f"{PREFIXES['tbl']} {number}: "),
                       *(inline.children or [])]
    opening = Token("caption_open", "caption", 1, block=True, level=table.level + 1)
    closing = Token("caption_close", "caption", -1, block=True, level=table.level + 1)
    tokens[index + 1:index + 1] = [opening, inline, closing]
    return index


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


def _link_references(tokens: list[Token], targets: _Targets, state: BodyState) -> None:
    """Every reference token -> links ("Figure 1", joined by commas), or its text as written
    with a warning when a label is unknown."""
    found = list(inline_children(tokens, frozenset({XREF_TOKEN})))
    replaced: dict[int, tuple[Token, dict[int, list[Token]]]] = {}
    for inline, position, child, line in found:
        references: list[Reference] = child.meta["references"]
        unknown = [r for r in references if r.label not in targets.numbers]
        for reference in unknown:
            state.warn(line, f"cross-reference: no {KIND_NAMES[reference.kind]} is labelled "
                             f"'{reference.label}'; shown as written")
        pieces = ([Token("text", "", 0, content=child.content)] if unknown else
                  _links(references, targets))
        replaced.setdefault(id(inline), (inline, {}))[1][position] = pieces
    for inline, pieces in replaced.values():
        inline.children = [piece for position, child in enumerate(inline.children or [])
                           for piece in pieces.get(position, [child])]


def _links(references: list[Reference], targets: _Targets) -> list[Token]:
    out: list[Token] = []
    for reference in references:
        if out:
            out.append(Token("text", "", 0, content=", "))
        number = targets.numbers[reference.label]
        if reference.kind == "sec":
            shown = f"{reference.prefix} {number}" if reference.prefix else number
        elif reference.prefix is None:
            shown = f"{PREFIXES[reference.kind]} {number}"
        else:
            shown = f"{reference.prefix} {number}" if reference.prefix else number
        if reference.upper:
            shown = shown[:1].upper() + shown[1:]
        link = Token("link_open", "a", 1, attrs={"href": f"#{reference.label}",
                                                   "class": "xref"})
        out += [link, Token("text", "", 0, content=shown), Token("link_close", "a", -1)]
    return out
