"""Jupyter notebooks under content/ are notes: their Markdown cells rendered as a note's body,
their code cells highlighted, their saved outputs shown (issue 18, part 4)."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import subprocess
import sys
import zlib

import pytest

from margin.config import load_config
from margin.serve.changes import Kind, kind_of
from margin.serve.session import Session
from test_serve_incremental import tree

HEADER_PNG = b"\x89PNG\r\n\x1a\n"


def png(width: int, height: int, shade: int = 128) -> bytes:
    """A real grey PNG of WIDTH x HEIGHT pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    return (HEADER_PNG + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def lines(text: str) -> list[str]:
    """A cell's source as Jupyter saves it: a list of lines, each with its newline."""
    return text.splitlines(keepends=True)


def markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": lines(text)}


def code(text: str, outputs: list | None = None, count: int | None = 1) -> dict:
    return {"cell_type": "code", "execution_count": count, "metadata": {},
            "outputs": outputs or [], "source": lines(text)}


def result(data: dict, count: int = 1, metadata: dict | None = None,
           kind: str = "execute_result") -> dict:
    output = {"output_type": kind, "data": data, "metadata": metadata or {}}
    if kind == "execute_result":
        output["execution_count"] = count
    return output


def notebook(*cells: dict, language: str | None = "python", **metadata) -> str:
    """A notebook file's text, laid out as Jupyter writes it (one key a line, keys sorted)."""
    if language:
        metadata.setdefault("kernelspec", {"name": language, "language": language,
                                           "display_name": language})
        metadata.setdefault("language_info", {"name": language})
    document = {"cells": [{"id": f"cell{n}", **cell} for n, cell in enumerate(cells)],
                "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def build(make_site, build_site, files: dict[str, str | bytes]):
    site = make_site({"site.toml": 'title = "Lab"\n', **files})
    return build_site(site)


def body(result, url: str):
    return result.html(url).select_one(".note-body")


# --- a notebook's note ------------------------------------------------------------------


def test_a_notebook_is_a_note_titled_by_its_first_heading_with_its_code_highlighted(
        make_site, build_site):
    built = build(make_site, build_site, {"content/lab/micrograd.ipynb": notebook(
        markdown("# Tiny autograd\n\nWe build a *scalar* engine with $x^2$."),
        code("def square(x):\n    return x * x", count=3),
        markdown("## Backward\n\nThe chain rule, cell by cell."),
    )})
    assert built.exit_code == 0, built.stderr
    page = built.html("lab/micrograd/")
    assert page.select_one("h1.note-title").text == "Tiny autograd"
    note = page.select_one(".note-body")
    assert not note.find("h1")  # the title heading is not shown twice
    assert note.find("em").text == "scalar" and note.find("math")
    cell = note.select_one(".nb-cell")
    assert cell.select_one(".nb-prompt").text == "In [3]:"
    block = cell.select_one(".highlight")
    assert block["data-lang"] == "python"
    assert block.select_one("span.k").text == "def"  # Pygments' keyword class
    assert "return x * x" in block.text
    # cells keep their order: first Markdown cell, the code, then the second Markdown cell
    order = [tag.name if tag.name != "div" else "cell"
             for tag in note.find_all(["p", "h2", "div"], recursive=False)]
    assert order[1:] == ["p", "cell", "h2", "p"]
    assert "<!--margin-notebook" not in built.path("lab/micrograd/").read_text()


def test_the_title_tags_and_date_come_from_the_notebook_metadata(make_site, build_site):
    built = build(make_site, build_site, {"content/lab/run.ipynb": notebook(
        markdown("# A heading that is not the title"), code("1"),
        title="Training run", tags=["ml", "optimisation"], date="2025-03-04")})
    page = built.html("lab/run/")
    assert page.select_one("h1.note-title").text == "Training run"
    assert [a.text for a in page.select(".note-header__tags a.tag")] == ["ml", "optimisation"]
    assert page.select_one("time")["datetime"].startswith("2025-03-04")
    assert page.select_one(".note-body h1").text.startswith("A heading that is not the title")


def test_a_first_raw_cell_of_front_matter_overrides_the_metadata_and_is_not_shown(
        make_site, build_site):
    raw = {"cell_type": "raw", "metadata": {},
           "source": lines('---\ntitle: "Quarto style"\ntags: [stats]\n---\n')}
    built = build(make_site, build_site, {"content/lab/q.ipynb": notebook(
        raw, markdown("Some text."), title="From metadata")})
    page = built.html("lab/q/")
    assert page.select_one("h1.note-title").text == "Quarto style"
    assert [a.text for a in page.select(".note-header__tags a.tag")] == ["stats"]
    assert "title:" not in page.select_one(".note-body").text


def test_a_notebook_without_title_or_heading_is_named_by_its_file_and_checkpoints_stay_out(
        make_site, build_site):
    built = build(make_site, build_site, {
        "content/lab/loss-curves.ipynb": notebook(code("print(1)")),
        "content/lab/.ipynb_checkpoints/loss-curves-checkpoint.ipynb": notebook(code("0")),
    })
    assert built.html("lab/loss-curves/").select_one("h1.note-title").text == "Loss curves"
    assert "1 note," in built.stdout + built.stderr


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"kernelspec": {"name": "ir", "language": "R", "display_name": "R"},
      "language_info": {"name": "R"}}, "r"),
    ({"kernelspec": {"name": "julia-1.9", "language": "julia", "display_name": "Julia"}},
     "julia"),
    ({}, None),
])
def test_code_cells_are_highlighted_in_the_notebooks_language(make_site, build_site,
                                                              metadata, expected):
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(
        code("x <- c(1, 2)"), language=None, **metadata)})
    block = body(built, "lab/x/").select_one(".nb-input .highlight")
    assert block.get("data-lang") == expected
    assert bool(block.select("pre code span")) is (expected is not None)


def test_a_cell_never_run_shows_an_empty_prompt_and_an_empty_cell_shows_nothing(
        make_site, build_site):
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(
        code("pending()", count=None), code("", count=None))})
    cells = body(built, "lab/x/").select(".nb-cell")
    assert [c.select_one(".nb-prompt").text for c in cells] == ["In [ ]:"]


def test_a_version_3_notebook_is_upgraded_and_shown(make_site, build_site):
    old = {"metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [
        {"metadata": {}, "cells": [
            {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Old lab"]},
            {"cell_type": "code", "input": ["print(2)"], "language": "python",
             "metadata": {}, "prompt_number": 4, "outputs": [
                 {"output_type": "stream", "stream": "stdout", "text": ["2\n"]}]}]}]}
    built = build(make_site, build_site, {"content/old.ipynb": json.dumps(old, indent=1)})
    assert built.exit_code == 0, built.stderr
    assert built.html("old/").select_one("h1.note-title").text == "Old lab"
    assert body(built, "old/").select_one(".nb-prompt").text == "In [4]:"
    assert body(built, "old/").select_one(".nb-stdout").text == "2\n"


# --- outputs ------------------------------------------------------------------------------


def test_printed_text_keeps_its_colours_as_classes_and_progress_bars_their_last_state(
        make_site, build_site):
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(code("run()", [
        {"output_type": "stream", "name": "stdout", "text": ["plain \x1b[31mred\x1b[0m\n"]},
        {"output_type": "stream", "name": "stdout", "text": ["10%\r50%\r100% <done>\n"]},
        {"output_type": "stream", "name": "stderr", "text": ["\x1b[1;33mcareful\x1b[0m\n"]},
    ]))})
    note = body(built, "lab/x/")
    stdout, stderr = note.select(".nb-stdout"), note.select(".nb-stderr")
    assert len(stdout) == 1  # consecutive prints to one stream are one block
    assert stdout[0].text == "plain red\n100% <done>\n"
    assert stdout[0].select_one("span.ansi-red").text == "red"
    assert stderr[0].select_one("span").get("class") == ["ansi-yellow", "ansi-bold"]
    assert "\x1b" not in built.path("lab/x/").read_text()


def test_an_error_shows_its_traceback_without_colour_codes(make_site, build_site):
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(code("1/0", [
        {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
         "traceback": ["\x1b[0;31m----> 1\x1b[0m 1/0", "\x1b[0;31mZeroDivisionError\x1b[0m: "
                       "division by zero"]},
        {"output_type": "error", "ename": "KeyError", "evalue": "'k'", "traceback": []},
    ]))})
    errors = body(built, "lab/x/").select(".nb-error")
    assert errors[0].text == "----> 1 1/0\nZeroDivisionError: division by zero"
    assert errors[1].text == "KeyError: 'k'"


def test_a_png_output_is_written_beside_the_page_under_its_digest_with_its_true_size(
        make_site, build_site):
    picture = png(30, 20)
    built = build(make_site, build_site, {"content/lab/plot.ipynb": notebook(code("plot()", [
        result({"image/png": base64.b64encode(picture).decode(),
                "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, kind="display_data"),
    ]))})
    assert built.exit_code == 0, built.stderr
    image = body(built, "lab/plot/").select_one(".nb-result img")
    name = f"output-{hashlib.blake2b(picture, digest_size=8).hexdigest()}.png"
    assert image["src"] == f"/lab/plot/{name}"
    assert (image["width"], image["height"]) == ("30", "20")
    assert (built.output / "lab/plot" / name).read_bytes() == picture


def test_jpeg_and_svg_outputs_are_files_and_an_asked_width_keeps_the_proportions(
        make_site, build_site):
    jpeg = (b"\xff\xd8\xff\xc0\x00\x11\x08" + struct.pack(">HH", 12, 40)
            + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect/></svg>'
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(code("show()", [
        result({"image/jpeg": base64.b64encode(jpeg).decode()}, kind="display_data"),
        result({"image/svg+xml": lines(svg)}, kind="display_data"),
        result({"image/png": base64.b64encode(png(40, 20)).decode()}, kind="display_data",
               metadata={"image/png": {"width": 20}}),
    ]))})
    images = body(built, "lab/x/").select("img")
    assert [(i["src"].rsplit(".", 1)[1], i["width"], i["height"]) for i in images] == [
        ("jpg", "40", "12"), ("svg", "64", "32"), ("png", "20", "10")]
    for image in images:
        assert (built.output / image["src"].lstrip("/")).is_file()


def test_an_html_table_output_is_kept_and_everything_that_runs_is_removed(make_site,
                                                                           build_site):
    table = ('<style scoped>.dataframe td {color: red}</style>'
             '<table class="dataframe" border="1"><thead><tr><th>loss</th></tr></thead>'
             '<tbody><tr><td onclick="steal()" style="x">0.25</td></tr></tbody></table>'
             '<script>alert(1)</script><a href="javascript:alert(2)">run</a>'
             '<a href="https://example.org/">ok</a><img src=x onerror="alert(3)"><div>open')
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(code("df", [
        result({"text/html": lines(table), "text/plain": ["   loss\n0  0.25"]}),
    ]))})
    shown = body(built, "lab/x/").select_one(".nb-html")
    assert shown.select_one("table.dataframe td").text == "0.25"
    assert not shown.find(["script", "style"])
    assert "alert" not in str(shown) and "steal" not in str(shown)
    assert [a.get("href") for a in shown.find_all("a")] == [None, "https://example.org/"]
    assert all(not name.startswith("on") and name != "style"
               for tag in shown.find_all(True) for name in tag.attrs)
    assert body(built, "lab/x/").select_one(".nb-result .nb-prompt").text == "Out[1]:"


def test_images_pasted_into_markdown_cells_are_written_as_files_per_cell(make_site,
                                                                       build_site):
    first, second = png(6, 3, 10), png(5, 5, 200)
    cells = [markdown("![sketch](attachment:image.png)"),
             markdown("![other](attachment:image.png)")]
    for cell, picture in zip(cells, (first, second), strict=True):
        cell["attachments"] = {"image.png": {"image/png": base64.b64encode(picture).decode()}}
    built = build(make_site, build_site, {"content/lab/x.ipynb": notebook(*cells)})
    assert built.exit_code == 0, built.stderr
    images = body(built, "lab/x/").find_all("img")
    assert [(i["alt"], i["width"], i["height"]) for i in images] == [
        ("sketch", "6", "3"), ("other", "5", "5")]
    assert [(built.output / i["src"].lstrip("/")).read_bytes() for i in images] == [
        first, second]


def test_latex_markdown_and_plain_text_outputs(make_site, build_site):
    built = build(make_site, build_site, {
        "content/lab/x.ipynb": notebook(code("show()", [
            result({"text/latex": ["$\\displaystyle \\frac{a}{b}$"], "text/plain": ["a/b"]}),
            result({"text/markdown": ["**Bold** and a [note](../notes/other.md)"],
                    "text/plain": ["md"]}, kind="display_data"),
            result({"text/plain": ["array([1, 2])"], "application/json": {"a": 1}}),
        ])),
        "content/notes/other.md": "---\ntitle: Other\n---\nText.\n",
    })
    assert built.exit_code == 0, built.stderr
    results = body(built, "lab/x/").select(".nb-result")
    assert results[0].select_one(".nb-math math mfrac")
    assert results[1].select_one(".nb-markdown strong").text == "Bold"
    assert results[1].select_one(".nb-markdown a")["href"] == "/notes/other/"
    assert results[2].select_one("pre.nb-text").text == "array([1, 2])"


# --- the page, links and URLs -----------------------------------------------------------


def test_the_page_offers_the_notebook_for_download(make_site, build_site):
    text = notebook(markdown("# Lab"), code("1"))
    built = build(make_site, build_site, {"content/lab/run.ipynb": text})
    link = body(built, "lab/run/").select_one(".nb-download a")
    assert link.text == "Download notebook" and link["href"] == "/lab/run/run.ipynb"
    assert (built.output / "lab/run/run.ipynb").read_text() == text


def test_a_link_to_a_notebook_goes_to_its_page_and_to_a_missing_one_warns(make_site,
                                                                         build_site):
    built = build(make_site, build_site, {
        "content/notes/study.md": "---\ntitle: Study\n---\nSee [micrograd](micrograd.ipynb) "
                                  "and [lost](lost.ipynb).\n",
        "content/notes/micrograd.ipynb": notebook(markdown("# Micrograd"), code("1")),
    })
    links = body(built, "notes/study/").find_all("a")
    assert [a["href"] for a in links] == ["/notes/micrograd/"]
    assert built.lines[0] == "warning: content/notes/study.md:4: link target not found: " \
                             "lost.ipynb"
    backlinks = built.html("notes/micrograd/").select(".backlinks a")
    assert "/notes/study/" in [a["href"] for a in backlinks]


def test_a_notebook_in_another_folder_is_found_by_its_name_as_obsidian_does(make_site,
                                                                           build_site):
    built = build(make_site, build_site, {
        "content/notes/study.md": "See [the code](micrograd.ipynb) and [[grad.ipynb]].\n",
        "content/notes/micrograd.md": "---\ntitle: About it\n---\nText.\n",
        "content/lab/micrograd.ipynb": notebook(markdown("# Micrograd")),
        "content/lab/grad.ipynb": notebook(markdown("# Grad")),
    })
    assert built.exit_code == 0, built.stderr
    assert [a["href"] for a in body(built, "notes/study/").find_all("a")] == [
        "/lab/micrograd/", "/lab/grad/"]
    assert built.lines == []
    backlinks = built.html("lab/micrograd/").select(".backlinks a")
    assert "/notes/study/" in [a["href"] for a in backlinks]


def test_a_notebook_beside_a_note_of_the_same_name_gives_way_with_a_warning(make_site,
                                                                           build_site):
    built = build(make_site, build_site, {
        "content/notes/micrograd.md": "---\ntitle: About micrograd\n---\nText.\n",
        "content/notes/micrograd.ipynb": notebook(markdown("# Micrograd, the code")),
    })
    assert built.html("notes/micrograd/").select_one("h1.note-title").text == \
        "About micrograd"
    assert built.html("notes/micrograd-2/").select_one("h1.note-title").text == \
        "Micrograd, the code"
    assert built.lines[0] == (
        "warning: content/notes/micrograd.ipynb: /notes/micrograd/ is also the URL of "
        "content/notes/micrograd.md; this note is at /notes/micrograd-2/ "
        "(give it a `permalink:` to choose its own)")


def test_a_broken_link_in_a_markdown_cell_is_reported_at_its_line_in_the_file(make_site,
                                                                             build_site):
    text = notebook(markdown("# Lab"), code("1"), markdown("Intro.\n\nSee [[nowhere]]."))
    built = build(make_site, build_site, {"content/lab/x.ipynb": text})
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "[[nowhere]]" in row)
    assert f"warning: content/lab/x.ipynb:{line}: wikilink [[nowhere]]: no note is called " \
           "that" in built.lines


# --- malformed notebooks ------------------------------------------------------------------


def test_each_malformed_notebook_is_one_error_with_its_file_and_the_rest_is_checked(
        make_site, build_site):
    built = build(make_site, build_site, {
        "content/a-json.ipynb": '{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n',
        "content/b-version.ipynb": '{\n "nbformat": 5, "nbformat_minor": 0\n}\n',
        "content/c-schema.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5,
                                              "metadata": {}, "cells": [
                                                  {"cell_type": "markdown", "metadata": {},
                                                   "source": "1"},
                                                  {"cell_type": "code", "source": "1"}]},
                                             indent=1),
        "content/d-list.ipynb": "[1, 2]",
        "content/good.md": "See [[nowhere]].\n",
    })
    assert built.exit_code == 1
    assert "Traceback" not in built.stderr
    assert built.lines[:5] == [
        "error: content/a-json.ipynb:3: not valid JSON: Expecting property name enclosed in "
        "double quotes (column 24)",
        "error: content/b-version.ipynb:2: nbformat version 5 is not supported (margin "
        "reads version 4, and 3 which it upgrades)",
        "error: content/c-schema.ipynb:12: not a valid notebook: 'metadata' is a required "
        "property (at cells/1)",
        "error: content/d-list.ipynb:1: not a Jupyter notebook (no 'nbformat' version "
        "number)",
        "warning: content/good.md:1: wikilink [[nowhere]]: no note is called that",
    ]


def test_a_notebook_over_the_size_limit_is_skipped_with_a_warning(make_site, build_site):
    big = notebook(code("x", [{"output_type": "stream", "name": "stdout",
                               "text": ["y" * 1100 * 1024]}]))
    site = make_site({"site.toml": "max_note_mb = 1\n", "content/big.ipynb": big,
                      "content/small.md": "Small."})
    built = build_site(site)
    assert built.exit_code == 0
    assert built.lines[0] == "warning: content/big.ipynb: larger than 1 MB (max_note_mb in " \
                             "site.toml); skipped"


# --- rebuilds -----------------------------------------------------------------------------


def test_an_edited_notebook_is_rebuilt_by_an_incremental_build(make_site, build_site,
                                                               tmp_path):
    site = make_site({"site.toml": 'title = "Lab"\n', "content/lab/x.ipynb": notebook(
        markdown("# Lab"), code("print(1)", [
            {"output_type": "stream", "name": "stdout", "text": ["first\n"]}]))})
    assert build_site(site).exit_code == 0
    path = site / "content/lab/x.ipynb"
    path.write_text(path.read_text().replace("first", "second"))
    again = build_site(site)
    assert body(again, "lab/x/").select_one(".nb-stdout").text == "second\n"
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert again.path("lab/x/").read_bytes() == fresh.path("lab/x/").read_bytes()


def test_the_live_server_takes_a_saved_notebook_as_a_note_and_shows_the_edit(
        make_site, build_site, tmp_path):
    picture = base64.b64encode(png(4, 4)).decode()
    site = make_site({"site.toml": 'title = "Lab"\n', "content/lab/x.ipynb": notebook(
        markdown("# Lab"), code("plot()", [result({"image/png": picture})]))})
    config, problems = load_config(site)
    assert not problems
    session = Session(config, verify=True)
    assert not session.build_all().errors
    assert kind_of(site / "content/lab/x.ipynb", config) is Kind.NOTE
    path = site / "content/lab/x.ipynb"
    path.write_text(path.read_text().replace(picture,
                                             base64.b64encode(png(8, 4)).decode()))
    outcome = session.rebuild([path])
    assert "lab/x/index.html" in outcome.written
    page = (config.output_dir / "lab/x/index.html").read_text()
    assert 'width="8" height="4"' in page
    images = list((config.output_dir / "lab/x").glob("output-*.png"))
    assert len(images) == 1 and images[0].read_bytes() == png(8, 4)
    full = build_site(site, "--no-cache", output=tmp_path / "full")
    assert full.exit_code == 0, full.stderr
    assert tree(config.output_dir) == tree(full.output)


def test_a_site_without_notebooks_never_imports_nbformat(make_site):
    site = make_site({"content/a.md": "A note."})
    check = ("import sys; from margin.cli import main; "
             f"main(['build', {str(site)!r}, '-q']); "
             "print('nbformat' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.strip().splitlines()[-1] == "False"

