"""Footnotes as sidenotes (markdown/sidenotes.py): a hidden copy of a footnote made of paragraphs
after its first reference in a paragraph; the end list stays, marked for what it holds twice;
feeds and search see each footnote once."""

from __future__ import annotations

from bs4 import BeautifulSoup

from margin.markdown.sidenotes import without_sidenotes
from render_support import render_note


def test_a_footnote_gets_a_hidden_sidenote_after_its_reference(tmp_path):
    body = render_note(tmp_path, """
        Scaling matters.[^why] The rest of the paragraph.

        [^why]: Because the logits grow with $d$ and *saturate* the [softmax](https://example.org).
        """)
    ref = body.soup.find("sup", class_="footnote-ref")
    sidenote = ref.find_next_sibling()
    assert sidenote.name == "span" and sidenote["class"] == ["sidenote"]
    assert sidenote.has_attr("hidden") and sidenote.has_attr("data-pagefind-ignore")
    assert sidenote.find(class_="sidenote__number").get_text() == "1"
    assert sidenote.find("em").get_text() == "saturate"
    assert sidenote.find("math") is not None
    assert sidenote.find("a")["href"] == "https://example.org"
    assert sidenote.parent.name == "p"
    item = body.soup.find("li", id="fn1")
    assert item["class"] == ["footnote-item", "footnote-item--beside"]
    assert "footnotes--beside" in body.soup.find("section", class_="footnotes")["class"]
    assert "footnotes--beside" in body.soup.find("hr", class_="footnotes-sep")["class"]


def test_each_paragraph_of_a_footnote_is_a_block_of_its_sidenote(tmp_path):
    body = render_note(tmp_path, """
        Text.[^long]

        [^long]: First paragraph.

            Second paragraph.
        """)
    parts = body.soup.find(class_="sidenote").find_all(class_="sidenote__para")
    assert [p.get_text(" ", strip=True) for p in parts] == ["1 First paragraph.",
                                                            "Second paragraph."]


def test_an_inline_footnote_becomes_a_sidenote_too(tmp_path):
    body = render_note(tmp_path, "Text.^[An aside written in place.]\n")
    assert body.soup.find(class_="sidenote").get_text(" ", strip=True) == \
        "1 An aside written in place."


def test_a_footnote_referenced_twice_has_one_sidenote_at_its_first_reference(tmp_path):
    body = render_note(tmp_path, """
        First mention.[^a]

        Second mention.[^a]

        [^a]: The note.
        """)
    paragraphs = body.soup.find_all("p", recursive=False)
    assert paragraphs[0].find(class_="sidenote") is not None
    assert paragraphs[1].find(class_="sidenote") is None
    assert len(body.soup.find_all(class_="sidenote")) == 1


def test_footnotes_with_blocks_or_from_tables_and_headings_stay_in_the_end_list(tmp_path):
    body = render_note(tmp_path, """
        ## A heading[^h]

        | a |
        |---|
        | cell[^t] |

        Text.[^list] More.[^fine]

        [^h]: From a heading.
        [^t]: From a table.
        [^list]: A list:

            - one
            - two
        [^fine]: A plain one.
        """)
    sidenotes = body.soup.find_all(class_="sidenote")
    assert [s.get_text(" ", strip=True) for s in sidenotes] == ["4 A plain one."]
    items = body.soup.find_all("li", class_="footnote-item")
    beside = [item["id"] for item in items if "footnote-item--beside" in item["class"]]
    assert beside == ["fn4"]
    assert "footnotes--beside" not in body.soup.find("section", class_="footnotes")["class"]


def test_a_footnote_that_cites_another_footnote_stays_in_the_end_list(tmp_path):
    """A copy would repeat the inner reference's id."""
    body = render_note(tmp_path, """
        Text.[^outer]

        [^outer]: See also[^inner].
        [^inner]: The inner note.
        """)
    assert body.soup.find(class_="sidenote") is None
    assert len(body.soup.find_all(id="fnref2")) == 1


def test_a_note_without_footnotes_has_no_sidenote_markup(tmp_path):
    body = render_note(tmp_path, "Plain text with a caret ^ and brackets [x].\n")
    assert "sidenote" not in body.html and "footnote" not in body.html


def test_feed_text_drops_the_sidenote_copies_even_with_spans_inside(tmp_path):
    body = render_note(tmp_path, """
        One.[^a] Two.[^b] After.

        [^a]: First <span class="x">with a <span>nested</span> span</span> inside.
        [^b]: Second.
        """)
    soup = BeautifulSoup(without_sidenotes(body.html), "html.parser")
    assert soup.find(class_="sidenote") is None
    paragraph = soup.find("p")
    assert paragraph.get_text() == "One.[1] Two.[2] After."
    assert [li.get_text(" ", strip=True) for li in soup.find_all("li")] == [
        "First with a nested span inside. ↩︎", "Second. ↩︎"]


def test_a_built_page_has_the_sidenote_and_its_feed_entry_the_footnote_once(make_site, build_site):
    site = make_site({
        "site.toml": 'title = "Asides"\nbase_url = "https://example.org/"\n',
        "content/posts/2025-03-04-aside.md": """
            ---
            title: Aside
            ---
            A claim worth a footnote.[^src] Then more.

            [^src]: Seen in the quarterly figures.
            """,
    })
    result = build_site(site, "--quiet")
    assert result.exit_code == 0, result.stderr
    page = result.html("/2025/03/04/aside/")
    assert page.select_one(".note-body p .sidenote").get_text(" ", strip=True) == \
        "1 Seen in the quarterly figures."
    assert page.find("script", src="/assets/js/preview.js") is not None
    assert (result.output / "assets/js/preview.js").is_file()
    feed = (result.output / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("Seen in the quarterly figures.") == 1
    assert "sidenote" not in feed


def test_the_summary_and_backlink_sentences_leave_the_sidenote_out(tmp_path):
    body = render_note(tmp_path, """
        Opening words[^aside] and the [[n]] link.

        [^aside]: Words only the footnote holds.
        """)
    assert body.soup.find(class_="sidenote") is not None
    assert body.result.summary == "Opening words and the n link."
    assert all("only the footnote" not in str(context) for context in body.result.contexts)
