"""Jekyll and Hugo leftovers in note bodies: the safe list translated, never inside code."""

from __future__ import annotations

import pytest

from render_support import png, render_note

PERMALINKS = {"_posts/2025-02-08-week.md": "/2025/02/08/week/", "notes/other.md": "/notes/other/"}


def render(tmp_path, body, **options):
    options.setdefault("permalinks", PERMALINKS)
    options.setdefault("base_url", "https://me.github.io/blog/")
    return render_note(tmp_path, body, **options)


@pytest.mark.parametrize(("written", "href"), [
    ("{{ '/x/y.pdf' }}", "/blog/x/y.pdf"),  # a plain path: root-relative, prefixed later
    ("{{ \"/x/y.pdf\" | relative_url }}", "/blog/x/y.pdf"),
    ("{{ 'x/y.pdf' | absolute_url }}", "https://me.github.io/blog/x/y.pdf"),
    ("{{ site.baseurl }}/x/y.pdf", "/blog/x/y.pdf"),
    ("{{site.url}}{{ site.baseurl }}/x/y.pdf", "https://me.github.io/blog/x/y.pdf"),
    ("{% link notes/other.md %}", "/blog/notes/other/"),
    ("{% link _posts/2025-02-08-week.md %}", "/blog/2025/02/08/week/"),
    ("{% post_url 2025-02-08-week %}", "/blog/2025/02/08/week/"),
    ('{{< ref "notes/other.md" >}}', "/blog/notes/other/"),
    ('{{< relref "other#part" >}}', "/blog/notes/other/#part"),
])
def test_jekyll_and_hugo_link_forms_become_urls(tmp_path, written, href):
    rendered = render(tmp_path, f"[target]({written})")
    assert rendered.soup.find("a")["href"] == href
    assert not rendered.warnings


def test_page_and_site_titles(tmp_path):
    rendered = render(tmp_path, "About {{ page.title }} on {{ site.title }}.", title="Attention")
    assert rendered.soup.find("p").get_text() == "About Attention on The Site."


def test_liquid_inside_an_image_src_in_raw_html_is_resolved(tmp_path):
    rendered = render(tmp_path, "# <img src=\"{{ '/assets/i.png'}}\" alt=\"i\"> Title",
                      files={"assets/i.png": png(30, 30)})
    image = rendered.soup.find("img")
    assert image["src"] == "/blog/assets/i.png" and image["width"] == "30"


def test_never_inside_code(tmp_path):
    rendered = render(tmp_path, """
        Inline `{{ site.baseurl }}` stays.

        ```html
        <a href="{{ site.baseurl }}/{% link notes/other.md %}">x</a>
        ```

            {{ 'indented code is code too, but it is not fenced' }}
        """)
    codes = [c.get_text() for c in rendered.soup.find_all("code")]
    assert codes[0] == "{{ site.baseurl }}"
    assert '{{ site.baseurl }}/{% link notes/other.md %}' in codes[1]
    assert not rendered.warnings


def test_raw_keeps_its_content_and_drops_its_markers(tmp_path):
    rendered = render(tmp_path, "{% raw %}Write {{ site.title }} in a template.{% endraw %}")
    assert rendered.soup.find("p").get_text() == "Write {{ site.title }} in a template."
    assert not rendered.warnings


def test_raw_markers_inside_code_are_dropped_as_jekyll_drops_them(tmp_path):
    rendered = render(tmp_path, "```\n{% raw %}{{ x }}{% endraw %}\n```")
    assert rendered.soup.find("code").get_text() == "{{ x }}\n"


@pytest.mark.parametrize(("opening", "closing"), [
    ("{% highlight python linenos %}", "{% endhighlight %}"),
    ('{{< highlight python "linenos=table" >}}', "{{< /highlight >}}"),
])
def test_highlight_blocks_become_highlighted_code(tmp_path, opening, closing):
    rendered = render(tmp_path, f"Before.\n\n{opening}\nprint('{{{{ x }}}}')\n{closing}\n\nAfter.")
    block = rendered.soup.find("div", class_="highlight")
    assert block["data-lang"] == "python"
    assert block.get_text() == "print('{{ x }}')\n"
    assert block.find("span")  # coloured
    assert [p.get_text() for p in rendered.soup.find_all("p")] == ["Before.", "After."]


def test_highlight_keeps_line_numbers_of_what_follows(tmp_path):
    rendered = render(tmp_path, "{% highlight text %}\na\n{% endhighlight %}\n\n![x](gone.png)",
                      body_line=1)
    assert rendered.warnings == ["warning: content/notes/n.md:5: image not found: gone.png"]


def test_hugo_figure_shortcode_is_a_figure_with_resolved_image(tmp_path):
    rendered = render(tmp_path, '{{< figure src="/assets/f.png" caption="A caption" >}}',
                      files={"assets/f.png": png(50, 40)})
    figure = rendered.soup.find("figure")
    image = figure.find("img")
    assert image["src"] == "/blog/assets/f.png" and image["height"] == "40"
    assert figure.find("figcaption").get_text() == "A caption"


@pytest.mark.parametrize(("written", "message"), [
    ("{{ page.date | date: '%Y' }}", "unsupported Liquid expression left as text"),
])
def test_anything_else_is_left_as_text_with_a_warning(tmp_path, written, message):
    rendered = render(tmp_path, f"First.\n\nThen {written} here.", body_line=10)
    assert written in rendered.soup.get_text()
    assert len(rendered.warnings) == 1
    assert rendered.warnings[0].startswith("warning: content/notes/n.md:12: ")
    assert message in rendered.warnings[0]


def test_double_braces_in_tex_are_not_liquid(tmp_path):
    rendered = render(tmp_path, "Math $x^{{a}}$ and $\\frac{{n}}{2}$ here.")
    assert not rendered.warnings
    assert len(rendered.soup.find_all("math")) == 2


def test_unclosed_raw_is_a_warning(tmp_path):
    rendered = render(tmp_path, "{% raw %} never closed")
    assert rendered.warnings == [
        "warning: content/notes/n.md:1: {% raw %} without {% endraw %} left as text"]


def test_indented_code_is_code_but_indented_list_text_is_not(tmp_path):
    rendered = render(tmp_path, """
        - item

            - nested after a blank line: {{ site.title }}

        Paragraph.

            {{ 'indented code' }}
        """)
    assert "nested after a blank line: The Site" in rendered.soup.find("ul").get_text()
    assert rendered.soup.find("pre").get_text() == "{{ 'indented code' }}\n"


def test_a_spaced_lone_variable_is_unsupported_liquid_but_tex_braces_are_not(tmp_path):
    rendered = render(tmp_path, "Show {{ content }} here; TeX $x^{{a}}$ stays quiet.")
    assert len(rendered.warnings) == 1
    assert "unsupported Liquid expression left as text: {{ content }}" in rendered.warnings[0]


@pytest.mark.parametrize(("written", "message"), [
    ("{% include footer.html %}", "unsupported Liquid tag left out"),
    ("{% link notes/missing.md %}", "no note or file at 'notes/missing.md'; left out"),
    ("{% post_url 2099-01-01-none %}", "no post named '2099-01-01-none'; left out"),
])
def test_a_tag_jekyll_would_fill_from_elsewhere_is_left_out_with_a_warning(tmp_path, written,
                                                                            message):
    rendered = render(tmp_path, f"First.\n\n[Then]({written}) here.", body_line=10)
    assert rendered.soup.find_all("p")[1].get_text() == "Then here."
    assert len(rendered.warnings) == 1
    assert rendered.warnings[0].startswith("warning: content/notes/n.md:12: ")
    assert message in rendered.warnings[0]


def test_a_liquid_comment_hides_its_text_and_keeps_line_numbers(tmp_path):
    rendered = render(tmp_path, "{% comment %}\nnot for readers\n{% endcomment %}\n\n"
                      "![x](gone.png)")
    assert "not for readers" not in rendered.soup.get_text()
    assert rendered.warnings == ["warning: content/notes/n.md:5: image not found: gone.png"]
