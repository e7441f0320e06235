"""Themes' shortcodes around TeX (Hugo Book's katex pair, Blowfish's lone katex) and diagrams."""

from __future__ import annotations

from render_support import render_note


def test_katex_pairs_are_inline_or_display_math(tmp_path):
    rendered = render_note(tmp_path, (
        "Use {{< katex >}} \\Sigma {{< /katex >}} for the alphabet.\n\n"
        "{{< katex display=true >}}\nG=(N,\\Sigma,R,S)\n{{< /katex >}}\n\n"
        "{{< katex >}}\nP = \\frac{C}{1 + r}\n{{< /katex >}}\n"))
    found = rendered.soup.find_all("math")
    assert [m.find("annotation").get_text() for m in found] == \
        ["\\Sigma", "G=(N,\\Sigma,R,S)", "P = \\frac{C}{1 + r}"]
    assert [m.get("display") for m in found] == [None, "block", "block"]
    assert "{{" not in rendered.text() and "\\frac" not in rendered.text()
    assert not rendered.warnings


def test_a_lone_katex_tag_is_dropped_quietly(tmp_path):
    rendered = render_note(tmp_path, "{{< katex >}}\n\nThe rate $r$ grows.\n")
    assert rendered.soup.find("math") is not None
    assert "katex" not in rendered.text()
    assert not rendered.warnings


def test_a_mermaid_pair_is_shown_as_its_code(tmp_path):
    rendered = render_note(tmp_path, (
        "Flow:\n\n{{< mermaid >}}\nflowchart TD\n    A[\"Start\"] --> B\n\n    B --> C\n"
        "{{< /mermaid >}}\n\nAfter.\n"))
    code = rendered.soup.find("code", class_="language-mermaid")
    assert code is not None
    assert code.get_text() == 'flowchart TD\n    A["Start"] --> B\n\n    B --> C'
    assert "{{" not in rendered.text()
    assert rendered.soup.find_all("p")[-1].get_text() == "After."
