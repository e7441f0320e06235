"""Collections written for other tools (tests/collections/<kind>/) build whole and read right.

Each fixture is a small collection of our own writing in one tool's habits. It is copied into
a fresh site's content/<kind>/ and built as a user would; then every note must have its page,
no tool syntax may show as text, and every local link and image on those pages must reach a
file of the output.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import TESTS, run_margin
from margin.load import frontmatter as front_matter

COLLECTIONS = TESTS / "collections"
# Kinds that leave no marker in the folder are declared, as a user would in site.toml.
DECLARED = {"typora": "typora", "pandoc": "pandoc"}
KINDS = ("jekyll", "hugo", "quartz", "obsidian", "typora", "pandoc")
# Syntax of the tools that must never reach a reader as text.
RAW_SYNTAX = ("{{<", "{{%", "{%", "[[", "]]", "{:", ":::", "](")
# What margin says when something a note names is not there: every fixture's targets exist.
MISSING = ("not found", "no note", "broken link", "ambiguous", "no post", "no front matter")
# The warnings a fixture must give: what its tool would draw from files that are not in it.
EXPECTED_WARNINGS = {
    "jekyll": ("unsupported Liquid tag left out: {% include newsletter.html %}",),
    "hugo": ("unsupported Hugo shortcode 'notice' (its inner text shown)",
             "unsupported Hugo shortcode 'unknown-widget' (left out)"),
}
LEAD_H1 = re.compile(r"\A\s*#\s+(.+?)\s*$", re.MULTILINE)


def build(kind: str, root: Path):
    site = root / "site"
    shutil.copytree(COLLECTIONS / kind, site / "content" / kind)
    declared = "".join(f'"{kind}" = "{value}"\n' for k, value in DECLARED.items() if k == kind)
    (site / "site.toml").write_text(f'title = "Fixture {kind}"\n'
                                    + (f"[collections]\n{declared}" if declared else ""),
                                    encoding="utf-8")
    code, _, err = run_margin("build", site, "--output", site / "_site")
    return code, err, site


@pytest.fixture(scope="module", params=KINDS)
def built(request, tmp_path_factory):
    kind = request.param
    code, err, site = build(kind, tmp_path_factory.mktemp(kind))
    return kind, code, err, site


def notes_of(kind: str) -> dict[str, str]:
    """Each note of the fixture that should be a page -> the title its page shows: `title:`,
    else a leading `# Heading`, else the file name as written. Listing pages a Jekyll theme
    fills in (front matter, empty body) are not notes."""
    expected = {}
    for path in sorted((COLLECTIONS / kind).rglob("*.md")):
        part = front_matter.split(path.read_text(encoding="utf-8"))
        if not part.body.strip():
            continue
        heading = LEAD_H1.match(part.body)
        title = front_matter.parse(part).get("title") or (
            heading.group(1) if heading else path.stem)
        expected[path.relative_to(COLLECTIONS / kind).as_posix()] = str(title)
    return expected


def pages(output: Path) -> dict[Path, BeautifulSoup]:
    return {path: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for path in output.rglob("*.html")}


def note_pages(output: Path) -> dict[Path, BeautifulSoup]:
    found = {path: soup for path, soup in pages(output).items() if soup.select_one(".note-body")}
    assert found, "no note pages were written"
    return found


def heading_words(element) -> str:
    return " ".join(element.get_text(" ").split()).removesuffix("#").strip()


def visible_text(body) -> str:
    body = BeautifulSoup(str(body), "html.parser")
    for hidden in body.find_all(["code", "pre", "math", "script"]):
        hidden.decompose()
    return body.get_text()


def target_file(output: Path, page: Path, reference: str) -> Path | None:
    """The output file a local href/src on PAGE names, or None for other sites and fragments."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    base = output if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    return target / "index.html" if target.is_dir() or path.endswith("/") else target


def test_the_collection_builds(built):
    _, code, err, _ = built
    assert code == 0, err


def test_nothing_that_exists_is_reported_missing(built):
    _, _, err, _ = built
    assert [line for line in err.splitlines() if any(m in line for m in MISSING)] == []


def test_the_warnings_name_what_the_tool_drew_from_elsewhere(built):
    kind, _, err, _ = built
    for expected in EXPECTED_WARNINGS.get(kind, ()):
        assert expected in err


def test_every_note_has_its_page(built):
    kind, _, _, site = built
    shown = Counter(heading_words(h1) for soup in pages(site / "_site").values()
                    for h1 in soup.find_all("h1"))
    wanted = Counter(notes_of(kind).values())
    missing = {title: n for title, n in wanted.items() if shown[title] < n}
    assert not missing, f"notes without a page: {missing}"


def test_no_tool_syntax_shows_as_text(built):
    site = built[3]
    for path, soup in note_pages(site / "_site").items():
        text = visible_text(soup.select_one(".note-body"))
        shown = [syntax for syntax in RAW_SYNTAX if syntax in text]
        assert not shown, f"{path.relative_to(site)} shows {shown}"


def test_every_link_and_image_reaches_a_file(built):
    output = built[3] / "_site"
    broken = []
    for path, soup in note_pages(output).items():
        body = soup.select_one(".note-body")
        references = [a["href"] for a in body.find_all("a", href=True)]
        references += [img["src"] for img in body.find_all("img", src=True)]
        for reference in references:
            target = target_file(output, path, reference)
            if target is not None and not target.is_file():
                broken.append(f"{path.relative_to(output)}: {reference}")
    assert not broken


def test_every_image_of_the_collection_is_shown(built):
    kind, _, _, site = built
    output = site / "_site"
    shown = set()
    for path, soup in note_pages(output).items():
        for image in soup.select_one(".note-body").find_all("img", src=True):
            target = target_file(output, path, image["src"])
            if target is not None and target.is_file():
                shown.add(target.read_bytes())
    images = {p.relative_to(COLLECTIONS / kind).as_posix(): p.read_bytes()
              for p in (COLLECTIONS / kind).rglob("*.png")}
    assert [name for name, data in images.items() if data not in shown] == []
