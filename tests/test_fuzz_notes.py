"""Fuzzing whole builds: sites of notes that mix Markdown, math, Liquid tags, Hugo shortcodes,
HTML, wikilinks and any Unicode, each maybe holding one run that parsers read again (`> [!`,
`*a **b `, backticks, brackets, `<`, `$`, `{`) thousands long, are built by `margin build`,
which must end cleanly (exit 0, or 1 with one-line diagnostics naming a file), give every note
its page, and take no more than a budget per note.

In CI the examples are a fixed number, drawn the same way every run (derandomized). To hunt:
    MARGIN_FUZZ_EXAMPLES=2000 MARGIN_FUZZ_SEED=7 pytest tests/test_fuzz_notes.py
(a seed draws other examples; hypothesis prints the failing site's notes, shrunk).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from unittest import mock

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import run_margin
from margin.write import search

EXAMPLES = int(os.environ.get("MARGIN_FUZZ_EXAMPLES", "40"))
SEED = os.environ.get("MARGIN_FUZZ_SEED")
# The budget is CPU time (the build runs in this process), which a busy machine does not
# stretch; wall time has a far larger one, so that a hang fails too. A note here takes some
# milliseconds: a run of characters read once per character took seconds to minutes.
CPU_SECONDS_PER_NOTE = 1.5
CPU_SECONDS_PER_BUILD = 3.0
WALL_SECONDS_PER_NOTE = 15.0
WALL_SECONDS_PER_BUILD = 60.0
DIAGNOSTIC = re.compile(r"(warning|error): [^\s:][^:]*(:\d+)?: \S")

settings.register_profile(
    "fuzz-notes", max_examples=EXAMPLES, derandomize=SEED is None, deadline=None,
    database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MARKDOWN = [
    "# Heading", "## Sub {#sub}", "- item", "  - nested", "1. one", "- [ ] task", "> quote",
    "> [!note] Title", "> [!tip]- Folded", "```python\nprint('x')\n```", "```\nopen fence",
    "~~~math\nx^2\n~~~", "`code`", "``a`b``", "**bold**", "*em*", "_u_", "~~gone~~",
    "[link](https://example.org)", "[other](n1.md)", "[x](../nowhere.md)", "![pic](missing.png)",
    "| a | b |\n|---|---|\n| 1 | 2 |", "text[^1]\n\n[^1]: the note", "Term\n: meaning", "---",
    "<!--more-->", "www.example.org", "me@example.org", "https://arxiv.org/abs/2401.00001",
    "doi:10.1000/xyz", "arXiv:2101.00001", "Smith et al. showed it. Then", "e.g. this. Next",
    "    indented code", "\\*escaped\\*", "{: .class}", "[TOC]", "*", "_", "[", "]", "(", "`",
]
MATH = [
    "$x$", "$x_i^2$", "$$\\frac{a}{b}$$", "$$\n\\sum_{i=1}^n x_i\n$$", "\\(\\alpha\\)",
    "\\[x^2\\]", "$\\operatorname{softmax}(QK^\\top/\\sqrt{d})V$",
    "\\begin{align}a&=b\\\\c&=d\\end{align}", "$$", "$", "$5 and $10", "$\\notacommand$",
    "$x", "$" + "{" * 40 + "$", "$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$",
]
LIQUID = [
    "{% raw %}{{ x }}{% endraw %}", "{{ site.title }}", "{{ 'a.png' | relative_url }}",
    "{% include missing.html %}", "{% highlight python %}x = 1{% endhighlight %}",
    "{% link n1.md %}", "{% post_url 2020-01-01-x %}", "{% if x %}y{% endif %}", "{%", "{{",
    "%}", "}}",
]
SHORTCODES = [
    '{{< figure src="a.png" caption="c" >}}', "{{% note %}}inside{{% /note %}}",
    '{{< ref "n1" >}}', "{{< youtube abc >}}", "{{< highlight go >}}x{{< /highlight >}}",
    "{{<", ">}}",
]
HTML = [
    "<div>x</div>", "<span>", "</div>", "<details><summary>s</summary>\n\nmd *here*\n\n</details>",
    "<script>alert(1)</script>", "<!-- comment", "&amp; &#x1F600; &bogus;", "<b>bold",
    '<img src="missing.png">', "<math><mi>x</mi></math>",
]
WIKILINKS = [
    "[[Note 0]]", "[[Note 1|label]]", "[[Missing]]", "![[image.png]]", "[[Note 2#Heading]]",
    "[[n1]]", "[[#Heading]]", "[[", "]]",
]
PIECES = MARKDOWN + MATH + LIQUID + SHORTCODES + HTML + WIKILINKS
SEPARATORS = [" ", " ", "\n", "\n\n", ""]
# Runs a parser step may read again at each repetition (a note may hold one, thousands long):
# each takes time in proportion to its length, within the budget per note.
RUNS = ["> [!", "> [!\n", "*a **b ", "_a", "`", "`` ", "[", "[a](", "![", "[[a|", "[^a", "<",
        "<a", "$", "$a", "$$a", "{", "{%", "{{<", "~~a", "==a", "&", "\\", "{: .", ":::"]

unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES), unicode_text)
body = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda parts: "".join(text + separator for text, separator in parts))
long_run = st.builds(lambda run, times: run * times, st.sampled_from(RUNS),
                     st.integers(min_value=100, max_value=3000))
note_text = st.tuples(body, st.one_of(st.just(""), long_run), body).map(
    lambda parts: f"{parts[0]}\n{parts[1]}\n{parts[2]}")
title_words = st.text(st.characters(categories=("L", "N", "Zs", "P", "So")), max_size=20)


def note_file(number: int, title: str, text: str) -> str:
    """A note with a title that YAML reads as written (a JSON string is YAML)."""
    shown = title.strip() or f"Note {number}"
    return (f"---\ntitle: {json.dumps(shown, ensure_ascii=False)}\n"
            f"date: 2024-01-{number + 1:02d}\ntags: [fuzz]\npermalink: /n{number}/\n---\n{text}\n")


def maybe_seeded(test):
    return seed(int(SEED))(test) if SEED is not None else test


@maybe_seeded
@settings(settings.get_profile("fuzz-notes"))
@given(notes=st.lists(st.tuples(title_words, note_text), min_size=1, max_size=4))
def test_any_mix_of_notes_builds_cleanly_with_a_page_for_each_note(notes):
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "site.toml").write_text('title = "Fuzz"\n', encoding="utf-8")
        for number, (title, text) in enumerate(notes):
            path = site / "content" / f"n{number}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(note_file(number, title, text), encoding="utf-8")
        start, start_cpu = time.perf_counter(), time.process_time()
        with mock.patch.object(search, "pagefind_binary", return_value=None):  # not margin's
            code, _, err = run_margin("build", site, "--quiet")
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu

        assert code in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err, err
        for line in filter(str.strip, err.splitlines()):
            assert DIAGNOSTIC.match(line), line
        assert cpu < CPU_SECONDS_PER_BUILD + CPU_SECONDS_PER_NOTE * len(notes), cpu
        assert wall < WALL_SECONDS_PER_BUILD + WALL_SECONDS_PER_NOTE * len(notes), wall
        if code == 0:
            for number in range(len(notes)):
                page = site / "_site" / f"n{number}" / "index.html"
                soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                assert soup.select_one("article.note h1") is not None


def test_a_shortcode_left_open_across_lines_is_a_one_line_warning(make_site, build_site):
    """Found by the fuzzer: the warning quoted the tag with its line break."""
    site = make_site({"content/a.md": "---\ntitle: A\n---\n{{<\nmore {{< x >}}\n"})
    result = build_site(site)
    assert result.exit_code == 0
    assert [line for line in result.lines if "content/a.md" in line] == [
        "warning: content/a.md:4: a shortcode opened here never closes; left as text: {{<",
        "warning: content/a.md:5: {{< x >}}: names no x to show; left out"]
