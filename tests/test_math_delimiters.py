"""Delimiters by the habits of the tool a note came from: kramdown, Typora, CJK text,
WordPress's spaced dollars, and math inside HTML blocks."""

from __future__ import annotations

from render_support import render_note


def tex(math) -> str:
    return math.find("annotation").get_text().strip()


def note(body: str) -> str:
    return f"---\ntitle: P\n---\n{body}\n"


def test_kramdown_double_backslash_math_renders_in_a_jekyll_collection(make_site, build_site):
    body = "Inline \\\\(a\\_i + b\\_{ij}^\\*\\\\) and display \\\\[ \\sum\\_k x\\_k \\\\] here."
    site = make_site({"content/blog/_config.yml": "title: b\n",
                      "content/blog/_posts/2024-01-02-p.md": note(body),
                      "content/notes/m.md": note(body)})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    jekyll = result.html("blog/2024/01/02/p.html").find("article")
    found = jekyll.find_all("math")
    assert [tex(m) for m in found] == ["a_i + b_{ij}^*", "\\sum_k x_k"]
    assert "\\(" not in jekyll.get_text()
    assert result.html("notes/m/").find("article").find("math") is None  # not margin's habit


def test_dollar_right_after_cjk_text_opens_math(tmp_path):
    rendered = render_note(tmp_path, "设$x$为实数，则$x^2 \\geq 0$成立。US$5 stays.")
    assert [tex(m) for m in rendered.soup.find_all("math")] == ["x", "x^2 \\geq 0"]
    assert "US$5" in rendered.text()


def test_typora_dollars_around_an_environment_stay_one_equation(tmp_path):
    rendered = render_note(tmp_path, """
        The update rule is
        $$
        \\begin{align}
        w_{t+1} &= w_t - \\eta \\nabla L(w_t) \\\\
        &= w_t - \\eta g_t
        \\end{align}
        $$
        where $\\eta$ is the step.

        A later paragraph with $y$.
        """)
    assert rendered.warnings == []
    displays = rendered.soup.find_all("math", display="block")
    assert len(displays) == 1 and "\\begin{align}" in tex(displays[0])
    assert "where" in rendered.text() and "later paragraph" in rendered.text()
    assert rendered.soup.find("code", class_="math-error") is None


def test_four_dollars_close_one_equation_and_open_the_next(tmp_path):
    rendered = render_note(tmp_path, "$$a = b$$$$c = d$$")
    assert [tex(m) for m in rendered.soup.find_all("math")] == ["a = b", "c = d"]


def test_closing_dollar_after_a_space_when_the_content_is_tex_not_money(tmp_path):
    rendered = render_note(tmp_path, "A bound $r < 2 \\log n $ holds; it cost $5 and $10 $ total.")
    assert [tex(m) for m in rendered.soup.find_all("math")] == ["r < 2 \\log n"]
    assert "$5 and $10 $" in rendered.text()


def test_math_inside_block_html_renders_as_around_it(tmp_path):
    rendered = render_note(tmp_path, """
        <blockquote>
        Theorem: for all $x \\in \\mathbb{R}$, $$e^{x} > 0$$ and \\(y\\) too; it costs $5.
        <code>$not math$</code>
        </blockquote>
        """)
    quote = rendered.soup.find("blockquote")
    assert [tex(m) for m in quote.find_all("math")] == ["x \\in \\mathbb{R}", "e^{x} > 0", "y"]
    assert quote.find("code").get_text() == "$not math$"
    assert "costs $5" in quote.get_text()


def test_a_notes_macros_hold_in_its_html_blocks(tmp_path):
    rendered = render_note(tmp_path, """
        $$\\newcommand{\\R}{\\mathbb{R}}$$

        <div class="theorem">
        For $x \\in \\R$ it holds.
        </div>
        """)
    assert rendered.warnings == []
    assert "ℝ" in rendered.soup.find("div").find("math").get_text()


def test_the_paper_notes_collection_renders_every_expression(fixture_site, build_site):
    """tests/sites/math-papers: a preamble, numbered environments, a Jekyll post with `\\\\(`,
    a Typora note in Chinese, Quarto labels, HTML blocks (the README's measured table)."""
    result = build_site(fixture_site("math-papers"))
    assert result.exit_code == 0, result.stderr
    assert not [line for line in result.lines if "math" in line]
    rendered = errors = 0
    for page in result.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        rendered += html.count("<math")
        errors += html.count('class="math-error"')
    assert errors == 0 and rendered >= 26


def test_kramdown_escapes_in_single_dollar_math_of_a_jekyll_post(make_site, build_site):
    site = make_site({"content/blog/_config.yml": "title: b\n",
                      "content/blog/_posts/2024-01-02-p.md": note("Weights $w\\_{ij}^\\*$ here."),
                      "content/notes/m.md": note("Literal $a\\_b$ here.")})
    result = build_site(site)
    jekyll = result.html("blog/2024/01/02/p.html").find("article").find("math")
    assert jekyll.find("msubsup") is not None  # a subscript, not a literal underscore
    margin_note = result.html("notes/m/").find("article").find("math")
    assert margin_note.find("msub") is None
