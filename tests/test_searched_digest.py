"""pages/searchable.py finds the tags Pagefind reads from their attributes rather than trying a
pattern at every `<` of a page; the part of a page it gives Pagefind, and its digest, must be
exactly those the plain patterns give, on built pages and on odd HTML alike."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TESTS, run_margin
from margin.pages.searchable import DIGEST_KIND, SEARCH_MARK, searched_digest, searched_page

# The plain reading: each pattern tried at every `<`, and each element's end found by scanning
# for its tags (the reference the fast reading is held to).
_OPENING = rb"<([a-zA-Z][\w:-]*)\b[^>]*\s%s\b[^>]*>"
_BODY = re.compile(_OPENING % rb"data-pagefind-body")
_IGNORED = re.compile(_OPENING % rb"data-pagefind-ignore")
_FIELD_NAMES = rb"data-pagefind-(?:filter|meta|sort|weight|index-attrs|default-meta)"
_FIELD = re.compile(_OPENING % _FIELD_NAMES)
_FIELD_ATTRIBUTE = re.compile(rb"\s" + _FIELD_NAMES + rb"\b")
_TITLE_OR_IMAGE = re.compile(rb"<(h1|img)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_VOID = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr"}


def plain_page(data: bytes) -> bytes:
    bodies: list[tuple[int, int]] = []
    for body in _BODY.finditer(data):
        if not bodies or body.start() >= bodies[-1][1]:
            bodies.append((body.start(), _plain_end(data, body)))
    if not bodies:
        return data
    parts = []
    for start, end in bodies:
        region, kept, position = data[start:end], [], 0
        for ignored in _IGNORED.finditer(region):
            if ignored.start() >= position:
                closed = _plain_end(region, ignored)
                if not _FIELD_ATTRIBUTE.search(region[ignored.start():closed]):
                    kept.append(region[position:ignored.start()])
                    position = closed
        kept.append(region[position:])
        parts.append((start, b"".join(kept)))
    reach = 0
    for opening in sorted([*_FIELD.finditer(data), *_TITLE_OR_IMAGE.finditer(data)],
                          key=lambda opening: opening.start()):
        if opening.start() < reach or any(s <= opening.start() < e for s, e in bodies):
            continue
        reach = _plain_end(data, opening)
        if any(opening.start() <= s < reach for s, _ in bodies):
            return data
        parts.append((opening.start(), data[opening.start():reach]))
    html = _HTML_TAG.search(data[:4096])
    return b"\n".join([html.group() if html else b"<html>",
                        *(part for _, part in sorted(parts, key=lambda part: part[0]))])


def plain_digest(data: bytes) -> str:
    return DIGEST_KIND + hashlib.blake2b(plain_page(data), digest_size=16).hexdigest()


def _plain_end(data: bytes, opening: re.Match[bytes]) -> int:
    name = opening.group(1).lower()
    if name in _VOID or opening.group(0).endswith(b"/>"):
        return opening.end()
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(data, opening.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(data)


def test_every_marked_page_of_a_built_site_digests_as_the_plain_reading_does(fixture_site,
                                                                            tmp_path):
    marked = 0
    for number, site in enumerate((fixture_site("graph"), TESTS.parent)):
        output = tmp_path / f"out{number}"
        code, _, err = run_margin("build", site, "--output", output, "--no-cache")
        assert code == 0, err
        for page in sorted(output.rglob("*.html")):
            data = page.read_bytes()
            if SEARCH_MARK in data:
                marked += 1
                assert searched_digest(data) == plain_digest(data), page
    assert marked > 10


_PIECES = [
    b"<article data-pagefind-body>", b"<ARTICLE class=x data-pagefind-body>", b"</article>",
    b"</Article >", b" data-pagefind-body", b"data-pagefind-body", b"<div data-pagefind-ignore>",
    b'<div\tdata-pagefind-ignore="all">', b"<div>", b"</div>", b"</DIV>",
    b"<a data-pagefind-ignore>",
    b'<a class="h" data-pagefind-ignore="all">#</a>', b"</a>", b"<a-b data-pagefind-ignore>",
    b"</a-b>", b"<a-- data-pagefind-ignore>", b"</a-->", b"<br data-pagefind-ignore>",
    b"<p data-pagefind-ignore/>", b"<x:y data-pagefind-ignore>", b"</x:y>", b"data-pagefind-ignore",
    b"< data-pagefind-ignore>", b"<<a data-pagefind-ignore>", b'<b x="a>b" data-pagefind-ignore>',
    b'<h1 data-pagefind-meta="title">', b"</h1>", b'<span data-pagefind-filter="tag">x</span>',
    b"<i data-pagefind-sort=\"a\">", b"<x data-pagefind-metadata>", b'<html lang="en">', b"<HTML>",
    b"<p>", b"</p>", b"<", b">", b" ", b"\n", b"text", b"=", b"<h1>", b"<H1 id=t>",
    b'<img src="x">', b'<meta data-pagefind-meta="image[content]" content="y">',
    b'<span data-pagefind-ignore data-pagefind-filter="k:v">',
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mix_of_marked_pieces_digests_as_the_plain_reading_does(pieces):
    data = b"".join(pieces)
    assert searched_page(data) == plain_page(data)
    assert searched_digest(data) == plain_digest(data)
