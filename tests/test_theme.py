"""The default theme, read through an HTML parser: stylesheets under the base_url prefix, the
header nav, nothing fetched from another site, dates and tag chips, and when a TOC appears."""

from __future__ import annotations

import re
import textwrap
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BuildResult, run_margin
from margin import theme

PREFIX = "/blog"
STYLESHEETS = ("/assets/css/margin.css", "/assets/css/highlight.css", "/assets/css/dark.css")

SITE = {
    "site.toml": 'title = "Theme test"\nbase_url = "https://x.github.io/blog/"\n',
    "content/posts/2025-02-08-three-headings.md": """
        ---
        title: Three headings
        tags: [LLMs, Reading notes]
        ---
        Opening paragraph.

        ## First part

        Text with ![a figure](/assets/fig.png).

        ## Second part

        ### A detail

        The end.
    """,
    "content/posts/2025-01-20-two-headings.md": """
        ---
        title: Two headings
        tags: [LLMs]
        ---
        ## Only one

        ## And another
    """,
    "content/notes/evergreen.md": """
        ---
        title: An evergreen note
        ---
        No date, no tags, no headings.
    """,
    "assets/fig.png": "not really a png",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuildResult:
    root = tmp_path_factory.mktemp("theme") / "site"
    for relative, text in SITE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    output = root / "_site"
    code, out, err = run_margin("build", root, "--output", output,
                                "--base-url", "https://x.github.io/blog/")
    assert code == 0, err
    return BuildResult(code, out, err, output)


def pages(site: BuildResult) -> dict[str, BeautifulSoup]:
    """Every themed HTML page of the build (redirect stubs for aliases have no theme)."""
    found = {}
    for path in sorted(site.output.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        found[path.relative_to(site.output).as_posix()] = soup
    return found


def note_pages(site: BuildResult) -> dict[str, BeautifulSoup]:
    return {name: soup for name, soup in pages(site).items() if soup.select_one("article.note")}


def test_the_build_has_the_pages_the_theme_draws(site):
    names = set(pages(site))
    assert {"index.html", "tags/index.html", "archive/index.html", "404.html"} <= names
    assert len(note_pages(site)) == 3


def test_every_page_links_the_stylesheets_under_the_base_url_prefix(site):
    for name, soup in pages(site).items():
        hrefs = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
        assert hrefs == [PREFIX + sheet for sheet in STYLESHEETS], name
    for sheet in STYLESHEETS:
        assert (site.output / sheet.lstrip("/")).is_file()


def test_every_page_names_the_themes_icon_so_browsers_do_not_ask_for_favicon_ico(site):
    for name, soup in pages(site).items():
        icons = [link["href"] for link in soup.find_all("link", rel="icon")]
        assert icons == [PREFIX + "/assets/icons/favicon.svg"], name
    icon = BeautifulSoup((site.output / "assets/icons/favicon.svg").read_text(), "html.parser")
    assert icon.find("svg") is not None

def test_every_page_has_the_header_nav_with_tags_and_archive(site):
    for name, soup in pages(site).items():
        nav = soup.select_one("header nav[aria-label='Site']")
        assert nav is not None, name
        links = {a.get_text(strip=True): a["href"] for a in nav.find_all("a")}
        assert links["Tags"] == f"{PREFIX}/tags/", name
        assert links["Archive"] == f"{PREFIX}/archive/", name
        assert links["Posts"] == f"{PREFIX}/posts/", name
        assert soup.select_one("header a.site-title")["href"] == f"{PREFIX}/", name


def test_no_page_loads_anything_from_another_site(site):
    for name, soup in pages(site).items():
        for tag in soup.find_all(["link", "script", "img", "source", "iframe"]):
            if tag.name == "link" and set(tag.get("rel", [])) & {"canonical", "alternate"}:
                continue  # metadata naming the page's own full URL, not a request
            for attribute in ("src", "href", "srcset"):
                value = tag.get(attribute) or ""
                assert not re.search(r"(^|\s|,)(https?:)?//", value), (name, str(tag))


def test_the_stylesheets_fetch_nothing_either(site):
    for sheet in STYLESHEETS:
        css = (site.output / sheet.lstrip("/")).read_text(encoding="utf-8")
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), sheet
        assert "@font-face" not in css


def test_every_site_link_in_the_frame_carries_the_prefix(site):
    for name, soup in pages(site).items():
        for a in soup.select("header a, footer a, nav a, .note-header a, .note-list a"):
            href = a["href"]
            assert href.startswith((f"{PREFIX}/", "#")), (name, href)


def test_landmarks_and_skip_link_on_every_page(site):
    for name, soup in pages(site).items():
        skip = soup.select_one("a.skip-link")
        assert skip is not None and skip["href"] == "#main", name
        assert soup.select_one("main#main") is not None, name
        assert soup.find("header") is not None and soup.find("footer") is not None, name
        assert len(soup.find_all("h1")) == 1, name


def test_nav_marks_where_the_reader_is(site):
    def current(url: str) -> dict[str, str]:
        nav = site.html(url).select_one("header nav[aria-label='Site']")
        return {a.get_text(strip=True): a["aria-current"] for a in nav.select("a[aria-current]")}

    assert current("/tags/") == {"Tags": "page"}
    assert current("/tags/llms/") == {"Tags": "true"}
    assert current("/archive/") == {"Archive": "page"}
    assert current("/posts/") == {"Posts": "page"}
    assert current("/2025/02/08/three-headings/") == {"Posts": "true"}
    assert current("/") == {}


def test_note_pages_show_their_date_and_tag_chips(site):
    header = site.html("/2025/02/08/three-headings/").select_one(".note-header")
    time = header.find("time")
    assert time["datetime"] == "2025-02-08"
    assert time.get_text(strip=True) == "8 February 2025"
    chips = [(a.get_text(strip=True), a["href"]) for a in header.select("ul.tags a.tag")]
    assert chips == [("LLMs", f"{PREFIX}/tags/llms/"),
                     ("Reading notes", f"{PREFIX}/tags/reading-notes/")]


def test_an_undated_note_says_so_instead_of_a_date(site):
    header = site.html("/notes/evergreen/").select_one(".note-header")
    assert header.find("time") is None
    assert header.select_one(".undated").get_text(strip=True) == "Undated"
    assert header.select_one("ul.tags") is None


def test_note_lists_show_dates_and_tag_chips(site):
    for url in ("/", "/posts/", "/tags/llms/", "/archive/"):
        items = site.html(url).select(".note-list .note-item")
        dated = [item for item in items if item.find("time")]
        assert {item.find("time")["datetime"] for item in dated} == {"2025-02-08", "2025-01-20"}
        for item in dated:
            assert item.select("ul.tags a.tag"), (url, item.get_text(" ", strip=True))


def test_a_tag_page_marks_its_own_chip(site):
    marked = site.html("/tags/llms/").select(".note-list a.tag[aria-current]")
    assert [a.get_text(strip=True) for a in marked] == ["LLMs", "LLMs"]


def test_toc_appears_for_three_headings_and_links_each_one(site):
    soup = site.html("/2025/02/08/three-headings/")
    toc = soup.select_one("nav.toc")
    assert toc is not None
    targets = [a["href"] for a in toc.find_all("a")]
    assert targets == ["#first-part", "#second-part", "#a-detail"]
    body = soup.select_one(".note-body")
    assert all(body.find(id=target[1:]) for target in targets)
    assert [li["class"] for li in toc.find_all("li")] == [
        ["toc-depth-0"], ["toc-depth-0"], ["toc-depth-1"]]


@pytest.mark.parametrize("url", ["/2025/01/20/two-headings/", "/notes/evergreen/"])
def test_no_toc_for_fewer_than_three_headings(site, url):
    assert site.html(url).select_one("nav.toc") is None


def test_highlight_stylesheet_has_light_and_dark_pygments_rules(site):
    light = (site.output / "assets/css/highlight.css").read_text(encoding="utf-8")
    dark = (site.output / "assets/css/dark.css").read_text(encoding="utf-8")
    assert ".highlight .k " in light and ".highlight .s " in light
    assert ".highlight .k " in dark and ".highlight .s " in dark
    keyword = re.compile(r"\.highlight \.k \{ color: (#[0-9a-fA-F]+)")
    assert keyword.search(light).group(1) != keyword.search(dark).group(1)



def test_the_dark_sheet_follows_the_system_until_the_reader_chooses(site):
    for name, soup in pages(site).items():
        sheet = soup.find("link", id="dark-scheme")
        assert sheet["media"] == "screen and (prefers-color-scheme: dark)", name
        assert sheet["blocking"] == "render", name
        chooser = sheet.find_next_sibling()  # the reader's choice, applied before the body
        assert chooser.name == "script" and "dark-scheme" in chooser.string, name
        assert soup.select_one("button.scheme-toggle").has_attr("hidden"), name  # JS shows it


def test_every_page_keeps_the_header_search_box_the_search_page_too(site):
    for name, soup in pages(site).items():
        form = soup.select_one("header form.site-search")
        assert form is not None and form["action"] == f"{PREFIX}/search/", name
        assert form.select_one("input[name=q]") is not None, name
    assert "search/index.html" in pages(site)


def test_the_wheel_ships_every_theme_folder():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert set(shipped) == {"templates"} | {f"assets/{name}" for name in theme.ASSET_FOLDERS}
