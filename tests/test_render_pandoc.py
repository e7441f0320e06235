"""Pandoc's Markdown in exported documents: fenced divs, attributes on images, spans."""

from __future__ import annotations

from render_support import png, render_note


def test_fenced_divs_hold_markdown_and_nest(tmp_path):
    rendered = render_note(tmp_path, """
        ::: {.note #first}
        Some *text*.

        :::: warning
        Inside.
        ::::
        :::

        After.
        """)
    outer = rendered.soup.find("div", class_="note")
    assert outer["id"] == "first" and outer.find("em").get_text() == "text"
    assert outer.find("div", class_="warning").get_text().strip() == "Inside."
    assert rendered.soup.find_all("p")[-1].get_text() == "After."
    assert ":::" not in rendered.soup.get_text()


def test_a_fenced_div_inside_a_list_item_stays_in_it(tmp_path):
    rendered = render_note(tmp_path, "- one\n  ::: tip\n  inside\n  :::\n- two\n")
    items = rendered.soup.find_all("li")
    assert len(items) == 2 and items[0].find("div", class_="tip") is not None


def test_colons_that_name_nothing_are_text(tmp_path):
    rendered = render_note(tmp_path, "Ratio\n:::\n")
    assert rendered.soup.find("div") is None


def test_pandoc_attributes_after_an_image_set_its_id_and_size(tmp_path):
    rendered = render_note(tmp_path, '![The fit](fit.png){#fig:fit width="3.5in"}',
                           files={"content/notes/fit.png": png(40, 20)})
    image = rendered.soup.find("img")
    assert image["id"] == "fig:fit" and image["style"] == "width: 3.5in"
    assert "{" not in rendered.soup.get_text()


def test_a_bracketed_span_is_a_span(tmp_path):
    rendered = render_note(tmp_path, "Some [small caps]{.smallcaps} and [a]{#x} here.")
    spans = rendered.soup.find_all("span")
    assert [(s.get("class"), s.get("id"), s.get_text()) for s in spans] == [
        (["smallcaps"], None, "small caps"), (None, "x", "a")]
    assert rendered.soup.find("p").get_text() == "Some small caps and a here."
