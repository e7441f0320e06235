"""An HTML block ends where its element closes, as kramdown (Jekyll) ends it.

CommonMark ends an HTML block only at a blank line, so in

    <div><img src="x.png"><p>caption</p></div>
    - next list item, **bold**

the list item would be swallowed as raw HTML and show its asterisks. Notes written for
Jekyll rely on the block ending at `</div>`. This rule, tried before the standard one, takes a
block-level element whose closing tag balances before any blank line, and only that; anything
else is left to CommonMark's rules.

Also for Jekyll notes: a line holding only an inline element (`<br />`, `<span class="x">`,
`<img src=...>`) starts a paragraph, as in kramdown, where CommonMark's seventh kind of HTML
block would make every line after it raw text up to the next blank line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, paragraph

from margin.load.collections import kind_of
from margin.markdown.state import ENV_KEY

_NAMES = ("div|figure|details|aside|section|center|table|blockquote|dl|nav|article|header"
          "|footer|form|fieldset|video|audio|picture|p")
_OPENING = re.compile(rf"<({_NAMES})(?=[\s>/]|$)", re.IGNORECASE)
# kramdown's span-level elements (textarea aside: CommonMark never lets its block go raw).
_INLINE = re.compile(
    r"</?(?:a|abbr|acronym|b|bdi|bdo|big|br|button|cite|code|del|dfn|em|font|i|img|input|ins"
    r"|kbd|label|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var|wbr)(?=[\s>/]|$)",
    re.IGNORECASE)


def balanced_html_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("html_block", "html_block_balanced", _balanced_block,
                          {"alt": ["paragraph", "reference", "blockquote"]})


def _balanced_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if not state.md.options.get("html") or state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    match = _OPENING.match(state.src, begin, state.eMarks[start_line])
    if not match:
        if not silent and _INLINE.match(state.src, begin, state.eMarks[start_line]) \
                and _is_jekyll(state):
            return paragraph(state, start_line, end_line, silent)
        return False
    if silent:
        return True  # it can interrupt a paragraph, as CommonMark's HTML blocks do
    name = match.group(1).lower()
    opens = re.compile(rf"<{name}(?=[\s>/]|$)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>",
                       re.IGNORECASE)
    closes = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    depth, line = 0, start_line
    while line < end_line:
        if line > start_line and state.isEmpty(line):
            return False  # a blank line first: CommonMark's own rule decides
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
        opened = sum(1 for m in opens.finditer(text) if not m.group(1))
        if line == start_line and not opened:
            return False  # the opening tag spans lines (or closes itself): not ours to judge
        depth += opened - len(closes.findall(text))
        if depth <= 0:
            break
        line += 1
    else:
        return False
    token = state.push("html_block", "", 0)
    token.map = [start_line, line + 1]
    token.content = state.getLines(start_line, line + 1, state.blkIndent, True)
    state.line = line + 1
    return True


def _is_jekyll(state: StateBlock) -> bool:
    body = state.env.get(ENV_KEY)
    return body is not None and kind_of(body.context.collections, body.note.key) == "jekyll"
