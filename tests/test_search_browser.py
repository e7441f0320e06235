"""Search in a real browser: the corpus is built (Pagefind included) and served on 127.0.0.1;
chromium types a word that only one corpus note contains and must see that note first.

Uses the `browser` fixture of conftest.py (Debian's chromium through Playwright; skipped when it
is missing unless MARGIN_REQUIRE_BROWSER=1)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CORPUS, run_margin
from margin.write.search import pagefind_binary

WORD = re.compile(r"[A-Za-z]{9,}")
# A result's own link; links to a heading inside it (sub-results) are nested deeper.
RESULT_LINK = "li.pagefind-ui__result > div > .pagefind-ui__result-title > a"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


@dataclass(frozen=True)
class Served:
    base: str  # http://127.0.0.1:<port>
    output: Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the standard library's own parameter names
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed (pip install 'pagefind[bin]')")
    output = tmp_path_factory.mktemp("corpus-search") / "_site"
    code, _, err = run_margin("build", CORPUS, "--output", output)
    assert code == 0, err
    assert (output / "pagefind/pagefind-entry.json").is_file(), err
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", output)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class Note:
    url: str
    title: str
    section: str
    words: frozenset[str]  # of its visible body, lower-cased


def corpus_notes(output: Path) -> list[Note]:
    """Each corpus note as its built page shows it."""
    notes = []
    for page in sorted(output.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        body = soup.select_one("article.note .note-body")
        if body is None:
            continue
        url = "/" + page.parent.relative_to(output).as_posix() + "/"
        notes.append(Note(url, soup.select_one("h1.note-title").get_text(strip=True),
                          soup.select_one(".note-kicker").get_text(strip=True),
                          frozenset(w.lower() for w in WORD.findall(body.get_text(" ")))))
    return notes


def unique_word(output: Path) -> tuple[str, Note]:
    """A long word of one note's page whose stem only one corpus file contains, anywhere
    (Pagefind stems words: 'normalisation' also finds 'normalised', so the test looks for the
    word's first letters, not the whole word)."""
    sources = [path.read_text(encoding="utf-8").lower()
               for path in sorted((CORPUS / "content").rglob("*.md"))]
    for note in corpus_notes(output):
        for word in sorted(note.words, key=lambda w: (len(w) > 14, w)):  # prose before code
            stem = word[: max(6, len(word) - 4)]
            if sum(1 for text in sources if stem in text) == 1:
                return word, note
    pytest.fail("no word in the corpus belongs to exactly one note")


def search_for(page, base: str, word: str) -> list[tuple[str, str]]:
    """Type WORD on the search page; the results as (title, href)."""
    page.goto(f"{base}/search/")
    box = page.locator(".pagefind-ui__search-input")
    box.wait_for(timeout=15000)
    box.fill(word)
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    links = page.locator(RESULT_LINK)
    return [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href"))
            for i in range(links.count())]


def test_a_word_from_one_note_finds_that_note_first(browser, served):
    word, note = unique_word(served.output)
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    results = search_for(page, served.base, word)
    assert results, f"no result for {word!r}"
    assert results[0] == (note.title, note.url), (word, results)
    assert len(results) == 1, (word, results)
    # Nothing leaves the site, and the index came in pieces, not as one file.
    assert all(url.startswith(served.base + "/") for url in requests), requests
    pieces = [url for url in requests if "/pagefind/index/" in url or "/pagefind/fragment/" in url]
    assert pieces
    context.close()


def test_the_header_box_reaches_the_search_page_with_the_words(browser, served):
    word, note = unique_word(served.output)
    page = browser.new_page()
    page.goto(f"{served.base}{note.url}")
    page.fill("header input[name=q]", word)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    first = page.locator(RESULT_LINK).first
    assert first.get_attribute("href") == note.url
    assert page.locator(".pagefind-ui__search-input").input_value() == word
    page.close()


def test_results_narrow_by_section(browser, served):
    notes = corpus_notes(served.output)
    shared = sorted(frozenset.intersection(*(note.words for note in notes)), key=len)
    assert shared, "no word in every corpus note"
    section = notes[0].section
    wanted = sorted(note.url for note in notes if note.section == section)
    assert 0 < len(wanted) < len(notes), "the corpus has notes in more than one section"
    page = browser.new_page()
    search_for(page, served.base, shared[-1])
    # Results arrive one by one: wait for all of them before reading them.
    page.wait_for_function(
        "n => document.querySelectorAll('li.pagefind-ui__result').length === n",
        arg=len(notes), timeout=15000)
    links = page.locator(RESULT_LINK)
    everything = [(None, links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert sorted(href for _, href in everything) == sorted(note.url for note in notes)
    page.locator(".pagefind-ui__filter-name", has_text="Section").click()
    # Pagefind's UI may redraw the filter block as its filter counts arrive, folding it again;
    # the click goes to the label whether or not the block is open at that instant.
    label = page.locator(".pagefind-ui__filter-label", has_text=section)
    label.wait_for(state="attached", timeout=15000)
    label.dispatch_event("click")
    page.wait_for_function(
        "n => document.querySelectorAll('li.pagefind-ui__result').length === n",
        arg=len(wanted), timeout=15000)
    hrefs = page.locator(RESULT_LINK)
    assert sorted(hrefs.nth(i).get_attribute("href") for i in range(hrefs.count())) == wanted
    page.close()
