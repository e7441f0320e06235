"""Which of the parser's rules a note can never call for, from the characters it holds.

markdown-it tries its rules in turn at every block and at every marker character until one
matches, and most of a parse is rules saying no. Each rule in _TRIGGERS says no at once,
changing nothing, where its trigger is not (its first check), and every string a rule looks at
is the note's text or a piece of it (lines, spans, alt texts), so a rule whose triggers the text
lacks can be left out of every chain: the same rule matches everywhere, the tokens are the same
(markdown/body.py parser_for; tests/test_render_fast_paths.py compares both parsers).
"""

from __future__ import annotations

import re

from margin.markdown.crossrefs import TRIGGERS as CROSSREF_TRIGGERS

# rule -> the strings one of which a text must hold before the rule can match anywhere in it
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "normalize": ("\r", "\0"),  # the core rule that turns these into \n and U+FFFD, else no-op
    # block rules
    "table": ("|",),  # the header row must hold a pipe
    "math_block": ("$$",),
    "math_backslash_block": ("\\[",),
    "fence": ("```", "~~~"),
    "highlight_tag": ("highlight",),  # Jekyll's and Hugo's highlight blocks
    "fenced_div": (":::",),  # pandoc's
    "amsmath": ("\\begin{",),
    "blockquote": (">",),
    "footnote_def": ("[^",),
    "html_block_balanced": ("<",),
    "html_block": ("<",),
    "deflist": (": ", ":\t", "~ ", "~\t"),  # a marker needs a space after it
    # inline rules
    "math_inline": ("$",),
    "math_backslash": ("\\(", "\\["),
    "escape": ("\\",),
    "backticks": ("`",),
    "strikethrough": ("~",),  # the inline rule and its pairing step after it
    "image": ("!",),
    "loose_destination": ("](",),
    "footnote_inline": ("^",),  # `^[`, but a lone `^` is rare enough to look no further
    "footnote_ref": ("[^",),  # (it first puts empty footnote lists in env: no token changes)
    "autolink": ("<",),
    "html_inline": ("<",),
    "entity": ("&",),
    "gfm_autolink_www": ("www.",),
    "gfm_autolink_email": ("@",),
    "crossref": CROSSREF_TRIGGERS,  # `@fig-x`, and `[-@fig-x]` holds it too
}
_TRIGGER_STRINGS = {trigger for triggers in _TRIGGERS.values() for trigger in triggers}
_TRIGGER_CHARS = "".join(sorted(set("".join(_TRIGGER_STRINGS))))
# (re finds a string of two or more characters a few times quicker than `in` does)
_SEARCHES = {t: re.compile(re.escape(t)).search for t in _TRIGGER_STRINGS if len(t) > 1}
# lheading (`Title` over `---` or `===`) needs a line ending in `-` or `=` and spaces (a `\r`
# ends a line too, for markdown-it); one pattern per character is the quicker search. When it
# says no it leaves state.parentType at "paragraph", but the one reader of that (the list rule,
# asked whether it interrupts) is only ever asked by rules that set it first.
_UNDERLINES = tuple(re.compile(rf"{mark}[ \t]*(?:\r|$)", re.MULTILINE) for mark in "-=")


def unused_rules(text: str) -> frozenset[str]:
    """The rules of _TRIGGERS (and lheading) that cannot match anywhere in TEXT."""
    chars = {char for char in _TRIGGER_CHARS if char in text}  # each a quick scan
    found: dict[str, bool] = {}

    def holds(trigger: str) -> bool:  # a longer search only when all its characters are there
        if trigger not in found:
            found[trigger] = chars.issuperset(trigger) and (
                len(trigger) == 1 or _SEARCHES[trigger](text) is not None)
        return found[trigger]

    unused = {rule for rule, triggers in _TRIGGERS.items() if not any(map(holds, triggers))}
    if not any(underline.search(text) for underline in _UNDERLINES):
        unused.add("lheading")
    return frozenset(unused)
