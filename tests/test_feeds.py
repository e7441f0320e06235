"""Atom feeds, sitemap and robots.txt, parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site(make_site):
    return make_site({
        "site.toml": 'title = "Notes"\nauthor = "Ada"\nbase_url = "https://x.github.io/blog/"\n'
                     "feed_entries = 2\n",
        "content/posts/2025-01-01-one.md": "---\ntitle: One\ntags: [ml]\n---\n"
                                           "First. [Two](/blog/2025/01/02/two/) and [part](#part)",
        "content/posts/2025-01-02-two.md": "---\ntitle: Two\ntags: [ml]\nupdated: 2025-03-01\n---\n"
                                           "Second.",
        "content/posts/2025-01-03-three.md": "---\ntitle: Three\n---\nThird.",
        "content/notes/evergreen.md": "---\ntitle: Evergreen\ntags: [ml]\n---\nNo date.",
        "content/notes/moved.md": "---\ntitle: Moved\naliases: [/old/moved/]\n---\nHere now.",
    })


def entries(path):
    root = ET.parse(path).getroot()
    return root, root.findall("a:entry", ATOM)


def test_site_feed_is_atom_with_the_newest_dated_notes(site, build_site):
    result = build_site(site)
    root, found = entries(result.output / "feed.xml")
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, ATOM) is not None, required
    assert root.find("a:link[@rel='self']", ATOM).get("href") == "https://x.github.io/blog/feed.xml"
    assert [e.find("a:title", ATOM).text for e in found] == ["Three", "Two"]  # feed_entries = 2
    two = found[1]
    assert two.find("a:id", ATOM).text == "https://x.github.io/blog/2025/01/02/two/"
    assert two.find("a:published", ATOM).text == "2025-01-02T00:00:00Z"
    assert two.find("a:updated", ATOM).text == "2025-03-01T00:00:00Z"
    assert root.find("a:updated", ATOM).text == "2025-03-01T00:00:00Z"


def test_tag_feed_has_full_content_with_absolute_links(site, build_site):
    result = build_site(site)
    _, found = entries(result.output / "tags/ml/feed.xml")
    assert [e.find("a:title", ATOM).text for e in found] == ["Two", "One"]  # no undated notes
    content = found[1].find("a:content", ATOM)
    assert content.get("type") == "html"
    assert 'href="https://x.github.io/blog/2025/01/02/two/"' in content.text
    assert 'href="https://x.github.io/blog/2025/01/01/one/#part"' in content.text
    assert [c.get("term") for c in found[1].findall("a:category", ATOM)] == ["ml"]


def test_sitemap_lists_every_page_with_lastmod_and_robots_points_at_it(site, build_site):
    result = build_site(site)
    root = ET.parse(result.output / "sitemap.xml").getroot()
    locs = {u.find("s:loc", SITEMAP).text: u.find("s:lastmod", SITEMAP) for u in root}
    built = {"https://x.github.io/blog/" + p.relative_to(result.output).as_posix()
             .removesuffix("index.html") for p in result.output.rglob("*.html")}
    expected = built - {"https://x.github.io/blog/404.html", "https://x.github.io/blog/old/moved/"}
    assert set(locs) == expected
    assert locs["https://x.github.io/blog/2025/01/02/two/"].text == "2025-03-01"
    assert (result.output / "robots.txt").read_text().splitlines()[-1] == (
        "Sitemap: https://x.github.io/blog/sitemap.xml"
    )


def test_a_build_without_a_base_url_warns_once_that_feeds_need_it(make_site, build_site):
    site = make_site({"content/posts/2025-01-01-one.md": "---\ntitle: One\n---\nFirst."})
    unset = build_site(site)
    assert unset.exit_code == 0
    assert unset.stderr.splitlines() == [
        "margin: warning: base_url is unset, so the feeds and sitemap.xml hold relative URLs "
        "that readers and search engines cannot follow; set it in site.toml or pass --base-url"]
    given = build_site(site, "--base-url", "https://me.example.org/")
    assert given.exit_code == 0 and given.stderr == ""


@pytest.mark.parametrize("text", ["", "plain", "a & b < c > d", "say \"hi\"", "it's",
                                  "both \" and '", "lines\nand\rtabs\t", "&amp; already"])
def test_feed_text_is_escaped_as_the_standard_library_escapes_it(text):
    from xml.sax import saxutils

    from margin.pages import xmltext

    assert xmltext.escape(text) == saxutils.escape(text)
    assert xmltext.quoteattr(text) == saxutils.quoteattr(text)
