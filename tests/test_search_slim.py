"""Pagefind is given only the part of a page it reads (pages/searchable.py: searched_page), and
must make of it exactly the index it makes of the whole page: same words, anchors, filters,
metadata (those inside ignored parts or outside the body too), sort keys, language, and the
default title and image it takes from the first <h1> and <img> wherever they are."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from margin.pages.searchable import SEARCH_MARK, searched_page
from margin.write import search
from test_search_same_index import index_of, notes

pytestmark = pytest.mark.skipif(search.pagefind_binary() is None,
                                reason="Pagefind is not installed")

ODD_PAGES = {
    "heading-outside/index.html": """<!DOCTYPE html><html lang="fr"><head><title>Onglet</title>
<meta data-pagefind-meta="image[content]" content="/social.png" property="og:image">
<meta data-pagefind-filter="author[content]" content="Ana"></head>
<body><h1>Titre hors du corps</h1><img src="/logo.png" alt="logo">
<p data-pagefind-filter="place">Lyon</p>
<main><article data-pagefind-body data-pagefind-sort="rank:3">
<h2 id="first">Premier point</h2><p>Les miroirs dérivent la nuit.</p>
<div data-pagefind-ignore><span data-pagefind-filter="tag">optique</span> mots cachés</div>
<div data-pagefind-ignore="all"><span data-pagefind-filter="tag">jamais</span> aussi</div>
<section data-pagefind-ignore><h3 id="skipped">Rétroliens</h3><p>bruit</p></section>
<p data-pagefind-weight="5">Phrase pesée sur la cavité.</p><h3 id="second">Second</h3>
</article></main>
<footer><span data-pagefind-meta="footer-note">Pied de page</span> reste</footer>
</body></html>""",
    "two-bodies/index.html": """<html><body>
<div data-pagefind-meta="wrap:outer"><p>Around</p></div>
<article data-pagefind-body><p>Lasers warm up slowly.</p>
<span data-pagefind-default-meta="image[src]" src="/fallback.png"></span></article>
<article data-pagefind-body><h1>Second body</h1><p>More about lasers here.</p></article>
</body></html>""",
    "late-heading/index.html": """<html lang="de"><body><header><img src="/logo.svg" alt="Logo">
</header><article data-pagefind-body><p>Fasern brechen selten.</p><img src="/in.png" alt="in">
</article><h1>Late heading</h1><IMG src="/after.png"><h1>Later</h1></body></html>""",
}


def comparable(output: Path) -> dict[str, object]:
    """index_of(OUTPUT), with the languages of pagefind-entry.json in a fixed order (Pagefind
    writes them in its hash map's)."""
    found = index_of(output)
    for name, value in found.items():
        if name.endswith("pagefind-entry.json"):
            found[name] = json.dumps(json.loads(str(value)), sort_keys=True)
    return found


def fragments(output: Path) -> dict[str, dict]:
    """The page records of OUTPUT's bundle, by URL."""
    found = {}
    for path in (output / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        found[record["url"]] = record
    return found


def index_pages(pages: dict[str, bytes], folder: Path) -> Path:
    """Pagefind's bundle of PAGES (path -> bytes), in FOLDER/out/pagefind."""
    for path, data in pages.items():
        (folder / "in" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "in" / path).write_bytes(data)
    binary = search.pagefind_binary()
    assert binary is not None
    assert search.run_pagefind(binary, folder / "in", folder / "out" / "pagefind") is None
    return folder / "out"


def test_pagefind_makes_the_same_index_of_the_slim_pages_as_of_the_whole(
        make_site, build_site, tmp_path):
    site = make_site({**notes(), "content/notes/linked.md":
                      "---\ntitle: Linked\ndate: 2024-03-01\ntags: [optics]\n---\n"
                      "## Setup {#setup}\nSee [[n01]] and [[n02]].\n"})
    built = build_site(site, "--no-cache")
    assert built.exit_code == 0, built.stderr
    whole = {page.relative_to(built.output).as_posix(): page.read_bytes()
             for page in built.output.rglob("*.html") if SEARCH_MARK in page.read_bytes()}
    whole.update({path: text.encode() for path, text in ODD_PAGES.items()})
    slim = {path: searched_page(data) for path, data in whole.items()}
    assert sum(map(len, slim.values())) < 0.7 * sum(map(len, whole.values()))

    from_whole = index_pages(whole, tmp_path / "whole")
    from_slim = index_pages(slim, tmp_path / "slim")

    assert comparable(from_slim) == comparable(from_whole)
    records = fragments(from_slim)
    odd = records["/heading-outside/"]
    assert odd["meta"]["title"] == "Titre hors du corps"
    assert odd["meta"]["footer-note"] == "Pied de page"
    assert odd["filters"] == {"author": ["Ana"], "place": ["Lyon"], "tag": ["optique"]}
    assert [anchor["id"] for anchor in odd["anchors"]] == ["first", "second"]
    assert "bruit" not in odd["content"]
    assert records["/late-heading/"]["meta"]["title"] == "Late heading"
    assert sorted(records["/notes/linked/"]["filters"]["tag"]) == ["optics"]


def test_a_build_gives_pagefind_the_slim_pages_and_indexes_them_as_the_whole(
        make_site, build_site, monkeypatch, tmp_path):
    given: dict[str, bytes] = {}
    run = search.run_pagefind

    def spied(binary: Path, site: Path, bundle: Path) -> str | None:
        given.update({page.relative_to(site).as_posix(): page.read_bytes()
                      for page in site.rglob("*.html")})
        return run(binary, site, bundle)

    monkeypatch.setattr(search, "run_pagefind", spied)
    site = make_site(notes())
    built = build_site(site, "--no-cache")
    assert built.exit_code == 0, built.stderr
    whole = {path: (built.output / path).read_bytes() for path in given}
    assert len(given) == 24
    assert all(given[path] == searched_page(data) and len(given[path]) < len(data)
               for path, data in whole.items())
    from_whole = index_pages(whole, tmp_path / "whole")
    ours = comparable(built.output)
    assert {name.replace("pagefind/0/", "pagefind/", 1): value for name, value in ours.items()
            if name.startswith("pagefind/0/")} == comparable(from_whole)
