"""Links in note bodies: source-file links made permalinks, empty links made text.

- `[x](../notes/attention.md#part)` -> the permalink of notes/attention.md, `#part` kept;
- `[x]()` and `[x](#)` (written when no link exists yet) -> just the text;
- root-relative URLs get the base_url prefix; external ones `rel="noopener"`;
- a link to a local file beside the note (`[data](results.csv)`) copies that file along.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import SplitResult, unquote, urlsplit

from markdown_it.token import Token

from margin import urls
from margin.render.images import is_remote, locate
from margin.render.state import BodyState, inline_children

_NOTE_SUFFIXES = (".md", ".markdown")
_LINKS = frozenset({"link_open"})


def fix_links(tokens: list[Token], state: BodyState) -> None:
    unwrapped: list[Token] = []  # inline tokens holding links made text
    for inline, _, child, line in list(inline_children(tokens, _LINKS)):
        href = str(child.attrGet("href") or "")
        if child.markup not in ("autolink", "linkify") and href.strip() in ("", "#"):
            _unwrap(inline, child)
            unwrapped.append(inline)
            continue
        remote = is_remote(href)
        parts, path = (None, "") if remote else _split(href)
        if not remote and _missing_local_file(path, state):
            # A notebook or data file that is not in the site: a dead link helps no reader, so
            # the text stays and the author is told once, at the line.
            state.warn(line, f"link target not found: {href}")
            _unwrap(inline, child)
            unwrapped.append(inline)
            continue
        child.attrSet("href", _rewrite(href, parts, path, child, state))
    for inline in unwrapped:
        inline.children = [c for c in inline.children or [] if not c.meta.get("unwrapped")]


@lru_cache(maxsize=4096)
def _split(href: str) -> tuple[SplitResult, str]:
    """A local HREF's parts and its path unquoted: hrefs recur (the same notes, the same files)."""
    parts = urlsplit(href)
    return parts, unquote(parts.path)


# The URL of a note, percent-encoded: asked again and again for the same notes.
_with_prefix = lru_cache(maxsize=4096)(urls.with_prefix)


@lru_cache(maxsize=4096)
def _joined(directory: str, path: str) -> str:
    """The key a relative PATH names from a note in DIRECTORY ('posts', '../notes/x.md')."""
    return posixpath.normpath(posixpath.join(directory, path))


def _rewrite(href: str, parts: SplitResult | None, path: str, token: Token, state: BodyState
             ) -> str:
    """HREF as written in the page: PARTS and PATH are _split(href), None for a remote one."""
    context = state.context
    if parts is None:
        if not _own_site(href, state):
            token.attrSet("rel", "noopener")
        return href
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path.lower().endswith(_NOTE_SUFFIXES):
        key = _note_key(path, state)
        if key is None:
            return href  # the link checker reports it, at this line
        if key not in state.links and key != state.note.key:
            state.links.append(key)
        token.meta = {**token.meta, "note": key}  # for the sentence backlinks show
        return _with_prefix(context.prefix, context.permalinks[key]) + fragment
    if path.startswith("/"):
        prefix = context.prefix
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            return href
        return urls.with_prefix(prefix, path) + (f"?{parts.query}" if parts.query else "") \
            + fragment
    if path and posixpath.splitext(path)[1] and not path.endswith("/"):
        found = locate(path, state.note, context)
        if found is not None and found.copy and found.path.is_relative_to(context.content_dir):
            state.assets.setdefault(found.asset().path, found.asset())
            return urls.with_prefix(context.prefix, found.url) + fragment
    return href


def _missing_local_file(path: str, state: BodyState) -> bool:
    """A relative link (to the unquoted PATH of a local href) to a file, not a note or a page,
    that exists nowhere the site looks."""
    suffix = posixpath.splitext(path)[1].lower()
    if not suffix or path.startswith("/") or suffix in (*_NOTE_SUFFIXES, ".html", ".htm"):
        return False
    return locate(path, state.note, state.context) is None


def _note_key(path: str, state: BodyState) -> str | None:
    """'../notes/x.md' from posts/a.md -> 'notes/x.md'; '/notes/x.md' from the content root."""
    keys = state.context.permalinks
    if path.startswith("/"):
        candidate = path.lstrip("/").removeprefix("content/")
    else:
        candidate = _joined(posixpath.dirname(state.note.key), path)
    return candidate if candidate in keys else None


def _own_site(href: str, state: BodyState) -> bool:
    origin = state.context.origin
    return bool(origin) and (href == origin or href.startswith(origin + "/"))


def _unwrap(inline: Token, opening: Token) -> None:
    """Drop a link's tags, keeping its text: mark the pair, removed after the walk."""
    children = inline.children or []
    start = next(i for i, c in enumerate(children) if c is opening)
    depth = 0
    for child in children[start:]:
        depth += child.nesting
        if child.type in ("link_open", "link_close") and (
                child is opening or (depth == 0 and child.type == "link_close")):
            child.meta = {**child.meta, "unwrapped": True}
        if depth == 0:
            break
