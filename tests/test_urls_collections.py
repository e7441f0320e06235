"""A collection rooted at R is mounted at /R/: each note gets the URL its own tool gave it,
under /R/, and that old URL stays findable for links written for the old site."""

from __future__ import annotations

from margin.config import load_config
from margin.index import index_notes
from margin.load import load

JEKYLL = {
    "content/blog/_config.yml": "title: Old blog\npermalink: /:year/:month/:day/:title.html\n",
    "content/blog/_posts/2020-01-02-My-Post.md": "---\ntitle: My post\n---\nHello.\n",
    "content/blog/travel/_posts/2021-03-04-lisbon.md": "---\ntitle: Lisbon\n---\nTrams.\n",
    "content/blog/about.md": "---\ntitle: About\npermalink: /about/\n---\nWho I am.\n",
    "content/blog/index.md": "---\nlayout: home\n---\n",
    "content/blog/archive.md": "---\nlayout: archive\ntitle: Archive\n---\n\n",
}


def title_of(result, url: str) -> str:
    return result.html(url).h1.text.strip()


def test_jekyll_posts_keep_their_permalink_under_the_collections_folder(make_site, build_site):
    result = build_site(make_site(JEKYLL))
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "blog/2020/01/02/My-Post.html") == "My post"
    assert title_of(result, "blog/2021/03/04/lisbon.html") == "Lisbon"
    assert title_of(result, "blog/about/") == "About"


def test_jekyll_pages_that_only_list_posts_are_not_published(make_site, build_site):
    result = build_site(make_site(JEKYLL))
    assert result.exit_code == 0, result.stderr
    assert not (result.output / "blog/archive").exists()
    assert "My post" in result.html("blog/").text  # margin's own list of the folder


def test_jekyll_named_styles_and_the_default(make_site, build_site):
    for number, (style, url) in enumerate((
            ("pretty", "j/travel/2020/01/02/My-Post/"), ("none", "j/travel/My-Post.html"),
            ("ordinal", "j/travel/2020/002/My-Post.html"),
            (None, "j/travel/2020/01/02/My-Post.html"))):
        config = f"permalink: {style}\n" if style else "title: x\n"
        post = "---\ntitle: P\ncategories: [Travel]\n---\n"
        site = make_site({"content/j/_config.yml": config,
                          "content/j/_posts/2020-01-02-My-Post.md": post},
                         name=f"site{number}")
        result = build_site(site)
        assert result.exit_code == 0, result.stderr
        assert title_of(result, url) == "P", style


def test_the_url_a_note_had_in_its_own_site_is_recorded(make_site):
    site = make_site({**JEKYLL, "content/blog/_posts/2020-01-02-My Post.md": "---\n---\nx\n"})
    config, _ = load_config(site)
    notes, _ = load(config)
    index, _ = index_notes(notes)
    assert index.by_tool_url["/blog/2020/01/02/My-Post.html"] == "blog/_posts/2020-01-02-My-Post.md"
    # the note that gave way is found at the URL it derived, not at its -2
    assert index.notes["blog/_posts/2020-01-02-My Post.md"].url == \
        "/blog/2020/01/02/My-Post-2.html"
    assert index.by_tool_url["/blog/about/"] == "blog/about.md"
    by_key = {note.key: note.tool_url for note in index.notes.values()}
    assert by_key["blog/travel/_posts/2021-03-04-lisbon.md"] == "/2021/03/04/lisbon.html"


def test_hugo_notes_get_their_path_under_content_mounted_at_the_collection(make_site,
                                                                           build_site):
    site = make_site({
        "content/hsite/hugo.toml": 'title = "H"\n',
        "content/hsite/static/x.png": b"",
        "content/hsite/content/_index.md": "---\ntitle: Home of H\n---\nWelcome to H.\n",
        "content/hsite/content/posts/hello.md": "---\ntitle: Hello\ndate: 2020-01-02\n---\n",
        "content/hsite/content/posts/moved.md": "---\ntitle: Moved\nurl: /custom/place/\n---\n",
        "content/hsite/content/posts/_index.md": "---\ntitle: Posts\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "hsite/") == "Home of H"
    assert title_of(result, "hsite/posts/hello/") == "Hello"
    assert title_of(result, "hsite/custom/place/") == "Moved"


def test_quartz_maps_of_content_dated_alike_never_meet(make_site, build_site):
    site = make_site({
        "content/garden/quartz.config.ts": "export default {}\n",
        "content/garden/content/index.md": "---\ntitle: Garden\n---\nStart here.\n",
        "content/garden/content/a/MOC.md": "---\ndate: 2024-05-21\n---\nFirst map.\n",
        "content/garden/content/b/MOC.md": "---\ndate: 2024-05-21\n---\nSecond map.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.lines == []
    assert title_of(result, "garden/a/moc/") == "MOC"  # its file name, as Quartz shows it
    assert "Second map." in result.html("garden/b/moc/").text
    assert title_of(result, "garden/") == "Garden"


def test_obsidian_notes_are_titled_by_their_file_names(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/Daily/2024-05-21.md": "Worked.\n",
        "content/vault/reading_list.md": "Books.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "vault/Daily/2024-05-21/") == "2024-05-21"
    assert title_of(result, "vault/reading-list/") == "reading_list"


def test_a_mounted_jekyll_post_leaves_a_redirect_at_its_old_url(make_site, build_site):
    site = make_site({
        "content/blog/_config.yml": "permalink: /:year/:month/:day/:title.html\n",
        "content/blog/_posts/2021-03-04-first-light.md": "---\ntitle: First light\n---\nHello.\n",
        "content/notes/n.md": "---\ntitle: N\n---\nA note.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("blog/2021/03/04/first-light.html").h1.get_text(strip=True) == "First light"
    old = result.html("2021/03/04/first-light.html")  # where the blog had it
    refresh = old.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and "/blog/2021/03/04/first-light.html" in refresh["content"]
    sitemap = (result.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/blog/2021/03/04/first-light.html" in sitemap
    assert "<loc>/2021/03/04/first-light.html" not in sitemap
