"""Search without a browser: the build runs Pagefind over the written site (or says once that it
cannot), `margin check` never does, the link checker trusts /pagefind/, and the pages carry what
the index needs. The browser test is tests/test_search_browser.py."""

from __future__ import annotations

import json
import stat

import pytest

import margin.build
from conftest import run_margin
from margin.write import search
from margin.write.search import NOT_INSTALLED, index_site

PREFIX = "/blog"
NOTES = {
    "site.toml": 'title = "Lab"\nbase_url = "https://x.github.io/blog/"\n',
    "content/posts/2025-02-08-week.md": "---\ntitle: Week six\ntags: [LLMs, Reading]\n---\n"
                                        "Sparse attention, read twice. See [[Evergreen]].\n",
    "content/posts/2025-02-01-week.md": "---\ntitle: Week five\ntags: [LLMs]\n---\nQuantisation.\n",
    "content/notes/evergreen.md": "---\ntitle: Evergreen\n---\nGardening notes.\n",
}


@pytest.fixture
def site(make_site):
    return make_site(NOTES)


@pytest.mark.skipif(search.pagefind_binary() is None,
                    reason="Pagefind is not installed (pip install 'pagefind[bin]')")
def test_the_build_indexes_the_notes_and_only_the_notes(site, build_site):
    result = build_site(site, "--strict")  # no warning: /pagefind/ and /search/ links are fine
    assert result.exit_code == 0, result.stderr
    entry = json.loads((result.output / "pagefind/pagefind-entry.json").read_text())
    assert [language["page_count"] for language in entry["languages"].values()] == [3]
    assert (result.output / "pagefind/pagefind-ui.js").is_file()
    assert list((result.output / "pagefind/index").iterdir())  # the index, in pieces
    assert result.stderr == ""


def test_without_pagefind_the_build_says_so_once_and_succeeds(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(site)
    assert result.exit_code == 0
    assert result.lines == [f"warning: {NOT_INSTALLED}"]
    assert not (result.output / "pagefind").exists()
    assert (result.output / "search/index.html").is_file()  # the page says it has no index


def test_a_failing_pagefind_is_one_warning_not_a_crash(tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: the site folder is not readable' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    problems = index_site(tmp_path, binary=fake)
    assert [str(p) for p in problems] == [
        "warning: search: Pagefind failed, no search index: Error: the site folder is not "
        "readable"]


def test_check_never_runs_pagefind_and_build_runs_it_once(site, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(margin.build, "index_site", lambda output: calls.append(output) or [])
    code, _, err = run_margin("check", site)
    assert (code, calls) == (0, []), err
    output = tmp_path / "out"
    code, _, err = run_margin("build", site, "--output", output)
    assert code == 0, err
    assert calls == [output]


def test_a_failed_build_does_not_run_pagefind(site, monkeypatch):
    calls = []
    monkeypatch.setattr(margin.build, "index_site", lambda output: calls.append(output) or [])
    (site / "content/notes/broken.md").write_text("---\ntitle: [unclosed\n---\n")
    code, _, _ = run_margin("build", site)
    assert (code, calls) == (1, [])


def test_a_note_page_marks_what_the_index_takes(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    soup = build_site(site).html("/2025/02/08/week/")
    article = soup.select_one("article.note")
    assert article.has_attr("data-pagefind-body")
    assert article["data-pagefind-filter"] == "section:Posts"
    assert soup.select_one("h1.note-title")["data-pagefind-meta"] == "title"
    assert soup.select_one(".note-header")["data-pagefind-meta"] == "date:2025-02-08"
    tags = [a.get_text() for a in soup.select(".note-header a[data-pagefind-filter=tag]")]
    assert tags == ["LLMs", "Reading"]
    # Only this note's own words: the meta line, chips and the graph around it are left out.
    assert soup.select_one(".note-meta").has_attr("data-pagefind-ignore")
    assert soup.select_one("[data-pagefind-ignore] ul.tags") is not None
    evergreen = build_site(site).html("/notes/evergreen/")
    assert evergreen.select_one("section.backlinks").has_attr("data-pagefind-ignore")
    for url in ("/", "/tags/llms/", "/archive/", "/search/"):
        assert build_site(site).html(url).select_one("[data-pagefind-body]") is None, url


def test_the_header_search_box_is_a_plain_form_to_the_search_page(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(site)
    form = result.html("/").select_one("header form[role=search]")
    assert form["action"] == f"{PREFIX}/search/"
    assert form.get("method") == "get"
    field = form.select_one("input[type=search]")
    assert field["name"] == "q"
    assert form.select_one(f"label[for={field['id']}]") is not None
    assert result.html("/search/").select_one("header form[role=search]") is None


def test_the_search_page_loads_pagefind_from_this_site(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    soup = build_site(site).html("/search/")
    assert soup.h1.get_text() == "Search"
    assert soup.find("link", href=f"{PREFIX}/pagefind/pagefind-ui.css") is not None
    assert soup.find("script", src=f"{PREFIX}/pagefind/pagefind-ui.js") is not None
    box = soup.select_one("#search")
    assert (box["data-bundle"], box["data-base"]) == (f"{PREFIX}/pagefind/", f"{PREFIX}/")
    assert soup.find("noscript") is not None
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_a_note_cannot_take_the_search_page_url(make_site, build_site):
    result = build_site(make_site({
        "content/notes/search.md": "---\ntitle: Search\npermalink: /search/\n---\nMine.\n"}))
    assert result.exit_code == 1
    assert "permalink /search/ is taken by the generated page search.html" in result.stderr
