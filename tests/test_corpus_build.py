"""The user's own notes (../shared/corpus) must always build and show what they wrote."""

from __future__ import annotations

import pytest

from conftest import CORPUS

pytestmark = pytest.mark.needs_shared(CORPUS)

WEEK_ONE = "/what-i-read-this-week/02-02-2025/to/08-02-2025/"
WEEK_TWO = "/what-i-read-this-week/16-02-2025/to/22-02-2025/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from conftest import BuildResult, run_margin

    output = tmp_path_factory.mktemp("corpus") / "out"
    code, out, err = run_margin("build", CORPUS, "--output", output)
    return BuildResult(code, out, err, output)


def listed(soup):
    return {a["href"] for a in soup.select(".note-item__title")}


def test_corpus_builds_without_errors(corpus):
    assert corpus.exit_code == 0, corpus.stderr
    assert not [line for line in corpus.lines if line.startswith("error:")]


@pytest.mark.parametrize(("url", "title", "day"), [
    (WEEK_ONE, "02/02/25 -> 08/02/25", "2025-02-08"),
    (WEEK_TWO, "16/02/25 -> 22/02/25", "2025-02-22"),
])
def test_weekly_posts_are_at_their_permalinks_with_title_and_date(corpus, url, title, day):
    page = corpus.html(url)
    assert page.h1.get_text(strip=True) == title
    assert page.select_one(".note-header time")["datetime"] == day


@pytest.mark.parametrize(("tag", "urls"), [
    ("llms", {WEEK_ONE, WEEK_TWO}), ("ai", {WEEK_ONE, WEEK_TWO}),
    ("blockchain", {WEEK_ONE, WEEK_TWO}), ("podcasts", {WEEK_ONE}), ("business", {WEEK_TWO}),
])
def test_tag_pages_list_the_right_posts(corpus, tag, urls):
    assert listed(corpus.html(f"/tags/{tag}/")) == urls


def test_study_notes_get_a_real_title_among_undated_notes(corpus):
    page = corpus.html("/notes/llm-study-notes/")
    assert page.h1.get_text(strip=True) == "Llm study notes"
    undated = corpus.html("/archive/").find(id="undated").find_next("ul")
    assert listed(undated) == {"/notes/llm-study-notes/"}


def test_archive_shows_february_2025(corpus):
    archive = corpus.html("/archive/")
    months = [h.get_text(strip=True) for h in archive.find_all("h3")]
    assert months == ["February 2025"]
    assert listed(archive.find("h3").find_next("ul")) == {WEEK_ONE, WEEK_TWO}


def test_the_paper_both_weekly_posts_discuss_has_its_page(corpus):
    page = corpus.html("/papers/2501.09223/")
    assert page.h1.get_text(strip=True) == "The foundations of LLMs"
    citing = {a["href"] for a in page.select(".citations li > a")}
    assert citing == {WEEK_ONE, WEEK_TWO}
    for week in (WEEK_ONE, WEEK_TWO):
        papers = {a["href"] for a in corpus.html(week).select(".note-papers a")}
        assert "/papers/2501.09223/" in papers


def test_check_passes_on_the_corpus_with_no_broken_link():
    from conftest import run_margin

    code, out, err = run_margin("check", CORPUS)
    assert code == 0, err
    assert "broken link" not in err
    assert ", 0 broken links," in out
