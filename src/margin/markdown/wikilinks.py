"""`[[Note title]]`, `[[file|label]]`, `[[note#Heading]]`, `[[note#^block]]`, `![[image.png|300]]`
and `![[note]]` for markdown-it.

The index has already decided what each name means (index.links.LinkTargets) and warned about
missing or ambiguous ones; this plugin only draws the answer. The resolver reaches the rule
through markdown-it's `env`, so the parser itself stays one shared, context-free object.
A note embedded (`![[note]]`, `![[note#Heading]]`) becomes a `note_embed` token, which
markdown/transclusion.py fills with that note's rendered body once the parse is done.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from margin.index.links import IMAGE_SUFFIXES, WIKILINK, LinkTargets, link_follows, names_file
from margin.slugs import slugify

_DOLLAR_MATH = re.compile(r"(?<![\\$])\$([^$\s](?:[^$]*[^$\s\\])?)\$(?![$0-9])")

ENV_KEY = "wikilinks"
EMBED_TOKEN = "note_embed"


@dataclass(frozen=True)
class WikilinkResolver:
    """Names -> note URLs, for one build, from the note in FOLDER."""

    targets: LinkTargets
    urls: Mapping[str, str]  # note key -> root-relative URL
    folder: str | None = None

    def lookup(self, target: str) -> tuple[str | None, tuple[str, ...]]:
        """The key of the one note TARGET names, or None and the candidates (maybe none)."""
        resolution = self.targets.resolve(target, self.folder)
        return resolution.key, resolution.keys


def heading_id(heading: str) -> str:
    """The id the heading anchors give a heading's text (see render.markdown); a block
    reference's `^id` is the id its paragraph is given (markdown/blockrefs.py)."""
    if heading.startswith("^"):
        return heading
    return slugify(heading, "section")


def wikilinks_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith(("[[", "![["), start):
        return False
    match = WIKILINK.match(state.src, start)
    if match is None or link_follows(state.src, match):
        return False  # `[[text]](url)`: the link rule's, a link whose text has brackets
    if not silent:
        embed, target, heading, label = (match.group(1), match.group(2).strip(),
                                         (match.group(3) or "").strip(), match.group(4))
        if embed and target.lower().endswith(IMAGE_SUFFIXES):
            _image(state, target, label)
        else:
            _link(state, target, heading, label, bool(embed))
    state.pos = match.end()
    return True


def _image(state: StateInline, target: str, label: str | None) -> None:
    """An embedded image: a normal image token, so image resolution treats it like any other."""
    alt = (label or "").strip()
    size = re.fullmatch(r"(\d+)(?:x(\d+))?", alt)  # Obsidian's ![[x.png|300]] is a width
    token = state.push("image", "img", 0)
    token.attrs = {"src": target, "alt": "" if size else alt}
    if size:
        token.attrs["width"] = size.group(1)
        if size.group(2):
            token.attrs["height"] = size.group(2)
    token.content = "" if size else alt
    child = state.md.inline.parse("" if size else alt, state.md, state.env, [])
    token.children = child or []


def _link(state: StateInline, target: str, heading: str, label: str | None, embed: bool
          ) -> None:
    text = (label or "").strip() or (f"{target} › {heading}" if target and heading
                                    else target or heading)
    anchor = f"#{heading_id(heading)}" if heading else ""
    resolver: WikilinkResolver | None = state.env.get(ENV_KEY)
    key, candidates = (None, ()) if resolver is None or not target else resolver.lookup(target)
    url = None if key is None or resolver is None else resolver.urls[key]
    if not target:
        url = ""  # [[#Heading]]: a place in this very note
    elif url is None and not candidates and names_file(target):
        url = target  # [[paper.pdf]]: a file, found (or reported) as any linked file is
    if url is None:
        token = state.push("html_inline", "", 0)
        why = "ambiguous: " + ", ".join(candidates) if candidates else "no note is called that"
        token.content = (f'<span class="broken-link" title="{_escape(why)}">'
                         f"{_escape(text)}</span>")
        token.meta = {"text": text}  # what summaries and contexts show of it
        return
    if embed and key is not None:
        token = state.push(EMBED_TOKEN, "", 0)
        token.meta = {"key": key, "heading": heading, "text": text}
        return
    opening = state.push("link_open", "a", 1)
    opening.attrs = {"href": url + anchor, "class": "wikilink"}
    opening.meta = {"wikilink": True, "note": candidates[0] if target and candidates else None}
    for is_math, piece in math_pieces(text):
        body = state.push("math_inline" if is_math else "text", "math" if is_math else "", 0)
        body.content = piece
        body.markup = "$" if is_math else ""
    state.push("link_close", "a", -1)


def math_pieces(text: str) -> list[tuple[bool, str]]:
    """TEXT in (is math, piece) parts: a link to `[[Note#Rate $r_t$]]` shows the heading's
    math typeset, as the heading itself is, never its dollars."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _DOLLAR_MATH.finditer(text) if "$" in text else ():
        if match.start() > position:
            pieces.append((False, text[position:match.start()]))
        pieces.append((True, match.group(1)))
        position = match.end()
    if position < len(text) or not pieces:
        pieces.append((False, text[position:]))
    return pieces


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
