"""Notes of a Jekyll blog read as kramdown read them (inline HTML lines, table attributes, ids),
and the heading ids Hugo gave."""

from __future__ import annotations

import textwrap

from bs4 import BeautifulSoup

from margin.markdown.body import render_unguarded
from margin.markdown.context import BodyContext
from margin.model import Collection, Note

JEKYLL = (Collection(root="blog", kind="jekyll", notes_root="blog", files_root="blog"),)


def render(tmp_path, body, key="blog/_posts/2020-01-02-a.md"):
    (tmp_path / "content").mkdir(exist_ok=True)
    context = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site", collections=JEKYLL)
    note = Note(key=key, source=f"content/{key}", title="A", body=textwrap.dedent(body).lstrip(),
                body_line=1, section="blog", slug="a", url="/a/")
    return BeautifulSoup(render_unguarded(note, context).html, "html.parser")


def test_a_line_of_inline_html_does_not_make_the_markdown_after_it_raw(tmp_path):
    body = """
        <br />
        Some *emphasis* here.

        <span class="note">
        A [link](https://example.org) inside.
        </span>
        """
    soup = render(tmp_path, body)
    assert soup.find("em").get_text() == "emphasis"
    assert soup.find("a")["href"] == "https://example.org"
    assert "*" not in soup.get_text()


def test_outside_a_jekyll_blog_commonmark_rules_the_same_lines(tmp_path):
    soup = render(tmp_path, "<br />\nSome *emphasis* here.\n", key="notes/n.md")
    assert soup.find("em") is None  # CommonMark's HTML block: the line after it is raw


def test_block_html_in_a_jekyll_blog_stays_html(tmp_path):
    soup = render(tmp_path, "<div class=\"box\">\n*kept raw*\n</div>\n")
    assert soup.find("div", class_="box").get_text().strip() == "*kept raw*"


def test_an_attribute_list_after_a_table_is_the_tables_never_a_row(tmp_path):
    soup = render(tmp_path, """
        | model | loss |
        |-------|------|
        | small | 2.1  |
        {: .wide #results}

        After.
        """, key="notes/n.md")
    table = soup.find("table")
    assert table["class"] == ["wide"] and table["id"] == "results"
    assert [[c.get_text() for c in row.find_all("td")] for row in table.find_all("tr")[1:]] == [
        ["small", "2.1"]]
    assert "{:" not in soup.get_text()


def test_kramdown_heading_ids_are_kept_beside_ours(tmp_path):
    soup = render(tmp_path, """
        ## 1. Introduction

        ## Results & Discussion

        ## Results & Discussion

        ## Plain words
        """)
    headings = soup.find_all("h2")
    assert [h["id"] for h in headings] == [
        "1-introduction", "results-and-discussion", "results-and-discussion-1", "plain-words"]
    aliases = [[s["id"] for s in h.find_all("span", id=True)] for h in headings]
    assert aliases == [["introduction"], ["results--discussion"], ["results--discussion-1"], []]
    assert headings[0].get_text().startswith("1. Introduction")


def test_notes_outside_jekyll_get_no_alias_ids(tmp_path):
    soup = render(tmp_path, "## 1. Introduction\n", key="notes/n.md")
    assert soup.find("h2").find("span", id=True) is None


def test_hugo_notes_keep_github_style_heading_ids_beside_ours(tmp_path):
    hugo = (Collection(root="site", kind="hugo", notes_root="site/content",
                       files_root="site/static"),)
    (tmp_path / "content").mkdir(exist_ok=True)
    context = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site", collections=hugo)
    note = Note(key="site/content/posts/a.md", source="content/site/content/posts/a.md",
                title="A", body="## Loss & accuracy\n\n## snake_case names\n\n## Plain\n",
                body_line=1, section="site", slug="a", url="/a/")
    soup = BeautifulSoup(render_unguarded(note, context).html, "html.parser")
    aliases = [[s["id"] for s in h.find_all("span", id=True)] for h in soup.find_all("h2")]
    assert aliases == [["loss--accuracy"], ["snake_case-names"], []]
