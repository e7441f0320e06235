"""Where a note's image really is, what URL to write for it, and its true size.

A local `src` is looked for, in order: beside the note (such files are copied next to the
note's page), at the URL a browser would request from the note's permalink (Jekyll notes
write `../../../../assets/x.png` against the permalink), under the site root, then from the
note's collection's root, from content/ and by its name alone (markdown/filefinder.py); in a
collection, a root-relative path is first one from the collection's root, and in a Typora note
one from its `typora-root-url:` folder. The `src` written is root-relative with the base_url
prefix; remote images are left alone, and Typora's `file://` ones looked for by name.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from margin import urls
from margin.markdown.context import BodyContext
from margin.markdown.filefinder import collection_root, from_root, published_url
from margin.markdown.imagesize import ImageError, image_size
from margin.model import AssetFile, Collection, Note

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


@dataclass(frozen=True)
class Located:
    """A local file found for a written src, and the site URL it is served at."""

    path: Path
    url: str  # root-relative, without the base_url prefix
    copy: bool  # not under assets/ (which the asset stage copies): the renderer must copy it

    def asset(self) -> AssetFile:
        return AssetFile(self.path, urls.output_path(self.url))


@dataclass(frozen=True)
class ImageInfo:
    """What the renderer writes for one image."""

    src: str  # the src to write
    located: Located | None  # None: remote, or not found
    size: tuple[int, int] | None = None
    problem: str = ""  # "image not found: x" or why the size is unknown


def is_remote(src: str) -> bool:
    return bool(_REMOTE.match(src.strip()))


def image_info(src: str, note: Note, context: BodyContext) -> ImageInfo:
    """Resolve SRC for NOTE: the URL to write, the file behind it and its size, or a problem."""
    src = src.strip()
    local = _own_site_path(src, context)
    if local is None:
        if src[:5].lower() == "file:":  # Typora's image on the author's own disk
            return _on_authors_disk(src, note, context)
        if is_remote(src) or not src:
            return ImageInfo(src, None)
        local = src
    parts = urlsplit(local)
    found = locate(unquote(parts.path), note, context)
    if found is None:
        return ImageInfo(src, None, problem=not_found("image", src, note, context))
    written = urls.with_prefix(context.prefix, found.url)
    written += (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else "")
    try:
        size = image_size(found.path)
    except ImageError as exc:
        return ImageInfo(written, found, problem=f"image {src}: {exc}; no width/height written")
    return ImageInfo(written, found, size)


def _on_authors_disk(src: str, note: Note, context: BodyContext) -> ImageInfo:
    """`file:///Users/me/notes/img/x.png`: the file of that name in the collection, if any."""
    name = posixpath.basename(unquote(urlsplit(src).path))
    found = _by_name(name, note, context)
    if found is None:
        return ImageInfo(src, None, problem=f"image on the author's computer, not in the "
                                            f"site: {src}")
    try:
        size = image_size(found.path)
    except ImageError:
        size = None
    return ImageInfo(urls.with_prefix(context.prefix, found.url), found, size)


def not_found(what: str, written: str, note: Note, context: BodyContext) -> str:
    """Why WRITTEN (a file's path) found no file: missing, or a name several files share."""
    path = unquote(urlsplit(written).path)
    if path and not path.startswith("/"):
        collection = collection_root(context.collections, note.key)
        shared = context.file_names.named(path, collection.root if collection else "")
        if len(shared) > 1:
            return f"{what} {written} is ambiguous: {', '.join(shared)} (write its path)"
    return f"{what} not found: {written}"


def _own_site_path(src: str, context: BodyContext) -> str | None:
    """'https://me.io/blog/x.png' on a site published at https://me.io/blog/ -> '/blog/x.png'."""
    if context.origin and src.startswith(context.origin + "/"):
        return src[len(context.origin):]
    return None


def locate(path: str, note: Note, context: BodyContext) -> Located | None:
    """The file behind PATH (decoded, no query) written in NOTE, by the order above."""
    if not path:
        return None
    collection = collection_root(context.collections, note.key)
    if path.startswith("/"):
        prefix = context.prefix
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix):] or "/"
        return (_from_typora_root(path, note, context, collection)
                or _at_site_url(urls.normalize(path), context, collection))
    note_folder = context.content_dir / posixpath.dirname(note.key)
    beside = note_folder / path
    if _inside(beside, context.content_dir) and context.files.is_file(beside):
        # normalize() adds a slash to names without an extension; a file keeps its own name
        return Located(beside, urls.relative_to(note.url, path).rstrip("/"), copy=True)
    return (_at_site_url(urls.relative_to(note.url, path), context, collection)
            or _at_site_url(urls.normalize(path), context)
            or _elsewhere(path, note, context, collection))


def _from_typora_root(path: str, note: Note, context: BodyContext,
                      collection: Collection | None) -> Located | None:
    """Typora reads `/x.png` against the note's `typora-root-url:`, a folder written relative
    to the note (`./..`); one on the author's own disk (`/Users/...`) says nothing here."""
    root = note.extra.get("typora-root-url")
    if not isinstance(root, str) or not root.strip() or root.strip().startswith(("/", "\\")) \
            or ":" in root:
        return None
    folder = posixpath.join(posixpath.dirname(note.key), root.strip().replace("\\", "/"))
    key = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
    if key.startswith("../") or key == "..":
        return None
    return _in_content(key, published_url(key, collection), context)


def _elsewhere(path: str, note: Note, context: BodyContext, collection: Collection | None
               ) -> Located | None:
    """PATH from the collection's root, from content/, then by its name (markdown/filefinder.py)."""
    relative = posixpath.normpath(path)
    if relative.startswith("../") or relative == "..":
        return None
    if collection is not None:
        found = _in_content(*from_root("/" + relative, collection), context)
        if found is not None:
            return found
    return (_in_content(relative, "/" + relative, context)
            or _by_name(relative, note, context, collection))


def _by_name(path: str, note: Note, context: BodyContext,
             collection: Collection | None = None) -> Located | None:
    collection = collection or collection_root(context.collections, note.key)
    root = collection.root if collection is not None else ""
    found = context.files.named(context.file_names, path, root)
    if len(found) != 1:
        return None
    return _in_content(found[0], published_url(found[0], collection), context)


def _in_content(key: str, url: str, context: BodyContext) -> Located | None:
    """The file content/KEY, published at URL, if there is one."""
    candidate = context.content_dir / key
    if (key and not any(part.startswith(".") for part in key.split("/"))
            and _inside(candidate, context.content_dir) and context.files.is_file(candidate)):
        return Located(candidate, url, copy=True)
    return None


def _at_site_url(url: str, context: BodyContext, collection: Collection | None = None
                 ) -> Located | None:
    relative = url.strip("/")
    if not relative:
        return None
    if collection is not None:  # its own files first: `/assets/x.png` in a Jekyll blog
        found = _in_content(*from_root(url, collection), context)
        if found is not None:
            return found
    if relative.startswith("assets/"):
        for root in context.asset_roots():
            candidate = root / relative.removeprefix("assets/")
            if _inside(candidate, root) and context.files.is_file(candidate):
                return Located(candidate, "/" + relative, copy=False)
    candidate = context.site_dir / relative
    if (_inside(candidate, context.site_dir) and not _inside(candidate, context.output_dir)
            and not any(part.startswith(".") for part in Path(relative).parts)
            and context.files.is_file(candidate)):
        return Located(candidate, "/" + relative, copy=True)
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False
