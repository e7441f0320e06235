"""The link checker: every internal href and src of every page must point at a built file,
and every `#fragment` at an element id there. Runs on the pages in memory, before writing
(so the search bundle under /pagefind/, which Pagefind writes afterwards, is taken on trust).

A broken link on a note's page is reported at the note's source line that holds it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from margin import urls
from margin.diagnostics import Diagnostic, warning
from margin.model import AssetFile, Note, OutputFile

_TARGET = re.compile(rb"""\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ID = re.compile(rb"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# An element whose text is code, to its first end tag. (The same as `<(...)\b.*?</\1>`: up to
# the first `<` that starts the end tag; written so that the regex engine passes over every
# other `<` of a page, and over text between tags, at one look.)
_CODE = re.compile(rb"<(?=[pcs])(pre|code|script|style)\b[^<]*(?:<(?!/\1>)[^<]*)*</\1>",
                   re.IGNORECASE)
_TRUSTED = ""  # a link taken on trust: into the search bundle
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


@dataclass(frozen=True)
class PageLinks:
    """What the checker needs of one HTML page: the internal links it holds (outside code)
    and the ids it offers as #fragments, each kind as one string, NUL between the values:
    a site's records are kept between builds, and as separate strings they were millions of
    objects at 16,000 notes (slow to pickle, to read back and to hold). Made by links_of."""

    joined_targets: str  # in page order
    joined_ids: str  # sorted, each once

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.joined_targets.split("\0")) if self.joined_targets else ()

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.joined_ids.split("\0")) if self.joined_ids else frozenset()


def links_of(targets: Iterable[str], ids: Iterable[str]) -> PageLinks:
    """PageLinks of TARGETS and IDS. A NUL in one (only a page with NUL bytes in its HTML
    has one, read plainly) is kept as U+FFFD: it leads nowhere either way."""
    return PageLinks("\0".join(t.replace("\0", "\ufffd") for t in targets),
                     "\0".join(sorted({i.replace("\0", "\ufffd") for i in ids})))


@dataclass(frozen=True)
class CheckedPage:
    path: str  # under the output folder
    owner: str  # the key of the note whose page it is, or ''
    links: PageLinks


MAX_GAP = 3  # spaces between an attribute's name and its `=` that the look-behinds cover
_VALUE = rb"""\s*(?:"([^"]*)"|'([^']*)')"""


def _after(*names: bytes) -> re.Pattern[bytes]:
    """`NAME = "value"` for any of NAMES, preceded by whitespace, found from its `=`. (An `=`
    after anything but the last letter of a name or a space is passed over at one look.)"""
    def behind(gap: int) -> bytes:
        return b"|".join(b"(?<=\\s" + name + b"\\s" * gap + b"=)" for name in names)
    gapped = b"|".join(behind(gap) for gap in range(1, MAX_GAP + 1))
    last = bytes(sorted({name[-1] for name in names}))
    return re.compile(b"=(?<=[" + last + b"\\s]=)(?:" + behind(0) + b"|(?<=\\s=)(?:" + gapped
                      + b"))" + _VALUE, re.IGNORECASE)


_TARGET_FAST = _after(b"href", b"src")
_ID_FAST = _after(b"id", b"name")
_LONG_GAP = re.compile(b"=(?<=" + b"\\s" * (MAX_GAP + 1) + b"=)")


def page_links(data: bytes) -> PageLinks:
    """The internal link targets and the ids of an HTML page, outside code.

    read_plainly's patterns start at any whitespace, so the regex engine tries them at every
    space of a page; these start at the `=`, a literal it finds quickly, and look back for the
    attribute's name (twice as fast). A look-behind has a fixed width, so it covers up to
    MAX_GAP spaces between the name and the `=`; a page with a longer gap is read plainly.
    Matches cannot overlap differently either way: a match ends at a quote, and the stretch
    before a `=` that the look-behind reads (spaces and letters) holds none.
    tests/test_pagelinks.py compares both readings.

    The values found are decoded all at once, joined by NULs (a page with a NUL in it is
    read plainly), and a target that starts with `#` or a single `/` is plainly internal."""
    if b"\0" in data or _LONG_GAP.search(data):
        return read_plainly(data)
    html = _CODE.sub(b"", data)
    if html is not data and _LONG_GAP.search(html):  # taking code out can join two gaps
        return read_plainly(data)
    found = _ID_FAST.findall(data)
    ids = "\0".join(sorted(set(_joined(found).split("\0")))) if found else ""
    found = _TARGET_FAST.findall(html)
    targets = []
    for target in _joined(found).replace("&amp;", "&").split("\0") if found else ():
        target = target.strip()
        if target and (target[0] == "#" or (target[0] == "/" and target[1:2] != "/")
                       or not _EXTERNAL.match(target)):
            targets.append(target)
    return PageLinks("\0".join(targets), ids)  # (no NUL: the page has none)


def _joined(found: list[tuple[bytes, bytes]]) -> str:
    """The values a findall of _VALUE found (double- or single-quoted), NUL between them."""
    return b"\0".join([double or single for double, single in found]).decode()


def read_plainly(data: bytes) -> PageLinks:
    """page_links, read with the plain patterns (and the reference it is tested against)."""
    ids = [(m.group(1) or m.group(2) or b"").decode() for m in _ID.finditer(data)]
    return links_of(_targets(_CODE.sub(b"", data)), ids)


def check_links(
    pages: list[OutputFile], assets: Iterable[AssetFile], notes: Mapping[str, Note], prefix: str
) -> list[Diagnostic]:
    """Warnings for links inside the site that lead nowhere."""
    checked = [CheckedPage(page.path, page.owner, page_links(page.data))
               for page in pages if page.path.endswith(".html")]
    files = {page.path for page in pages} | {asset.path for asset in assets}
    return check_pages(checked, files, notes, prefix)


def check_pages(pages: list[CheckedPage], files: set[str], notes: Mapping[str, Note],
                prefix: str) -> list[Diagnostic]:
    """The same check over pages already read (the build reads each page where it is drawn,
    and keeps what it read for pages that did not change). FILES: every path of the site."""
    found = broken_by_page(pages, files, notes, prefix)
    return [problem for page in pages for problem in found.get(page.path, ())]


def broken_by_page(pages: list[CheckedPage], files: set[str], notes: Mapping[str, Note],
                   prefix: str, only: set[str] | None = None
                   ) -> dict[str, tuple[Diagnostic, ...]]:
    """The broken links of each page (by path, only those with any) among PAGES, or among
    those of them whose paths are in ONLY (the others still offer their ids)."""
    ids = _Ids({page.path: page.links for page in pages})
    resolved: dict[tuple[str, str], str | None] = {}  # (base, path) -> file, memoized
    rooted: dict[str, bool] = {}  # a root link is broken or not on every page alike
    found: dict[str, tuple[Diagnostic, ...]] = {}
    for page in pages:
        if only is not None and page.path not in only:
            continue
        problems: list[Diagnostic] = []
        own: frozenset[str] | None = None
        for target in page.links.targets:
            first = target[0]
            if first == "/":
                broken = rooted.get(target)
                if broken is None:
                    broken = rooted[target] = _broken(target, page.path, files, ids, resolved,
                                                      prefix)
            elif first == "#":  # most links of all: within the page, as _broken reads them
                if own is None:
                    own = ids[page.path]
                fragment = target[1:]
                if "%" in fragment:
                    fragment = unquote(fragment)
                broken = bool(fragment) and fragment not in own
            else:
                broken = _broken(target, page.path, files, ids, resolved, prefix)
            if broken:
                problems.append(_report(target, page, notes))
        if problems:
            found[page.path] = tuple(problems)
    return found


class _Ids(Mapping[str, frozenset[str]]):
    """Each page's ids by path, as a set when first asked for (few pages are the target of
    a #fragment link)."""

    def __init__(self, links: dict[str, PageLinks]):
        self._links = links
        self._sets: dict[str, frozenset[str]] = {}

    def __getitem__(self, path: str) -> frozenset[str]:
        found = self._sets.get(path)
        if found is None:
            found = self._sets[path] = self._links[path].ids
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)


def _targets(html: bytes) -> list[str]:
    found = []
    for match in _TARGET.finditer(html):
        raw = (match.group(1) if match.group(1) is not None else match.group(2)).decode()
        target = raw.replace("&amp;", "&").strip()
        if target and not _EXTERNAL.match(target):
            found.append(target)
    return found


def _broken(target: str, page_path: str, files: set[str], ids: Mapping[str, frozenset[str]],
            resolved: dict[tuple[str, str], str | None], prefix: str) -> bool:
    path, _, fragment = target.partition("#")
    path = path.partition("?")[0]
    if not path:
        found: str | None = page_path
    else:
        base = "" if path.startswith("/") else page_path  # a root link means the same anywhere
        known = (base, path)
        if known in resolved:
            found = resolved[known]
        else:
            found = resolved[known] = _resolve(unquote(path), page_path, files, prefix)
        if found is None:
            return True
        if found == _TRUSTED:
            return False
    fragment = unquote(fragment)
    if fragment and found.endswith(".html"):
        return fragment not in ids.get(found, ())
    return False


def _resolve(path: str, page_path: str, files: set[str], prefix: str) -> str | None:
    """The built file PATH (from a link on PAGE_PATH) leads to; None when there is none."""
    if path.startswith("/"):
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            return None  # a root link that forgot the base_url prefix
        path = path[len(prefix):] or "/"
    else:
        page_url = "/" + page_path.removesuffix("index.html")
        base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
        path = posixpath.normpath(posixpath.join(base, path)) + ("/" if path.endswith("/")
                                                                  else "")
    if path.startswith(urls.SEARCH_BUNDLE):
        return _TRUSTED  # Pagefind writes its files after the pages (write/search.py)
    return _existing(path, files)


def _existing(path: str, files: set[str]) -> str | None:
    relative = path.lstrip("/")
    for candidate in (relative, urls.output_path(path), relative.rstrip("/") + "/index.html"):
        if candidate in files:
            return candidate
    return None


def _report(target: str, page: CheckedPage, notes: Mapping[str, Note]) -> Diagnostic:
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
