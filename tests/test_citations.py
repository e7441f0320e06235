"""Pandoc's citations in notes: every form, formatted by a CSL style, linked to a References
section; real-world BibTeX read right; CSL-JSON; unknown keys warned about at file:line; text
without a bibliography, e-mail addresses and code left as they were."""

from __future__ import annotations

import pytest

from margin.index.bibliography import read_bibliography
from margin.index.bibtex import parse_bibtex
from margin.write import search

REFS = r"""
@string{nips = {Advances in Neural Information Processing Systems}}

@article{vaswani2017,
  title = {Attention Is {All} You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and others},
  journal = nips,
  year = 2017,
  eprint = {1706.03762},
  archivePrefix = {arXiv},
}

@misc{he2015residual,
  title = {Deep Residual Learning for Image Recognition},
  author = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  year = {2015},
  eprint = {1512.03385},
  archiveprefix = {arXiv},
  primaryclass = {cs.CV},
}

@article{godel1931,
  title = {{\"U}ber formal unentscheidbare S\"{a}tze der {P}rincipia {M}athematica},
  author = {G{\"o}del, Kurt},
  journaltitle = {Monatshefte f{\"u}r Mathematik und Physik},
  date = {1931-12},
  pages = {173--198},
  doi = {10.1007/BF01700692},
}
"""

NOTE = """\
---
title: Reading
bibliography: refs.bib
---
Attention first [@vaswani2017] and then two at once [@vaswani2017; @godel1931].
A page: [@godel1931, p. 33]. A prefix: [see @he2015residual].
Year only [-@godel1931]. In running text @he2015residual showed it.
"""


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def built(make_site, build_site, files: dict[str, str]):
    result = build_site(make_site(files))
    assert result.exit_code == 0, result.stderr
    return result


def body_of(result, url: str):
    return result.html(url).select_one(".note-body")


def test_every_citation_form_links_to_its_entry_in_the_references(make_site, build_site):
    result = built(make_site, build_site, {"content/refs.bib": REFS, "content/reading.md": NOTE})
    body = body_of(result, "reading/")
    texts = [span.get_text() for span in body.select("span.citation")]
    assert texts == [
        "(Vaswani et al., 2017)",
        "(Vaswani et al., 2017; Gödel, 1931)",
        "(Gödel, 1931, p. 33)",
        "(see He et al., 2015)",
        "(1931)",
        "He et al. (2015)",
    ]
    references = body.select("section.references div.reference")
    ids = [div["id"] for div in references]
    assert ids == ["ref-godel1931", "ref-he2015residual", "ref-vaswani2017"]  # APA: by author
    for link in body.select("a.citation-link"):
        assert body.select_one(link["href"]) is not None
    assert body.select('span.citation')[1]["data-cites"] == "vaswani2017 godel1931"


def test_real_world_bibtex_reads_accents_braces_others_and_biblatex_dates(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(REFS, encoding="utf-8")
    found = read_bibliography(path, "refs.bib")
    assert not found.problems
    godel = found.entries["godel1931"].item
    assert godel["title"] == "Über formal unentscheidbare Sätze der Principia Mathematica"
    assert godel["author"] == [{"family": "Gödel", "given": "Kurt"}]
    assert godel["container-title"] == "Monatshefte für Mathematik und Physik"
    assert godel["issued"] == {"date-parts": [[1931, 12]]}
    assert found.entries["godel1931"].paper == "doi:10.1007/bf01700692"
    vaswani = found.entries["vaswani2017"]
    assert [a["family"] for a in vaswani.item["author"]] == ["Vaswani", "Shazeer", "Parmar"]
    assert vaswani.item["container-title"].startswith("Advances in Neural")  # @string
    assert vaswani.paper == "arxiv:1706.03762"
    he = found.entries["he2015residual"]
    assert he.paper == "arxiv:1512.03385"
    assert [a["given"] for a in he.item["author"]] == ["Kaiming", "Xiangyu", "Shaoqing", "Jian"]


def test_a_broken_entry_is_a_warning_at_its_line_and_the_rest_are_read():
    entries, problems = parse_bibtex("@article{a,\n title = {Open\n}\n"
                                     "@book{b, title = {Fine}}\n@misc{c title}\n")
    assert [e.key for e in entries] == ["b"]
    assert problems == [(4, "expected `name = value`"), (5, "an entry without a key and fields")]


def test_csl_json_bibliography_from_site_toml(make_site, build_site):
    csl = ('[{"id": "knuth1984", "type": "article-journal", "title": "Literate Programming",'
           ' "author": [{"family": "Knuth", "given": "Donald E."}],'
           ' "container-title": "The Computer Journal", "issued": {"date-parts": [[1984]]},'
           ' "DOI": "10.1093/comjnl/27.2.97"}]')
    result = built(make_site, build_site, {
        "site.toml": '[citations]\nbibliography = "library.json"\ncsl = "ieee"\n',
        "library.json": csl,
        "content/lit.md": "---\ntitle: Lit\n---\nAs in [@knuth1984], and @knuth1984 says.\n"})
    body = body_of(result, "lit/")
    assert [s.get_text() for s in body.select("span.citation")] == ["[1]", "Knuth [1]"]
    assert "Literate Programming" in body.select_one("#ref-knuth1984").get_text()


def test_unknown_key_warns_with_file_line_and_the_key_as_written(make_site, build_site):
    result = built(make_site, build_site, {
        "content/refs.bib": REFS,
        "content/n.md": "---\ntitle: N\nbibliography: refs.bib\n---\nFine [@godel1931].\n\n"
                        "Missing [@Nobody2020] here.\n"})
    assert "content/n.md:7: unknown citation key @Nobody2020" in result.stderr
    assert body_of(result, "n/").select_one("span.citation.unknown").get_text() == \
        "[@Nobody2020]"


def test_email_code_and_cross_references_are_never_citations(make_site, build_site):
    result = built(make_site, build_site, {
        "content/refs.bib": REFS,
        "content/n.md": "---\ntitle: N\nbibliography: refs.bib\n---\n"
                        "Write to ann@godel1931.org or see `[@godel1931]` and @fig-plot, "
                        "[@tbl-x], @sec-intro, @eq-one, @Fig-plot.\n\n"
                        "```\n@godel1931 [@godel1931]\n```\n"})
    body = body_of(result, "n/")
    assert body.select("span.citation") == []
    assert body.select_one("section.references") is None
    assert body.select_one('a[href="mailto:ann@godel1931.org"]') is not None
    assert "@fig-plot, [@tbl-x], @sec-intro, @eq-one" in body.get_text()
    assert "unknown citation key" not in result.stderr


def test_without_a_bibliography_the_text_is_left_as_written(make_site, build_site):
    result = built(make_site, build_site, {
        "content/refs.bib": REFS,
        "content/n.md": "---\ntitle: N\n---\nNo bibliography [@godel1931] and @godel1931.\n"})
    body = body_of(result, "n/")
    assert body.select("span.citation") == []
    assert "No bibliography [@godel1931] and @godel1931." in body.get_text()
    assert "unknown citation key" not in result.stderr


def test_references_come_before_the_footnotes(make_site, build_site):
    result = built(make_site, build_site, {
        "content/refs.bib": REFS,
        "content/n.md": "---\ntitle: N\nbibliography: refs.bib\n---\n"
                        "Cited [@godel1931].[^1]\n\n[^1]: A note.\n"})
    body = body_of(result, "n/")
    sections = [s["class"][0] for s in body.find_all("section")]
    assert sections == ["references", "footnotes"]


def test_a_bad_csl_style_is_an_error_at_its_line(make_site, build_site):
    site = make_site({"site.toml": 'title = "x"\n[citations]\ncsl = "no-such-style-xyz"\n',
                      "content/n.md": "---\ntitle: N\n---\nHi.\n"})
    result = build_site(site)
    assert result.exit_code != 0
    assert "site.toml:3" in result.stderr and "no-such-style-xyz" in result.stderr


def test_an_entry_the_style_cannot_format_is_a_warning_not_a_lost_note(make_site, build_site):
    bad = '[{"id": "odd", "type": "book", "title": "Odd", "author": "one string"}]'
    result = built(make_site, build_site, {
        "content/lib.json": bad,
        "content/n.md": "---\ntitle: N\nbibliography: lib.json\n---\nSee [@odd]. *Still "
                        "formatted.*\n"})
    body = body_of(result, "n/")
    assert "content/n.md:5: citations could not be formatted" in result.stderr
    assert body.em.get_text() == "Still formatted."
    assert "[@odd]" in body.get_text()
