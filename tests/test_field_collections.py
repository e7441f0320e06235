"""Patterns met in real collections built whole (a field test), each in a small note of ours."""

from __future__ import annotations

from bs4 import BeautifulSoup

from render_support import png


def _page(result, url: str) -> BeautifulSoup:
    return BeautifulSoup((result.output / url.strip("/") / "index.html").read_text(), "html.parser")


def test_typora_root_url_places_root_relative_images(make_site, build_site):
    site = make_site({
        "content/reading/notes/orbits.md": """\
            ---
            title: Orbits
            typora-root-url: ./..
            ---
            ![orbit](/figures/orbit.png)

            <img src="/figures/orbit.png" width="200">
            """,
        "content/reading/figures/orbit.png": png(8, 6),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert "not found" not in result.stderr
    srcs = [img["src"] for img in _page(result, "reading/notes/orbits").select("main img")]
    assert srcs == ["/reading/figures/orbit.png"] * 2
    assert (result.output / "reading/figures/orbit.png").is_file()


def test_typora_root_url_on_the_authors_disk_is_not_followed(make_site, build_site):
    site = make_site({
        "content/reading/orbits.md": """\
            ---
            typora-root-url: /Users/someone/notes
            ---
            ![orbit](/figures/orbit.png)
            """,
    })
    result = build_site(site)
    assert result.exit_code == 0
    assert "image not found: /figures/orbit.png" in result.stderr


def test_label_written_after_an_align_environment_numbers_it(make_site, build_site):
    site = make_site({
        "content/growth.md": r"""
            ---
            title: Growth
            ---
            $$
            \begin{align}
            u' &= a u \\
            v' &= b v
            \end{align}
            \label{eq:growth}
            $$

            Both rates appear in $\eqref{eq:growth}$.
            """,
    })
    result = build_site(site)
    assert result.exit_code == 0
    assert "math" not in result.stderr
    page = _page(result, "growth")
    assert not page.select(".math-error")
    assert page.find(id="eq:growth") is not None
    assert page.select_one('a[href="#eq:growth"]').get_text() == "(2)"


def test_hugo_double_backslash_parentheses_are_math(make_site, build_site):
    body = "---\ntitle: Rates\n---\nThe rate \\\\( r_t \\\\) and \\\\[ \\sum_t r_t \\\\] grow.\n"
    site = make_site({
        "content/blog/hugo.toml": 'title = "b"\n',
        "content/blog/content/posts/rates.md": body,
        "content/blog/static/.keep": "",
        "content/plain/rates.md": body,
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    hugo = _page(result, "blog/posts/rates").find("article")
    assert [m.find("annotation").get_text() for m in hugo.find_all("math")] == \
        ["r_t", "\\sum_t r_t"]
    assert "\\(" not in hugo.get_text()
    assert _page(result, "plain/rates").find("article").find("math") is None


def test_link_and_embed_of_a_heading_holding_math_typeset_it(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/Rates.md": "## Growth of $r_t$\n\nIt doubles.\n",
        "content/vault/Index.md": "See [[Rates#Growth of $r_t$]].\n\n![[Rates#Growth of $r_t$]]\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    body = _page(result, "vault/index").find(class_="note-body")
    links = body.select("a.wikilink")
    assert len(links) == 2
    for link in links:
        assert link.find("math") is not None
        assert "$" not in link.get_text()
    assert links[0]["href"].endswith("#growth-of-r-t")


def test_quartz_content_folder_opened_as_a_vault_stays_the_sites_notes(make_site, build_site):
    site = make_site({
        "content/garden/quartz.config.ts": "export default {}\n",
        "content/garden/content/.obsidian/app.json": "{}",
        "content/garden/content/Topics/Ring.md": "A ring of [[Shards]].\n",
        "content/garden/content/Topics/Shards.md": "Pieces of a ring.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert (result.output / "garden/Topics/ring/index.html").is_file()
    assert not (result.output / "garden/content").exists()
    link = _page(result, "garden/Topics/ring").select_one("a.wikilink")
    assert link["href"] == "/garden/Topics/shards/"


def test_block_id_alone_after_a_callout_or_table_names_that_block(make_site, build_site):
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/Lemmas.md": """\
            > [!lemma] Bounded
            > Every step is bounded.

            ^bound-1

            | a | b |
            |---|---|
            | 1 | 2 |

            ^table-1

            By [[#^bound-1]] and [[#^table-1]].
            """,
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    body = _page(result, "vault/lemmas").find(class_="note-body")
    assert "callout" in body.find(id="^bound-1")["class"]
    assert body.find(id="^table-1").name == "table"
    for link in body.select("a.wikilink"):
        link.decompose()
    assert "^" not in body.get_text()


def test_double_equals_highlight_in_a_vault_is_marked_text(make_site, build_site):
    text = "A ==bright **idea**== here, x ==y and == z, ==open only.\n"
    site = make_site({
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/Ideas.md": text,
        "content/plain/ideas.md": text,
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    vault = _page(result, "vault/ideas").find(class_="note-body")
    marks = vault.find_all("mark")
    assert [m.get_text() for m in marks] == ["bright idea"]
    assert marks[0].find("strong").get_text() == "idea"
    assert "==y and == z, ==open only." in vault.get_text()
    assert _page(result, "plain/ideas").find("mark") is None
