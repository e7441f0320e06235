"""The corpus as a published site: its feeds carry the weekly posts and, once imported, the
paper reviews, with math as MathML."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import CORPUS, BuildResult, run_margin

pytestmark = pytest.mark.needs_shared(CORPUS)
ATOM = {"a": "http://www.w3.org/2005/Atom"}
WEEKS = {"02/02/25 -> 08/02/25", "16/02/25 -> 22/02/25"}


def feed_titles(path):
    root = ET.parse(path).getroot()
    return root, [e.find("a:title", ATOM).text for e in root.findall("a:entry", ATOM)]


def test_corpus_feeds_hold_both_weekly_posts(tmp_path):
    code, _, err = run_margin("build", CORPUS, "--output", tmp_path / "out")
    assert code == 0, err
    _, titles = feed_titles(tmp_path / "out/feed.xml")
    assert set(titles) == WEEKS
    _, tagged = feed_titles(tmp_path / "out/tags/llms/feed.xml")
    assert set(tagged) == WEEKS


def test_imported_reviews_join_the_feed_with_math_as_mathml(tmp_path):
    site = tmp_path / "corpus"
    shutil.copytree(CORPUS, site)
    code, _, err = run_margin("import", "papers", site / "imports/daily-papers.txt", "--site", site)
    assert code == 0, err
    (site / "site.toml").write_text("feed_entries = 200\n", encoding="utf-8")
    code, out, err = run_margin("build", site)
    result = BuildResult(code, out, err, site / "_site")
    assert code == 0, err
    root, titles = feed_titles(result.output / "feed.xml")
    reviews = list((site / "content/papers").glob("*.md"))
    assert set(titles) >= WEEKS
    assert len(titles) == len(reviews) + 2
    contents = [e.find("a:content", ATOM).text or "" for e in root.findall("a:entry", ATOM)]
    with_math = [c for c in contents if "<math" in c]
    assert with_math, "no entry carries MathML"
    assert all("application/x-tex" in c for c in with_math)
