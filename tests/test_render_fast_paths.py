"""The shortcuts body rendering takes must give what the long way gives, byte for byte."""

from __future__ import annotations

import random
import string

import pytest
from markdown_it.common import normalize_url
from markdown_it.token import Token

from margin import slugs
from margin.markdown import body as markdown
from margin.markdown import headings, unusedrules
from render_support import render_note

# One sample per rule a note's parser may leave out: the construct that rule reads.
RULE_SAMPLES = {
    "normalize": "a\r\nb\0c",
    "table": "a | b\n--|--\n1 | 2\n",
    "math_block": "$$\nx^2\n$$\n",
    "math_backslash_block": "\\[\nx^2\n\\]\n",
    "fence": "```\ncode\n```\n",
    "highlight_tag": "{{< highlight py >}}x = 1{{< /highlight >}}\n",
    "fenced_div": "::: note\n*x*\n:::\n",
    "amsmath": "\\begin{align}\nx\n\\end{align}\n",
    "blockquote": "> quoted\n",
    "footnote_def": "text[^1]\n\n[^1]: the note\n",
    "html_block_balanced": "<div>x</div>\n- *item*\n",
    "html_block": "<!-- a comment -->\n*x*\n",
    "deflist": "Term\n: its definition\n",
    "math_inline": "a $x^2$ b\n",
    "math_backslash": "a \\(x^2\\) b\n",
    "escape": "\\*not emphasis\\*\n",
    "backticks": "a `code` b\n",
    "strikethrough": "a ~~gone~~ b\n",
    "image": "![alt](x.png)\n",
    "loose_destination": "![alt](my figure.png)\n",
    "footnote_inline": "text^[inline note]\n",
    "footnote_ref": "text[^1]\n\n[^1]: the note\n",
    "autolink": "<https://example.com>\n",
    "html_inline": "a <b>bold</b> b\n",
    "entity": "a &amp; b\n",
    "gfm_autolink_www": "see www.example.com\n",
    "gfm_autolink_email": "write to a@example.com\n",
    "lheading": "Title\n---\n",
    "crossref": "see [-@fig-a]\n",
}

# Pieces of Markdown that make notes lacking some triggers and holding others.
PIECES = [
    "*", "**", "_", "`", "```", "~~~", "~", "~~", "$", "$$", "\\$", "\\(", "\\)", "\\[", "\\]",
    "\\begin{align}", "\\end{align}", "[[", "]]", "![[", "[[x|y]]", "![", "[", "]", "(", ")",
    "](x.md)", "](a b.png)", "^[", "[^1]", "[^1]: ", "<", ">", "<div>", "</div>", "<b>", "&amp;",
    "&#123;",
    "&#36;", "www.", "www.ex.com", "http://a.b/c", "https://x.com/%7B:", "a@b.co", "|",
    "|---|---|", "---", "===", "- ", "1. ", "> ", ": ", "~ ", "{: .x}", "{:toc}", "[TOC]", "\\{",
    "#", "## ", "\n", "\n", "\n\n", "    ", "\t", "\r\n", "\r", "\0", "w", "é", "word", "two",
    "Term\n: def", "a | b\n--|--\n", "Title\n---\n", "<!--more-->",
    "{{< highlight py >}}", "{{< /highlight >}}", "{% highlight py %}", "{% endhighlight %}",
    "::: {.note}\n", ":::\n", "@fig-a", "[-@fig-a]", "@Sec-x", "; @tbl-b]", ": C {#tbl-c}",
]
BANNABLE = "|$\\`~<>[^!&@w:=-\t{*_#\r"


def token_view(tokens):
    return [(t.type, t.tag, t.nesting, t.content, t.markup, t.info, t.map, t.attrs, t.hidden,
             t.meta, token_view(t.children) if t.children else None) for t in tokens]


def parse(md, text):
    tokens = md.parse(text, {})
    return token_view(tokens), md.renderer.render(tokens, md.options, {})


@pytest.mark.parametrize("rule", sorted(RULE_SAMPLES))
def test_a_rule_stays_in_the_parser_of_a_note_that_uses_it(rule):
    sample = RULE_SAMPLES[rule]
    without = markdown._parser_without(frozenset({rule}))
    assert parse(without, sample) != parse(markdown.parser(), sample)  # the sample needs it
    assert rule not in unusedrules.unused_rules(sample)
    assert parse(markdown.parser_for(sample), sample) == parse(markdown.parser(), sample)


def test_every_rule_that_may_be_left_out_has_a_sample():
    everything = "".join(RULE_SAMPLES.values())
    plain = "Just words, in two\nlines.\n"
    assert unusedrules.unused_rules(plain) == set(RULE_SAMPLES)
    assert unusedrules.unused_rules(everything) == set()


@pytest.mark.parametrize("seed", range(4))
def test_notes_parse_the_same_with_the_rules_they_need_only(seed):
    rng = random.Random(seed)
    pruned = 0
    for _ in range(150):
        banned = {c for c in BANNABLE if rng.random() < 0.5}
        pieces = [p for p in PIECES if not set(p) & banned] or ["x"]
        text = "".join(rng.choice(pieces) if rng.random() < 0.6 else rng.choice((" ", "ab "))
                       for _ in range(rng.randint(1, 50)))
        unused = unusedrules.unused_rules(text)
        pruned += bool(unused)
        assert parse(markdown.parser_for(text), text) == parse(markdown.parser(), text), text
    assert pruned > 100  # most of these notes lack some trigger: the shortcut was taken


URLS = [
    "", "x.md", "../notes/a-b_c.md", "/abs/x/", "./x", "x/../y", "~u", "//host/x", "///x",
    "file.md#part", "a b", "a%20b", "a%zz", "é.md", "x:y", "mailto:a@b.co",
    "https://example.org", "https://example.org/", "https://example.org/a/b_c~d.e-f",
    "http://a.b.c.d/x", "http://a.b.c.d.e/x", "HTTPS://ex.org/x", "https://EX.org/x",
    "https://ex.org:80/x", "https://ex.org?x=1", "https://ex.org#x", "https://ex.org//x",
    "https:ex.org", "https:/ex.org", "http://", "https://a..b/x", "https://-a.b/x",
    "https://a_b.c/x", "https://xn--bcher-kva.de/", "https://bücher.de/x", "https://a.b\\x",
    "https://" + "a" * 63 + ".org/", "https://" + "a" * 64 + ".org/",
    "https://" + ".".join(["a" * 63] * 4) + "/x", "https://" + ".".join(["a" * 63] * 5) + "/x",
]


def test_links_normalise_as_markdown_it_normalises_them():
    rng = random.Random(7)
    characters = string.ascii_letters + string.digits + "_.~/-:%#?@é "
    made = [rng.choice(("", "", "https://", "//", "http://a.")) + "".join(
        rng.choice(characters) for _ in range(rng.randint(0, 9))) for _ in range(3000)]
    urls = URLS + made
    assert [markdown.normalize_link(u) for u in urls] == [normalize_url.normalizeLink(u)
                                                           for u in urls]
    shortcut = [u for u in urls if markdown._PLAIN_URL.match(u)]
    assert "https://example.org/a/b_c~d.e-f" in shortcut and "../notes/a-b_c.md" in shortcut
    assert len(urls) > len(shortcut) > 100


@pytest.mark.parametrize("text", [
    "Attention Is All You Need", "A & B @ C", "C++ / C# -- notes", "snake_case__name",
    "What? Why! (maybe)", "  spaced  out  ", "---", "", "x" * 300, string.printable,
])
def test_ascii_headings_fold_as_the_unicode_steps_fold_them(text):
    assert slugs._ascii_folded(text) == slugs._folded(text)


@pytest.mark.parametrize(("text", "slug"), [
    ("Ça va? Œuvres & co", "ca-va-oeuvres-and-co"),
    ("ﬁnance Straße", "finance-strasse"),
    ("Ｆｕｌｌ width", "full-width"),
    ("e\u0301te\u0301", "ete"),
    ("注意力机制 notes", "注意力机制-notes"),
    ("Ünïcödé", "unicode"),
])
def test_non_ascii_headings_still_take_the_unicode_steps(text, slug):
    assert slugs.slugify(text) == slug


@pytest.mark.parametrize("identifier", ["plain", "a&b", 'q"uote', "<tag>", "x y", "注意", "p%20q"])
def test_a_heading_anchor_is_drawn_as_its_four_tokens_would_be(identifier):
    space = Token("text", "", 0, content=" ")
    opening = Token("link_open", "a", 1)
    opening.attrSet("class", "header-anchor")
    opening.attrSet("href", f"#{identifier}")
    opening.attrSet("data-pagefind-ignore", "all")
    symbol = Token("html_inline", "", 0, content="#")
    closing = Token("link_close", "a", -1)
    md = markdown.parser()
    drawn = md.renderer.renderInline([space, opening, symbol, closing], md.options, {})
    assert md.renderer.renderInline([headings._anchor(identifier)], md.options, {}) == drawn


def test_math_alone_in_a_heading_stays_inline_as_the_anchor_follows_it(tmp_path):
    rendered = render_note(tmp_path, """
        # $$x^2$$

        $$y^2$$
        """)
    heading_math, block_math = rendered.soup.find_all("math")
    assert heading_math.parent.name == "h1" and not heading_math.has_attr("display")
    assert block_math.get("display") == "block"
