"""Links and embeds as Obsidian, Quartz, Jekyll, Hugo and Typora resolved them, in small
collections of our own built whole: every link and image that exists reaches its file."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

import margin.incremental.bodycache
from conftest import recorded_calls
from render_support import png

VAULT = {
    "content/vault/.obsidian/app.json": "{}",
    "content/vault/media/Pasted image 20250101120000.png": png(40, 20),
    "content/vault/Projects/Deep/Plan.md": """\
        ---
        title: The plan
        ---
        Why we do it. ^why-1

        ## Steps

        First step, then the second.

        ## Risks

        Nothing is certain.
        """,
    "content/vault/Projects/Overview.md": """\
        ---
        title: Projects
        ---
        Path links: [[Projects/Deep/Plan]] and [[Deep/Plan|the plan]], a block [[Plan#^why-1]].

        ![[Pasted image 20250101120000.png]]

        ![[Pasted image 20250101120000.png|300]]

        ![[Plan#Steps]]
        """,
}


def note_url(result, title: str) -> str:
    """The URL of the note page whose heading is TITLE (found in the output, so the tests hold
    whatever URL rule gives it)."""
    for path in sorted(result.output.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one(".note-body") is not None and soup.h1 and \
                soup.h1.get_text(strip=True) == title:
            url = "/" + path.relative_to(result.output).as_posix()
            return url.removesuffix("index.html")
    raise AssertionError(f"no note page titled {title!r}")


def title_at(result, href: str) -> str:
    """The heading of the page HREF points at."""
    return result.html(unquote(urlsplit(href).path)).h1.get_text(strip=True)


def local_targets(result, url: str) -> list[str]:
    """The root-relative hrefs and srcs of a page's note body (fragments dropped)."""
    body = result.html(url).select_one(".note-body")
    found = [a["href"] for a in body.find_all("a", href=True)]
    found += [img["src"] for img in body.find_all("img", src=True)]
    return [unquote(urlsplit(t).path) for t in found if t.startswith("/")]


def assert_all_exist(result, url: str) -> None:
    missing = [t for t in local_targets(result, url) if not result.path(t).is_file()]
    assert missing == [], f"{url} points at files the build did not write: {missing}"


def body(result, title: str):
    """The body of the note titled TITLE."""
    return result.html(note_url(result, title)).select_one(".note-body")


def test_a_vaults_path_links_images_and_embeds_all_resolve(make_site, build_site):
    result = build_site(make_site(VAULT), "--strict")
    assert result.exit_code == 0, result.stderr
    page = body(result, "Projects")
    plan = note_url(result, "The plan")
    hrefs = [a["href"] for a in page.select("a.wikilink")]
    assert hrefs[:3] == [plan, plan, plan + "#^why-1"]
    images = page.find_all("img")
    assert [unquote(i["src"]) for i in images][:2] == [
        "/vault/media/Pasted image 20250101120000.png"] * 2
    assert (images[0]["width"], images[1]["width"], images[1]["height"]) == ("40", "300", "150")
    assert_all_exist(result, note_url(result, "Projects"))


def test_files_a_vault_links_or_embeds_by_name_are_published(make_site, build_site):
    site = make_site({**VAULT,
                      "content/vault/media/attachments/paper.pdf": "%PDF-1.4\n",
                      "content/vault/Reading.md": "---\ntitle: Reading\n---\n"
                                                  "[[paper.pdf]] and ![[paper.pdf|the paper]]\n"})
    result = build_site(site, "--strict")
    assert result.exit_code == 0, result.stderr
    links = body(result, "Reading").find_all("a")
    assert [a.get_text() for a in links] == ["paper.pdf", "the paper"]
    assert {unquote(a["href"]) for a in links} == {"/vault/media/attachments/paper.pdf"}
    assert_all_exist(result, note_url(result, "Reading"))


def test_a_block_id_marks_its_paragraph_and_is_not_shown(make_site, build_site):
    result = build_site(make_site(VAULT))
    page = body(result, "The plan")
    block = page.find(id="^why-1")
    assert block.name == "p" and block.get_text() == "Why we do it."
    assert "^why-1" not in page.get_text()


def test_an_embedded_section_shows_that_section_linked_to_its_page(make_site, build_site):
    result = build_site(make_site(VAULT))
    embed = body(result, "Projects").select_one(".embed")
    assert embed.select_one(".embed-source a")["href"] == note_url(result, "The plan")
    assert "First step, then the second." in embed.get_text()
    assert "Nothing is certain" not in embed.get_text()
    assert embed.parent.name == "div"  # not inside a <p>


def test_an_embedded_note_shows_its_whole_body(make_site, build_site):
    site = make_site({**VAULT, "content/vault/Home.md": "---\ntitle: Home\n---\n![[Plan]]\n"})
    result = build_site(site)
    embed = body(result, "Home").select_one(".embed")
    text = embed.get_text()
    assert "Why we do it." in text and "Nothing is certain." in text
    assert embed.find(id="^why-1") is not None


def test_notes_embedding_each_other_stop_with_a_link_and_a_warning(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/A.md": "---\ntitle: A\n---\nA says hi.\n\n![[B]]\n",
        "content/vault/B.md": "---\ntitle: B\n---\nB says hi.\n\n![[A]]\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    page = body(result, "A")
    assert page.get_text().count("A says hi.") == 1
    assert page.select_one(".embed").find("a", href=note_url(result, "A")) is not None
    assert any("content/vault/A.md:6: notes embedded in a loop: vault/A.md -> vault/B.md -> "
               "vault/A.md" in line for line in result.lines), result.stderr


def test_a_name_in_the_notes_folder_wins_and_an_ambiguous_one_is_named(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/one/Todo.md": "---\ntitle: One's list\n---\nOne's list.\n",
        "content/vault/two/Todo.md": "---\ntitle: Two's list\n---\nTwo's list.\n",
        "content/vault/one/Here.md": "---\ntitle: Here\n---\nSee [[Todo]].\n",
        "content/vault/Elsewhere.md": "---\ntitle: Elsewhere\n---\nSee [[Todo]].\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert [title_at(result, a["href"]) for a in body(result, "Here").find_all("a")] == \
        ["One's list"]
    assert body(result, "Elsewhere").select_one(".broken-link") is not None
    assert any("content/vault/Elsewhere.md:4: ambiguous wikilink [[Todo]]: matches "
               "vault/one/Todo.md, vault/two/Todo.md" in line for line in result.lines)


def test_an_image_name_two_files_share_is_a_warning_naming_both(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/a/chart.png": png(2, 2),
        "content/vault/b/chart.png": png(2, 2),
        "content/vault/notes/N.md": "![[chart.png]]\n",
    })
    result = build_site(site)
    assert any("ambiguous: vault/a/chart.png, vault/b/chart.png" in line
               for line in result.lines), result.stderr


def test_brackets_before_a_link_and_code_make_no_wikilink(make_site, build_site):
    site = make_site({
        "content/notes/n.md": """\
            ---
            title: N
            ---
            A [[paper title]](https://example.com/p) link, `[[not a link]]` in code.

            ```
            [[nor this]]
            ```
            """,
    })
    result = build_site(site, "--strict")
    assert result.exit_code == 0, result.stderr
    page = body(result, "N")
    link = page.find("a", href="https://example.com/p")
    assert link.get_text() == "[paper title]"
    assert page.select(".broken-link, a.wikilink") == []


def test_typora_file_links_show_their_text_with_a_warning(make_site, build_site):
    site = make_site({
        "content/papers/n.md": "---\ntitle: N\n---\n"
                               "Read [the paper](file:///Users/me/Papers/x.pdf) first.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0
    page = body(result, "N")
    assert page.find("a") is None and "Read the paper first." in page.get_text()
    assert any("content/papers/n.md:4: link to a file on the author's computer" in line
               for line in result.lines)


def test_typora_file_images_are_found_by_name_in_the_site(make_site, build_site):
    site = make_site({
        "content/papers/n.md": "---\ntitle: N\n---\n"
                               "![shot](file:///Users/me/Pictures/shot.png)\n\n"
                               "![lost](file:///Users/me/Pictures/lost.png)\n",
        "content/papers/img/shot.png": png(9, 3),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    images = body(result, "N").find_all("img")
    assert unquote(images[0]["src"]) == "/papers/img/shot.png" and images[0]["width"] == "9"
    assert_all_exist(result, note_url(result, "N"))
    assert any("content/papers/n.md:6: image on the author's computer, not in the site: "
               "file:///Users/me/Pictures/lost.png" in line for line in result.lines)


def test_image_paths_with_spaces_or_other_scripts_are_images(make_site, build_site):
    site = make_site({
        "content/papers/n.md": """\
            ---
            title: N
            ---
            ![a figure](assets/my figure.png)

            ![图](图片/结果.png)

            ![accents](résumé.png)

            ![gone](assets/not here.png)
            """,
        "content/papers/assets/my figure.png": png(3, 4),
        "content/papers/图片/结果.png": png(5, 6),
        # the name as a Mac writes it: e and a combining accent (the text has é, one character)
        "content/papers/" + unicodedata.normalize("NFD", "résumé.png"): png(1, 2),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    images = body(result, "N").find_all("img")
    assert [(i["width"], i["height"]) for i in images[:3]] == [("3", "4"), ("5", "6"), ("1", "2")]
    assert_all_exist(result, note_url(result, "N"))
    assert "![gone]" not in body(result, "N").get_text()
    assert any("content/papers/n.md:10: image not found: assets/not%20here.png" in line
               for line in result.lines), result.stderr


JEKYLL = {
    "content/blog/_config.yml": "permalink: /:year/:month/:day/:title.html\nbaseurl: /b\n",
    "content/blog/assets/img/plot.png": png(8, 6),
    "content/blog/assets/slides.pdf": "%PDF-1.4\n",
    "content/blog/_posts/2020-01-02-first.md": "---\ntitle: First\n---\nThe first post.\n",
    "content/blog/_posts/2020-02-03-second.md": """\
        ---
        title: Second
        ---
        ![plot](/assets/img/plot.png) ![again]({{ site.baseurl }}/assets/img/plot.png)
        ![and](/b/assets/img/plot.png)

        Back to [the first](/2020/01/02/first.html), the [slides](/assets/slides.pdf).
        See [about](/about/) and [the first again](/b/2020/01/02/first.html).
        """,
    "content/blog/about.md": "---\ntitle: About\n---\nAbout this blog.\n",
}


def test_a_jekyll_blogs_root_links_reach_its_files_and_old_urls_its_notes(make_site,
                                                                         build_site):
    result = build_site(make_site(JEKYLL), "--strict")
    assert result.exit_code == 0, result.stderr
    page = body(result, "Second")
    assert [unquote(i["src"]) for i in page.find_all("img")] == ["/blog/assets/img/plot.png"] * 3
    hrefs = [a["href"] for a in page.find_all("a")]
    assert [title_at(result, hrefs[i]) for i in (0, 2, 3)] == ["First", "About", "First"]
    assert hrefs[1] == "/blog/assets/slides.pdf"
    assert_all_exist(result, note_url(result, "Second"))


def test_a_link_to_an_old_url_follows_the_note_to_its_new_one(make_site, build_site):
    site = make_site({
        **JEKYLL,
        "content/blog/_posts/2020-01-02-first.md": """\
            ---
            title: First
            permalink: /essays/first/
            aliases: [/2020/01/02/first.html]
            ---
            The first post, moved.
            """,
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    hrefs = [a["href"] for a in body(result, "Second").find_all("a")]
    assert hrefs[0].endswith("/essays/first/") and title_at(result, hrefs[0]) == "First"
    assert_all_exist(result, note_url(result, "Second"))


def test_hugo_static_files_and_quartz_root_paths_resolve(make_site, build_site):
    site = make_site({
        "content/hugo/hugo.toml": "title = 'h'\n",
        "content/hugo/static/images/cat.png": png(4, 4),
        "content/hugo/content/posts/cats.md": "---\ntitle: Cats\n---\n![cat](/images/cat.png)\n",
        "content/hugo/content/posts/dogs.md": "---\ntitle: Dogs\n---\n"
                                              "Unlike [cats](/posts/cats/).\n",
        "content/garden/quartz.config.ts": "export default {}\n",
        "content/garden/content/computer_sci/MOC.md": "---\ntitle: CS map\n---\nThe map.\n",
        "content/garden/content/deep/dive/topic.md": """\
            ---
            title: Topic
            ---
            See [the map](computer_sci/MOC.md) and [again](computer_sci/MOC).
            """,
    })
    result = build_site(site, "--strict")
    assert result.exit_code == 0, result.stderr
    cats = [unquote(i["src"]) for i in body(result, "Cats").find_all("img")]
    assert cats == ["/hugo/images/cat.png"]
    dogs = [title_at(result, a["href"]) for a in body(result, "Dogs").find_all("a")]
    assert dogs == ["Cats"]
    topic = [title_at(result, a["href"]) for a in body(result, "Topic").find_all("a")]
    assert topic == ["CS map"] * 2
    for title in ("Cats", "Dogs", "Topic"):
        assert_all_exist(result, note_url(result, title))


@pytest.mark.parametrize("folder", ["media", "deep/er"])
def test_an_image_added_anywhere_in_the_vault_reaches_the_next_build(make_site, build_site,
                                                                     folder):
    site = make_site({"content/vault/.obsidian/app.json": "{}",
                      f"content/vault/{folder}/keep.txt": "x",
                      "content/vault/N.md": "---\ntitle: N\n---\n![[late.png]]\n"})
    first = build_site(site)
    assert "image not found: late.png" in first.stderr
    (site / f"content/vault/{folder}/late.png").write_bytes(png(7, 7))
    second = build_site(site)
    assert "not found" not in second.stderr
    assert body(second, "N").find("img")["width"] == "7"


def test_a_note_added_to_a_vault_renders_no_other_body_found_its_images_by_name(
        make_site, build_site, monkeypatch):
    site = make_site({"content/vault/.obsidian/app.json": "{}",
                      "content/vault/media/x.png": png(2, 2),
                      **{f"content/vault/n{i}.md": f"---\ntitle: N{i}\n---\n![[x.png]]\n"
                         for i in range(3)}})
    assert build_site(site).exit_code == 0
    rendered = recorded_calls(monkeypatch, margin.incremental.bodycache, "render_body",
                              lambda note, *_: note.key)
    (site / "content/vault/media/later.md").write_text("---\ntitle: Later\n---\nNew.\n")
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert rendered == ["vault/media/later.md"]
