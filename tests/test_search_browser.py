"""Search in a real browser: the corpus is built (Pagefind included, in several shards as a
large site's index is) and served on 127.0.0.1; chromium types a word that only one corpus note
contains and must see that note first and alone, found across the merged shards.

Uses the `browser` fixture of conftest.py (Debian's chromium through Playwright; skipped when it
is missing unless MARGIN_REQUIRE_BROWSER=1)."""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CORPUS, run_margin
from margin.write import search
from margin.write.search import pagefind_binary

WORD = re.compile(r"[A-Za-z]{9,}")
RESULT_LINK = "li.search-result .search-result__title"  # links to its sections are apart
DONE = "document.getElementById('search-status').textContent.includes('match')"

pytestmark = pytest.mark.needs_shared(CORPUS)


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
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", 1)  # the corpus in several shards, as a big site
        code, _, err = run_margin("build", CORPUS, "--output", output)
    assert code == 0, err
    bundles = json.loads((output / "pagefind/shards.json").read_text())["bundles"]
    assert len(bundles) > 1, err
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
    box = page.locator("#search-input")
    box.wait_for(timeout=15000)
    box.fill(word)
    page.wait_for_function(DONE, timeout=15000)
    return results(page)


def results(page) -> list[tuple[str, str]]:
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
    pieces = [url for url in requests if re.search(r"/pagefind/\d+/(index|fragment)/", url)]
    assert pieces
    shards = {re.search(r"/pagefind/(\d+)/", url).group(1) for url in pieces}
    assert len(shards) > 1  # every shard was searched, the results merged
    context.close()


def test_the_header_box_reaches_the_search_page_with_the_words(browser, served):
    word, note = unique_word(served.output)
    page = browser.new_page()
    page.goto(f"{served.base}{note.url}")
    page.fill("header input[name=q]", word)
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.wait_for_function(DONE, timeout=15000)
    assert results(page)[0][1] == note.url
    assert page.locator("#search-input").input_value() == word
    page.close()


def test_results_narrow_by_section(browser, served):
    notes = corpus_notes(served.output)
    shared = sorted(frozenset.intersection(*(note.words for note in notes)), key=len)
    assert shared, "no word in every corpus note"
    section = notes[0].section
    wanted = sorted(note.url for note in notes if note.section == section)
    assert 0 < len(wanted) < len(notes), "the corpus has notes in more than one section"
    page = browser.new_page()
    everything = search_for(page, served.base, shared[-1])
    assert sorted(href for _, href in everything) == sorted(note.url for note in notes)
    page.locator("summary", has_text="Section").click()
    page.locator(".search-filter label", has_text=section).click()
    page.wait_for_function(
        "n => document.querySelectorAll('li.search-result').length === n",
        arg=len(wanted), timeout=15000)
    assert sorted(href for _, href in results(page)) == wanted
    assert page.locator(".search-filter label", has_text=section).locator("input").is_checked()
    page.close()


def test_a_rare_word_finds_only_its_note_though_other_shards_lack_it(browser, served):
    """A shard without the word would answer with its nearest prefix (Pagefind's typo fallback);
    the page must not show those notes while the word itself is found."""
    word, note = unique_word(served.output)
    page = browser.new_page()
    page.goto(f"{served.base}/search/?q={word}")
    page.wait_for_function(DONE, timeout=15000)
    assert results(page) == [(note.title, note.url)]
    assert page.locator("#search-status").inner_text().startswith("1 note matches")
    page.close()


def test_pages_load_without_a_missing_file_or_a_script_error(browser, served):
    """Home, a note, the search page with a query: every request answered (the browser's own
    favicon request included, which shows only as a console error), no script fails."""
    _, note = unique_word(served.output)
    context = browser.new_context()
    page = context.new_page()
    troubles: list[str] = []
    page.on("console", lambda message: message.type == "error" and troubles.append(message.text))
    page.on("pageerror", lambda error: troubles.append(str(error)))
    page.on("response", lambda answer: answer.status >= 400 and troubles.append(answer.url))
    page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
            and troubles.append(request.url))  # (not one cut short by leaving the page)
    for url in ("/", note.url, "/search/?q=notes"):
        page.goto(served.base + url, wait_until="load")
        page.wait_for_timeout(300)  # the favicon is asked for after the load event
        assert troubles == [], url
    context.close()


def test_pagefind_itself_loads_once_however_many_shards(browser, served):
    """Every shard is searched, but by one copy of Pagefind's script, worker and WebAssembly
    (the other shards merged into it): a shard costs the browser its entry and metadata only.
    The filter that tells shards apart is never drawn, and the counts drawn are the results'."""
    shards = json.loads((served.output / "pagefind/shards.json").read_text())["bundles"]
    notes = corpus_notes(served.output)
    shared = sorted(frozenset.intersection(*(note.words for note in notes)), key=len)
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda message: message.type in ("warning", "error")
            and warnings.append(message.text))
    found = search_for(page, served.base, shared[-1])
    assert len(found) == len(notes)

    def loaded(pattern: str) -> list[str]:
        return [url for url in requests if re.search(rf"/pagefind/\d+/{pattern}$", url)]
    assert len(loaded(r"pagefind\.js")) == 1
    assert len(loaded(r"pagefind-worker\.js")) == 1
    assert len(loaded(r"wasm\.[\w-]+\.pagefind")) == 1
    assert len({url.split("?")[0] for url in requests if "pagefind-entry.json" in url}) \
        == len(shards)
    page.locator("summary", has_text="Section").click()
    groups = page.locator(".search-filter summary").all_inner_texts()
    assert groups and not [name for name in groups if "shard" in name.lower()], groups
    counts = [int(text) for text in page.locator(
        ".search-filter[data-name=section] .search-filter__count").all_inner_texts()]
    assert sum(counts) == len(notes)  # each note in one section, counted once
    assert warnings == []
    context.close()
