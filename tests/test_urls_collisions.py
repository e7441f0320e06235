"""Two notes deriving one URL never cost the site: the one first in path order keeps it, the
others get -2, -3 with a warning naming both files; only two chosen permalinks clash."""

from __future__ import annotations


def test_two_files_with_one_slug_both_get_a_page(make_site, build_site):
    site = make_site({
        "content/papers/x.md": "---\ntitle: Plain\n---\nThe plain one.\n",
        "content/papers/x?.md": "---\ntitle: Asking\n---\nThe asking one.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("papers/x/").h1.text.strip() == "Plain"
    assert result.html("papers/x-2/").h1.text.strip() == "Asking"
    assert result.lines == [
        "warning: content/papers/x?.md: /papers/x/ is also the URL of content/papers/x.md; "
        "this note is at /papers/x-2/ (give it a `permalink:` to choose its own)"]


def test_posts_dated_the_same_day_with_one_name_are_numbered_in_path_order(
        make_site, build_site):
    site = make_site({
        f"content/posts/{folder}/MOC.md": f"---\ntitle: Map {folder}\ndate: 2024-05-21\n---\nx\n"
        for folder in ("c", "a", "b")
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert [result.html(f"2024/05/21/{slug}/").h1.text.strip()
            for slug in ("moc", "moc-2", "moc-3")] == ["Map a", "Map b", "Map c"]
    assert len([line for line in result.lines if line.startswith("warning:")]) == 2


def test_a_suffix_skips_a_url_another_note_has(make_site, build_site):
    site = make_site({
        "content/x.md": "---\ntitle: One\n---\n",
        "content/x!.md": "---\ntitle: Two\n---\n",
        "content/x-2.md": "---\ntitle: Named two\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("x/").h1.text.strip() == "One"
    assert result.html("x-2/").h1.text.strip() == "Named two"
    assert result.html("x-3/").h1.text.strip() == "Two"


def test_renaming_a_colliding_file_leaves_the_other_notes_url(make_site, build_site):
    files = {
        "content/notes/x.md": "---\ntitle: Kept\n---\n",
        "content/notes/x?.md": "---\ntitle: Renamed\n---\n",
    }
    site = make_site(files)
    first = build_site(site)
    assert first.html("notes/x/").h1.text.strip() == "Kept"
    # A name that sorts before x.md still derives /notes/x/: x.md, named as its URL, keeps it.
    (site / "content/notes/x?.md").rename(site / "content/notes/x!.md")
    second = build_site(site)
    assert second.exit_code == 0, second.stderr
    assert second.html("notes/x/").h1.text.strip() == "Kept"
    assert second.html("notes/x-2/").h1.text.strip() == "Renamed"


def test_a_chosen_permalink_keeps_its_url_and_the_derived_one_gives_way(make_site, build_site):
    site = make_site({
        "content/a.md": "---\ntitle: Derived\n---\n",
        "content/b.md": "---\ntitle: Chosen\npermalink: /a/\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("a/").h1.text.strip() == "Chosen"
    assert result.html("a-2/").h1.text.strip() == "Derived"


def test_two_chosen_permalinks_on_one_url_are_an_error(make_site, build_site):
    site = make_site({
        "content/a.md": "---\ntitle: A\npermalink: /same/\n---\n",
        "content/b.md": "---\ntitle: B\nurl: /same/\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == (
        "error: content/b.md: duplicate permalink /same/: content/a.md has it too")


def test_a_derived_url_on_a_generated_page_gives_way(make_site, build_site):
    site = make_site({"content/tags.md": "---\ntitle: My tags\n---\nA page about tags.\n"})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("tags-2/").h1.text.strip() == "My tags"
    assert result.html("tags/").h1.text.strip() != "My tags"
