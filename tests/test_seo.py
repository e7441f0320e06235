"""What each page's head tells search engines, feed readers and link previews, read through an
HTML parser: canonical and feed links, description, OpenGraph and Twitter tags, JSON-LD."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from margin import urls
from margin.markdown.facts import first_image

BASE = "https://x.github.io/blog/"
ORIGIN = "https://x.github.io"

PNG = bytes.fromhex(  # a real 1x1 PNG, so the renderer can read its size
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
TRICKY = 'Attention </script><script>alert(1)</script> & "quotes"'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import BuildResult, run_margin

    root = tmp_path_factory.mktemp("seo") / "site"
    files = {
        "site.toml": f'title = "Lab notes"\nauthor = "Ada"\ndescription = "What I read."\n'
                     f'base_url = "{BASE}"\n',
        "content/posts/2025-02-08-week.md": (
            "---\ntitle: Week six\ntags: [LLMs, Reading notes]\nupdated: 2025-02-10\n"
            "summary: Six papers and a podcast.\n---\n"
            "# <img src=\"/assets/icon.svg\" alt=\"\"> Articles\n\n"
            "```html\n<img src=\"/assets/in-code.png\">\n```\n\n"
            "![Scaling](/assets/scaling.png)\n\n![Second](/assets/second.png)\n"),
        "content/posts/2025-01-20-tricky.md": (
            f"---\ntitle: '{TRICKY}'\ntags: [LLMs]\n---\nNo pictures here.\n"),
        "content/notes/evergreen.md": "---\ntitle: Evergreen\ntags: [gardening]\n---\nUndated.\n",
        "assets/icon.svg": "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'/>",
        "assets/scaling.png": PNG,
        "assets/second.png": PNG,
        "assets/in-code.png": PNG,
    }
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    output = root / "_site"
    code, out, err = run_margin("build", root, "--output", output)
    assert (code, err) == (0, ""), err
    return BuildResult(code, out, err, output)


def meta(soup: BeautifulSoup, key: str) -> list[str]:
    """Every content of <meta property=KEY> or <meta name=KEY>."""
    found = soup.find_all("meta", attrs={"property": key}) + soup.find_all(
        "meta", attrs={"name": key})
    return [tag["content"] for tag in found]


def themed_pages(site) -> dict[str, BeautifulSoup]:
    found = {}
    for path in sorted(site.output.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if not soup.find("meta", attrs={"http-equiv": "refresh"}):
            found["/" + path.relative_to(site.output).as_posix().removesuffix("index.html")] = soup
    return found


def test_every_page_has_an_absolute_canonical_link_to_itself(site):
    pages = themed_pages(site)
    assert len(pages) > 8
    for url, soup in pages.items():
        canonical = soup.head.find_all("link", rel="canonical")
        if url == "/404.html":
            assert canonical == [], "a missing page has no canonical address"
            assert meta(soup, "robots") == ["noindex"]
            continue
        assert [c["href"] for c in canonical] == [urls.absolute(BASE, url)], url
        assert meta(soup, "og:url") == [urls.absolute(BASE, url)], url


def test_every_page_names_the_site_feed_and_tag_pages_their_own(site):
    for url, soup in themed_pages(site).items():
        feeds = soup.head.find_all("link", rel="alternate", type="application/atom+xml")
        hrefs = [f["href"] for f in feeds]
        assert hrefs[0] == f"{BASE}feed.xml", url
        if url in ("/tags/llms/", "/tags/reading-notes/"):  # tags with dated notes
            assert hrefs[1:] == [f"{BASE}{url[1:]}feed.xml"], url
        else:
            assert hrefs[1:] == [], url
    assert site.html("/tags/llms/").find_all("link", rel="alternate")[1]["title"] == (
        "Lab notes: LLMs")
    for href in {f["href"] for soup in themed_pages(site).values()
                 for f in soup.find_all("link", rel="alternate")}:
        assert (site.output / href.removeprefix(BASE)).is_file(), href


def test_a_tag_with_only_undated_notes_names_no_tag_feed(site):
    soup = site.html("/tags/gardening/")
    assert [f["href"] for f in soup.find_all("link", rel="alternate")] == [f"{BASE}feed.xml"]
    assert not (site.output / "tags/gardening/feed.xml").exists()


def test_a_note_page_has_its_preview_tags(site):
    soup = site.html("/2025/02/08/week/")
    assert meta(soup, "description") == ["Six papers and a podcast."]
    assert meta(soup, "og:description") == ["Six papers and a podcast."]
    assert meta(soup, "twitter:description") == ["Six papers and a podcast."]
    assert meta(soup, "og:title") == ["Week six"] == meta(soup, "twitter:title")
    assert meta(soup, "og:type") == ["article"]
    assert meta(soup, "og:site_name") == ["Lab notes"]
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    assert meta(soup, "og:image") == [f"{BASE}assets/scaling.png"]  # not the icon, not code
    assert meta(soup, "twitter:image") == [f"{BASE}assets/scaling.png"]
    assert meta(soup, "article:published_time") == ["2025-02-08T00:00:00"]
    assert meta(soup, "article:modified_time") == ["2025-02-10T00:00:00"]
    assert meta(soup, "article:tag") == ["LLMs", "Reading notes"]


def test_a_note_without_a_picture_gets_a_small_card(site):
    soup = site.html("/2025/01/20/tricky/")
    assert meta(soup, "twitter:card") == ["summary"]
    assert meta(soup, "og:image") == []


def test_list_pages_are_websites_with_a_description(site):
    soup = site.html("/tags/llms/")
    assert meta(soup, "og:type") == ["website"]
    assert meta(soup, "description") == ["2 notes tagged “LLMs” on Lab notes."]
    assert meta(soup, "og:title") == [soup.title.get_text()]
    assert meta(soup, "article:tag") == []


def json_ld(soup: BeautifulSoup) -> list[dict]:
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


def test_a_dated_note_carries_a_schema_org_article(site):
    [article] = json_ld(site.html("/2025/02/08/week/"))
    assert article == {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "Week six",
        "url": f"{BASE}2025/02/08/week/",
        "mainEntityOfPage": f"{BASE}2025/02/08/week/",
        "datePublished": "2025-02-08T00:00:00",
        "dateModified": "2025-02-10T00:00:00",
        "description": "Six papers and a podcast.",
        "keywords": ["LLMs", "Reading notes"],
        "image": f"{BASE}assets/scaling.png",
        "inLanguage": "en",
        "wordCount": article["wordCount"],
        "author": {"@type": "Person", "name": "Ada"},
    }
    assert article["wordCount"] > 5


def test_json_ld_survives_a_title_that_tries_to_close_the_script(site):
    soup = site.html("/2025/01/20/tricky/")
    scripts = soup.find_all("script")
    theirs = [s for s in scripts if "dark-scheme" in (s.string or "")
              or s.get("src", "").endswith(("/assets/js/page.js", "/assets/js/preview.js"))]
    assert len(theirs) == 3  # the theme's own
    rest = [s for s in scripts if s not in theirs]
    assert [s.get("type") for s in rest] == ["application/ld+json"]  # nothing injected
    [article] = json_ld(soup)
    assert article["headline"] == TRICKY
    assert "dateModified" in article and "image" not in article
    assert meta(soup, "og:title") == [TRICKY]


def test_an_undated_note_has_no_article_record_or_publication_time(site):
    soup = site.html("/notes/evergreen/")
    assert json_ld(soup) == []
    assert meta(soup, "article:published_time") == []
    assert meta(soup, "article:tag") == ["gardening"]


def test_without_base_url_links_are_root_relative(make_site, build_site):
    result = build_site(make_site({
        "content/posts/2025-01-01-a.md": "---\ntitle: A\n---\n![x](/assets/a.png)\n",
        "assets/a.png": PNG,
    }))
    assert result.exit_code == 0, result.stderr
    soup = result.html("/2025/01/01/a/")
    assert soup.find("link", rel="canonical")["href"] == "/2025/01/01/a/"
    assert soup.find("link", rel="alternate")["href"] == "/feed.xml"
    assert meta(soup, "og:image") == ["/assets/a.png"]
    assert json_ld(soup)[0]["url"] == "/2025/01/01/a/"


@pytest.mark.parametrize(("html", "prefix", "expected"), [
    ('<p><img src="/blog/assets/a.png"></p>', "/blog", "/assets/a.png"),
    ('<img src="/assets/icon.svg"><img src="/assets/b.jpg?v=2">', "", "/assets/b.jpg?v=2"),
    ('<img src="data:image/png;base64,xx"><img alt="x" src=\'https://cdn.io/c.png\'>', "",
     "https://cdn.io/c.png"),
    ("<pre><code><img src=\"/in-code.png\"></code></pre>", "", ""),
    ('<img src="relative/not-found.png">', "", ""),
    ('<img src="/a.png?x=1&amp;y=2">', "", "/a.png?x=1&y=2"),
    ("<p>No image.</p>", "", ""),
])
def test_first_image_is_the_first_one_a_preview_can_show(html, prefix, expected):
    assert first_image(html, prefix) == expected


def test_absolute_leaves_a_full_url_alone():
    assert urls.absolute(BASE, "https://cdn.io/c.png") == "https://cdn.io/c.png"
    assert urls.absolute(BASE, "/a/") == f"{ORIGIN}/blog/a/"
