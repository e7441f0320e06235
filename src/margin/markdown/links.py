"""Links in note bodies: source-file links made permalinks, empty links made text.

- `[x](../notes/attention.md#part)` -> the permalink of notes/attention.md, `#part` kept;
- `[x]()` and `[x](#)` (written when no link exists yet) -> just the text;
- root-relative URLs get the base_url prefix; external ones `rel="noopener"`;
- a link to a local file beside the note (`[data](results.csv)`) copies that file along;
- in a collection (load/collections.py), links written for its old site reach the note or
  file they meant: `/2020/01/02/x.html` (a note's URL there), `/assets/x.pdf` (from its root),
  `computer_sci/MOC` (Quartz: from its root, no suffix);
- Typora's `file:///Users/...` links (a file on the author's computer) become their text.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import SplitResult, unquote, urlsplit

from markdown_it.token import Token

from margin import urls
from margin.markdown.filefinder import collection_root, without_baseurl
from margin.markdown.images import is_remote, locate, not_found
from margin.markdown.state import BodyState, inline_children
from margin.model import Collection

_NOTE_SUFFIXES = (".md", ".markdown")
_NOTEBOOK = (".ipynb",)  # a note when it is one (load/notebooks.py)
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
        if remote and href[:5].lower() == "file:":
            state.warn(line, f"link to a file on the author's computer, shown as text: {href}")
            _unwrap(inline, child)
            unwrapped.append(inline)
            continue
        if not remote and _missing_local_file(path, state):
            # A notebook or data file that is not in the site: a dead link helps no reader, so
            # the text stays and the author is told once, at the line.
            state.warn(line, not_found("link target", href, state.note, state.context))
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
    lowered = path.lower()
    # A notebook is a note when it loaded as one; else it is a file (copied, as any other).
    key = _note_key(path, state) if lowered.endswith(_NOTE_SUFFIXES + _NOTEBOOK) else None
    if lowered.endswith(_NOTE_SUFFIXES) or key is not None:
        if key is None:
            return href  # the link checker reports it, at this line
        if key not in state.links and key != state.note.key:
            state.links.append(key)
        token.meta = {**token.meta, "note": key}  # for the sentence backlinks show
        return _with_prefix(context.prefix, context.permalinks[key]) + fragment
    collection = collection_root(context.collections, state.note.key)
    if collection is not None and path:
        found = _collection_link(path, state, collection)
        if found is not None:
            return found + fragment
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


def _collection_link(path: str, state: BodyState, collection: Collection) -> str | None:
    """A link written in COLLECTION, to a note by its old URL or its path from the
    collection's root, or to one of the collection's files: the URL to write, or None."""
    context = state.context
    targets = context.link_targets
    rooted = path.startswith("/")
    if rooted:
        path = without_baseurl(path, collection)
    if targets is not None and (rooted or not posixpath.splitext(path)[1]):
        if rooted:  # a URL of its old site (mounted under the collection's folder, as
            # load/permalinks.py mounts its notes), a URL of this one, a path from its notes
            mount = "/" + collection.root if collection.root else ""
            key = (targets.resolve(mount + path).key or targets.resolve(path).key
                   or targets.resolve("/" + posixpath.join(collection.notes_root,
                                                           path.strip("/"))).key)
        else:
            key = targets.resolve(path, posixpath.dirname(state.note.key)).key
        if key is not None and key in context.permalinks:
            if key not in state.links and key != state.note.key:
                state.links.append(key)
            return _with_prefix(context.prefix, context.permalinks[key])
    if rooted and posixpath.splitext(path)[1]:
        found = locate(path, state.note, context)
        if found is not None and found.copy:
            state.assets.setdefault(found.asset().path, found.asset())
            return urls.with_prefix(context.prefix, found.url)
    return None


def _missing_local_file(path: str, state: BodyState) -> bool:
    """A relative link (to the unquoted PATH of a local href) to a file, not a note or a page,
    that exists nowhere the site looks."""
    suffix = posixpath.splitext(path)[1].lower()
    if not suffix or path.startswith("/") or suffix in (*_NOTE_SUFFIXES, ".html", ".htm"):
        return False
    if suffix in _NOTEBOOK and _note_key(path, state) is not None:
        return False
    return locate(path, state.note, state.context) is None


def _note_key(path: str, state: BodyState) -> str | None:
    """'../notes/x.md' from posts/a.md -> 'notes/x.md'; '/notes/x.md' from the content root."""
    keys = state.context.permalinks
    if path.startswith("/"):
        candidate = path.lstrip("/").removeprefix("content/")
    else:
        candidate = _joined(posixpath.dirname(state.note.key), path)
    if candidate in keys:
        return candidate
    targets = state.context.link_targets
    if targets is None or path.startswith("/"):
        return None
    # Obsidian and Quartz write paths from the vault's root, or a name unique in it.
    found = targets.resolve(path, posixpath.dirname(state.note.key)).key
    return found if found is not None and found in keys else None


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
