"""The link checker: every internal href and src of every page must point at a built file,
and every `#fragment` at an element id there. Runs on the pages in memory, before writing
(so the search bundle under /pagefind/, which Pagefind writes afterwards, is taken on trust).

A broken link on a note's page is reported at the note's source line that holds it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from margin import urls
from margin.diagnostics import Diagnostic, warning
from margin.model import AssetFile, Note, OutputFile

_TARGET = re.compile(rb"""\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ID = re.compile(rb"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CODE = re.compile(rb"<(pre|code|script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def check_links(
    pages: list[OutputFile], assets: Iterable[AssetFile], notes: Mapping[str, Note], prefix: str
) -> list[Diagnostic]:
    """Warnings for links inside the site that lead nowhere."""
    by_path = {page.path: page for page in pages}
    files = set(by_path) | {asset.path for asset in assets}
    ids: dict[str, set[str]] = {}
    problems: list[Diagnostic] = []
    for page in pages:
        if not page.path.endswith(".html"):
            continue
        html = _CODE.sub(b"", page.data)
        for target in _targets(html):
            broken = _broken(target, page, files, ids, by_path, prefix)
            if broken:
                problems.append(_report(target, page, notes))
    return problems


def _targets(html: bytes) -> list[str]:
    found = []
    for match in _TARGET.finditer(html):
        raw = (match.group(1) if match.group(1) is not None else match.group(2)).decode()
        target = raw.replace("&amp;", "&").strip()
        if target and not _EXTERNAL.match(target):
            found.append(target)
    return found


def _broken(target: str, page: OutputFile, files: set[str], ids: dict[str, set[str]],
            pages: Mapping[str, OutputFile], prefix: str) -> bool:
    parts = urlsplit(target)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    page_url = "/" + page.path.removesuffix("index.html")
    if not path:
        resolved = page.path
    else:
        if path.startswith("/"):
            if prefix and not (path == prefix or path.startswith(prefix + "/")):
                return True  # a root link that forgot the base_url prefix
            path = path[len(prefix):] or "/"
        else:
            base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
            path = posixpath.normpath(posixpath.join(base, path)) + ("/" if path.endswith("/")
                                                                      else "")
        if path.startswith(urls.SEARCH_BUNDLE):
            return False  # Pagefind writes its files after the build (write/search.py)
        resolved = _existing(path, files)
        if resolved is None:
            return True
    if fragment and resolved.endswith(".html"):
        return fragment not in _ids_of(resolved, ids, pages)
    return False


def _existing(path: str, files: set[str]) -> str | None:
    relative = path.lstrip("/")
    for candidate in (relative, urls.output_path(path), relative.rstrip("/") + "/index.html"):
        if candidate in files:
            return candidate
    return None


def _ids_of(path: str, ids: dict[str, set[str]], pages: Mapping[str, OutputFile]) -> set[str]:
    if path not in ids:
        page = pages.get(path)
        found = set()
        if page is not None:
            for match in _ID.finditer(page.data):
                found.add((match.group(1) or match.group(2) or b"").decode())
        ids[path] = found
    return ids[path]


def _report(target: str, page: OutputFile, notes: Mapping[str, Note]) -> Diagnostic:
    """Name the note's line holding the link; for theme links, the page that shows it."""
    note = notes.get(page.owner)
    if note is None:
        return warning("", None, f"broken link: {target} (on /{page.path})")
    return warning(note.source, _line_of(target, note), f"broken link: {target}")


def _line_of(target: str, note: Note) -> int | None:
    """The body line that holds the link as written (the HTML may have rewritten its start)."""
    lines = note.body.split("\n")
    parts = urlsplit(target)
    needles = [target, parts.path.rsplit("/", 1)[-1] + ("#" + parts.fragment if parts.fragment
                                                          else "")]
    if parts.fragment:
        needles.append("#" + parts.fragment)
        needles.append("#" + unquote(parts.fragment).replace("-", " "))  # [[x#Some heading]]
    for needle in needles:
        for number, line in enumerate(lines):
            if needle and needle.casefold() in line.casefold():
                return note.body_line + number
    return None
