"""A bibliography entry that is a paper (an arXiv id or a DOI) joins that paper's page: title,
authors, year, venue, abstract and "cite this" from the entry; the notes citing it by key or by
link, each with its sentence. The bibliography is an input of the caches: editing one entry
renders again exactly the notes citing it, in `margin build` and in `margin serve`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import margin.incremental.bodycache
from conftest import recorded_calls
from margin.config import load_config
from margin.serve.changes import classify, watched_files
from margin.serve.session import Session
from margin.write import search
from test_serve_incremental import tree

REFS = r"""
@inproceedings{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and others},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  abstract = {A network built on attention alone, without recurrence.},
}
@article{shannon1948,
  title = {A Mathematical Theory of Communication},
  author = {Shannon, Claude E.},
  journal = {Bell System Technical Journal},
  year = {1948},
  doi = {10.1002/j.1538-7305.1948.tb01338.x},
}
@book{knuth1997,
  title = {The Art of Computer Programming},
  author = {Knuth, Donald},
  year = {1997},
  publisher = {Addison-Wesley},
}
"""

# a CSL style of the site's own: in-text (Author Year), references by author
STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Mine</title><id>mine</id><updated>2025-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; ">
    <names variable="author"><name form="short"/></names><date variable="issued" prefix=" ">
    <date-part name="year"/></date></layout></citation>
  <bibliography><layout><names variable="author"><name/></names>
    <text variable="title" prefix=". "/></layout></bibliography>
</style>
"""

FILES = {
    "site.toml": '[citations]\nbibliography = "refs.bib"\n',
    "refs.bib": REFS,
    "content/attention.md": "---\ntitle: On attention\n---\n"
                            "Attention replaced recurrence [@vaswani2017]. That was new.\n",
    "content/linked.md": "---\ntitle: A link\n---\n"
                         "I read [the paper](https://arxiv.org/abs/1706.03762) slowly.\n",
    "content/info.md": "---\ntitle: Information\n---\n"
                       "Entropy comes from @shannon1948 and sorting from [@knuth1997].\n",
    "content/other.md": "---\ntitle: Other\n---\nOnly [arXiv:2501.09223](https://arxiv.org/"
                        "abs/2501.09223) by link.\n",
}


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def test_a_cited_paper_page_shows_its_entry_and_every_citing_note(make_site, build_site):
    result = build_site(make_site(FILES))
    assert result.exit_code == 0, result.stderr
    page = result.html("papers/1706.03762/")
    assert page.h1.get_text() == "Attention Is All You Need"
    assert page.select_one(".paper-authors").get_text() == "Ashish Vaswani, Noam Shazeer et al."
    assert page.select_one(".paper-venue").get_text() == \
        "Advances in Neural Information Processing Systems, 2017"
    assert "without recurrence" in page.select_one(".paper-abstract").get_text()
    assert page.select_one(".paper-cite pre").get_text().startswith("@inproceedings{vaswani2017,")
    mentions = {li.a.get_text(): li.blockquote.get_text(" ", strip=True)
                for li in page.select("ul.citations li")}
    assert set(mentions) == {"On attention", "A link"}
    assert mentions["On attention"].startswith("Attention replaced recurrence")
    assert "slowly" in mentions["A link"]


def test_a_doi_entry_cited_in_running_text_has_its_page(make_site, build_site):
    result = build_site(make_site(FILES))
    page = result.html("papers/doi/10.1002/j.1538-7305.1948.tb01338.x/")
    assert page.h1.get_text() == "A Mathematical Theory of Communication"
    assert [li.a.get_text() for li in page.select("ul.citations li")] == ["Information"]
    assert not result.path("papers/doi/knuth1997/").exists()  # no id: no paper page


def test_a_paper_known_only_by_link_keeps_todays_page(make_site, build_site):
    result = build_site(make_site(FILES))
    page = result.html("papers/2501.09223/")
    assert page.select_one(".paper-authors") is None
    assert page.select_one(".paper-cite") is None
    assert [li.a.get_text() for li in page.select("ul.citations li")] == ["Other"]


def edit(site: Path, relative: str, old: str, new: str) -> Path:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_editing_one_entry_renders_again_only_the_notes_citing_it(make_site, build_site,
                                                                   monkeypatch):
    site = make_site(FILES)
    assert build_site(site).exit_code == 0
    rendered = recorded_calls(monkeypatch, margin.incremental.bodycache, "render_body",
                              lambda note, context: note.key)
    edit(site, "refs.bib", "A Mathematical Theory", "The Mathematical Theory")
    result = build_site(site, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert rendered == ["info.md"]
    assert "The Mathematical Theory" in result.html("info/").select_one("#ref-shannon1948").text
    assert result.html("papers/doi/10.1002/j.1538-7305.1948.tb01338.x/").h1.get_text() == \
        "The Mathematical Theory of Communication"
    edit(site, "refs.bib", "@book{knuth1997", "@book{knuth1997x")  # a key no longer found
    rendered.clear()
    result = build_site(site, "--jobs", "1")
    assert rendered == ["info.md"]
    assert "unknown citation key @knuth1997" in result.stderr


def test_serve_renders_again_the_notes_citing_an_edited_entry(make_site, build_site, tmp_path):
    site = make_site(FILES)
    config, problems = load_config(site)
    assert not problems
    session = Session(config, verify=True)
    assert not session.build_all().errors
    outcome = session.rebuild([edit(site, "refs.bib", "without recurrence",
                                    "with attention only")])
    assert outcome is not None and outcome.bodies == 1
    assert "papers/1706.03762/index.html" in outcome.written
    full = build_site(site, output=tmp_path / "full")
    assert full.exit_code == 0
    assert tree(config.output_dir) == tree(tmp_path / "full")


def test_serve_picks_up_a_note_bibliography_in_content(make_site, build_site, tmp_path):
    files = {"content/refs.bib": REFS, "content/n.md": textwrap.dedent("""\
        ---
        title: N
        bibliography: refs.bib
        ---
        See [@knuth1997].
        """)}
    site = make_site(files)
    config, _ = load_config(site)
    session = Session(config, verify=True)
    session.build_all()
    outcome = session.rebuild([edit(site, "content/refs.bib", "Addison-Wesley", "AW Press")])
    assert outcome is not None and outcome.bodies == 1
    assert "AW Press" in (config.output_dir / "n/index.html").read_text(encoding="utf-8")
    assert build_site(site, output=tmp_path / "full").exit_code == 0
    assert tree(config.output_dir) == tree(tmp_path / "full")


def test_an_entry_edited_shows_on_the_page_of_a_paper_only_linked_to(make_site, build_site,
                                                                      tmp_path):
    files = {k: v for k, v in FILES.items() if k not in ("content/attention.md",
                                                         "content/info.md")}
    site = make_site(files)  # (no note cites by key: the paper page alone shows the entry)
    assert build_site(site).exit_code == 0
    edit(site, "refs.bib", "without recurrence", "with attention only")
    result = build_site(site)
    assert "with attention only" in result.html("papers/1706.03762/").select_one(
        ".paper-abstract").get_text()
    config, _ = load_config(site)
    session = Session(config, verify=True)
    session.build_all()
    outcome = session.rebuild([edit(site, "refs.bib", "with attention only", "as a test")])
    assert outcome is not None and "papers/1706.03762/index.html" in outcome.written
    full = build_site(site, output=tmp_path / "full")
    assert full.exit_code == 0 and tree(config.output_dir) == tree(tmp_path / "full")


def test_serve_sorts_a_bibliography_save_apart_and_a_site_style_reloads_the_site(make_site):
    site = make_site({**FILES, "site.toml": '[citations]\nbibliography = ["refs.bib", '
                                            '"lib/more.json"]\ncsl = "styles/mine.csl"\n',
                      "styles/mine.csl": STYLE})
    config = load_config(site)[0]
    changes = classify([site / "refs.bib", site / "lib/more.json", site / "content/x.bib"],
                       config)
    assert changes.bibliographies == {site / "refs.bib", site / "lib/more.json",
                                      site / "content/x.bib"}
    assert changes.content_files == {site / "content/x.bib"}  # (a note may link to it)
    assert classify([site / "styles/mine.csl"], config).config
    assert site / "lib/more.json" in watched_files(config)


def test_a_site_csl_file_formats_the_citations(make_site, build_site):
    site = make_site({**FILES, "site.toml": '[citations]\nbibliography = "refs.bib"\n'
                                            'csl = "styles/mine.csl"\n',
                      "styles/mine.csl": STYLE})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    body = result.html("info/").select_one(".note-body")
    assert [s.get_text() for s in body.select("span.citation")] == ["Shannon (1948)",
                                                                     "(Knuth 1997)"]
    assert body.select_one("#ref-knuth1997").get_text() == \
        "Donald Knuth. The Art of Computer Programming"
