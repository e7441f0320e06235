"""What other places show of a note: list summaries, meta descriptions, feed summaries, backlink
and paper-page contexts, the search index. Made from the parsed note, never cut from its
source: math is MathML where HTML is allowed and readable Unicode where only text is, never TeX
and never both; a context is the whole sentence around the link, not split at "et al."."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from margin.markdown.body import render_body
from margin.markdown.context import BodyContext
from margin.markdown.math import to_mathml
from margin.markdown.mathtext import math_text
from margin.model import Note
from margin.write import search

ATTENTION = (r"Attention weighs values by $\operatorname{softmax}\left(\frac{QK^\top}{\sqrt{d}}"
             r"\right)V$ for each query. It scales well.")
NOTES = {
    "site.toml": 'title = "Lab"\nbase_url = "https://example.org/"\n',
    "content/posts/2025-01-01-attention.md": "---\ntitle: Attention\n---\n" + ATTENTION + "\n",
    "content/posts/2025-01-02-reader.md": (
        "---\ntitle: Reader\n---\n"
        "Some preface here. As shown by [Vaswani et al. 2018](https://arxiv.org/abs/1706.03762), "
        "the [[Attention]] map weighs $$\\theta$$ by `score. Not` a sentence end, e.g. in "
        "Fig. 2 of the paper. A later sentence.\n"),
}
CONTEXT = ("As shown by Vaswani et al. 2018, the Attention map weighs θ by score. Not a sentence "
           "end, e.g. in Fig. 2 of the paper.")
TEX = re.compile(r"\\[a-zA-Z]|\$")


@pytest.mark.parametrize(("tex", "text"), [
    (r"\operatorname{softmax}\left(\frac{QK^\top}{\sqrt{d}}\right)V", "softmax(QKᵀ/√d)V"),
    (r"x_i^2", "xᵢ²"),
    (r"\frac{a+b}{2}", "(a+b)/2"),
    (r"\sqrt[3]{x}", "∛x"),
    (r"e^{i\pi}", "e^(iπ)"),
    (r"\hat\theta", "θ̂"),
    (r"O(n \log n)", "O(n log n)"),
    (r"\mathbb{R}^{n\times d}", "ℝ^(n×d)"),
    (r"\begin{aligned}a&=b\\c&=d\end{aligned}", "a=b; c=d"),
])
def test_math_as_text_is_readable_unicode_from_its_mathml(tex, text):
    assert math_text(to_mathml(tex, display=False).html) == text


@pytest.fixture
def built(make_site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(make_site(NOTES))
    assert result.exit_code == 0, result.stderr
    return result


def test_descriptions_show_math_as_unicode_text(built):
    page = built.html("/2025/01/01/attention/")
    for selector in ('meta[name="description"]', 'meta[property="og:description"]'):
        description = page.select_one(selector)["content"]
        assert description == ("Attention weighs values by softmax(QKᵀ/√d)V for each query. "
                               "It scales well.")
    record = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert not TEX.search(record["description"]) and "softmax(QKᵀ/√d)V" in record["description"]


def test_feed_summaries_are_text_and_feed_content_math_is_mathml_alone(built):
    feed = built.path("/feed.xml").read_text(encoding="utf-8")
    summaries = re.findall(r"<summary>(.*?)</summary>", feed)
    assert "Attention weighs values by softmax(QKᵀ/√d)V for each query. It scales well." \
        in summaries
    assert not any(TEX.search(summary) for summary in summaries)
    assert "math-search-text" not in feed  # the search index's text, not shown beside the math


def test_list_summaries_show_math_as_mathml(built):
    summaries = built.html("/").select(".note-item__summary")
    attention = next(s for s in summaries if s.get_text().startswith("Attention"))
    math = attention.find("math")
    assert math is not None and "softmax" in math.get_text()
    math.decompose()
    assert not TEX.search(attention.get_text())


def test_a_backlink_shows_the_whole_sentence_around_the_link_typeset(built):
    quote = built.html("/2025/01/01/attention/").select_one(".backlinks blockquote")
    assert quote.find("math") is not None and quote.find("code").get_text() == "score. Not"
    for math in quote.find_all("math"):
        math.replace_with("θ")
    assert quote.get_text() == CONTEXT


def test_a_paper_page_shows_the_sentence_that_cites_the_paper(built):
    quote = built.html("/papers/1706.03762/").select_one("blockquote")
    for math in quote.find_all("math"):
        math.replace_with("θ")
    assert quote.get_text() == CONTEXT


def test_a_sentence_never_ends_inside_a_link(make_site, build_site):
    site = make_site({
        "content/notes/a.md": "---\ntitle: A\n---\nText of A.\n",
        "content/notes/b.md": "---\ntitle: B\n---\n- One. Then [the note. A](a.md) here! Third.\n",
    })
    result = build_site(site)
    assert result.html("/notes/a/").select_one(".backlinks blockquote").get_text() == \
        "Then the note. A here!"


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_the_search_index_holds_math_as_unicode_text_not_tex(make_site, build_site):
    result = build_site(make_site(NOTES))
    assert result.exit_code == 0, result.stderr
    contents = [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])["content"]
                for path in result.output.glob("pagefind/*/fragment/*.pf_fragment")]
    attention = next(text for text in contents if "Attention weighs" in text)
    assert "softmax(QKᵀ/√d)V for each query" in attention
    assert not any(TEX.search(text) for text in contents)


def test_contents_show_a_headings_math_as_text_and_keep_its_id(tmp_path):
    note = Note(key="a.md", source="content/a.md", title="A", body="## The $\\alpha$ trick\n",
                body_line=4, section="", slug="a", url="/a/")
    rendered = render_body(note, BodyContext(site_dir=tmp_path, output_dir=tmp_path / "out"))
    assert rendered.toc == ((2, "the-alpha-trick", "The α trick"),)


def test_a_summary_keeps_the_words_of_a_broken_wikilink_and_types_its_math(tmp_path):
    note = Note(key="a.md", source="content/a.md", title="A",
                body="See [[Nowhere]] for *more* on $x^2$. Then.\n", body_line=4, section="",
                slug="a", url="/a/")
    rendered = render_body(note, BodyContext(site_dir=tmp_path, output_dir=tmp_path / "out"))
    assert rendered.summary == "See Nowhere for more on x². Then."
    assert rendered.summary_html.startswith("See Nowhere for <em>more</em> on <math>")


def test_math_nested_deeper_than_python_recurses_still_reads_as_text():
    # A note's math never gets this deep (markdown/math.py refuses TeX nested over 200 levels
    # before the engine sees it), but whatever MathML comes, its text reads in order.
    mathml = ("<math>" + "<msup><mi>x</mi><mrow>" * 3000 + "<mi>y</mi>"
              + "</mrow></msup>" * 3000 + "</math>")
    assert math_text(mathml) == "x" * 3000 + "y"
