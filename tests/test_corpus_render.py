"""The acceptance test for rendering: the user's own notes (../shared/corpus) come out whole.

Math is MathML everywhere, no delimiter or template brace is left in what a reader sees, and
every image of the weekly posts is in the output with its file's true size.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CORPUS, BuildResult, run_margin

pytestmark = pytest.mark.needs_shared(CORPUS)

WEEKLY = {
    "/what-i-read-this-week/02-02-2025/to/08-02-2025/": "posts/2025-02-08-what-i-read-this-week.md",
    "/what-i-read-this-week/16-02-2025/to/22-02-2025/": "posts/2025-02-22-what-i-read-this-week.md",
}
STUDY_NOTES = "/notes/llm-study-notes/"
# The one warning left, and why: the notes link a Jupyter notebook that is not in the corpus.
# The study notes link a notebook that is not part of the notes: it is shown as text, and said.
JUSTIFIED = ["content/notes/llm-study-notes.md:116: link target not found: micrograd.ipynb"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> BuildResult:
    output = tmp_path_factory.mktemp("corpus-render") / "out"
    code, out, err = run_margin("build", CORPUS, "--output", output)
    return BuildResult(code, out, err, output)


def visible_text(soup: BeautifulSoup) -> str:
    """What a reader sees as prose: no code, math, scripts or styles."""
    soup = BeautifulSoup(str(soup), "html.parser")
    for hidden in soup.find_all(["code", "pre", "math", "script", "style"]):
        hidden.decompose()
    return soup.get_text(" ")


def true_size(path: Path) -> tuple[int, int]:
    """Read the size independently of margin: PNG's IHDR, or an SVG's viewBox."""
    data = path.read_bytes()
    if data.startswith(b"\x89PNG"):
        return struct.unpack(">II", data[16:24])
    box = re.search(rb'viewBox="([^"]+)"', data).group(1).split()
    return round(float(box[2])), round(float(box[3]))


def test_build_prints_no_warnings_but_the_justified_ones(corpus):
    assert corpus.exit_code == 0, corpus.stderr
    warnings = [line.removeprefix("warning: ") for line in corpus.lines
                if line.startswith(("warning:", "error:"))]
    assert warnings == JUSTIFIED


def test_every_expression_in_the_study_notes_is_mathml(corpus):
    page = corpus.html(STUDY_NOTES)
    body = page.select_one(".note-body")
    assert not body.select(".math-error")
    annotations = [a.get_text() for a in body.find_all("annotation")]
    assert len(annotations) == len(body.find_all("math")) > 20
    assert any(tex.startswith("softmax(") for tex in annotations)  # the inline $$...$$
    assert "\\begin" not in visible_text(body)
    # any expression left behind would leave its dollars in the text; only prices may remain
    dollars = re.findall(r"\$\S*", visible_text(body))
    assert all(re.fullmatch(r"\$\d[\w.,]*", d) for d in dollars), dollars
    assert "$2m" in visible_text(body) and "$20" in visible_text(body)


def test_display_equations_on_their_own_lines_are_block_math(corpus):
    body = corpus.html(STUDY_NOTES).select_one(".note-body")
    shown = {m.find("annotation").get_text().strip(): m.get("display") for m in body("math")}
    assert shown["softmax({QK^T}/{\\sqrt(d_k)})V"] == "block"
    assert shown["H(P)"] is None


def test_no_page_shows_raw_delimiters_or_template_braces(corpus):
    pages = sorted(corpus.output.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = visible_text(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
        for raw in ("$$", "\\(", "\\[", "{{", "{%"):
            assert raw not in text, f"{raw} in {page.relative_to(corpus.output)}"


@pytest.mark.parametrize("url", list(WEEKLY))
def test_every_image_of_the_weekly_posts_is_in_the_output_with_its_true_size(corpus, url):
    source = (CORPUS / "content" / WEEKLY[url]).read_text(encoding="utf-8")
    images = corpus.html(url).select_one(".note-body").find_all("img")
    assert len(images) == source.count("<img")
    for image in images:
        file = corpus.output / image["src"].lstrip("/")
        assert file.is_file(), image["src"]
        assert (int(image["width"]), int(image["height"])) == true_size(file)
        assert image["loading"] == "lazy" and image["decoding"] == "async"


def test_twelve_figures_and_six_section_icons(corpus):
    images = [img for url in WEEKLY for img in corpus.html(url).select(".note-body img")]
    icons = [img for img in images if "/icons/" in img["src"]]
    assert (len(images) - len(icons), len(icons)) == (12, 6)
    assert all(icon.find_parent(["h1", "h2"]) for icon in icons)


def test_html_figure_captions_survive_and_markdown_after_them_renders(corpus):
    body = corpus.html("/what-i-read-this-week/02-02-2025/to/08-02-2025/").select_one(".note-body")
    captions = [p.get_text(" ", strip=True) for p in body.select("div > p")]
    assert "DeepSeek's training pipeline" in captions
    multilingual = next(li for li in body.find_all("li")
                        if li.get_text().startswith("Multilingual models"))
    assert multilingual.find("strong").get_text() == "Language Translation Modeling (LTM)"


def test_empty_links_in_headings_are_plain_text(corpus):
    body = corpus.html("/what-i-read-this-week/16-02-2025/to/22-02-2025/").select_one(".note-body")
    heading = next(h for h in body.find_all("h3") if "Interesting prompt ideas" in h.get_text())
    assert [a["href"] for a in heading.find_all("a") if "header-anchor" not in a.get("class", [])
            ] == ["https://platform.openai.com/docs/guides/prompt-engineering",
                  "https://aiablog.medium.com/prompt-engineering-for-unbeatable-ai-agents-df4a1abf4bd8"]


def test_code_blocks_in_the_study_notes_are_code(corpus):
    body = corpus.html(STUDY_NOTES).select_one(".note-body")
    blocks = body.select("div.highlight pre code")
    assert any("AutoModelForSequenceClassification" in b.get_text() for b in blocks)
    assert any("<!-- https://huggingface.co" in b.get_text() for b in blocks)
