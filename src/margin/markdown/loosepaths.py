"""`![](assets/my figure.png)` and `[paper](papers/A paper.pdf)`: Typora writes file paths with
spaces as they are, which CommonMark does not read as a link (it wants `<...>` or `%20`). A
destination holding spaces, ending in a file name, and nothing CommonMark would have read
(no title, no brackets) is taken as that path: the image or link the author saw."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

RULE = "loose_destination"
_LOOSE = re.compile(r"(!?)\[([^\[\]\n]*)\]\(([^()<>\"\n]*?[ \t][^()<>\"\n]*?\.[A-Za-z0-9]{1,5})"
                    r"[ \t]*\)")


def loose_destination_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.after("image", RULE, _loose_destination)


def _loose_destination(state: StateInline, silent: bool) -> bool:
    found = _LOOSE.match(state.src, state.pos)
    if found is None:
        return False
    bang, label, destination = found.groups()
    href = state.md.normalizeLink(destination.strip())
    if not silent:
        if bang:
            token = state.push("image", "img", 0)
            token.attrs = {"src": href, "alt": ""}
            token.children = state.md.inline.parse(label, state.md, state.env, [])
            token.content = label
        else:  # the text parsed in place, as markdown-it's link rule does
            opening = state.push("link_open", "a", 1)
            opening.attrs = {"href": href}
            end = state.posMax
            state.pos, state.posMax = found.start(2), found.end(2)
            state.linkLevel += 1
            state.md.inline.tokenize(state)
            state.linkLevel -= 1
            state.posMax = end
            state.push("link_close", "a", -1)
    state.pos = found.end()
    return True
