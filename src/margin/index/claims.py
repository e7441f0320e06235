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


def claim(notes: list[Note]) -> Claims:
    """Every note that may have a URL, at the URL it keeps or is given."""
    by_key: dict[str, Note] = {}
    by_url: dict[str, str] = {}
    by_tool_url: dict[str, str] = {}
    problems: list[Diagnostic] = []

    def take(note: Note) -> None:
        by_key[note.key] = note
        by_url[note.url] = note.key

    ordered = sorted(notes, key=_precedence)
    waiting: list[Note] = []
    for note in ordered:
        refused = _refused(note)
        if refused:
            problems.append(error(note.source, None, refused))
        elif note.url in by_url or (note.url in GENERATED and not note.url_chosen):
            if note.url_chosen:  # (chosen URLs come first: the other chose it too)
                other = by_key[by_url[note.url]].source
                problems.append(error(note.source, None,
                                      f"duplicate permalink {note.url}: {other} has it too"))
            else:
                waiting.append(note)
        else:
            take(note)
    for note in sorted(waiting, key=lambda n: n.key):
        moved = replace(note, url=_free(note.url, by_url))
        holder = by_url.get(note.url)
        other = by_key[holder].source if holder else GENERATED[note.url]
        problems.append(warning(
            note.source, None, f"{note.url} is also the URL of {other}; this note is at "
            f"{moved.url} (give it a `permalink:` to choose its own)"))
        take(moved)
    for note in ordered:  # each at the URL it derived, before any suffix
        if note.tool_url and note.key in by_key:
            by_tool_url.setdefault(note.url, note.key)
    return Claims(by_key, by_url, by_tool_url, problems)


def _precedence(note: Note) -> tuple[bool, bool, str]:
    """Chosen URLs first, then files named as their URL ends, then path order."""
    return (not note.url_chosen, not _named_as_url(note), note.key)


def _named_as_url(note: Note) -> bool:
    """Whether the file's name (its date aside) is its URL's last part exactly: 'x.md' at
    /x/, '2020-01-02-My-Post.md' at /2020/01/02/My-Post.html."""
    _, stem = split_file_date(posixpath.splitext(posixpath.basename(note.key))[0])
    last = posixpath.basename(note.url.rstrip("/"))
    return stem in (last, posixpath.splitext(last)[0])


def _refused(note: Note) -> str:
    """Why NOTE may not have its URL at all ('' when it may)."""
    url, bare = note.url, note.url.rstrip("/")
    if bare in RESERVED_FILES or (url.startswith(urls.TAGS) and bare.endswith("/feed.xml")):
        return f"permalink {url}: margin writes its feed, sitemap and robots.txt there"
    if any(url.startswith(folder) or bare + "/" == folder for folder in RESERVED_FOLDERS):
        return f"permalink {url}: the folder {bare.split('/')[1]}/ holds margin's own files"
    if url.split("/")[1].startswith(".margin"):
        return f"permalink {url}: .margin* names are margin's own"
    if note.url_chosen and url in GENERATED:
        return f"permalink {url} is taken by {GENERATED[url]}"
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
