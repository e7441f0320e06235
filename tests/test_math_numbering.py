"""Numbered equations and references, per note in order, as MathJax's `tags: 'ams'`."""

from __future__ import annotations

from render_support import render_note

PAPER = r"""
The objective is
\begin{align}
\mathcal{L}(\theta) &= \mathbb{E}_{x}\left[ \log p_\theta(x) \right] \label{eq:elbo} \\
&\geq \mathbb{E}_{q}\left[ \log \frac{p(x, z)}{q(z)} \right] \nonumber \\
&= \mathcal{L}_{\text{ELBO}} \label{eq:bound}
\end{align}
and, with a tag of its own,
\begin{equation}
\left( \sum_{i} \left| x_i \right|^p \right)^{1/p} \tag{$\ast$}\label{eq:norm}
\end{equation}
\begin{gather*}
a = b
\end{gather*}
\begin{gather}
c = d \\
e = f \tag*{G} \label{eq:g}
\end{gather}

By \eqref{eq:elbo} and \ref{eq:bound}, see also \eqref{eq:g} and $\eqref{eq:bound}$.
"""


def numbers(rendered) -> list[str]:
    return [cell.get_text() for math in rendered.soup.find_all("math", display="block")
            for cell in math.find_all("mtd") if cell.find("mtext") and cell.get("style", "")
            .startswith("width: 50%;")]


def test_environments_are_numbered_in_order_with_tags_and_nonumber(tmp_path):
    rendered = render_note(tmp_path, PAPER.replace(r"\tag{$\ast$}", r"\tag{N}"))
    assert numbers(rendered) == ["(1)", "(2)", "(N)", "(3)", "G"]
    assert rendered.warnings == []


def test_a_tag_holding_math_shows_as_plain_text(tmp_path):
    rendered = render_note(tmp_path, PAPER)
    assert numbers(rendered)[2] == "(*)"
    assert rendered.warnings == []


def test_labels_name_lines_and_references_link_to_them(tmp_path):
    rendered = render_note(tmp_path, PAPER.replace(r"\tag{$\ast$}", r"\tag{N}"))
    soup = rendered.soup
    assert soup.find(id="eq:elbo").get_text() == "(1)"
    assert soup.find(id="eq:bound").get_text() == "(2)"
    links = {a["href"]: a.get_text() for a in soup.find("p", string=None).find_all("a")} | {
        a["href"]: a.get_text() for a in soup.find_all("a", class_="eqref")}
    assert links["#eq:elbo"] == "(1)"
    assert links["#eq:bound"] == "2"
    assert links["#eq:g"] == "(G)"
    in_math = soup.find_all("math")[-1].find("a")
    assert in_math["href"] == "#eq:bound" and in_math.get_text() == "(2)"


def test_references_may_come_before_the_equation(tmp_path):
    rendered = render_note(tmp_path, "As $\\eqref{later}$ shows.\n\n"
                           "\\begin{equation} x = 1 \\label{later} \\end{equation}\n")
    assert rendered.soup.find("math").find("a").get_text() == "(1)"


def test_an_unknown_label_is_a_warning_with_its_line(tmp_path):
    rendered = render_note(tmp_path, "\\begin{equation} x \\label{a} \\end{equation}\n\n"
                           "Text \\eqref{nope}.\n\nMath $\\eqref{gone}$.\n")
    warnings = rendered.warnings
    assert "warning: content/notes/n.md:3: math: no equation is labelled 'nope'" in warnings
    assert "warning: content/notes/n.md:5: math: no equation is labelled 'gone'" in warnings
    assert rendered.soup.find_all("math")[-1].find("a") is None  # no link to nowhere


def test_quarto_labelled_equations_and_cross_references(tmp_path):
    rendered = render_note(tmp_path, """
        $$
        C = S N(d_1) - K e^{-rT} N(d_2)
        $$ {#eq-black-scholes}

        Black-Scholes (@eq-black-scholes) is a model.
        """)
    assert rendered.soup.find(id="eq-black-scholes").get_text() == "(1)"
    link = rendered.soup.find("a", class_="eqref")
    assert link["href"] == "#eq-black-scholes" and link.get_text() == "Equation 1"
    assert "{#eq" not in rendered.text()


def test_numbering_starts_again_in_each_note(tmp_path):
    first = render_note(tmp_path, "\\begin{equation} a \\end{equation}")
    second = render_note(tmp_path, "\\begin{equation} b \\end{equation}", key="notes/m.md")
    assert numbers(first) == numbers(second) == ["(1)"]


def test_a_refused_expression_does_not_stop_the_numbering(tmp_path):
    rendered = render_note(tmp_path, "\\begin{equation} a \\end{equation}\n\n$\\nosuch$\n\n"
                           "\\begin{equation} b \\label{b} \\end{equation}\n\nSee \\ref{b}.\n")
    assert numbers(rendered) == ["(1)", "(2)"]
    assert rendered.soup.find("a", class_="eqref").get_text() == "2"
    assert len([w for w in rendered.warnings if "nosuch" in w]) == 1


def test_display_dollars_with_a_label_or_tag_are_an_equation(tmp_path):
    rendered = render_note(tmp_path, """
        $$ \\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0} \\label{eq:gauss} $$

        $$ \\oint \\mathbf{B} \\cdot d\\mathbf{A} = 0 \\tag{M2} $$

        $$ x = y \\notag $$

        From \\eqref{eq:gauss}.
        """)
    assert rendered.warnings == []
    assert numbers(rendered) == ["(1)", "(M2)"]
    assert rendered.soup.find("a", class_="eqref").get_text() == "(1)"
