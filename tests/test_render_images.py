"""Images: found where the note's author meant, written with the prefix, true sizes, figures."""

from __future__ import annotations

import pytest

from margin.markdown.imagesize import ImageError, image_size
from render_support import gif, jpeg, png, render_note, webp

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 12"><rect/></svg>'


@pytest.mark.parametrize(("name", "data", "size"), [
    ("a.png", png(31, 17), (31, 17)),
    ("a.gif", gif(640, 480), (640, 480)),
    ("a.jpg", jpeg(493, 312), (493, 312)),
    ("rotated.jpg", jpeg(400, 300, orientation=6), (300, 400)),
    ("a.webp", webp(1200, 630, "VP8X"), (1200, 630)),
    ("lossless.webp", webp(300, 200, "VP8L"), (300, 200)),
    ("lossy.webp", webp(64, 48, "VP8 "), (64, 48)),
    ("box.svg", SVG.encode(), (24, 12)),
    ("sized.svg", b'<?xml version="1.0"?>\n<svg width="100px" height="50" viewBox="0 0 10 5">',
     (100, 50)),
    ("half.svg", b'<svg width="48" viewBox="0 0 24 12"></svg>', (48, 24)),
])
def test_true_size_is_read_from_the_file_header(tmp_path, name, data, size):
    path = tmp_path / name
    path.write_bytes(data)
    assert image_size(path) == size


@pytest.mark.parametrize(("data", "reason"), [
    (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", "Git LFS pointer"),
    (png(10, 10)[:20], "truncated PNG"),
    (b"\x1aE\xdf\xa3" + b"\0" * 40, "WebM/Matroska video"),
    (b"", "empty file"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG without a viewBox"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "truncated JPEG"),
])
def test_unreadable_images_say_why(tmp_path, data, reason):
    path = tmp_path / "x.png"
    path.write_bytes(data)
    with pytest.raises(ImageError, match=reason):
        image_size(path)


def test_image_beside_the_note_is_found_copied_and_sized(tmp_path):
    rendered = render_note(tmp_path, "Text ![chart](chart.png) inline.",
                           files={"content/notes/chart.png": png(40, 30)})
    image = rendered.soup.find("img")
    assert image["src"] == "/notes/n/chart.png"
    assert (image["width"], image["height"]) == ("40", "30")
    assert (image["loading"], image["decoding"]) == ("lazy", "async")
    [asset] = rendered.result.assets
    assert asset.path == "notes/n/chart.png"
    assert asset.source == tmp_path / "content/notes/chart.png"


def test_path_written_against_the_permalink_resolves_like_a_browser(tmp_path):
    rendered = render_note(
        tmp_path, "![x](../../../../assets/images/w/fig.png)",
        url="/what-i-read-this-week/02-02-2025/to/08-02-2025/",
        files={"assets/images/w/fig.png": png(960, 540)})
    image = rendered.soup.find("img")
    assert image["src"] == "/assets/images/w/fig.png"
    assert (image["width"], image["height"]) == ("960", "540")
    assert rendered.result.assets == ()  # assets/ is copied by the asset stage already


def test_site_root_is_the_last_place_looked(tmp_path):
    rendered = render_note(tmp_path, "![x](images/pic.gif)",
                           files={"images/pic.gif": gif(5, 6)})
    assert rendered.soup.find("img")["src"] == "/images/pic.gif"
    assert [a.path for a in rendered.result.assets] == ["images/pic.gif"]


def test_the_note_folder_wins_over_the_site_root(tmp_path):
    rendered = render_note(tmp_path, "![x](pic.png)", files={
        "content/notes/pic.png": png(1, 2), "pic.png": png(3, 4)})
    assert rendered.soup.find("img")["width"] == "1"


def test_written_src_carries_the_base_url_prefix(tmp_path):
    rendered = render_note(tmp_path, "![x](/assets/a.png) ![y](b.png)",
                           base_url="https://me.github.io/blog/",
                           files={"assets/a.png": png(2, 2), "content/notes/b.png": png(2, 2)})
    assert [i["src"] for i in rendered.soup.find_all("img")] == [
        "/blog/assets/a.png", "/blog/notes/n/b.png"]


def test_src_already_holding_the_prefix_is_not_prefixed_twice(tmp_path):
    rendered = render_note(tmp_path, '<img src="/blog/assets/a.png">',
                           base_url="https://me.github.io/blog/", files={"assets/a.png": png(2, 2)})
    assert rendered.soup.find("img")["src"] == "/blog/assets/a.png"


def test_missing_image_is_a_warning_with_file_and_line(tmp_path):
    rendered = render_note(tmp_path, "Intro.\n\n![gone](nowhere.png)", body_line=4)
    assert rendered.warnings == ["warning: content/notes/n.md:6: image not found: nowhere.png"]
    assert rendered.soup.find("img")["src"] == "nowhere.png"


def test_unreadable_image_warns_and_gets_no_size(tmp_path):
    rendered = render_note(tmp_path, "![big](big.png)", files={
        "content/notes/big.png": "version https://git-lfs.github.com/spec/v1\noid sha256:1\n"})
    image = rendered.soup.find("img")
    assert not image.has_attr("width") and not image.has_attr("height")
    assert image["src"] == "/notes/n/big.png"
    assert len(rendered.warnings) == 1
    assert "content/notes/n.md:1: image big.png: a Git LFS pointer" in rendered.warnings[0]


def test_remote_images_are_untouched(tmp_path):
    rendered = render_note(tmp_path, "![r](https://example.com/r.png)")
    image = rendered.soup.find("img")
    assert image["src"] == "https://example.com/r.png"
    assert not image.has_attr("width") and not rendered.warnings


def test_authors_width_alone_keeps_the_files_proportions(tmp_path):
    rendered = render_note(tmp_path, '<img src="w.png" width="300">',
                           files={"content/notes/w.png": png(1200, 630)})
    image = rendered.soup.find("img")
    assert (image["width"], image["height"]) == ("300", "158")


def test_paragraph_of_one_image_becomes_a_figure_with_title_caption(tmp_path):
    rendered = render_note(tmp_path, '![the alt](f.png "The *title*")',
                           files={"content/notes/f.png": png(8, 8)})
    figure = rendered.soup.find("figure")
    assert figure.find("img")["alt"] == "the alt"
    assert figure.find("figcaption").get_text() == "The *title*"
    assert not rendered.soup.find("p")


def test_figure_caption_falls_back_to_alt_text_with_its_markup(tmp_path):
    rendered = render_note(tmp_path, "![A **bold** chart](f.png)",
                           files={"content/notes/f.png": png(8, 8)})
    caption = rendered.soup.find("figure").find("figcaption")
    assert caption.get_text() == "A bold chart"
    assert caption.find("strong").get_text() == "bold"


def test_image_inside_a_sentence_stays_inline(tmp_path):
    rendered = render_note(tmp_path, "See ![f](f.png) here.",
                           files={"content/notes/f.png": png(8, 8)})
    assert not rendered.soup.find("figure")
    assert rendered.soup.find("p").find("img")


def test_image_alone_in_a_tight_list_item_is_a_figure(tmp_path):
    rendered = render_note(tmp_path, "- ![f](f.png)\n- text",
                           files={"content/notes/f.png": png(8, 8)})
    assert rendered.soup.find("li").find("figure").find("img")


def test_html_figure_blocks_keep_working_with_resolved_images(tmp_path):
    rendered = render_note(tmp_path, """
        - item

          <div style="text-align: center;">
            <img src="../../assets/fig.png"
                 alt="Fig &amp; more"
                 title="Fig" />
            <p style="font-size: small;">
              The caption
            </p>
          </div>
          - Next item with **bold**
        """, url="/notes/n/", files={"assets/fig.png": png(640, 480)})
    block = rendered.soup.find("div")
    image = block.find("img")
    assert image["src"] == "/assets/fig.png" and image["alt"] == "Fig & more"
    assert (image["width"], image["height"]) == ("640", "480")
    assert block.find("p").get_text(strip=True) == "The caption"
    # the block ends at </div>, as kramdown ends it: the next line is Markdown again
    assert rendered.soup.find("strong").get_text() == "bold"


def test_img_tags_in_inline_html_and_headings_are_resolved(tmp_path):
    rendered = render_note(
        tmp_path, "# <img src=\"/assets/i.svg\" alt=\"I\" style=\"width: 30px\"> Books",
        files={"assets/i.svg": SVG})
    heading = rendered.soup.find("h1")
    image = heading.find("img")
    assert (image["width"], image["height"]) == ("24", "12")
    assert image["style"] == "width: 30px"
    assert heading["id"] == "books"


def test_img_inside_html_comment_or_code_is_left_alone(tmp_path):
    rendered = render_note(tmp_path,
                           '<!-- <img src="gone.png"> -->\n\n<pre><img src="x.png"></pre>')
    assert not rendered.warnings


def test_image_outside_the_site_is_not_found(tmp_path):
    outside = tmp_path.parent / "secret.png"
    outside.write_bytes(png(1, 1))
    rendered = render_note(tmp_path, "![s](../../../secret.png)")
    assert rendered.warnings == [
        "warning: content/notes/n.md:1: image not found: ../../../secret.png"]


def test_images_are_copied_into_the_built_site(make_site, build_site):
    site = make_site({
        "content/notes/n.md": "---\ntitle: N\n---\n![chart](chart.png)\n",
        "content/notes/chart.png": png(12, 10),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    image = result.html("/notes/n/").find("img")
    assert (result.output / image["src"].lstrip("/")).read_bytes() == png(12, 10)


def test_missing_image_fails_a_strict_build(make_site, build_site):
    site = make_site({"content/notes/n.md": "---\ntitle: N\n---\n\n![x](gone.png)\n"})
    result = build_site(site, "--strict")
    assert result.exit_code != 0
    assert "content/notes/n.md:5: image not found: gone.png" in result.stderr
