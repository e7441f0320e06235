"""A note embedding another (`![[note]]`) shows that note's current text, and an image found by
name shows once the file arrives: after a save in `margin serve`, and in an incremental
`margin build`, exactly as a fresh build shows it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from margin.serve.changes import NoteChange
from render_support import png
from test_serve_incremental import Live

NOTES = {
    "site.toml": 'title = "Embeds"\n',
    "content/vault/.obsidian/app.json": "{}",
    "content/vault/Host.md": "---\ntitle: Host\n---\nThe host.\n\n![[Middle]]\n",
    "content/vault/Middle.md": "---\ntitle: Middle\n---\nThe middle.\n\n![[Leaf#Part]]\n",
    "content/vault/Leaf.md": """\
        ---
        title: Leaf
        ---
        Before.

        ## Part

        The leaf's first words.
        """,
}



def host_page(output) -> str:
    """The output path of the page of the note titled Host (whatever URL rule places it)."""
    for path in sorted(output.rglob("index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one(".note-body") is not None and soup.h1.get_text(strip=True) == "Host":
            return path.relative_to(output).as_posix()
    raise AssertionError("no page for the note Host")


@pytest.fixture
def live(make_site, build_site, tmp_path):
    return Live(make_site(NOTES), build_site, tmp_path / "full")


def embedded_text(output) -> str:
    soup = BeautifulSoup((output / host_page(output)).read_text(encoding="utf-8"),
                         "html.parser")
    return soup.select_one(".note-body .embed").get_text(" ", strip=True)


def test_editing_an_embedded_notes_body_redraws_the_notes_showing_it(live):
    outcome = live.edit("content/vault/Leaf.md", "The leaf's first words.", "Leaf, rewritten.")
    assert outcome.notes == {"vault/Leaf.md": NoteChange.BODY}
    output = live.session.config.output_dir
    assert host_page(output) in outcome.written  # it embeds Middle, which embeds Leaf
    assert "Leaf, rewritten." in embedded_text(output)
    live.assert_same_as_full_build()


def test_deleting_an_embedded_note_leaves_a_broken_link_as_a_full_build_does(live):
    live.save("content/vault/Middle.md", None)
    output = live.session.config.output_dir
    assert "The middle." not in (output / host_page(output)).read_text()
    live.assert_same_as_full_build()


def test_an_embedded_section_renamed_away_becomes_a_link(live):
    live.edit("content/vault/Leaf.md", "## Part", "## Whole")
    output = live.session.config.output_dir
    assert "The leaf's first words." not in (output / host_page(output)).read_text()
    live.assert_same_as_full_build()


def test_an_incremental_build_shows_the_embedded_notes_new_text(make_site, build_site,
                                                                 tmp_path):
    site = make_site(NOTES)
    first = build_site(site)
    assert first.exit_code == 0, first.stderr
    assert "The leaf's first words." in embedded_text(first.output)
    leaf = site / "content/vault/Leaf.md"
    leaf.write_text(leaf.read_text().replace("The leaf's first words.", "Leaf, rewritten."))
    again = build_site(site)
    assert again.exit_code == 0, again.stderr
    assert "Leaf, rewritten." in embedded_text(again.output)
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    page = host_page(again.output)
    assert (fresh.output / page).read_bytes() == (again.output / page).read_bytes()


def test_an_image_dropped_into_the_vaults_media_folder_shows_where_it_was_missing(live):
    missing = live.edit("content/vault/Host.md", "The host.", "The host. ![[Pasted image 1.png]]")
    assert [d.message for d in missing.diagnostics if "not found" in d.message] == [
        "image not found: Pasted image 1.png"]
    output = live.session.config.output_dir
    image = live.site / "content/vault/media/Pasted image 1.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(png(6, 3))
    outcome = live.session.rebuild([image])
    assert not [d for d in outcome.diagnostics if "not found" in d.message]
    soup = BeautifulSoup((output / host_page(output)).read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one(".note-body img")["width"] == "6"
    live.assert_same_as_full_build()
