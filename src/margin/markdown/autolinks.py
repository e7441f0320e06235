"""GFM's bare autolinks (`https://…`, `www.…`, `name@host.org`), read in bounded time.

mdit-py-plugins' rules copy the rest of the paragraph at every `:`, `@` and `www.` to look for
a URL there, and search the whole text before a `:` for a protocol name: a paragraph of 8,000
`:::` took 25 s. Here each rule sees at most LOOK_AHEAD characters after its trigger (no URL is
that long), and the protocol rule is tried only when the text before ends in a protocol name,
with that text no longer than a name needs.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.gfm_autolink import index as autolink_rules

LOOK_AHEAD = 4096
_PROTOCOLS = ("http", "https", "mailto", "xmpp")
_KEPT_BEFORE = 16  # of the text before a `:`, what the protocol rule reads (its name, a char)

Rule = Callable[[StateInline, bool], bool]


def autolink_plugin(md: MarkdownIt) -> None:
    md.use(gfm_autolink_plugin)
    md.inline.ruler.at("gfm_autolink_www", _bounded(autolink_rules._www_inline_rule))
    md.inline.ruler.at("gfm_autolink_email", _bounded(autolink_rules._email_rule))
    md.inline.ruler.at("gfm_autolink_protocol", _protocol_rule)


def _bounded(rule: Rule) -> Rule:
    """RULE, shown the text up to LOOK_AHEAD characters after the position only."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if silent:
            return False  # what the rule answers when silent, once it has read the text
        end = state.posMax
        state.posMax = min(end, state.pos + LOOK_AHEAD)
        try:
            return rule(state, silent)
        finally:
            state.posMax = end

    return bounded


_bounded_protocol = _bounded(autolink_rules._protocol_rule)


def _protocol_rule(state: StateInline, silent: bool) -> bool:
    """The protocol rule, tried only after a protocol name, with the text before it (pending,
    which the rule searches from its start) cut to its last few characters: the rest becomes
    a text token now rather than later (adjacent text tokens are joined afterwards)."""
    if silent or state.linkLevel > 0 or not state.pending.endswith(_PROTOCOLS):
        return False
    if len(state.pending) > _KEPT_BEFORE:
        kept = state.pending[-_KEPT_BEFORE:]
        state.pending = state.pending[:-_KEPT_BEFORE]
        state.pushPending()
        state.pending = kept
    return _bounded_protocol(state, silent)
