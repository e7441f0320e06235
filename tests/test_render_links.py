"""Links: note source files become permalinks, empty links become text, external get noopener."""

from __future__ import annotations

import pytest

from render_support import render_note

PERMALINKS = {"notes/attention.md": "/notes/attention/", "posts/2025-01-02-a.md": "/2025/01/02/a/"}


def hrefs(rendered):
    return [a["href"] for a in rendered.soup.find_all("a") if "header-anchor" not in
            a.get("class", [])]


@pytest.mark.parametrize(("written", "href"), [
    ("attention.md", "/notes/attention/"),
    ("attention.md#the-part", "/notes/attention/#the-part"),
    ("../posts/2025-01-02-a.md", "/2025/01/02/a/"),
    ("/notes/attention.md", "/notes/attention/"),
    ("/content/notes/attention.md", "/notes/attention/"),
])
def test_links_to_note_source_files_become_permalinks(tmp_path, written, href):
    rendered = render_note(tmp_path, f"See [it]({written}).", permalinks=PERMALINKS)
    assert hrefs(rendered) == [href]


def test_note_links_carry_the_prefix_and_are_listed(tmp_path):
    rendered = render_note(tmp_path,
                           "[a](attention.md) [b](../posts/2025-01-02-a.md) [a](attention.md)",
                           permalinks=PERMALINKS, base_url="https://x.io/kb/")
    assert hrefs(rendered) == ["/kb/notes/attention/", "/kb/2025/01/02/a/", "/kb/notes/attention/"]
    assert rendered.result.links == ("notes/attention.md", "posts/2025-01-02-a.md")


def test_link_to_a_missing_note_is_left_for_the_link_checker(tmp_path):
    rendered = render_note(tmp_path, "[x](missing.md)", permalinks=PERMALINKS)
    assert hrefs(rendered) == ["missing.md"]


@pytest.mark.parametrize("body", ["[Constrained output]()", "[Krohn–Rhodes theory](#)",
                                  "[**bold** text]( )"])
def test_empty_links_render_as_their_text(tmp_path, body):
    rendered = render_note(tmp_path, f"Before {body} after.")
    assert not rendered.soup.find("a")
    assert "[" not in rendered.soup.get_text() and "](" not in rendered.soup.get_text()


def test_empty_link_in_a_heading_keeps_text_and_anchor(tmp_path):
    rendered = render_note(tmp_path, "### [Interesting ideas]()[ L1](https://a.org/l1)")
    heading = rendered.soup.find("h3")
    assert heading.get_text().startswith("Interesting ideas L1")
    assert hrefs(rendered) == ["https://a.org/l1"]
    assert heading["id"] == "interesting-ideas-l1"


def test_external_links_get_noopener_and_internal_ones_do_not(tmp_path):
    rendered = render_note(tmp_path, "[e](https://example.com) <https://a.org> www.b.org "
                                     "[own](https://x.io/kb/page/) [in](/tags/)",
                           base_url="https://x.io/kb/")
    rels = {a["href"]: a.get("rel") for a in rendered.soup.find_all("a")}
    assert rels["https://example.com"] == ["noopener"]
    assert rels["https://a.org"] == ["noopener"]
    assert rels["http://www.b.org"] == ["noopener"]
    assert rels["https://x.io/kb/page/"] is None
    assert rels["/kb/tags/"] is None


def test_files_linked_beside_the_note_are_copied(tmp_path):
    rendered = render_note(tmp_path, "[data](results.csv)",
                           files={"content/notes/results.csv": "a,b\n"})
    assert hrefs(rendered) == ["/notes/n/results.csv"]
    assert [a.path for a in rendered.result.assets] == ["notes/n/results.csv"]


def test_wikilinks_resolve_with_the_prefix(make_site, build_site):
    site = make_site({
        "site.toml": 'base_url = "https://x.io/kb/"\n',
        "content/notes/attention.md": "---\ntitle: Attention\n---\nBody.\n",
        "content/notes/n.md": "---\ntitle: N\n---\nSee [[Attention]] and [md](attention.md).\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    links = [a["href"] for a in result.html("/notes/n/").select(".note-body a")]
    assert links == ["/kb/notes/attention/", "/kb/notes/attention/"]
