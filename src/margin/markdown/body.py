"""A note's body -> RenderedBody: HTML with math, figures, code and links done at build time.

    text   = liquid.translate(body)       Jekyll/Hugo leftovers, line count kept
    tokens = parser_for(text).parse(text) CommonMark + GFM tables, footnotes, task lists, math...
    passes over the tokens                attributes, callouts, headings, links, images, math
    html   = render(tokens)

A pure function of the note, the BodyContext and the files its images name, so bodies can be
rendered in worker processes and cached by content hash. It never raises: a problem in the
note is a warning at its file line, and a bug of ours costs only that note's formatting.
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from margin.diagnostics import warning
from margin.load.notebooks import is_notebook
from margin.markdown import liquid
from margin.markdown.attributes import TOC_TOKEN, apply_attributes
from margin.markdown.autolinks import autolink_plugin
from margin.markdown.blockrefs import has_block_ids, mark_blocks
from margin.markdown.callouts import make_callouts
from margin.markdown.citations import citations_plugin, resolve_citations
from margin.markdown.codetags import code_tags_plugin
from margin.markdown.context import BodyContext
from margin.markdown.crossrefs import crossrefs_plugin, may_cross_reference, number_crossrefs
from margin.markdown.equations import render_math, typeset_math
from margin.markdown.facts import contents, first_image, word_count
from margin.markdown.fenceddivs import fenced_divs_plugin
from margin.markdown.figures import make_figures, resolve_images
from margin.markdown.headings import (
    ANCHOR_TOKEN,
    number_headings,
    render_anchor,
    toc_html,
)
from margin.markdown.highlight import PLAIN, code_block, language_of
from margin.markdown.htmlblocks import balanced_html_plugin
from margin.markdown.links import fix_links
from margin.markdown.loosepaths import loose_destination_plugin
from margin.markdown.marks import marks_plugin
from margin.markdown.mathrules import math_plugin
from margin.markdown.notebook import with_cells
from margin.markdown.sidenotes import add_sidenotes, sidenotes_plugin
from margin.markdown.snippets import Atom, Snippet, atoms_of, contexts_of, shortened
from margin.markdown.state import ENV_KEY, BodyState, lines_before
from margin.markdown.transclusion import embed_notes, render_embed
from margin.markdown.unusedrules import unused_rules
from margin.markdown.wikilinks import EMBED_TOKEN, WikilinkResolver, wikilinks_plugin
from margin.markdown.wikilinks import ENV_KEY as WIKILINKS_KEY
from margin.model import Note, RenderedBody

SUMMARY_LENGTH = 220
MORE_MARKER = "<!--more-->"


def parser() -> MarkdownIt:
    """The parser with every rule (see parser_for for the one a note gets)."""
    return _parser_without(frozenset())


def parser_for(text: str) -> MarkdownIt:
    """A parser that parses TEXT exactly as parser() does, minus the rules TEXT never calls for
    (markdown/unusedrules.py says why the tokens are the same)."""
    return _parser_without(unused_rules(text))


# URLs that markdown-it's normalizeLink gives back as they are: no scheme or a plain http(s)
# host (nothing to punycode; under 256 characters, else mdurl drops it), no `//` host after
# no scheme, and only characters it never percent-encodes, with no `%`, `?` or `#` to split at.
_PLAIN_URL = re.compile(r"(?:https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}(?=/|\Z)|(?!//))"
                        r"[A-Za-z0-9_.~/-]*\Z")


def normalize_link(url: str) -> str:
    """markdown-it's normalizeLink (URL -> the href), skipped where it would change nothing."""
    return url if _PLAIN_URL.match(url) else _normalized_link(url)


# The other URLs recur across notes (the same sites, the same files): each once per process.
_normalized_link = lru_cache(maxsize=4096)(normalize_url.normalizeLink)
_normalize_link_text = lru_cache(maxsize=4096)(normalize_url.normalizeLinkText)


def valid_link(url: str) -> bool:
    """markdown-it's check, letting Typora's `file:` links through: markdown/links.py shows
    their text (with a warning), markdown/images.py looks for the file in the site."""
    return url[:5].lower() == "file:" or normalize_url.validateLink(url)


@lru_cache(maxsize=256)
def _parser_without(unused: frozenset[str]) -> MarkdownIt:
    """One configured parser per set of unused rules and process: building one costs more than
    rendering a short note, and notes of one site call for few different sets."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.normalizeLink = normalize_link  # both pure functions of the URL
    md.normalizeLinkText = _normalize_link_text
    md.validateLink = valid_link
    stops = getattr(md.inline, "terminator_re", None)
    md.use(autolink_plugin)
    if stops is not None and "gfm_autolink_www" in unused:
        md.inline.terminator_re = stops  # the plugin stops the text rule at `w` for www. only
    md.use(footnote_plugin)
    md.use(sidenotes_plugin)
    md.use(deflist_plugin)
    md.use(balanced_html_plugin)
    md.use(code_tags_plugin)
    md.use(fenced_divs_plugin)
    md.use(math_plugin)
    md.use(wikilinks_plugin)
    md.use(citations_plugin)
    md.use(marks_plugin)
    md.use(crossrefs_plugin)
    md.use(loose_destination_plugin)
    md.core.ruler.before("text_join", "unbalanced_dollars", _unbalanced_dollars)
    for kind in ("math_inline", "math_inline_double", "math_block", "amsmath"):
        md.add_render_rule(kind, render_math)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule(TOC_TOKEN, _render_toc)
    md.add_render_rule(ANCHOR_TOKEN, render_anchor)
    md.add_render_rule(EMBED_TOKEN, render_embed)
    if unused:
        md.disable(sorted(unused))
    return md


def render_body(note: Note, context: BodyContext) -> RenderedBody:
    """The note's body as HTML, its headings, summary, and everything it needs copied."""
    try:
        return render_unguarded(note, context)
    except Exception as exc:  # a bug of ours: show the text, say where, keep building
        problem = warning(note.source, note.body_line,
                          f"could not render this note ({type(exc).__name__}: {exc}); "
                          "its text is shown unformatted")
        return RenderedBody(html=f"<pre>{html.escape(note.body)}</pre>\n",
                            diagnostics=(problem,), words=word_count(note.body))


def render_unguarded(note: Note, context: BodyContext) -> RenderedBody:
    body = _render(note, note.body, BodyState(note, context))
    if is_notebook(note.key):  # its Markdown cells are the body; now its code cells
        body = with_cells(note, context, body,
                          lambda text: _render(note, text, BodyState(note, context)))
    return body


def _render(note: Note, text: str, state: BodyState) -> RenderedBody:
    """NOTE's body made of TEXT (its body, or the part of it another note embeds)."""
    context = state.context
    if liquid.has_templates(text):
        text, problems = liquid.translate(text, note, context, _indented_code(text))
        state.diagnostics.extend(problems)
    md = parser_for(text)
    env = {ENV_KEY: state}
    if context.link_targets is not None:
        env[WIKILINKS_KEY] = WikilinkResolver(context.link_targets, context.permalinks,
                                              posixpath.dirname(note.key))
    tokens = md.parse(text, env)
    if "![[" in text:
        embed_notes(tokens, state, _render)
    if has_block_ids(text):
        mark_blocks(tokens)
    tokens = apply_attributes(tokens, state)
    make_callouts(tokens)
    fix_links(tokens, state)
    resolve_images(tokens, state)
    make_figures(tokens)
    # The heading anchors come after the link and image passes, which need not walk them, and
    # before math, whose `$$x$$` at the end of a heading is inline as the anchor follows it.
    number_headings(tokens, state)
    if may_cross_reference(text):
        number_crossrefs(tokens, state)  # before math: a caption may hold some
    typeset_math(tokens, state)
    resolve_citations(tokens, state)  # (its References go before the footnotes)
    if "[^" in text or "^[" in text:
        add_sidenotes(tokens)
    body_html = md.renderer.render(tokens, md.options, env)
    summary = _summary(tokens, text)
    toc = () if state.toc_placed else tuple(state.toc)
    return RenderedBody(
        html=body_html,
        toc=toc,
        summary=summary.text,
        summary_html=summary.html,
        contexts=contexts_of(tokens),
        diagnostics=tuple(state.diagnostics),
        assets=tuple(state.assets.values()),
        links=tuple(state.links),
        images=tuple(dict.fromkeys(state.images)),
        math=state.math,
        embeds=tuple(state.embeds),
        words=word_count(note.body),
        contents=contents(toc),
        image=first_image(body_html, context.prefix),
        cited=state.cited(),
    )


def _indented_code(text: str) -> list[tuple[int, int]]:
    """Line ranges of indented code blocks: only the parser tells them from list items."""
    return [tuple(t.map) for t in parser_for(text).parse(text, {})
            if t.type == "code_block" and t.map]


def _render_fence(self, tokens: list[Token], index: int, options, env) -> str:
    token = tokens[index]
    return code_block(token.content, language_of(token.info), token.meta.get("code_options", PLAIN))


def _render_code_block(self, tokens: list[Token], index: int, options, env) -> str:
    return code_block(tokens[index].content, "")


def _render_toc(self, tokens: list[Token], index: int, options, env) -> str:
    state: BodyState | None = env.get(ENV_KEY)
    return toc_html(state.toc) if state else ""


def _unbalanced_dollars(core: StateCore) -> None:
    """A `$$` left in the text (not `\\$$`): math that never closed. Say where."""
    state: BodyState | None = core.env.get(ENV_KEY)
    if state is None:
        return
    last_line: int | None = None
    for token in core.tokens:
        if token.map:
            last_line = token.map[0]
        # (a text child is made of characters of the text its inline token was parsed from:
        # escapes and entities are text_special tokens until text_join)
        if token.type != "inline" or not token.children or "$" not in token.content:
            continue
        for position, child in enumerate(token.children):
            if child.type == "text" and "$$" in child.content:
                line = None if last_line is None else \
                    last_line + lines_before(token.children, position)
                state.warn(line, "math: unbalanced $$ (no closing $$); shown as text")


def _summary(tokens: list[Token], text: str) -> Snippet:
    """The text before `<!--more-->` when the note has one, else its first paragraph, shortened.

    TEXT is what was parsed: a marker token holds the marker as written there.
    """
    atoms: list[Atom] = []
    for index, token in enumerate(tokens if MORE_MARKER in text else ()):
        if _is_more(token):
            return shortened(atoms, None)
        if token.type == "inline" and index and tokens[index - 1].type in ("paragraph_open",
                                                                          "heading_open"):
            atoms += [Atom("text", " ", " "), *atoms_of(token.children or [])]
    for index, token in enumerate(tokens):
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            summary = shortened(atoms_of(token.children or []), SUMMARY_LENGTH)
            if summary.text:
                return summary
    return Snippet("", "")


def _is_more(token: Token) -> bool:
    if token.type == "html_block":
        return token.content.strip() == MORE_MARKER
    if token.type == "inline":
        return any(c.type == "html_inline" and c.content.strip() == MORE_MARKER
                   for c in token.children or [])
    return False
