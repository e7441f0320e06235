"""Property: whatever Markdown, HTML, TeX and template fragments a note holds, rendering it
gives a page (and warnings where due), never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from margin.diagnostics import Level
from render_support import png, render_note

PIECES = [
    "$", "$$", "\\$", "\\(", "\\)", "\\[", "\\]", "x^2", "\\frac{a}{b}", "\\begin{aligned}",
    "\\end{aligned}", "&", "\\\\", "\\left(", "\\right]", "_i", "{", "}", "{{", "}}", "{%", "%}",
    "{{ site.baseurl }}", "{{ 'a.png' | relative_url }}", "{% raw %}", "{% endraw %}",
    "{% highlight python %}", "{% endhighlight %}", "{% link notes/n.md %}", "{% post_url x %}",
    '{{< figure src="pic.png" caption="c" >}}', "{{< highlight go >}}", "{{< /highlight >}}",
    '{{< ref "n" >}}', "{: .c #i}", "{:toc}", "[TOC]", "{#id}", "> ", "> [!note] T", "> [!tip]-",
    "- ", "* ", "1. ", "- [ ] ", "# ", "## ", "```", "```python", "~~~", "    ", "\t", "|", "---",
    "| a | b |\n|---|---|", "<div>", "</div>", '<div style="x">', "<p>", "</p>", "<img",
    '<img src="pic.png">', '<img src="../../pic.png" width="10">', "<!--", "-->",
    "<!--more-->", "<pre>", "</pre>", "![a](pic.png)", '![a](pic.png "t")', "![a](missing.png)",
    "[a]()", "[a](#)", "[a](n.md)", "[a](https://x.org)", "[[n]]", "![[pic.png]]", "[^1]",
    "[^1]: note", "Term\n: def", "*", "**", "_", "~~", "`", "``", "\n", "\n\n", " ", "é", "注意",
    "\u200b", "\r\n", "US$5", "$2m",
]

def _line_count(text: str) -> int:
    """Lines as Markdown counts them: CR LF and a lone CR end a line too."""
    return len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # tmp_path is reused: the site is read-only
fragments = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40)


@settings(max_examples=400, deadline=None, suppress_health_check=FIXTURE_OK)
@given(parts=fragments)
def test_rendering_never_raises(tmp_path, parts):
    body = "".join(parts)
    rendered = render_note(tmp_path, body, files={"content/notes/pic.png": png(3, 2)},
                           dedent=False)
    assert isinstance(rendered.result.html, str)
    for problem in rendered.result.diagnostics:
        assert problem.level is Level.WARNING
        assert problem.path == "content/notes/n.md"
        assert problem.line is None or 1 <= problem.line <= _line_count(body) + 1
        assert "could not render" not in problem.message


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(body=st.text(max_size=300))
def test_any_text_at_all_renders(tmp_path, body):
    rendered = render_note(tmp_path, body, dedent=False)
    assert isinstance(rendered.result.html, str)
