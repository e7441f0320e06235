"""A Jekyll include that draws an image shows that image, though the include itself is absent."""

from __future__ import annotations

from render_support import png, render_note


def test_an_image_include_is_a_figure_with_its_caption(tmp_path):
    rendered = render_note(
        tmp_path, 'Before.\n\n{% include image.html url="chart.png" caption="Our chart" %}\n',
        files={"content/notes/chart.png": png(12, 8)})
    figure = rendered.soup.find("figure")
    assert figure is not None
    assert figure.find("img")["src"] == "/notes/n/chart.png"  # copied beside the page
    assert figure.find("figcaption").get_text() == "Our chart"
    assert "{%" not in rendered.text()
    assert not rendered.warnings


def test_an_include_drawing_no_image_is_still_left_out_with_a_warning(tmp_path):
    rendered = render_note(tmp_path, 'A.\n\n{% include toc.html depth=2 %}\n')
    assert rendered.soup.find("figure") is None
    assert "{%" not in rendered.text()
    assert any("include toc.html" in w for w in rendered.warnings)
