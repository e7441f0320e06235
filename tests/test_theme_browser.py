"""The theme's reader conveniences in a real browser (Debian's chromium through Playwright; see
the `browser` fixture in conftest.py): the colour scheme toggle and its memory, code copy
buttons, the table of contents' "you are here", links that look like links, the search page's
header box and dates, and what still works with JavaScript off."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from margin.write.search import pagefind_binary
from static_server import QuietHandler, built_and_served

LIGHT_BG = "rgb(251, 250, 247)"  # --bg of margin.css
DARK_BG = "rgb(22, 24, 28)"  # --bg of dark.css
CODE = 'def greet(name):\n    return f"hello {name}"'
LONG = "\n\n".join(["A paragraph that takes up room on the page. " * 12] * 4)

LONG_READ = f"""---
title: A long read
tags: [reading]
---
Opening words, then [the short note](../notes/short.md).

```python
{CODE}
```

```
plain text block
second line
```

## First section

{LONG}

## Second section

{LONG}

## Third section

{LONG}
"""
SITE = {
    "site.toml": 'title = "Browser theme"\n',
    "content/posts/2025-03-04-long-read.md": LONG_READ,
    "content/notes/short.md": """---
title: A short note
tags: [reading]
---
Mentions [the long read](../posts/2025-03-04-long-read.md) and the word zanzibar.
""",
}
NOTE = "/2025/03/04/long-read/"


class _SlowHandler(QuietHandler):
    delay: ClassVar[dict[str, float]] = {}  # path suffix -> seconds to wait before answering

    def do_GET(self):
        for suffix, seconds in self.delay.items():
            if self.path.endswith(suffix):
                time.sleep(seconds)
        super().do_GET()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("theme-browser") / "site"
    with built_and_served(root, SITE, _SlowHandler) as url:
        yield url


def open_page(browser, scheme: str = "light", **options):
    context = browser.new_context(color_scheme=scheme, **options)
    return context, context.new_page()


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_the_toggle_cycles_the_scheme_and_every_page_remembers_it(browser, served):
    context, page = open_page(browser, "light")
    try:
        page.goto(served + NOTE)
        toggle = page.locator("button.scheme-toggle")
        assert toggle.is_visible() and toggle.inner_text().strip() == "Auto"
        assert background(page) == LIGHT_BG
        toggle.click()  # system -> light
        assert toggle.inner_text().strip() == "Light" and background(page) == LIGHT_BG
        toggle.click()  # light -> dark
        assert toggle.inner_text().strip() == "Dark" and background(page) == DARK_BG
        assert page.evaluate("localStorage.getItem('margin-scheme')") == "dark"
        page.goto(served + "/notes/short/")
        assert background(page) == DARK_BG
        assert page.locator("button.scheme-toggle").inner_text().strip() == "Dark"
        page.locator("button.scheme-toggle").click()  # dark -> system (light here)
        assert background(page) == LIGHT_BG
        assert page.evaluate("localStorage.getItem('margin-scheme')") is None
    finally:
        context.close()


def test_a_light_choice_holds_on_a_dark_system(browser, served):
    context, page = open_page(browser, "dark")
    try:
        page.goto(served + NOTE)
        assert background(page) == DARK_BG  # the system's scheme, until the reader chooses
        page.evaluate("localStorage.setItem('margin-scheme', 'light')")
        page.reload()
        assert background(page) == LIGHT_BG
    finally:
        context.close()


def test_a_remembered_dark_choice_is_there_at_the_first_paint(browser, served):
    """dark.css is held back for a second: the page must not paint before it arrives, light."""
    context, page = open_page(browser, "light")
    context.add_init_script("localStorage.setItem('margin-scheme', 'dark')")
    _SlowHandler.delay = {"/dark.css": 1.0}
    try:
        page.goto(served + NOTE)
        painted = page.evaluate("""() => new Promise(resolve => new PerformanceObserver(
            list => list.getEntries().forEach(e => resolve(e.startTime))
          ).observe({type: 'paint', buffered: true}))""")
        sheet_loaded = page.evaluate("""() => performance.getEntriesByType('resource')
            .find(e => e.name.endsWith('/dark.css')).responseEnd""")
        assert painted >= sheet_loaded > 900
        assert background(page) == DARK_BG
    finally:
        _SlowHandler.delay = {}
        context.close()


def test_without_javascript_the_system_scheme_rules_and_no_dead_buttons_show(browser, served):
    context, page = open_page(browser, "dark", java_script_enabled=False)
    try:
        page.goto(served + NOTE)
        assert background(page) == DARK_BG
        assert not page.locator("button.scheme-toggle").is_visible()
        assert page.locator("button.code-copy").count() == 0
        assert page.locator("form.site-search input[name=q]").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("block", [0, 1], ids=["highlighted", "plain"])
def test_a_code_block_copies_its_code_with_one_click(browser, served, block):
    context, page = open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(served + NOTE)
        code = page.locator(".note-body pre").nth(block)
        code.hover()
        button = page.locator("button.code-copy").nth(block)
        assert button.is_visible()
        button.click()
        expected = CODE if block == 0 else "plain text block\nsecond line"
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert button.inner_text() == "Copied"
    finally:
        context.close()


def test_the_table_of_contents_marks_the_section_in_view(browser, served):
    context, page = open_page(browser, viewport={"width": 1400, "height": 700})
    try:
        page.goto(served + NOTE)

        def marked() -> list[str]:
            return page.eval_on_selector_all(
                ".toc a[aria-current]", "links => links.map(a => a.textContent.trim())")

        assert marked() == ["First section"]
        page.evaluate("document.getElementById('third-section').scrollIntoView()")
        page.wait_for_function("document.querySelector('.toc a[href=\"#third-section\"]')"
                               ".hasAttribute('aria-current')")
        assert marked() == ["Third section"]
    finally:
        context.close()


def test_backlinks_and_related_notes_look_like_the_links_in_the_text(browser, served):
    context, page = open_page(browser)
    try:
        page.goto(served + "/notes/short/")
        style = "a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]"
        in_text = page.eval_on_selector(".note-body a", style)
        assert in_text[1] == "underline"
        for part in (".backlinks a", ".related a"):
            assert page.eval_on_selector(part, style) == in_text, part
    finally:
        context.close()


@pytest.mark.skipif(pagefind_binary() is None, reason="Pagefind is not installed")
def test_the_search_page_keeps_the_header_box_and_writes_dates_as_the_site_does(
        browser, served):
    context, page = open_page(browser)
    try:
        page.goto(served + "/search/?q=long")
        page.wait_for_selector(".search-result__date time")
        assert page.locator("header form.site-search input[name=q]").is_visible()
        date = page.locator(".search-result__date time").first
        assert date.inner_text() == "4 Mar 2025"
        assert date.get_attribute("datetime") == "2025-03-04"
        page.fill("#site-search-q", "zanzibar")
        page.press("#site-search-q", "Enter")
        page.wait_for_selector(".search-result__title")
        assert page.locator(".search-result__title").first.inner_text() == "A short note"
    finally:
        context.close()
