"""Jekyll's `{% highlight %}` and Hugo's `{{< highlight >}}` blocks, parsed as code fences.

A block rule rather than a rewrite of the text, because authors put code on the tag's own
line (`{{< highlight python >}}import os`) and close the block at the end of the last code
line: no line-for-line rewrite turns that into a fence, and a rewrite that adds lines would
move every file:line reported after it. The options Hugo and Jekyll take (`linenos`,
`hl_lines=2 4-5`, `linenostart=10`) travel on the token for the code renderer.

markdown/liquid.py keeps the Liquid and shortcodes inside these blocks as written.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from margin.markdown.highlight import CodeOptions

OPENING = re.compile(
    r"\{%-?\s*highlight\s+(?P<jlang>[\w+#.-]+)(?P<jopts>[^%\n]*?)-?%\}"
    r"|\{\{[<%]\s*highlight\s+(?P<hargs>[^\n]*?)\s*[>%]\}\}")
CLOSING = re.compile(r"\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/\s*highlight\s*[>%]\}\}")
_ARG = re.compile(r"(?:(?P<key>\w+)=)?(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"']+))")
_OPTION = re.compile(r"(\w+)\s*=\s*(\"[^\"]*\"|\[[^\]]*\]|[^,\s]+(?:\s+\d[\d-]*)*)|(\w+)")


def code_tags_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "highlight_tag", _highlight_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _highlight_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[begin:begin + 1] != "{":
        return False
    opening = OPENING.match(state.src, begin, state.eMarks[start_line])
    if not opening:
        return False
    indent = state.sCount[start_line]
    line, closing = start_line, CLOSING.search(state.src, opening.end(), state.eMarks[start_line])
    while closing is None:
        line += 1
        if line >= end_line or (state.sCount[line] < state.blkIndent and not state.isEmpty(line)):
            return False  # never closed inside its container: liquid.py said so, left as text
        closing = CLOSING.search(state.src, state.bMarks[line], state.eMarks[line])
    if silent:
        return True
    if line == start_line:
        code = state.src[opening.end():closing.start()] + "\n"
    else:
        first = state.src[opening.end():state.eMarks[start_line]]
        middle = state.getLines(start_line + 1, line, indent, True)
        last = state.getLines(line, line + 1, indent, False)
        last = last[:CLOSING.search(last).start()]  # type: ignore[union-attr]
        code = (first + "\n" if first.strip() else "") + middle + \
            (last + "\n" if last.strip() else "")
    language, options = _language_and_options(opening)
    token = state.push("fence", "code", 0)
    token.info, token.markup, token.content = language, "```", code
    token.map = [start_line, line + 1]
    token.meta["code_options"] = options
    state.line = line + 1
    return True


def _language_and_options(opening: re.Match[str]) -> tuple[str, CodeOptions]:
    """Jekyll: `python linenos hl_lines="2 3"`; Hugo: `python "linenos=table,hl_lines=2 4-5"`,
    or named: `lang="python" options="..."`."""
    if opening.group("jlang"):
        return opening.group("jlang"), code_options(opening.group("jopts"))
    positional, named = [], {}
    for match in _ARG.finditer(opening.group("hargs")):
        value = next(v for v in match.group("dq", "sq", "bare") if v is not None)
        if match.group("key"):
            named[match.group("key").lower()] = value
        else:
            positional.append(value)
    language = named.get("lang") or (positional[0] if positional else "")
    written = named.get("options") or (positional[1] if len(positional) > 1 else "")
    return language, code_options(written)


def code_options(written: str) -> CodeOptions:
    """`linenos=table, hl_lines=[2,"4-5"], linenostart=10` (or Jekyll's spaced form)."""
    numbered, start, marked = False, 1, set()
    for match in _OPTION.finditer(written):
        name, value = (match.group(1) or match.group(3)).lower(), (match.group(2) or "")
        value = value.strip("\"'[]")
        if name == "linenos":
            numbered = value.lower() not in ("false", "none", "0")
        elif name == "linenostart" and value.isdigit():
            start = int(value)
        elif name == "hl_lines":
            marked.update(_line_numbers(value))
    return CodeOptions(numbered=numbered, first_number=start, marked=tuple(sorted(marked)))


def _line_numbers(value: str) -> set[int]:
    """'2 4-6' or '2,"4-6"' -> {2, 4, 5, 6} (at most a few thousand lines)."""
    found: set[int] = set()
    for part in re.findall(r"\d+(?:-\d+)?", value):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        found.update(range(low, min(high, low + 5000) + 1))
    return found
