"""Quarto's cross-references: numbered figures and tables, labelled sections, `@fig-x` links."""

from __future__ import annotations

from render_support import png, render_note

PICTURE = {"content/notes/plot.png": png(40, 20)}


def links(rendered) -> list[tuple[str, str]]:
    return [(a["href"], a.get_text()) for a in rendered.soup.find_all("a", class_="xref")]


def test_a_labelled_image_is_a_numbered_figure_and_a_reference_before_it_links_to_it(
        tmp_path):
    rendered = render_note(tmp_path, """
        As @fig-loss shows, the loss falls.

        ![Training *loss* by step](plot.png){#fig-loss}
        """, files=PICTURE)
    figure = rendered.soup.find("figure")
    assert figure["id"] == "fig-loss"
    assert figure.find("img").get("id") is None  # the id is the figure's, not the image's
    assert figure.figcaption.get_text() == "Figure 1: Training loss by step"
    assert figure.figcaption.find("em").get_text() == "loss"
    assert links(rendered) == [("#fig-loss", "Figure 1")]
    assert rendered.warnings == []


def test_figures_and_tables_are_counted_apart_in_reading_order(tmp_path):
    rendered = render_note(tmp_path, """
        See @fig-b, @fig-a, @tbl-two and @tbl-one.

        ![First](plot.png){#fig-a}

        | x | y |
        |---|---|
        | 1 | 2 |

        : First table {#tbl-one}

        ![Unlabelled figures get no number](plot.png)

        ![Second](plot.png){#fig-b}

        : Second table {#tbl-two}

        | x | y |
        |---|---|
        | 3 | 4 |
        """, files=PICTURE)
    assert links(rendered) == [("#fig-b", "Figure 2"), ("#fig-a", "Figure 1"),
                               ("#tbl-two", "Table 2"), ("#tbl-one", "Table 1")]
    captions = [f.figcaption.get_text() for f in rendered.soup.find_all("figure")]
    assert captions == ["Figure 1: First", "Unlabelled figures get no number", "Figure 2: Second"]
    assert [t.caption.get_text() for t in rendered.soup.find_all("table")] == [
        "Table 1: First table", "Table 2: Second table"]


def test_each_page_counts_from_one(tmp_path):
    first = render_note(tmp_path, "![A](plot.png){#fig-a}\n\n![B](plot.png){#fig-b}\n",
                        files=PICTURE)
    second = render_note(tmp_path, "![C](plot.png){#fig-c}\n\nSee @fig-c.\n",
                         key="notes/m.md", url="/notes/m/")
    assert first.soup.find_all("figcaption")[-1].get_text() == "Figure 2: B"
    assert second.soup.figcaption.get_text() == "Figure 1: C"
    assert links(second) == [("#fig-c", "Figure 1")]


def test_a_table_caption_line_becomes_its_caption_and_never_a_paragraph(tmp_path):
    rendered = render_note(tmp_path, """
        | model | score |
        |-------|-------|
        | small | 0.71  |

        : Scores on the *held-out* set {#tbl-scores}

        Table: Before its table {#tbl-before}
        | a | b |
        |---|---|
        | 1 | 2 |

        | c | d |
        |---|---|
        | 3 | 4 |
        : Written right under its table {#tbl-under}

        Text after @tbl-scores, @tbl-before and @tbl-under.
        """)
    tables = rendered.soup.find_all("table")
    assert [t["id"] for t in tables] == ["tbl-scores", "tbl-before", "tbl-under"]
    assert [t.caption.get_text() for t in tables] == [
        "Table 1: Scores on the held-out set", "Table 2: Before its table",
        "Table 3: Written right under its table"]
    assert tables[0].caption.find("em").get_text() == "held-out"
    assert tables[0].contents[1].name == "caption"  # first inside the table
    assert [len(t.find_all("tr")) for t in tables] == [2, 2, 2]  # the caption row is gone
    assert [p.get_text() for p in rendered.soup.find_all("p")] == [
        "Text after Table 1, Table 2 and Table 3."]


def test_a_colon_paragraph_without_a_label_stays_as_written(tmp_path):
    rendered = render_note(tmp_path, """
        | a | b |
        |---|---|
        | 1 | 2 |

        : not a caption, no label
        """)
    assert rendered.soup.find("caption") is None
    assert rendered.soup.p.get_text() == ": not a caption, no label"


def test_a_labelled_heading_is_a_section_referred_to_by_its_words(tmp_path):
    rendered = render_note(tmp_path, """
        Read @sec-method before [-@sec-results]; @Sec-lower opens a sentence.

        ## The method {#sec-method}

        ## Results with $n$ {#sec-results}

        ## a lower-case heading {#sec-lower}
        """)
    headings = rendered.soup.find_all("h2")
    assert [h["id"] for h in headings] == ["sec-method", "sec-results", "sec-lower"]
    assert links(rendered) == [("#sec-method", "The method"), ("#sec-results", "Results with n"),
                               ("#sec-lower", "A lower-case heading")]
    assert rendered.warnings == []


def test_bracketed_forms_drop_or_replace_the_prefix_and_list_several(tmp_path):
    rendered = render_note(tmp_path, """
        ![A](plot.png){#fig-a}

        ![B](plot.png){#fig-b}

        Panels [-@fig-b], [Fig. @fig-a], [@fig-a; @fig-b] and @Fig-b.
        """, files=PICTURE)
    assert links(rendered) == [("#fig-b", "2"), ("#fig-a", "Fig. 1"), ("#fig-a", "Figure 1"),
                               ("#fig-b", "Figure 2"), ("#fig-b", "Figure 2")]
    assert rendered.soup.find_all("p")[-1].get_text() == (
        "Panels 2, Fig. 1, Figure 1, Figure 2 and Figure 2.")


def test_an_unknown_label_is_a_warning_at_its_line_and_stays_as_written(tmp_path):
    rendered = render_note(tmp_path, """
        ![A](plot.png){#fig-a}

        Fine: @fig-a.
        Missing: @fig-gone and [-@tbl-gone; @fig-a].
        """, files=PICTURE, body_line=5)
    assert rendered.warnings == [
        "warning: content/notes/n.md:8: cross-reference: no figure is labelled 'fig-gone'; "
        "shown as written",
        "warning: content/notes/n.md:8: cross-reference: no table is labelled 'tbl-gone'; "
        "shown as written"]
    assert rendered.soup.find_all("p")[-1].get_text() == (
        "Fine: Figure 1.\nMissing: @fig-gone and [-@tbl-gone; @fig-a].")


def test_a_label_used_twice_is_a_warning(tmp_path):
    rendered = render_note(tmp_path, "![A](plot.png){#fig-a}\n\n![B](plot.png){#fig-a}\n",
                           files=PICTURE)
    assert rendered.warnings == [
        "warning: content/notes/n.md:3: cross-reference: the label 'fig-a' is used twice"]


def test_e_mail_addresses_code_and_other_keys_are_left_alone(tmp_path):
    rendered = render_note(tmp_path, """
        ![A](plot.png){#fig-a}

        Write to ann@fig-a.org or bob.@sec-x, run `see @fig-a`, cite @smith2020 and
        [@jones2019]; [see @fig-a](https://example.org) is a link of its own.

        ```
        @fig-a in a code block
        ```
        """, files=PICTURE)
    paragraph = rendered.soup.find_all("p")[-1]
    assert paragraph.find("a", class_="xref") is None
    assert paragraph.find("code").get_text() == "see @fig-a"
    assert "@smith2020" in paragraph.get_text() and "[@jones2019]" in paragraph.get_text()
    assert paragraph.find("a", href="https://example.org").get_text() == "see @fig-a"
    assert rendered.soup.pre.get_text() == "@fig-a in a code block\n"
    assert rendered.warnings == []


def test_equation_references_keep_their_own_numbering_beside_figures(tmp_path):
    rendered = render_note(tmp_path, """
        By @eq-energy, as in @fig-a.

        ![A](plot.png){#fig-a}

        $$E = mc^2$$ {#eq-energy}
        """, files=PICTURE)
    paragraph = rendered.soup.p
    assert paragraph.find("a", class_="eqref").get_text() == "Equation 1"
    assert paragraph.find("a", class_="xref").get_text() == "Figure 1"
    assert rendered.warnings == []


def test_kramdown_attribute_lists_and_heading_ids_work_with_labels(tmp_path):
    rendered = render_note(tmp_path, """
        ## Setup {#sec-setup .wide}

        ## Plain heading {#plain}

        ![A](plot.png){: .framed #fig-k}

        ![B](plot.png)
        {: #fig-ial}

        | a | b |
        |---|---|
        | 1 | 2 |
        {: .striped}

        : Striped {#tbl-s}

        @sec-setup, @fig-k, @fig-ial, @tbl-s; [plain](#plain).
        """, files=PICTURE)
    soup = rendered.soup
    assert soup.find("h2", id="sec-setup")["class"] == ["wide"]
    assert soup.find("h2", id="plain") is not None
    figures = soup.find_all("figure")
    assert [f.get("id") for f in figures] == ["fig-k", "fig-ial"]
    assert figures[0].img["class"] == ["framed"]
    assert [f.figcaption.get_text() for f in figures] == ["Figure 1: A", "Figure 2: B"]
    table = soup.find("table")
    assert table["id"] == "tbl-s" and table["class"] == ["striped"]
    assert links(rendered) == [("#sec-setup", "Setup"), ("#fig-k", "Figure 1"),
                               ("#fig-ial", "Figure 2"), ("#tbl-s", "Table 1")]


def test_a_figure_written_as_html_or_without_a_caption_is_numbered(tmp_path):
    rendered = render_note(tmp_path, """
        <figure id="fig-raw">
        <img src="plot.png" alt="">
        <figcaption>Drawn by hand</figcaption>
        </figure>

        ![](plot.png){#fig-bare}

        See @fig-raw and @fig-bare.
        """, files=PICTURE)
    captions = [f.figcaption.get_text() for f in rendered.soup.find_all("figure")]
    assert captions == ["Figure 1: Drawn by hand", "Figure 2"]
    assert links(rendered) == [("#fig-raw", "Figure 1"), ("#fig-bare", "Figure 2")]


def test_a_note_without_labels_renders_as_before(tmp_path):
    body = """
        Mail me@example.org about the [paper](https://example.org) and `@fig-x`.

        | a | b |
        |---|---|
        | 1 | 2 |

        : A definition-like line
        """
    rendered = render_note(tmp_path, body)
    assert rendered.soup.find("a", class_="xref") is None
    assert rendered.soup.find("caption") is None
    assert rendered.warnings == []


def test_a_build_warns_with_file_and_line_and_still_succeeds(make_site, build_site):
    site = make_site({"content/notes/a.md": """
        ---
        title: A
        ---
        ![Plot](plot.png){#fig-plot}

        See @fig-plot and @tbl-none.
        """, "content/notes/plot.png": png(8, 8)})
    result = build_site(site)
    assert result.exit_code == 0
    assert ("warning: content/notes/a.md:6: cross-reference: no table is labelled 'tbl-none'; "
            "shown as written") in result.lines
    page = result.html("notes/a/")
    assert page.find("figure", id="fig-plot").figcaption.get_text() == "Figure 1: Plot"
    assert page.find("a", class_="xref")["href"] == "#fig-plot"


def test_a_quarto_figure_div_is_one_numbered_figure_with_its_last_paragraph_as_caption(
        tmp_path):
    rendered = render_note(tmp_path, """
        ::: {#fig-pair}
        ![Left](plot.png)
        ![Right](plot.png)

        Both *halves* of the run.
        :::

        ::: {#fig-lone}
        ![Its alt text](plot.png)
        :::

        As @fig-pair and @fig-lone show.
        """, files=PICTURE)
    figures = rendered.soup.find_all("figure")
    assert [f["id"] for f in figures] == ["fig-pair", "fig-lone"]  # no figure inside either
    assert len(figures[0].find_all("img")) == 2
    assert [[c.get_text() for c in f.find_all("figcaption")] for f in figures] == [
        ["Figure 1: Both halves of the run."], ["Figure 2"]]
    assert links(rendered) == [("#fig-pair", "Figure 1"), ("#fig-lone", "Figure 2")]
