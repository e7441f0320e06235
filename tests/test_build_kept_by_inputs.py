"""A rebuild keeps a note page without planning or fingerprinting it when nothing it read
changed since the last build (incremental/engine.py). After every kind of edit the output must
equal a fresh build byte for byte, and (tests/conftest.py) every page kept that way is
fingerprinted as well and must not have changed."""

from __future__ import annotations

import pytest

import margin.incremental.engine
import margin.pages.drawing
import margin.pages.kept
from conftest import run_margin
from margin.write import search

NOTES = {
    "site.toml": 'title = "Kept"\npaginate = 2\n',
    "content/posts/2025-01-01-alpha.md": (
        "---\ntitle: Alpha\ntags: [ml, reading]\n---\n"
        "First post: arXiv:2501.09223, and [[Beta notes]].\n\n## More\n\nAnother part.\n"),
    "content/posts/2025-01-08-beta.md": (
        "---\ntitle: Beta notes\ntags: [ml]\n---\n"
        "Beta builds on [Alpha](2025-01-01-alpha.md) and [[gamma]].\n"),
    "content/posts/2025-01-15-gamma.md": (
        "---\ntitle: Gamma\ntags: [systems]\nseries: Basics\n---\n"
        "In a series; arXiv:2501.09223 again.\n"),
    "content/posts/2025-01-22-epsilon.md": (
        "---\ntitle: Epsilon\ntags: [systems, ml]\n---\nEpsilon stands apart.\n"),
    "content/notes/delta.md": (
        "---\ntitle: Delta\ntags: [reading]\nseries: Basics\n---\nUndated, evergreen.\n"),
    "content/notes/zeta.md": "---\ntitle: Zeta\n---\nZeta is read by nobody.\n",
}

EDITS = {  # what a researcher changes between two builds: (file, old text, new text)
    "body below the summary": ("content/notes/zeta.md", "nobody.", "nobody.\n\nMore, later."),
    "summary": ("content/posts/2025-01-08-beta.md", "Beta builds", "Beta now builds"),
    "title of a linked note": ("content/posts/2025-01-01-alpha.md", "title: Alpha",
                               "title: Alpha, retitled"),
    "tag added": ("content/posts/2025-01-22-epsilon.md", "[systems, ml]",
                  "[systems, ml, reading]"),
    "tag removed": ("content/posts/2025-01-01-alpha.md", "[ml, reading]", "[ml]"),
    "date moved": ("content/posts/2025-01-22-epsilon.md", "title: Epsilon",
                   "title: Epsilon\ndate: 2024-12-01"),
    "joins a series": ("content/posts/2025-01-22-epsilon.md", "title: Epsilon",
                       "title: Epsilon\nseries: Basics"),
    "new link": ("content/notes/zeta.md", "nobody.", "nobody, but it reads [[Delta]]."),
    "link removed": ("content/posts/2025-01-08-beta.md", " and [[gamma]]", ""),
    "new citation": ("content/notes/zeta.md", "nobody.", "nobody. See arXiv:2501.09223."),
    "note added": ("content/notes/eta.md", None, "---\ntitle: Eta\ntags: [ml]\n---\n"
                   "Eta answers [[Alpha, retitled]] and [[Delta]].\n"),
    "note deleted": ("content/posts/2025-01-15-gamma.md", "", None),
    "template": ("templates/note.html", None,
                 '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ note.title }}'
                 "</h1>{{ note.content }}{% endblock %}\n"),
    "configuration": ("site.toml", 'title = "Kept"', 'title = "Kept, renamed"'),
}


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


@pytest.fixture
def site(make_site):
    return make_site(NOTES)


def counting_kept(monkeypatch) -> list[str]:
    """The paths of the note pages each build keeps unplanned."""
    kept: list[str] = []
    real = margin.pages.kept.Keeping._notes

    def kept_unplanned(self, *args):
        found = real(self, *args)
        kept.extend(found[0])  # (the pages by path, and their notes)
        return found

    monkeypatch.setattr(margin.pages.kept.Keeping, "_notes", kept_unplanned)
    return kept


def build(site, output, *args: str) -> None:
    code, _, err = run_margin("build", site, "--output", output, *args)
    assert code == 0, err


def edit(site, path: str, old: str | None, new: str | None) -> None:
    file = site / path
    if new is None:
        file.unlink()
    elif old is None:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(new)
    else:
        text = file.read_text()
        assert old in text
        file.write_text(text.replace(old, new, 1))


def files_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("change", list(EDITS))
def test_after_every_kind_of_edit_the_site_is_as_a_fresh_build(site, tmp_path, monkeypatch,
                                                                 change):
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output, "--jobs", "1")
    kept = counting_kept(monkeypatch)
    edit(site, *EDITS[change])
    build(site, output, "--jobs", "1")
    build(site, fresh, "--no-cache")
    assert files_of(output) == files_of(fresh)
    if change in ("template", "configuration"):
        assert kept == []  # every page depends on those
    else:
        assert kept  # the notes the edit does not reach


def test_a_body_edit_keeps_every_other_note_page_by_its_inputs(site, tmp_path, monkeypatch):
    output = tmp_path / "out"
    build(site, output, "--jobs", "1")
    kept = counting_kept(monkeypatch)
    edit(site, *EDITS["body below the summary"])
    build(site, output, "--jobs", "1")
    notes = {p.relative_to(output).as_posix()
             for pattern in ("2025/*/*/*/index.html", "notes/*/index.html")
             for p in output.glob(pattern)}
    assert len(notes) == 6
    assert set(kept) == notes - {"notes/zeta/index.html"}


@pytest.mark.parametrize(("where", "method", "blind", "change", "what"), [
    # An engine that does not record which pages show a note misses Alpha's new title on the
    # pages that show it (Beta's backlink, a neighbour's link); one that sees no note changed,
    # Beta's new summary in the feeds.
    ("Readers", "add", lambda self, reader, shown: None, "title of a linked note",
     "index.html"),
    ("_Inputs", "changed_notes", lambda self, last: set(), "summary", "feed.xml"),
])
def test_inputs_that_miss_a_change_are_caught(site, tmp_path, monkeypatch, where, method, blind,
                                              change, what):
    """The check the tests rely on works: an engine that misses a change makes the build
    fail, saying which file changed though kept."""
    monkeypatch.setattr(getattr(margin.incremental.engine, where), method, blind)
    output = tmp_path / "out"
    build(site, output, "--jobs", "1")
    edit(site, *EDITS[change])
    code, _, err = run_margin("build", site, "--output", output, "--jobs", "1")
    assert code != 0
    assert f"{what}: kept by its inputs, but it changed" in err


def counting_feeds(monkeypatch) -> list[str]:
    """The URLs of the feeds each build makes (rather than keeps; they are made in a child)."""
    made: list[str] = []
    real = margin.pages.drawing.Drawing._feeds_kept

    def feeds_kept(self, plans, unchanged):
        kept = real(self, plans, unchanged)
        made.extend(url for url, _, _ in plans if url not in kept)
        return kept

    monkeypatch.setattr(margin.pages.drawing.Drawing, "_feeds_kept", feeds_kept)
    return made


def test_only_the_feeds_an_edited_note_is_in_are_made_again(site, tmp_path, monkeypatch):
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output, "--jobs", "1")
    made = counting_feeds(monkeypatch)
    edit(site, *EDITS["body below the summary"])  # Zeta: undated, in no feed
    build(site, output, "--jobs", "1")
    assert made == []
    edit(site, "content/posts/2025-01-08-beta.md", "Beta builds", "Beta now builds")  # tag ml
    build(site, output, "--jobs", "1")
    assert sorted(made) == ["/feed.xml", "/tags/ml/feed.xml"]
    build(site, fresh, "--no-cache")
    assert files_of(output) == files_of(fresh)
