"""Markdown features: GFM extras, headings and contents, callouts, attributes, code, raw HTML."""

from __future__ import annotations

import pytest

from render_support import render_note


def test_tables_strikethrough_tasks_footnotes_definitions_and_autolinks(tmp_path):
    rendered = render_note(tmp_path, """
        | a | b |
        |---|---|
        | 1 | 2 |

        ~~gone~~ and https://example.com/x and a note[^1].

        - [ ] todo
        - [x] done

        Term
        : Its definition

        [^1]: The footnote.
        """)
    soup = rendered.soup
    assert [td.get_text() for td in soup.find_all("td")] == ["1", "2"]
    assert soup.find("s").get_text() == "gone"
    assert soup.find("a", href="https://example.com/x")
    boxes = soup.find_all("input", type="checkbox")
    assert [b.has_attr("checked") for b in boxes] == [False, True]
    assert soup.find("dt").get_text() == "Term" and soup.find("dd").get_text() == "Its definition"
    assert "The footnote." in soup.find("section", class_="footnotes").get_text()


def test_heading_ids_are_slugs_deduplicated_with_anchor_links(tmp_path):
    rendered = render_note(tmp_path, "# Ça va?\n\n## Same\n\n## Same\n\n## Same")
    ids = [h["id"] for h in rendered.soup.find_all(["h1", "h2"])]
    assert ids == ["ca-va", "same", "same-1", "same-2"]
    for heading in rendered.soup.find_all(["h1", "h2"]):
        assert heading.find("a", class_="header-anchor")["href"] == f"#{heading['id']}"


def test_author_ids_are_kept_and_never_reused(tmp_path):
    rendered = render_note(tmp_path, "## Intro {#same}\n\n## Same\n\n## Other {#own .wide}")
    headings = rendered.soup.find_all("h2")
    assert [h["id"] for h in headings] == ["same", "same-1", "own"]
    assert headings[2]["class"] == ["wide"]
    assert headings[0].get_text().startswith("Intro")


def test_table_of_contents_lists_headings_for_the_template(tmp_path):
    rendered = render_note(tmp_path, "# One\n\n## Two `code`\n\n### Three $x$\n")
    assert rendered.result.toc == ((1, "one", "One"), (2, "two-code", "Two code"),
                                   (3, "three-x", "Three x"))


@pytest.mark.parametrize("marker", ["* TOC\n{:toc}", "{:toc}", "[TOC]", "1. x\n{:toc}"])
def test_toc_markers_place_the_contents_in_the_body(tmp_path, marker):
    rendered = render_note(tmp_path, f"{marker}\n\n## Alpha\n\n### Beta\n\n## Gamma")
    nav = rendered.soup.find("nav", class_="toc")
    links = [(a["href"], a.get_text()) for a in nav.find_all("a")]
    assert links == [("#alpha", "Alpha"), ("#beta", "Beta"), ("#gamma", "Gamma")]
    assert nav.find("ol").find("ol").find("a")["href"] == "#beta"  # nested by level
    assert "TOC" not in rendered.text() and "{:" not in rendered.text()
    assert rendered.result.toc == ()  # placed once, in the body: the template shows no second


def test_no_toc_class_keeps_a_heading_out_of_the_contents(tmp_path):
    rendered = render_note(tmp_path, "# Title\n{:.no_toc}\n\n## Kept")
    assert [entry[1] for entry in rendered.result.toc] == ["kept"]
    assert "no_toc" in rendered.soup.find("h1")["class"]


@pytest.mark.parametrize(("kind", "css"), [
    ("note", "note"), ("tip", "tip"), ("warning", "warning"), ("important", "important"),
    ("caution", "caution"), ("info", "note"), ("danger", "caution"), ("NOTE", "note"),
])
def test_callouts(tmp_path, kind, css):
    rendered = render_note(tmp_path, f"> [!{kind}] Mind *this*\n> Body text\n> more")
    box = rendered.soup.find("div", class_="callout")
    assert box["class"] == ["callout", f"callout-{css}"]
    assert box["data-callout"] == kind.lower()
    title = box.find(class_="callout-title")
    assert title.get_text() == "Mind this" and title.find("em")
    assert box.find_all("p")[1].get_text() == "Body text\nmore"
    assert not rendered.soup.find("blockquote")


def test_callout_without_title_uses_its_kind_and_foldable_ones_are_details(tmp_path):
    rendered = render_note(tmp_path, "> [!tip]-\n> Hidden at first\n\n> [!faq]+ Open\n> Shown")
    closed, opened = rendered.soup.find_all("details")
    assert closed.find("summary").get_text() == "Tip" and not closed.has_attr("open")
    assert opened.has_attr("open") and opened.find("summary").get_text() == "Open"
    assert opened["class"] == ["callout", "callout-important"]


def test_math_in_a_callouts_title_and_body_is_typeset(tmp_path):
    rendered = render_note(tmp_path, "> [!note] Cost $O(N)$\n> It needs $N^2$ memory.\n> "
                                     "And \\(k\\) heads.")
    box = rendered.soup.find("div", class_="callout")
    title, body = box.find(class_="callout-title"), box.find_all("p")[1]
    assert title.find("math") and "$" not in title.get_text()
    assert len(body.find_all("math")) == 2
    assert "N^2" not in body.get_text().replace(body.find("annotation").get_text(), "")


def test_plain_blockquote_stays_a_blockquote(tmp_path):
    rendered = render_note(tmp_path, "> Just [a quote](https://x.org).")
    assert rendered.soup.find("blockquote").find("a")


@pytest.mark.parametrize(("body", "selector"), [
    ("A paragraph.\n{: .wide #p1}", "p.wide#p1"),
    ("{: .lead}\nApplies to the next block.", "p.lead"),
    ("## Heading\n{: .x}", "h2.x"),
    ("- a\n- b\n\n{: .plain}\n\nNext.", "p.plain"),
    ("*word*{: .hl} rest", "em.hl"),
    ("[l](https://x.org){: .btn}", "a.btn"),
    ("`code`{: .c}", "code.c"),
])
def test_kramdown_attribute_lists_apply_and_never_show(tmp_path, body, selector):
    rendered = render_note(tmp_path, body)
    assert rendered.soup.select_one(selector) is not None, rendered.html
    assert "{:" not in rendered.soup.get_text()


def test_attribute_lists_refuse_event_handlers(tmp_path):
    rendered = render_note(tmp_path, "Text.\n{: onclick=\"alert(1)\" data-x=\"1\"}")
    paragraph = rendered.soup.find("p")
    assert not paragraph.has_attr("onclick") and paragraph["data-x"] == "1"


def test_fenced_code_is_highlighted_with_the_language_shown(tmp_path):
    rendered = render_note(tmp_path, "```python\nif x < 1:\n    pass\n```")
    block = rendered.soup.find("div", class_="highlight")
    assert block["data-lang"] == "python"
    assert block.find("span", class_="k").get_text() == "if"
    assert block.find("code").get_text() == "if x < 1:\n    pass\n"


@pytest.mark.parametrize(("fence", "lang"), [("```nosuchlang", "nosuchlang"), ("```", None)])
def test_unknown_or_missing_language_is_a_plain_escaped_block(tmp_path, fence, lang):
    rendered = render_note(tmp_path, f"{fence}\n<script>alert(1)</script>\n```")
    block = rendered.soup.find("div", class_="highlight")
    assert block.get("data-lang") == lang
    assert not block.find("span") and not rendered.soup.find("script")
    assert block.find("code").get_text() == "<script>alert(1)</script>\n"


def test_raw_html_blocks_pass_through(tmp_path):
    rendered = render_note(tmp_path,
                           "<details><summary>More</summary>\n\nInside *md*\n\n</details>")
    details = rendered.soup.find("details")
    assert details.find("summary").get_text() == "More"
    assert details.find("em").get_text() == "md"


def test_html_block_ends_at_its_closing_tag_not_at_a_blank_line(tmp_path):
    rendered = render_note(tmp_path, '<div class="box">\n  <p>in</p>\n</div>\n**after**')
    assert rendered.soup.find("div", class_="box").find("p").get_text() == "in"
    assert rendered.soup.find("strong").get_text() == "after"


def test_more_marker_ends_the_summary(tmp_path):
    rendered = render_note(tmp_path, "First *part*.\n\nSecond part.\n\n<!--more-->\n\nHidden.")
    assert rendered.result.summary == "First part. Second part."


def test_summary_without_marker_is_the_first_paragraph(tmp_path):
    rendered = render_note(tmp_path, "# Title\n\nThe first $x$ paragraph.\n\nSecond.")
    assert rendered.result.summary == "The first x paragraph."


def test_body_context_survives_pickling_for_worker_processes(tmp_path):
    import pickle

    from margin.markdown.context import BodyContext

    context = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site",
                          base_url="https://x.io/kb/", permalinks={"notes/a.md": "/notes/a/"})
    copy = pickle.loads(pickle.dumps(context))
    assert copy == context and copy.fingerprint() == context.fingerprint()
    changed = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site",
                          base_url="https://x.io/kb/", permalinks={"notes/a.md": "/notes/b/"})
    assert changed.fingerprint() != context.fingerprint()


def test_a_bug_in_a_pass_costs_only_that_notes_formatting(tmp_path, monkeypatch):
    from margin.markdown import body as markdown
    from margin.markdown.context import BodyContext
    from margin.model import Note

    def broken(tokens, state):
        raise RuntimeError("boom")

    monkeypatch.setattr(markdown, "fix_links", broken)
    note = Note(key="notes/n.md", source="content/notes/n.md", title="N", body="<b>x</b>",
                body_line=4, section="notes", slug="n", url="/notes/n/")
    result = markdown.render_body(note, BodyContext(site_dir=tmp_path, output_dir=tmp_path / "o"))
    assert result.html == "<pre>&lt;b&gt;x&lt;/b&gt;</pre>\n"
    assert [str(d) for d in result.diagnostics] == [
        "warning: content/notes/n.md:4: could not render this note (RuntimeError: boom); "
        "its text is shown unformatted"]
