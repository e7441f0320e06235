"""Hugo shortcodes and highlight tags in note bodies: drawn as Hugo draws them, never shown raw."""

from __future__ import annotations

import pytest

from render_support import png, render_note

PERMALINKS = {"blog/content/posts/first.md": "/blog/content/posts/first/"}


def render(tmp_path, body, **options):
    options.setdefault("permalinks", PERMALINKS)
    return render_note(tmp_path, body, **options)


def code_of(rendered):
    return rendered.soup.find("div", class_="highlight")


@pytest.mark.parametrize("body", [
    "{{< highlight python >}}import os\nprint(os.sep)\n{{< /highlight >}}",
    "{{< highlight python >}}\nimport os\nprint(os.sep){{< /highlight >}}",
    "{{< highlight python >}}import os\nprint(os.sep){{< /highlight >}}",
    "{{% highlight python %}}import os\nprint(os.sep)\n{{% /highlight %}}",
    "{% highlight python %}import os\nprint(os.sep){% endhighlight %}",
])
def test_code_on_the_highlight_tags_line_is_code(tmp_path, body):
    rendered = render(tmp_path, f"Before.\n\n{body}\n\nAfter *this*.")
    assert code_of(rendered)["data-lang"] == "python"
    assert code_of(rendered).get_text() == "import os\nprint(os.sep)\n"
    assert [p.get_text() for p in rendered.soup.find_all("p")] == ["Before.", "After this."]
    assert "{{" not in rendered.text() and "{%" not in rendered.text()


def test_a_highlight_on_one_line_is_a_code_block(tmp_path):
    rendered = render(tmp_path, '{{< highlight sh >}}ls -la{{< /highlight >}}')
    assert code_of(rendered).get_text() == "ls -la\n"


def test_a_highlight_inside_a_list_item_stays_in_the_item(tmp_path):
    rendered = render(tmp_path, """
        - Step one:
          {{< highlight python >}}x = 1
          y = 2
          {{< /highlight >}}
        - Step two
        """)
    items = rendered.soup.find_all("li")
    assert len(items) == 2
    assert items[0].find("code").get_text() == "x = 1\ny = 2\n"


def test_highlight_options_mark_and_number_lines(tmp_path):
    opening = '{{< highlight python "linenos=table,hl_lines=2 3,linenostart=7" >}}'
    rendered = render(tmp_path, opening + "\na = 1\nb = 2\nc = 3\n{{< /highlight >}}")
    block = code_of(rendered)
    assert [n["data-line"] for n in block.find_all("span", class_="linenos")] == ["7", "8", "9"]
    assert [m.get_text() for m in block.find_all("span", class_="hll")] == ["b = 2\n", "c = 3\n"]
    assert block.get_text() == "a = 1\nb = 2\nc = 3\n"  # copying the code leaves the numbers


def test_lines_after_a_highlight_keep_their_numbers(tmp_path):
    rendered = render(tmp_path, "{{< highlight text >}}a\nb{{< /highlight >}}\n\n![x](gone.png)",
                      body_line=1)
    assert rendered.warnings == ["warning: content/notes/n.md:4: image not found: gone.png"]


def test_figure_with_link_caption_and_width(tmp_path):
    rendered = render(tmp_path, '{{< figure src="/assets/f.png" link="https://example.org" '
                      'alt="A plot" caption="Loss by step" width="300" >}}',
                      files={"assets/f.png": png(50, 40)})
    figure = rendered.soup.find("figure")
    assert figure.find("a")["href"] == "https://example.org"
    image = figure.find("img")
    assert (image["alt"], image["width"]) == ("A plot", "300")
    assert figure.find("figcaption").get_text() == "Loss by step"


@pytest.mark.parametrize("written", [
    '{{< ref "posts/first.md" >}}', '{{< relref "posts/first" >}}', "{{< ref posts/first.md />}}",
    '{{% relref path="/posts/first.md" %}}'])
def test_ref_and_relref_name_a_path_under_the_hugo_sites_content(tmp_path, written):
    rendered = render(tmp_path, f"[First]({written})", key="blog/content/posts/second.md")
    assert rendered.soup.find("a")["href"] == "/blog/content/posts/first/"
    assert not rendered.warnings


def test_a_ref_to_a_fragment_stays_on_the_page(tmp_path):
    rendered = render(tmp_path, '[below]({{< relref "#results" >}})')
    assert rendered.soup.find("a")["href"] == "#results" and not rendered.warnings


def test_a_ref_to_nothing_is_its_links_text_and_a_warning(tmp_path):
    rendered = render(tmp_path, 'See [this]({{< ref "nowhere" >}}).', body_line=3)
    assert rendered.soup.find("p").get_text() == "See this."
    assert rendered.warnings == [
        "warning: content/notes/n.md:3: {{< ref \"nowhere\" >}}: no note at 'nowhere'; "
        "its text is left out"]


def test_embeds_youtube_gist_and_tweet(tmp_path):
    rendered = render(tmp_path, """
        {{< youtube id="dQw4w9WgXcQ" title="A talk" >}}

        {{< gist someone 0123abcd notes.py >}}

        {{< tweet user="someone" id="1453110110599868418" >}}
        """)
    frame = rendered.soup.find("iframe")
    assert frame["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert frame["title"] == "A talk"
    assert rendered.soup.find("script")["src"] == \
        "https://gist.github.com/someone/0123abcd.js?file=notes.py"
    tweet = rendered.soup.find("blockquote").find("a")
    assert tweet["href"] == "https://x.com/someone/status/1453110110599868418"
    assert not rendered.warnings


def test_param_is_a_front_matter_value(tmp_path):
    from margin.markdown.body import render_unguarded
    from margin.markdown.context import BodyContext
    from margin.model import Note

    (tmp_path / "content").mkdir()
    note = Note(key="n.md", source="content/n.md", title="T", body='Model: {{< param "model" >}}',
                body_line=1, section="", slug="n", url="/n/", extra={"model": "GPT-2"})
    result = render_unguarded(note, BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_s"))
    assert result.html == "<p>Model: GPT-2</p>\n"


def test_an_unknown_paired_shortcode_shows_its_inner_text_with_a_warning(tmp_path):
    rendered = render(tmp_path, "Intro.\n\n{{< notice warning >}}\nMind the **gap**.\n"
                      "{{< /notice >}}\n\nAfter.", body_line=5)
    assert rendered.soup.find("strong").get_text() == "gap"
    assert "{{" not in rendered.soup.get_text()
    assert rendered.warnings == [
        "warning: content/notes/n.md:7: unsupported Hugo shortcode 'notice' "
        "(its inner text shown): {{< notice warning >}}"]


def test_an_unknown_single_shortcode_is_left_out_with_a_warning(tmp_path):
    rendered = render(tmp_path, "Here {{< subscribe-box />}} there.")
    assert rendered.soup.find("p").get_text() == "Here  there."
    assert len(rendered.warnings) == 1 and "'subscribe-box' (left out)" in rendered.warnings[0]


def test_a_comment_shortcode_hides_its_text_and_keeps_line_numbers(tmp_path):
    rendered = render(tmp_path, "{{% comment %}}\nnot for readers\n{{% /comment %}}\n\n"
                      "![x](gone.png)")
    assert "not for readers" not in rendered.soup.get_text()
    assert rendered.warnings == ["warning: content/notes/n.md:5: image not found: gone.png"]


def test_an_escaped_shortcode_is_shown_as_written(tmp_path):
    rendered = render(tmp_path, "Write `x` as {{</* figure src=\"a.png\" */>}} in Hugo.")
    assert rendered.soup.find("p").get_text() == 'Write x as {{< figure src="a.png" >}} in Hugo.'
    assert not rendered.warnings


def test_shortcodes_inside_code_are_code(tmp_path):
    rendered = render(tmp_path, "```\n{{< youtube abc >}}\n```\n\nAnd `{{< ref x >}}`.")
    assert [c.get_text() for c in rendered.soup.find_all("code")] == [
        "{{< youtube abc >}}\n", "{{< ref x >}}"]
    assert not rendered.warnings


def test_a_shortcodes_arguments_may_run_over_lines(tmp_path):
    rendered = render(tmp_path, '{{< figure\n    src="/assets/f.png"\n    caption="Wide" >}}\n\n'
                      "![x](gone.png)", files={"assets/f.png": png(50, 40)})
    assert rendered.soup.find("figcaption").get_text() == "Wide"
    assert rendered.warnings == ["warning: content/notes/n.md:5: image not found: gone.png"]


def test_a_highlight_inside_a_sentence_is_inline_code(tmp_path):
    rendered = render(tmp_path, "Run {{< highlight sh >}}ls *.md{{< /highlight >}} first.")
    assert rendered.soup.find("p").find("code").get_text() == "ls *.md"
    assert rendered.soup.find("p").get_text() == "Run ls *.md first."
    assert not rendered.warnings
