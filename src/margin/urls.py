"""The one place that knows how URLs are spelled and where each URL's file lives in the output."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

_TOKEN = re.compile(r":(year|month|day|slug|title|section|path)\b")


def normalize(url: str) -> str:
    """'posts//x' -> '/posts/x/': one leading slash, no doubled ones, a folder unless a file."""
    url = "/" + url.strip().replace("\\", "/").lstrip("/")
    url = re.sub(r"/{2,}", "/", url)
    parts = [p for p in url.split("/") if p not in ("", ".")]
    cleaned: list[str] = []
    for part in parts:
        if part == "..":
            if cleaned:
                cleaned.pop()
        else:
            cleaned.append(part)
    url = "/" + "/".join(cleaned)
    if cleaned and not url.endswith("/") and not _is_file(cleaned[-1]):
        url += "/"
    return url


def expand(pattern: str, tokens: dict[str, str]) -> str:
    """Fill a permalink pattern such as '/:year/:month/:slug/'."""
    return normalize(_TOKEN.sub(lambda m: tokens.get(m.group(1), ""), pattern))


def output_path(url: str) -> str:
    """Where URL's file lives under the output folder: '/a/b/' -> 'a/b/index.html'."""
    path = url.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    return path


@lru_cache(maxsize=1 << 16)  # (every page links to the same few hundred; the sitemap, to all)
def with_prefix(prefix: str, url: str) -> str:
    """A root-relative site URL with the base_url's path prefix, percent-encoded for links."""
    if not url.startswith("/"):
        return url
    return quote(prefix.rstrip("/") + url, safe="/#?&=%:@!$'()*+,;~")


@lru_cache(maxsize=64)
def prefix_of(base_url: str) -> str:
    """'https://x.github.io/blog/' -> '/blog'; '' -> ''."""
    return urlsplit(base_url).path.rstrip("/")


def absolute(base_url: str, url: str) -> str:
    """A full URL for feeds and canonical links; root-relative when no base_url is set.
    A URL that is already full (a remote image) is returned as it is."""
    if not base_url or not url.startswith("/"):
        return with_prefix("", url)
    return f"{_origin(base_url)}{with_prefix(prefix_of(base_url), url)}"


@lru_cache(maxsize=64)
def _origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def relative_to(page_url: str, target: str) -> str:
    """Resolve TARGET as a browser would on PAGE_URL ('../x.png' from '/a/b/' -> '/a/x.png')."""
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    return normalize(posixpath.join(base, target)) if target else page_url


def _is_file(last_segment: str) -> bool:
    return bool(re.search(r"\.[A-Za-z0-9]{1,5}$", last_segment))


# The generated pages' URLs. Notes may not claim these (the index reports a collision).
HOME = "/"
TAGS = "/tags/"
ARCHIVE = "/archive/"
NOT_FOUND = "/404.html"
ASSETS = "/assets/"
SEARCH = "/search/"
SEARCH_BUNDLE = "/pagefind/"  # written by Pagefind after the build, not by margin


def paged(url: str, page: int) -> str:
    """Page N of a list: '/tags/ai/' -> '/tags/ai/page/2/'; page 1 is the list's own URL."""
    return url if page <= 1 else f"{url}page/{page}/"


@lru_cache(maxsize=1 << 14)  # (each save asks for every list's: the same ones)
def paged_paths(url: str, pages: int) -> tuple[str, ...]:
    """The output paths of the PAGES pages of the list at URL."""
    return tuple(output_path(paged(url, number)) for number in range(1, pages + 1))


@lru_cache(maxsize=1 << 14)
def paged_path_set(url: str, pages: int) -> frozenset[str]:
    """paged_paths() as a set: the few pages asked for are looked up in it, not it walked."""
    return frozenset(paged_paths(url, pages))


def tag(slug: str) -> str:
    return f"{TAGS}{slug}/"


def section(name: str) -> str:
    return f"/{name}/"


PAPERS = "/papers/"
SERIES = "/series/"


def paper(slug: str) -> str:
    return f"{PAPERS}{slug}/"


def series(slug: str) -> str:
    return f"{SERIES}{slug}/"
