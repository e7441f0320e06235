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
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from margin.markdown.headings import heading_text
from margin.markdown.state import BodyState, inline_children, matching_close
from margin.markdown.tablecaptions import caption_table, table_captions_plugin

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
    table_captions_plugin(md)


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
        elif token.type == "fenced_div_open" and str(token.attrGet("id")).startswith("fig-"):
            index = _number_figure_div(tokens, index, targets, state)
        elif token.type == "html_block" and "fig-" in token.content:
            token.content = _number_html_figures(token, targets, state)
        elif token.type == "table_open":
            index, caption = caption_table(tokens, index)
            if caption is not None:
                _number_table(tokens[index], caption, targets, state)
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


def _number_figure_div(tokens: list[Token], index: int, targets: _Targets, state: BodyState
                       ) -> int:
    """Quarto's `::: {#fig-x}` holding images and, last, a paragraph of caption: a <figure>
    whose images are not figures of their own; the index of the div's last token."""
    opening, close = tokens[index], matching_close(tokens, index)
    opening.tag = tokens[close].tag = "figure"
    label = str(opening.attrGet("id"))
    title = f"{PREFIXES['fig']} {targets.add('fig', label, state, opening.map[0])}"
    for inner in range(index + 1, close):
        token = tokens[inner]
        if token.type in ("paragraph_open", "paragraph_close") and token.tag == "figure":
            token.tag, token.hidden = "p", True
            if token.nesting == 1:
                tokens[inner + 1].children = _without_caption(tokens[inner + 1].children or [])
    last = close - 3
    if last > index and tokens[last].type == "paragraph_open" and not tokens[last].hidden:
        tokens[last].tag = tokens[last + 2].tag = "figcaption"
        tokens[last + 1].children = [Token("text", "", 0, content=f"{title}: "),
                                     *(tokens[last + 1].children or [])]
    else:
        caption = Token("html_block", "", 0, content=f"<figcaption>{title}</figcaption>\n")
        tokens.insert(close, caption)
        close += 1
    return close


def _without_caption(children: list[Token]) -> list[Token]:
    """An image paragraph's children without the <figcaption> make_figures gave it."""
    for position, child in enumerate(children):
        if child.type == "html_inline" and child.content == "<figcaption>":
            return children[:position]
    return children


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


def _number_table(table: Token, caption: Token, targets: _Targets, state: BodyState) -> None:
    line = table.map[0] if table.map else None
    number = targets.add("tbl", str(table.attrGet("id")), state, line)
    caption.children = [Token("text", "", 0, content=f"{PREFIXES['tbl']} {number}: "),
                        *(caption.children or [])]


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
