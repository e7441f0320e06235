"""Math at build time: every delimiter, currency left alone, MathML with the TeX kept."""

from __future__ import annotations

import pytest

from render_support import render_note


def maths(rendered):
    return rendered.soup.find_all("math")


def tex_of(math) -> str:
    return math.find("annotation", encoding="application/x-tex").get_text()


@pytest.mark.parametrize(("body", "tex", "display"), [
    ("Energy $E = mc^2$ here.", "E = mc^2", None),
    ("Inline \\(a_i + b\\) here.", "a_i + b", None),
    ("kramdown writes $$x^2$$ inside a sentence.", "x^2", None),
    ("$$\n\\sum_i x_i\n$$", "\\sum_i x_i", "block"),
    ("\\[\n\\int_0^1 f\n\\]", "\\int_0^1 f", "block"),
    ("Text \\[ y = x \\] more text.", "y = x", "block"),
])
def test_each_delimiter_gives_mathml_with_tex_annotation(tmp_path, body, tex, display):
    found = maths(render_note(tmp_path, body))
    assert len(found) == 1
    assert tex_of(found[0]).strip() == tex
    assert found[0].get("display") == display


def test_backslash_bracket_math_inside_a_paragraph_may_span_lines(tmp_path):
    rendered = render_note(tmp_path, """
        Pandoc writes the equation
        \\[
        a = \\frac{b}{c}
        \\]
        inside the paragraph.
        """)
    paragraph = rendered.soup.find("p")
    math = paragraph.find("math")
    assert math["display"] == "block" and "\\frac{b}{c}" in tex_of(math)
    assert "inside the paragraph" in paragraph.get_text()


def test_double_dollars_alone_on_a_line_of_a_paragraph_are_displayed(tmp_path):
    rendered = render_note(tmp_path, """
        * the probability of a sequence:
        $$p(x) = \\Pi_i x_i $$
        This reads as a product.
        """)
    math = maths(rendered)[0]
    assert math["display"] == "block"
    assert "This reads as a product" in rendered.soup.find("li").get_text()


@pytest.mark.parametrize("environment", [
    "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}",
    "\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{else} \\end{cases}",
    "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
    "\\left( \\frac{a}{b} \\right]",
    "\\arg\\max_x f(x)",
])
def test_environments_and_delimiters_render(tmp_path, environment):
    rendered = render_note(tmp_path, f"$$\n{environment}\n$$")
    assert not rendered.warnings
    math = maths(rendered)[0]
    assert math.find(["mtable", "mrow", "mi"]) is not None
    assert tex_of(math).strip() == environment


def test_aligned_rows_become_table_rows(tmp_path):
    rendered = render_note(tmp_path, "$$\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}$$")
    assert len(rendered.soup.find_all("mtr")) == 2


def test_a_bare_align_environment_is_display_math(tmp_path):
    rendered = render_note(tmp_path, "\\begin{align}\na &= b\n\\end{align}")
    assert maths(rendered)[0]["display"] == "block"


@pytest.mark.parametrize("body", [
    "It cost $2m, can take around 12 days.",
    "Revenue of US$232 billion and $307 million.",
    "Escaped \\$5 and \\$6 stay text.",
    "From $5 to $10 a month.",
    "A $ spaced $ pair is not math.",
    "Demonstration data costs around $20 each.",
])
def test_currency_is_not_math(tmp_path, body):
    rendered = render_note(tmp_path, body)
    assert not maths(rendered)
    assert "$" in rendered.soup.get_text()


def test_dollar_glued_to_a_word_never_opens_math(tmp_path):
    rendered = render_note(tmp_path, "Prices in US$5 and then $x$ is math.")
    assert [tex_of(m) for m in maths(rendered)] == ["x"]


def test_math_in_table_cells_with_escaped_pipe_and_vert(tmp_path):
    rendered = render_note(tmp_path, """
        | norm | abs |
        |------|-----|
        | $x \\| y$ | $\\vert z \\vert$ |
        """)
    cells = rendered.soup.find_all("td")
    assert tex_of(cells[0].find("math")) == "x | y"
    assert tex_of(cells[1].find("math")) == "\\vert z \\vert"


def test_link_like_text_inside_math_stays_math(tmp_path):
    rendered = render_note(tmp_path, "Interval $\\left[0, 1\\right](x)$ here.")
    assert not rendered.soup.find("a")
    assert tex_of(maths(rendered)[0]) == "\\left[0, 1\\right](x)"


def test_underscores_inside_math_are_not_emphasis(tmp_path):
    rendered = render_note(tmp_path, "Both $a_i$ and $b_j$ here.")
    assert not rendered.soup.find("em")
    assert len(maths(rendered)) == 2


def test_double_dollar_block_may_hold_blank_lines(tmp_path):
    rendered = render_note(tmp_path, "$$\na = b\n\n+ c\n$$\n\nAfter.")
    assert len(maths(rendered)) == 1
    assert rendered.soup.find("p").get_text() == "After."


def test_escaped_brackets_with_a_number_are_a_citation_not_math(tmp_path):
    rendered = render_note(tmp_path, "As shown in \\[12\\] and array\\[i\\].")
    assert not maths(rendered)
    assert "[12]" in rendered.soup.get_text() and "array[i]" in rendered.soup.get_text()


def test_rejected_expression_warns_with_file_line_and_shows_source(tmp_path):
    rendered = render_note(tmp_path, "First line.\n\nBad $\\frac{1}{2$ here.", body_line=5)
    code = rendered.soup.find("code", class_="math-error")
    assert code.get_text() == "\\frac{1}{2"
    assert rendered.warnings == [
        'warning: content/notes/n.md:7: math: Expected closing token "}", but reached end '
        "of input."]


def test_error_line_counts_lines_inside_a_block(tmp_path):
    rendered = render_note(tmp_path, "$$\na = b \\\\\nc = \\unknowncommand\n$$", body_line=10)
    assert rendered.warnings == [
        'warning: content/notes/n.md:12: math: Unknown command "\\unknowncommand".']
    assert rendered.soup.find("pre", class_="math-error").find("code", class_="math-error")


def test_unbalanced_double_dollar_is_a_warning_and_the_rest_renders(tmp_path):
    rendered = render_note(tmp_path, "Intro.\n\n$$ x + y\n\nLater $z$ and **bold**.",
                           body_line=3)
    assert rendered.warnings == [
        "warning: content/notes/n.md:5: math: unbalanced $$ (no closing $$); shown as text"]
    assert tex_of(maths(rendered)[0]) == "z"
    assert rendered.soup.find("strong").get_text() == "bold"


def test_github_math_fence_is_display_math(tmp_path):
    rendered = render_note(tmp_path, "```math\n\\sqrt{2}\n```")
    assert maths(rendered)[0]["display"] == "block"
    assert not rendered.soup.find("pre")


def test_math_inside_code_stays_code(tmp_path):
    rendered = render_note(tmp_path, "Use `$x$` and\n\n```\n$$y$$\n```")
    assert not maths(rendered)
    assert [c.get_text() for c in rendered.soup.find_all("code")] == ["$x$", "$$y$$\n"]


def test_math_count_is_reported(tmp_path):
    assert render_note(tmp_path, "$a$, $b$ and $$c$$.").result.math == 3
