"""A rebuild does not read the note files whose stamp (size, mtime, ctime, inode) is the one the
last build recorded, as long as they had changed well before it: a change keeps no stamp."""

from __future__ import annotations

import os

import pytest

import margin.load
import margin.load.known
from conftest import recorded_calls, run_margin
from margin.write import search

NOTES = {f"content/notes/{name}.md": f"---\ntitle: {name.title()}\n---\n{name} says [[alpha]]."
         for name in ("alpha", "beta", "gamma")}


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def counting_reads(monkeypatch) -> list[str]:
    return recorded_calls(monkeypatch, margin.load, "read_source", lambda path, config: path.name)


def build(site, output, *args: str) -> None:
    code, _, err = run_margin("build", site, "--output", output, *args)
    assert code == 0, err


def test_only_the_files_changed_since_the_last_build_are_read(make_site, tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(margin.load.known, "SLACK_NS", 0)  # the files are seconds old
    site = make_site(NOTES)
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    build(site, output)
    read = counting_reads(monkeypatch)
    gamma = site / "content/notes/gamma.md"
    gamma.write_text(gamma.read_text() + "More.")
    build(site, output)
    assert read == ["gamma.md"]
    # The same size and modification time, other bytes: only the change time tells.
    beta = site / "content/notes/beta.md"
    before = beta.stat()
    beta.write_text(beta.read_text().replace("beta says", "BETA SAYS"))
    os.utime(beta, ns=(before.st_atime_ns, before.st_mtime_ns))
    read.clear()
    build(site, output)
    # (gamma's new note is made again, from its text, until the cache's snapshot keeps it)
    assert "beta.md" in read and "alpha.md" not in read
    assert "BETA SAYS" in (output / "notes/beta/index.html").read_text()
    build(site, fresh, "--no-cache")
    assert {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()} \
        == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}


def test_a_file_changed_moments_before_a_build_is_read_again_by_the_next(make_site, tmp_path,
                                                                        monkeypatch):
    site = make_site(NOTES)
    output = tmp_path / "out"
    build(site, output)
    read = counting_reads(monkeypatch)
    (site / "content/notes/delta.md").write_text("---\ntitle: Delta\n---\nNew.")  # so it runs
    build(site, output)
    assert sorted(read) == ["alpha.md", "beta.md", "delta.md", "gamma.md"]


def test_a_note_vouched_for_but_missing_from_the_cache_is_read(make_site, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(margin.load.known, "SLACK_NS", 0)
    site = make_site(NOTES)
    output = tmp_path / "out"
    build(site, output)
    (site / ".margin-cache" / "snapshot").unlink()  # the notes made last time are gone
    (site / "content/notes/delta.md").write_text("---\ntitle: Delta\n---\nNew.")
    read = counting_reads(monkeypatch)
    build(site, output)
    assert sorted(read) == ["alpha.md", "beta.md", "delta.md", "gamma.md"]
    assert "gamma says" in (output / "notes/gamma/index.html").read_text()
