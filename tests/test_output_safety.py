"""margin only replaces folders it made, never writes over sources, never follows links out."""

from __future__ import annotations

import os

import pytest

from margin.write import MARKER


def test_refuses_an_existing_folder_it_did_not_make(make_site, build_site):
    site = make_site({"content/notes/a.md": "x", "_site/precious.txt": "keep me"})
    result = build_site(site)
    assert result.exit_code == 1
    assert "was not made by margin" in result.lines[0]
    assert (site / "_site/precious.txt").read_text() == "keep me"


def test_an_empty_existing_folder_is_used(make_site, build_site):
    site = make_site({"content/notes/a.md": "x"})
    (site / "_site").mkdir()
    assert build_site(site).exit_code == 0
    assert (site / "_site" / MARKER).is_file()


@pytest.mark.parametrize("output", [".", "content", "templates", "assets", "content/deeper", ".."])
def test_refuses_outputs_that_are_or_hold_sources(make_site, build_site, output):
    site = make_site({"content/notes/a.md": "x", "templates/.keep": "", "assets/.keep": ""})
    result = build_site(site, output=(site / output))
    assert result.exit_code == 1
    assert "choose another" in result.lines[0]
    assert (site / "content/notes/a.md").read_text() == "x"


def test_rebuild_replaces_its_own_output(make_site, build_site):
    site = make_site({"content/notes/a.md": "x"})
    build_site(site)
    (site / "_site/leftover.html").write_text("old")
    assert build_site(site).exit_code == 0
    assert not (site / "_site/leftover.html").exists()
    # No staging folder left behind, only the spare tree (the first build's output, kept)
    assert [path.name for path in site.glob(".*.margin-*")] == ["._site.margin-spare"]


def test_symlinks_out_of_the_site_are_not_followed(make_site, build_site, tmp_path):
    outside = tmp_path / "outside"
    (outside / "secret").mkdir(parents=True)
    (outside / "secret/leak.md").write_text("---\ntitle: Leak\n---\nsecret")
    (outside / "secret.png").write_bytes(b"not really")
    site = make_site({"content/notes/a.md": "x", "assets/.keep": ""})
    os.symlink(outside / "secret", site / "content/linked")
    os.symlink(outside / "secret.png", site / "assets/secret.png")
    result = build_site(site)
    assert result.exit_code == 0
    assert not result.path("/linked/leak/").exists()
    assert not (result.output / "assets/secret.png").exists()
    assert "warning: content/linked: symlink leaves the site folder; skipped" in result.lines
    assert "warning: assets/secret.png: symlink leaves the site folder; skipped" in result.lines


def test_a_symlink_inside_the_site_is_followed(make_site, build_site):
    site = make_site({"shared-notes/n.md": "---\ntitle: Shared\n---\n", "content/.keep": ""})
    os.symlink(site / "shared-notes", site / "content/notes")
    assert build_site(site).path("/notes/n/").is_file()
