"""Pandoc's citations in a note's body: `[@key]`, `[@a; @b]`, `[see @key, p. 33]`, `[-@key]`
and `@key` in running text, formatted by the site's CSL style, with a References section.

Only a note with a bibliography (its own `bibliography:` or the site's) has citations: without
one the rule says no at once and the text stays as it was. `@fig-`, `@tbl-`, `@sec-` and `@eq-`
are cross-references, never keys; an `@` after a letter (an e-mail address) starts none, and
code is never read by inline rules.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from margin.markdown.csl import CiteItem, format_citations
from margin.markdown.state import ENV_KEY, BodyState, inline_children

TOKEN = "citation"
_KEY = r"(?!(?i:fig|tbl|sec|eq)-)[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
# one part of a bracketed citation: prefix, -@key, what follows (locator, suffix)
_PART = re.compile(rf"\s*(?P<prefix>[^@;\[\]]*?)\s*(?P<minus>-?)@(?P<key>{_KEY})"
                   r"(?P<rest>[^@;\[\]]*)\s*\Z", re.DOTALL)
_IN_TEXT = re.compile(rf"@({_KEY})")
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_WORD_BEFORE = re.compile(r"[\w.+\-@]")
_TAG = re.compile(r"<[^<>]*>")


def citations_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", TOKEN, _citation_rule)
    md.add_render_rule(TOKEN, _render_citation)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    body: BodyState | None = state.env.get(ENV_KEY)
    if body is None or body.bibliography is None:
        return False
    char = state.src[state.pos]
    if char == "[":
        found = _bracketed(state.src, state.pos)
    elif char == "@" and not (state.pos and _WORD_BEFORE.match(state.src[state.pos - 1])):
        found = _in_text(state.src, state.pos)
    else:
        return False
    if found is None:
        return False
    end, items = found
    if not silent:
        token = state.push(TOKEN, "", 0)
        token.content = state.src[state.pos:end]
        token.meta = {"items": items}
    state.pos = end
    return True


def _bracketed(src: str, start: int) -> tuple[int, tuple[CiteItem, ...]] | None:
    match = _BRACKET.match(src, start)
    if match is None or "@" not in match.group(1) or src[match.end():match.end() + 1] in ("(", "["):
        return None  # (a link: `[@name](https://…)`)
    items = []
    for written in match.group(1).split(";"):
        part = _PART.match(written)
        if part is None:
            return None
        items.append(CiteItem(part.group("key"), " ".join(part.group("prefix").split()),
                              " ".join(part.group("rest").split()),
                              suppress_author=bool(part.group("minus"))))
    return match.end(), tuple(items)


def _in_text(src: str, start: int) -> tuple[int, tuple[CiteItem, ...]] | None:
    match = _IN_TEXT.match(src, start)
    if match is None:
        return None
    return match.end(), (CiteItem(match.group(1), in_text=True),)


@dataclass
class _Cited:
    token: Token
    line: int | None


def resolve_citations(tokens: list[Token], state: BodyState) -> None:
    """Look each citation's keys up, format the known ones, warn about the others, and put
    the References section at the end of the body (before its footnotes)."""
    bibliography = state.bibliography
    if bibliography is None:
        return
    cited = [_Cited(child, line) for _, _, child, line in
             inline_children(tokens, frozenset((TOKEN,)))]
    if not cited:
        return
    entries: dict[str, dict] = {}
    good: list[_Cited] = []
    for found in cited:
        unknown = []
        for item in found.token.meta["items"]:
            entry = entries.get(item.key) or bibliography.lookup(item.key)
            if entry is None:
                unknown.append(item.key)
            else:
                entries[item.key] = entry
        for key in unknown:
            state.warn(found.line, f"unknown citation key @{key}")
        if unknown:
            found.token.meta.update(html=html.escape(found.token.content), unknown=True,
                                    text=found.token.content)
        else:
            good.append(found)
    if not good:
        return
    try:
        formatted = format_citations(bibliography.style,
                                     [dict(e.item) for e in entries.values()],
                                     [found.token.meta["items"] for found in good])
    except Exception as exc:  # an entry citeproc-py cannot read (a CSL-JSON item, say)
        state.warn(good[0].line, f"citations could not be formatted ({type(exc).__name__}: "
                                 f"{exc}); shown as written")
        for found in good:
            found.token.meta.update(html=html.escape(found.token.content),
                                    text=found.token.content)
        return
    for found, text in zip(good, formatted.citations, strict=True):
        papers = (entries[item.key].paper for item in found.token.meta["items"])
        found.token.meta.update(html=text, text=html.unescape(_TAG.sub("", text)),
                                papers=list(dict.fromkeys(p for p in papers if p)))
    _add_references(tokens, formatted.references)


def _add_references(tokens: list[Token], references: tuple[tuple[str, str], ...]) -> None:
    if not references:
        return
    entries = "".join(f'<div class="reference" id="ref-{html.escape(key, quote=True)}">'
                      f"{text}</div>\n" for key, text in references)
    section = Token("html_block", "", 0)
    section.content = (f'<section class="references" id="references">\n<h2>References</h2>\n'
                       f"{entries}</section>\n")
    at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    tokens.insert(at, section)


def _render_citation(self, tokens: list[Token], index: int, options, env) -> str:
    token = tokens[index]
    text = token.meta.get("html")
    if text is None:  # (no pass ran: an embedded note's text, say) shown as written
        return html.escape(token.content)
    keys = " ".join(html.escape(item.key, quote=True) for item in token.meta["items"])
    kind = "citation unknown" if token.meta.get("unknown") else "citation"
    return f'<span class="{kind}" data-cites="{keys}">{text}</span>'
