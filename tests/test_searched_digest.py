"""pages/searchable.py finds the tags Pagefind reads from their attributes rather than trying a
pattern at every `<` of a page; its digest must be exactly the one the plain patterns give, on
built pages and on odd HTML alike."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TESTS, run_margin
from margin.pages.searchable import SEARCH_MARK, searched_digest

# The plain reading: each pattern tried at every `<`, and each element's end found by scanning
# for its tags (the reference the fast reading is held to).
_OPENING = rb"<([a-zA-Z][\w:-]*)\b[^>]*\s%s\b[^>]*>"
_BODY = re.compile(_OPENING % rb"data-pagefind-body")
_IGNORED = re.compile(_OPENING % rb"data-pagefind-ignore")
_FIELDS = re.compile(rb"<[^>]*\sdata-pagefind-(?:filter|meta|sort|weight|index-attrs|default-meta)"
                     rb"\b[^>]*>[^<]{0,200}")
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_VOID = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
         b"track", b"wbr"}


def plain_digest(data: bytes) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in _HTML_TAG.findall(data[:4096]) + _FIELDS.findall(data):
        hasher.update(part)
        hasher.update(b"\0")
    for body in _BODY.finditer(data):
        end = _plain_end(data, body)
        region, kept, position = data[body.start():end], [], 0
        for ignored in _IGNORED.finditer(region):
            if ignored.start() >= position:
                kept.append(region[position:ignored.start()])
                position = _plain_end(region, ignored)
        kept.append(region[position:])
        hasher.update(b"".join(kept))
        hasher.update(b"\0")
    return hasher.hexdigest()


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
    b"<p>", b"</p>", b"<", b">", b" ", b"\n", b"text", b"=",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mix_of_marked_pieces_digests_as_the_plain_reading_does(pieces):
    data = b"".join(pieces)
    assert searched_digest(data) == plain_digest(data)
