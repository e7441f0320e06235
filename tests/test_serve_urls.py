"""A note's URL can depend on other notes (two deriving one URL): the live server must give
the same URLs, and the same links to them, as a fresh build after any rename."""

from __future__ import annotations

import pytest

from test_serve_incremental import Live

NOTES = {
    "content/notes/x.md": "---\ntitle: Plain\n---\nThe plain one.\n",
    "content/notes/x?.md": "---\ntitle: Asking\n---\nThe asking one.\n",
    "content/notes/reader.md": "---\ntitle: Reader\n---\nSee [[Asking]] and [[Plain]].\n",
}


@pytest.fixture
def live(make_site, build_site, tmp_path):
    return Live(make_site(NOTES), build_site, tmp_path / "full")


def test_renaming_the_note_holding_a_url_moves_the_other_to_it_as_a_build_would(live):
    plain = live.site / "content/notes/x.md"
    plain.rename(live.site / "content/notes/z.md")
    live.session.rebuild([plain, live.site / "content/notes/z.md"])
    live.assert_same_as_full_build()
    reader = (live.session.config.output_dir / "notes/reader/index.html").read_text()
    assert 'href="/notes/x/"' in reader  # [[Asking]] now links to its plain URL


def test_a_new_file_taking_a_url_pushes_the_later_one_aside_as_a_build_would(live):
    live.save("content/notes/x!.md", "---\ntitle: Shouting\n---\nLoud.\n")
    live.assert_same_as_full_build()
    live.save("content/notes/x!.md", None)
    live.assert_same_as_full_build()


def test_giving_a_colliding_note_a_permalink_frees_the_suffix_as_a_build_would(live):
    live.edit("content/notes/x?.md", "title: Asking", "title: Asking\npermalink: /ask/")
    live.assert_same_as_full_build()


def test_a_changed_jekyll_permalink_moves_the_posts_as_a_build_would(make_site, build_site,
                                                                     tmp_path):
    site = make_site({
        "content/blog/_config.yml": "permalink: pretty\n",
        "content/blog/_posts/2020-01-02-hello.md": "---\ntitle: Hello\n---\nHi.\n",
        "content/notes/reader.md": "---\ntitle: Reader\n---\nSee [[Hello]].\n",
    })
    live = Live(site, build_site, tmp_path / "full")
    assert (live.session.config.output_dir / "blog/2020/01/02/hello/index.html").is_file()
    live.save("content/blog/_config.yml", "permalink: /:year/:title.html\n")
    assert (live.session.config.output_dir / "blog/2020/hello.html").is_file()
    live.assert_same_as_full_build()


def test_renaming_one_of_three_dated_maps_renumbers_as_a_build_would(make_site, build_site,
                                                                     tmp_path):
    site = make_site({
        **{f"content/posts/{f}/MOC.md": f"---\ntitle: Map {f}\ndate: 2024-05-21\n---\nx\n"
           for f in ("a", "b", "c")},
        "content/notes/index-of-maps.md": "---\ntitle: Maps\n---\n[[Map b]], [[Map c]]\n",
    })
    live = Live(site, build_site, tmp_path / "full")
    old, new = site / "content/posts/b/MOC.md", site / "content/posts/d/MOC.md"
    new.parent.mkdir()
    old.rename(new)
    live.session.rebuild([old, new])
    live.assert_same_as_full_build()
    maps = (live.session.config.output_dir / "notes/index-of-maps/index.html").read_text()
    assert 'href="/2024/05/21/moc-2/"' in maps  # Map c, moved up from -3
