"""A note's URL, decided from the note alone: its own `permalink:` or `url:`, its section's
pattern from site.toml, or the default that fits where it lives.

The default follows the tools notes come from: posts (the `posts/` section, `_posts/`, a file
named `2024-05-21-...`) get the dated pattern, as in Jekyll; every other note gets its path,
as in Hugo and Quartz, so `a/MOC.md` and `b/MOC.md` never meet. A note in a collection rooted
at R gets the URL its own tool would give it, mounted under /R/. Two notes may still derive
one URL (`x.md` and `x?.md`): index/claims.py tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from margin import urls
from margin.load.collections import collection_of
from margin.load.discover import JEKYLL_FOLDERS
from margin.model import Collection, SiteConfig
from margin.slugs import slugify

FOLDER_PAGES = ("index", "_index")  # a folder's own page
_PATH_KINDS = ("hugo", "quartz")  # tools whose every URL is the note's path under content/
# Jekyll's named permalink styles (its docs' table); `date` is its default.
_JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_JEKYLL_TOKEN = re.compile(
    r":(year|short_year|month|i_month|short_month|long_month|day|i_day|y_day|hour|minute"
    r"|second|title|slug|categories|output_ext)(?![A-Za-z0-9_])")
_JEKYLL_UNSAFE = re.compile(r"[^\w.~!$&'()+,;=@]+|_+")  # what Jekyll's 'pretty' slugs replace


@dataclass(frozen=True)
class Place:
    """Where a note lives, in the terms URLs are made of."""

    key: PurePosixPath  # path under content/
    collection: Collection | None
    folders: tuple[str, ...]  # under the collection's notes (Jekyll's _posts/_drafts left out)
    stem: str  # the file name without date and suffix; a folder page's: the folder's name
    section: str  # the first folder under content/: the section the note is listed in
    folder_page: bool  # index.md or _index.md: the page of the folder it is in
    post: bool  # dated by where it lives: gets the dated pattern

    @property
    def mount(self) -> str:
        """'/R' for a note in a collection rooted at R; '' elsewhere."""
        return "/" + self.collection.root if self.collection and self.collection.root else ""


def place_of(key: PurePosixPath, config: SiteConfig, file_date: datetime | None,
             stem: str) -> Place:
    """Where the note KEY lives (FILE_DATE and STEM: its file name split by split_file_date)."""
    collection = collection_of(config.collections, key.as_posix())
    kind = collection.kind if collection else "margin"
    inner = _inside(key, collection)
    every = key.parent.parts
    folders = [f for f in inner.parent.parts if f not in JEKYLL_FOLDERS]
    in_posts = any(f in JEKYLL_FOLDERS for f in inner.parent.parts)
    if collection is None and not folders and every:
        folders = ["posts"]  # content/_posts/ and content/_drafts/ hold the posts section
    section_folders = [f for f in every if f not in JEKYLL_FOLDERS] or (["posts"] if every
                                                                       else [])
    section = section_folders[0] if section_folders else ""
    folder_page = stem in FOLDER_PAGES and bool(folders)
    if folder_page:
        stem, folders = folders[-1], folders[:-1]
    if kind == "jekyll":
        post = in_posts
    elif kind in _PATH_KINDS:
        post = False
    else:
        post = not folder_page and (in_posts or file_date is not None
                                    or (folders[:1] == ["posts"]))
    return Place(key, collection, tuple(folders), stem, section, folder_page, post)


def note_url(place: Place, config: SiteConfig, chosen: str, date: datetime | None,
             named: str, title: str, categories: list[str]) -> tuple[str, str]:
    """(URL, the URL its tool gave it before mounting: '' outside collections).

    CHOSEN is the note's own `permalink:`/`url:` ('' when none); NAMED its `slug:` or else
    its file name's stem, as written; TITLE its title."""
    slug = slugify(named)
    tokens = {
        "year": f"{date:%Y}" if date else "",
        "month": f"{date:%m}" if date else "",
        "day": f"{date:%d}" if date else "",
        "slug": slug,
        "title": slugify(title),
        "section": place.section,
        "path": "/".join([*place.folders, slug]) if not _root_page(place) else "",
    }
    kind = place.collection.kind if place.collection else "margin"
    if chosen:
        if kind == "jekyll":
            chosen = _jekyll_expand(chosen, date, named, place.folders, categories)
        return _mounted(place, urls.normalize(chosen))
    section_pattern = config.permalinks.get(place.section)
    if section_pattern is not None and place.section not in ("dated", "undated"):
        return urls.expand(section_pattern, tokens), ""
    if kind == "jekyll" and place.post:
        style = place.collection.setting("permalink", "date") if place.collection else "date"
        pattern = _jekyll_expand(_JEKYLL_STYLES.get(style, style), date, named,
                                 place.folders, categories)
        return _mounted(place, urls.normalize(pattern))
    dated = place.post and date is not None
    pattern = config.permalinks["dated" if dated else "undated"]
    return _mounted(place, urls.expand(pattern, tokens))


def _mounted(place: Place, url: str) -> tuple[str, str]:
    """URL under the collection's folder; and URL itself, as the tool gave it."""
    if not place.mount:
        return url, ""
    return urls.normalize(place.mount + url), url


def _root_page(place: Place) -> bool:
    """The page of a collection's own root (its index.md): the collection's address itself."""
    return bool(place.mount) and place.stem in FOLDER_PAGES and not place.folders


def _inside(key: PurePosixPath, collection: Collection | None) -> PurePosixPath:
    """KEY under the collection's notes root (a Hugo site's content/), else under its root."""
    if collection is None:
        return key
    for root in (collection.notes_root, collection.root):
        if not root:
            return key
        if key.is_relative_to(root):
            return key.relative_to(root)
    return key


def _jekyll_expand(pattern: str, date: datetime | None, named: str, folders: tuple[str, ...],
                   categories: list[str]) -> str:
    """A Jekyll permalink with its tokens filled as Jekyll fills them for this note: :title
    keeps the file name's case, :slug is lower-cased, the folders above _posts/ and the
    `categories:` make :categories."""
    slug = slugify(named)
    every = [c.lower() for c in [*folders, *categories]]
    values = {
        "title": _JEKYLL_UNSAFE.sub("-", named).strip("-") or slug, "slug": slug,
        "categories": "/".join(dict.fromkeys(every)), "output_ext": ".html",
    }
    if date is not None:
        values.update({
            "year": f"{date:%Y}", "short_year": f"{date:%y}", "month": f"{date:%m}",
            "i_month": str(date.month), "short_month": f"{date:%b}",
            "long_month": f"{date:%B}", "day": f"{date:%d}", "i_day": str(date.day),
            "y_day": f"{date:%j}", "hour": f"{date:%H}", "minute": f"{date:%M}",
            "second": f"{date:%S}",
        })
    return _JEKYLL_TOKEN.sub(lambda m: values.get(m.group(1), ""), pattern)
