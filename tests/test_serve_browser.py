"""`margin serve` end to end in a real browser: Debian's chromium, driven by Playwright.

The test edits files on disk and never reloads the page itself: what the page shows must come
from the server's rebuild and the reload it pushes. Skipped without chromium, unless
MARGIN_REQUIRE_BROWSER=1 (see the `browser` fixture in conftest.py).
"""

from __future__ import annotations

import io
import time

import pytest

from margin.config import load_config
from margin.serve import Preview

SHOWN_WITHIN_MS = 2000

SITE = {
    "site.toml": 'title = "Live notes"\n',
    "content/notes/attention.md": """\
        ---
        title: Attention
        tags: [reading]
        ---
        Queries meet keys.
        """,
    "content/posts/2025-01-01-week-one.md": """\
        ---
        title: Week one
        tags: [reading]
        ---
        The first week.
        """,
}


@pytest.fixture
def live_site(make_site):
    site = make_site(SITE)
    config, problems = load_config(site)
    assert not problems
    preview = Preview(config, port=0, out=io.StringIO())
    url = preview.start()
    preview.ready.wait()  # saves come after the session took the site over
    yield site, url
    preview.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def open_live(page, url: str) -> None:
    """Open URL and wait until its event stream is connected."""
    page.goto(url)
    page.wait_for_selector("html[data-margin-live]", timeout=5000)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_saved_edit_shows_in_the_open_page_within_two_seconds(live_site, page):
    site, url = live_site
    open_live(page, url + "notes/attention/")
    assert "Queries meet keys." in page.inner_text(".note-body")
    started = time.monotonic()
    edit(site / "content/notes/attention.md", "Queries meet keys.", "Keys answer queries.")
    page.get_by_text("Keys answer queries.").wait_for(timeout=SHOWN_WITHIN_MS)
    assert (time.monotonic() - started) * 1000 < SHOWN_WITHIN_MS
    assert "Queries meet keys." not in page.inner_text(".note-body")


def test_a_broken_front_matter_shows_the_overlay_and_fixing_it_clears_it(live_site, page):
    site, url = live_site
    note = site / "content/notes/attention.md"
    open_live(page, url + "notes/attention/")
    edit(note, "title: Attention", "title: [Attention")
    overlay = page.locator("#margin-error-overlay")
    overlay.wait_for(state="visible", timeout=SHOWN_WITHIN_MS)
    assert "content/notes/attention.md:" in overlay.inner_text()
    assert "front matter" in overlay.inner_text()
    assert page.inner_text("h1.note-title") == "Attention"  # the last good page stays up
    edit(note, "title: [Attention", "title: Attention, fixed")
    overlay.wait_for(state="detached", timeout=SHOWN_WITHIN_MS)
    page.locator("h1.note-title", has_text="Attention, fixed").wait_for(timeout=SHOWN_WITHIN_MS)


def test_an_error_shows_on_every_open_page_not_only_the_broken_one(live_site, page, browser):
    site, url = live_site
    open_live(page, url)  # the home page
    edit(site / "content/posts/2025-01-01-week-one.md", "title: Week one", "title: 'Week")
    page.locator("#margin-error-overlay").wait_for(state="visible", timeout=SHOWN_WITHIN_MS)
    assert "2025-01-01-week-one.md" in page.inner_text("#margin-error-overlay")


def test_deleting_a_note_removes_its_page_and_its_links_from_list_pages(live_site, page):
    site, url = live_site
    open_live(page, url + "tags/reading/")
    to_attention = page.locator('main a[href="/notes/attention/"]')
    to_week = page.locator('main a[href="/2025/01/01/week-one/"]')
    assert to_attention.count() >= 1 and to_week.count() >= 1
    (site / "content/notes/attention.md").unlink()
    to_attention.first.wait_for(state="detached", timeout=SHOWN_WITHIN_MS)
    # The reload may still be drawing the new page: the other note's link comes back with it.
    to_week.first.wait_for(state="attached", timeout=SHOWN_WITHIN_MS)
    assert page.locator('main a[href="/notes/attention/"]').count() == 0
    response = page.request.get(url + "notes/attention/")
    assert response.status == 404


def test_a_new_note_appears_on_the_list_page(live_site, page):
    site, url = live_site
    open_live(page, url + "tags/reading/")
    (site / "content/notes/scaling.md").write_text(
        "---\ntitle: Scaling laws\ntags: [reading]\n---\nMore data.\n", encoding="utf-8")
    page.locator('main a[href="/notes/scaling/"]', has_text="Scaling laws").wait_for(
        timeout=SHOWN_WITHIN_MS)


def test_eight_tabs_all_load_and_hear_a_save_even_when_the_listening_tab_closes(live_site,
                                                                                  browser):
    """A browser opens at most six connections to one server: a stream per tab would leave the
    seventh tab nothing to load with."""
    site, url = live_site
    context = browser.new_context()
    try:
        tabs = []
        for number in range(8):
            tab = context.new_page()
            open_live(tab, url + ("notes/attention/" if number % 2 else "2025/01/01/week-one/"))
            tab.evaluate("window.notReloaded = true")
            tabs.append(tab)
        tabs.pop(0).close()  # the tab that listens for all: another takes over
        edit(site / "content/notes/attention.md", "Queries meet keys.", "Keys answer queries.")
        for tab in tabs[::2]:  # on the edited note
            tab.get_by_text("Keys answer queries.").wait_for(timeout=SHOWN_WITHIN_MS)
        for tab in tabs[1::2]:  # on a page the edit did not change
            assert tab.evaluate("window.notReloaded") is True
    finally:
        context.close()
