"""Each URL to one note. A URL margin derived (from a file name, a date, a title) that another
note has too is told apart by a suffix, with a warning; only two URLs the notes chose
themselves (`permalink:`, `url:`) on one address are an error, as is a note on an address
margin writes itself (the feed, the sitemap, the search bundle, the theme's files).

Who keeps the plain URL depends only on the colliding notes, never on reading order (the live
server's order changes with every rename): a chosen URL first, then a file whose name is
already the URL's last part (`x.md` beside `x?.md`), then path order. The others get `-2`,
`-3`, ... in path order, skipping any URL another note has, so renaming one file never moves
the URL of a note that sorts before it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from margin import theme, urls
from margin.diagnostics import Diagnostic, error, warning
from margin.load.dates import split_file_date
from margin.model import Note

# Files and folders margin (or Pagefind) writes at the site's root, whatever the notes.
RESERVED_FILES = ("/feed.xml", "/sitemap.xml", "/robots.txt")
RESERVED_FOLDERS = (urls.SEARCH_BUNDLE, *(f"{urls.ASSETS}{f}/" for f in theme.ASSET_FOLDERS))
_RESERVED_STARTS = (*RESERVED_FILES, *(f.rstrip("/") for f in RESERVED_FOLDERS), urls.TAGS,
                    "/.margin")
# Generated pages every site has: a note deriving one of these gives way.
GENERATED = {url: f"the generated page {template}" for url, template in (
    (urls.HOME, "home.html"), (urls.TAGS, "tags.html"), (urls.ARCHIVE, "archive.html"),
    (urls.SEARCH, "search.html"), (urls.NOT_FOUND, "404.html"))}


@dataclass(frozen=True)
class Claims:
    by_key: dict[str, Note]  # the notes that have a URL, each at its final URL
    by_url: dict[str, str]
    # A collection's notes by the URL their own tool gave them, mounted under the collection
    # ('/R' + '/2020/01/02/x.html' -> key), for links written for the old site; a note that
    # gave way is found here at the URL it derived.
    by_tool_url: dict[str, str]
    problems: list[Diagnostic]
    redirecting: list[str]  # the notes that may have old URLs (aliases, a tool's URL)

    def take(self, note: Note, derived: str) -> None:
        """NOTE has its URL (DERIVED: the one it asked for, before any suffix)."""
        self.by_key[note.key] = note
        self.by_url[note.url] = note.key
        if note.tool_url:
            self.by_tool_url.setdefault(derived, note.key)
        if note.aliases or note.tool_url:
            self.redirecting.append(note.key)


def claim(notes: list[Note]) -> Claims:
    """Every note that may have a URL, at the URL it keeps or is given."""
    found = Claims({}, {}, {}, [], [])
    asking: dict[str, list[Note]] = {}
    for note in notes:
        asking.setdefault(note.url, []).append(note)
    waiting: list[Note] = []
    for url, group in asking.items():
        if len(group) == 1 and url not in GENERATED and not url.startswith(_RESERVED_STARTS):
            found.take(group[0], url)  # (nearly every note: the rest is rare)
        else:
            waiting += _contest(url, group, found)
    for note in sorted(waiting, key=lambda n: n.key):
        moved = replace(note, url=_free(note.url, found.by_url))
        holder = found.by_url.get(note.url)
        other = found.by_key[holder].source if holder else GENERATED[note.url]
        found.problems.append(warning(
            note.source, None, f"{note.url} is also the URL of {other}; this note is at "
            f"{moved.url} (give it a `permalink:` to choose its own)"))
        found.take(moved, note.url)
    return found


def _contest(url: str, group: list[Note], found: Claims) -> list[Note]:
    """Settle the notes of GROUP asking for URL: the first in precedence takes it, chosen
    ones after it are errors; the derived ones returned wait for a suffix."""
    group.sort(key=_precedence)
    refused = _refused(url)
    waiting = []
    for note in group:
        why = refused or (f"permalink {url} is taken by {GENERATED[url]}"
                          if note.url_chosen and url in GENERATED else "")
        if why:
            found.problems.append(error(note.source, None, why))
        elif url in found.by_url or url in GENERATED:
            if note.url_chosen:  # (chosen URLs sort first: the other chose it too)
                other = found.by_key[found.by_url[url]].source
                found.problems.append(error(
                    note.source, None, f"duplicate permalink {url}: {other} has it too"))
            else:
                waiting.append(note)
        else:
            found.take(note, url)
    return waiting


def _precedence(note: Note) -> tuple[bool, bool, bool, str]:
    """Chosen URLs first, then files named as their URL ends, then a Markdown note before a
    notebook of the same name (`x.md` writes about `x.ipynb`), then path order."""
    return (not note.url_chosen, not _named_as_url(note), note.key.endswith(".ipynb"),
            note.key)


def _named_as_url(note: Note) -> bool:
    """Whether the file's name (its date aside) is its URL's last part exactly: 'x.md' at
    /x/, '2020-01-02-My-Post.md' at /2020/01/02/My-Post.html."""
    _, stem = split_file_date(posixpath.splitext(posixpath.basename(note.key))[0])
    last = posixpath.basename(note.url.rstrip("/"))
    return stem in (last, posixpath.splitext(last)[0])


def _refused(url: str) -> str:
    """Why no note may have URL ('' when one may)."""
    bare = url.rstrip("/")
    if bare in RESERVED_FILES or (url.startswith(urls.TAGS) and bare.endswith("/feed.xml")):
        return f"permalink {url}: margin writes its feed, sitemap and robots.txt there"
    if any(url.startswith(folder) or bare + "/" == folder for folder in RESERVED_FOLDERS):
        return f"permalink {url}: the folder {bare.split('/')[1]}/ holds margin's own files"
    if url.startswith("/.margin"):
        return f"permalink {url}: .margin* names are margin's own"
    return ""


def _free(url: str, taken: dict[str, str]) -> str:
    """URL with the first suffix -2, -3, ... that no note and no generated page has."""
    folder = url.endswith("/")
    base = url.rstrip("/") if folder else url
    stem, suffix = (base, "") if folder else posixpath.splitext(base)
    number = 2
    while True:
        candidate = f"{stem}-{number}{suffix}" + ("/" if folder else "")
        if candidate not in taken and candidate not in GENERATED:
            return candidate
        number += 1
