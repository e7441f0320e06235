"""Macros as researchers define them: site.toml's [math], preamble files, a note's own
\\newcommand, and the commands MathJax accepts that math-core lacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from render_support import render_note

PREAMBLE = r"""% notation of the paper
\newcommand{\mcC}{\mathcal{C}}
\newcommand{\E}[2][]{\mathbb{E}_{#1}\left[#2\right]}
\renewcommand{\vec}[1]{\boldsymbol{#1}}
\DeclareMathOperator*{\argmax}{arg\,max}
\DeclareMathOperator{\Tr}{Tr}
\def\RR{\mathbb{R}}
\def\inner#1#2{\langle #1, #2 \rangle}
\usepackage{amsmath}
"""

SITE_TOML = """
title = "T"
[math]
macros = { vz = "\\\\mathbf{z}", norm = ["\\\\lVert #1 \\\\rVert", 1] }
preamble = ["tex/macros.tex"]
"""


def note(body: str, title: str = "A") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def math_of(result, url: str):
    article = result.html(url).find("article") or result.html(url)
    return article.find_all("math"), article.find_all("code", class_="math-error")


def annotation(math) -> str:
    return math.find("annotation").get_text()


def test_site_macros_and_preamble_definitions_render(make_site, build_site):
    site = make_site({
        "site.toml": SITE_TOML, "tex/macros.tex": PREAMBLE,
        "content/notes/a.md": note(
            r"$\vz \in \RR^n$, $\norm{x}$, $\E{X}$, $\E[p]{X}$, $\argmax_\theta \Tr(\mcC)$, "
            r"$\vec{v}$, $\inner{a}{b}$"),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    maths, errors = math_of(result, "notes/a/")
    assert errors == [] and len(maths) == 7
    text = [m.get_text() for m in maths]
    assert "𝐳" in text[0] and "ℝ" in text[0]
    assert "‖" in text[1]
    assert "𝔼" in text[2] and maths[3].find("msub").find_all("mi")[1].get_text() == "p"
    assert "arg\u2009max" in text[4] and "Tr" in text[4]
    assert annotation(maths[3]) == r"\E[p]{X}"  # the TeX as written, not as expanded
    assert "⟨" in text[6]


def test_a_bad_preamble_line_is_an_error_naming_file_and_line(make_site, build_site):
    site = make_site({
        "site.toml": SITE_TOML,
        "tex/macros.tex": "\\newcommand{\\ok}{x}\n% fine\n\\newcommand{\\broken}{\\frac{1}{2}\n",
        "content/notes/a.md": note("$x$"),
    })
    result = build_site(site)
    assert result.exit_code != 0
    assert any(line.startswith("error: tex/macros.tex:3:") and "never closed" in line
               for line in result.lines), result.stderr
    assert not (site / "_site").exists()


def test_a_preamble_line_that_is_no_definition_is_an_error(make_site, build_site):
    site = make_site({"site.toml": SITE_TOML,
                      "tex/macros.tex": "\\newcommand{\\ok}{x}\n\n\\frobnicate{y}\n",
                      "content/notes/a.md": note("$x$")})
    result = build_site(site)
    assert result.exit_code != 0
    assert any("tex/macros.tex:3:" in line and "frobnicate" in line for line in result.lines)


def test_a_malformed_macro_table_is_an_error_on_its_site_toml_line(make_site, build_site):
    site = make_site({"site.toml": 'title = "T"\n[math]\nmacros = { "v1" = 3 }\n',
                      "content/notes/a.md": note("$x$")})
    result = build_site(site)
    assert result.exit_code != 0
    assert any(line.startswith("error: site.toml:3:") and "math.macros.v1" in line
               for line in result.lines), result.stderr


def test_changing_a_preamble_file_renders_the_notes_again(make_site, build_site):
    site = make_site({"site.toml": SITE_TOML, "tex/macros.tex": PREAMBLE,
                      "content/notes/a.md": note(r"$\mcC$")})
    assert build_site(site).exit_code == 0
    (site / "tex/macros.tex").write_text(PREAMBLE.replace(r"\mathcal{C}", r"\mathfrak{C}"))
    result = build_site(site)
    assert result.exit_code == 0
    maths, _ = math_of(result, "notes/a/")
    assert "ℭ" in maths[0].get_text()


def test_changing_a_site_macro_renders_the_notes_again(make_site, build_site):
    site = make_site({"site.toml": SITE_TOML, "tex/macros.tex": PREAMBLE,
                      "content/notes/a.md": note(r"$\vz$")})
    assert build_site(site).exit_code == 0
    (site / "site.toml").write_text(SITE_TOML.replace("mathbf{z}", "mathbb{Z}"))
    maths, _ = math_of(build_site(site), "notes/a/")
    assert "ℤ" in maths[0].get_text()


def test_a_notes_newcommand_holds_in_that_note_and_not_in_others(make_site, build_site):
    site = make_site({
        "content/notes/a.md": note(
            "$$\\newcommand{\\bx}[2][1]{\\mathbf{x}_{#1}^{#2}}$$\n\nLater $\\bx{2}$ and "
            "$\\bx[i]{2}$.\n\n$\\DeclareMathOperator{\\KL}{KL} \\KL(p, q)$"),
        "content/notes/b.md": note("Here $\\bx{2}$ is unknown.", title="B"),
    })
    result = build_site(site)
    maths, errors = math_of(result, "notes/a/")
    assert errors == [] and len(maths) == 3
    assert maths[0].find("msubsup").find_all("mn")[0].get_text() == "1"  # the default
    assert maths[1].find("msubsup").find("mi", string="i") is not None
    assert "KL" in maths[2].get_text()
    _, errors_b = math_of(result, "notes/b/")
    assert len(errors_b) == 1
    assert any("content/notes/b.md:4:" in line and "\\bx" in line for line in result.lines)


@pytest.mark.parametrize("tex", [
    r"\textup{if } x > 0", r"\sum_{\substack{i < n \\ j < m}} a_{ij}", r"\mathbbm{1}[x > 0]",
    r"\widetilde{W}", r"\LaTeX", r"\smallsetminus", r"\varliminf_{n} a_n",
    r"\begin{split} a &= b + c \\ &= d \end{split}",
    r"\begin{alignat}{2} a &= b & c &= d \end{alignat}",
])
def test_commands_mathjax_accepts_render(tmp_path, tex):
    rendered = render_note(tmp_path, f"$${tex}$$")
    assert rendered.warnings == []
    assert rendered.soup.find("math") is not None
    assert rendered.soup.find("annotation").get_text() == tex


def test_deeply_nested_math_is_refused_as_a_math_error_not_a_crash(tmp_path):
    """20,000 nested `{` crashed the native engine (the whole build, nothing printed)."""
    script = (
        "import sys, pathlib\n"
        "sys.path.insert(0, 'tests')\n"
        "from render_support import render_note\n"
        "r = render_note(pathlib.Path(sys.argv[1]), 'Text\\n\\n$$' + '{' * 20000 + 'x' + "
        "'}' * 20000 + '$$\\n', dedent=False)\n"
        "print(r.warnings)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "content/notes/n.md:3: math: nested more than" in done.stdout


def test_nesting_that_real_formulas_use_still_renders(tmp_path):
    nested = "\\left(" * 30 + "x" + "\\right)" * 30 + "\\frac{" * 30 + "1}{2}" * 30
    rendered = render_note(tmp_path, f"$${nested}$$")
    assert rendered.warnings == [] and rendered.soup.find("math") is not None


def test_macros_that_expand_too_deep_are_refused_before_the_engine(tmp_path):
    """150 nested calls of a macro nesting 150 deep: 22,500 levels once expanded (a crash)."""
    body = "\\\\frac{" * 150 + "#1" + "}{2}" * 150
    script = (
        "import sys, pathlib\n"
        "sys.path.insert(0, 'tests')\n"
        "from margin.markdown.math import MathSettings\n"
        "from margin.markdown.texmacros import Macro\n"
        "import render_support, margin.markdown.context as context\n"
        f"settings = MathSettings((Macro('deep', '{body}', 1),), 'd')\n"
        "real = context.BodyContext\n"
        "render_support.BodyContext = lambda **kw: real(**kw, math=settings)\n"
        "r = render_support.render_note(pathlib.Path(sys.argv[1]), "
        "'$$' + '\\\\deep{' * 150 + 'x' + '}' * 150 + '$$', dedent=False)\n"
        "print(r.warnings)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "content/notes/n.md:1: math: nested more than" in done.stdout
