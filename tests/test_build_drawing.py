"""`margin build` draws a page again only when something it shows changed: every page is
fingerprinted, in one pass with the drawing, and a page whose fingerprint and file are as the
last build left them is kept. A kept page is byte for byte what drawing it would give."""

from __future__ import annotations

import pytest

import margin.pages.drawing
from conftest import recorded_calls, run_margin
from margin.write import search


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def counting_draws(monkeypatch) -> list[str]:
    """The URLs of the pages drawn (in this process: use --jobs 1)."""
    return recorded_calls(monkeypatch, margin.pages.drawing, "draw", lambda page, *_: page.url)


def build(site, output, *args: str) -> None:
    code, _, err = run_margin("build", site, "--output", output, "--jobs", "1", *args)
    assert code == 0, err


NOTES = {
    "content/notes/alpha.md": "---\ntitle: Alpha\ntags: [one]\n---\nAlpha links to [[beta]].",
    "content/notes/beta.md": "---\ntitle: Beta\ntags: [one]\n---\nBeta stands alone.",
    "content/notes/gamma.md": "---\ntitle: Gamma\ntags: [two]\n---\nGamma, first paragraph.",
    "content/notes/delta.md": "---\ntitle: Delta\n---\nDelta says little.",
}


def test_an_edit_below_the_summary_draws_only_that_note_page(make_site, tmp_path, monkeypatch):
    site = make_site(NOTES)
    output = tmp_path / "out"
    build(site, output)
    drawn = counting_draws(monkeypatch)
    note = site / "content/notes/gamma.md"
    note.write_text(note.read_text() + "\n\nA second paragraph, added later.\n")
    build(site, output)
    assert drawn == ["/notes/gamma/"]
    assert "added later" in (output / "notes/gamma/index.html").read_text()


def test_a_new_title_draws_the_pages_that_show_it(make_site, tmp_path, monkeypatch):
    site = make_site(NOTES)
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output)
    drawn = counting_draws(monkeypatch)
    beta = site / "content/notes/beta.md"
    beta.write_text(beta.read_text().replace("title: Beta", "title: Beta, renamed"))
    build(site, output)
    # Beta's own page, Alpha's (its link and backlink show the title), the lists Beta is on.
    assert {"/notes/beta/", "/notes/alpha/", "/", "/tags/one/"} <= set(drawn)
    assert "/notes/gamma/" not in drawn and "/notes/delta/" not in drawn
    build(site, fresh, "--no-cache")
    pages = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert pages == sorted(p.relative_to(output) for p in output.rglob("*") if p.is_file())
    for page in pages:
        assert (output / page).read_bytes() == (fresh / page).read_bytes(), page
