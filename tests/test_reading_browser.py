"""Reading a page in a real browser (Debian's chromium through Playwright, see conftest.py):
footnotes as sidenotes beside the text on wide screens and at the end on phones, and the link
previews of assets/js/preview.js, by pointer and by keyboard, with JavaScript off too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from static_server import built_and_served

FILLER = "Words that fill the column so that the page has a body to read through. " * 6
SITE = {
    "site.toml": 'title = "Reading"\n',
    "content/notes/gradients.md": """---
title: Vanishing gradients
---
Deep nets multiply many Jacobians, so the signal shrinks as $\\lambda^n$ for $|\\lambda| < 1$.

A second paragraph the preview must not show.

## Why it matters

Early layers stop learning while the last ones still do.
""",
    "content/notes/reading.md": f"""---
title: Reading notes
---
{FILLER}

A claim that needs backing.[^claim] It links to [[gradients|the gradients note]] and to
[the same note by path](gradients.md) and [its point](gradients.md#why-it-matters),
cites <a href="#ref-hopper">Hopper 1952</a> and points at @fig-loss.

{FILLER}

A second aside here.[^list]

<figure id="fig-loss"><figcaption>The loss falls, then plateaus.</figcaption></figure>

<section class="references"><div id="ref-hopper">Hopper, G. (1952). The education of a
computer.</div></section>

[^claim]: The backing, in the margin on a wide screen.
[^list]: A footnote holding a list:

    - first
    - second
""",
}
NOTE = "/notes/reading/"
WIDE = {"width": 1400, "height": 900}
MEDIUM = {"width": 1000, "height": 900}  # too narrow for sidenotes, still a mouse
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    with built_and_served(tmp_path_factory.mktemp("reading-browser") / "site", SITE) as url:
        yield url


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def preview(page):
    return page.locator(".preview")


def test_a_sidenote_sits_in_the_right_margin_beside_its_reference(open_page, served):
    page = open_page(served + NOTE, viewport=WIDE)
    sidenote, ref = box(page, ".sidenote"), box(page, ".footnote-ref")
    body = box(page, ".note-body")
    assert sidenote["x"] >= body["x"] + body["width"] + 16  # in the margin, clear of the text
    assert sidenote["x"] + sidenote["width"] <= WIDE["width"]
    assert abs(sidenote["y"] - ref["y"]) < 24  # on the reference's line
    assert page.locator(".sidenote").first.inner_text().startswith("1")
    assert not page.locator("#fn1").is_visible()  # not twice
    assert page.locator("#fn2").is_visible()  # a footnote with a list stays at the end
    toc_free = page.locator(".toc").count() == 0
    assert toc_free or box(page, ".toc")["x"] < body["x"]


def test_on_a_phone_the_footnotes_are_at_the_end_and_no_sidenote_shows(open_page, served):
    page = open_page(served + NOTE, **PHONE)
    assert not page.locator(".sidenote").first.is_visible()
    item = page.locator("#fn1")
    assert item.is_visible()
    assert "The backing" in item.inner_text()
    last_paragraph = page.locator(".note-body > p").last.bounding_box()
    assert item.bounding_box()["y"] > last_paragraph["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out


def test_hovering_a_link_to_another_note_previews_its_title_and_first_paragraph(
        open_page, served):
    page = open_page(served + NOTE, viewport=WIDE)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("a.wikilink").hover()
    shown = preview(page)
    shown.wait_for(state="visible")
    assert shown.locator(".preview__title").inner_text() == "Vanishing gradients"
    assert "Deep nets multiply many Jacobians" in shown.inner_text()
    assert "second paragraph" not in shown.inner_text()
    assert shown.locator("math").count() == 2  # the MathML as the page renders it
    assert shown.get_attribute("role") == "tooltip"
    assert page.locator("a.wikilink").get_attribute("aria-describedby") == "link-preview"
    below = shown.bounding_box()["y"] >= box(page, "a.wikilink")["y"]
    assert below
    assert requests and all(url.startswith(served) for url in requests)
    page.mouse.move(5, 5)
    shown.wait_for(state="hidden")


def test_focusing_a_link_with_the_keyboard_previews_it_and_escape_hides_it(open_page, served):
    page = open_page(served + NOTE, viewport=WIDE)
    link = page.locator("a[href='/notes/gradients/']:not(.wikilink)")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/notes/gradients/" \
                and "wikilink" not in page.evaluate("document.activeElement.className"):
            break
    shown = preview(page)
    shown.wait_for(state="visible")
    assert "Deep nets multiply many Jacobians" in shown.inner_text()
    assert link.get_attribute("aria-describedby") == "link-preview"
    page.keyboard.press("Escape")
    shown.wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/notes/gradients/"


def test_a_footnote_reference_previews_the_footnote_where_no_sidenote_shows(open_page, served):
    page = open_page(served + NOTE, viewport=MEDIUM)
    page.locator(".footnote-ref a").first.hover()
    shown = preview(page)
    shown.wait_for(state="visible")
    assert shown.inner_text().strip() == "The backing, in the margin on a wide screen."
    assert shown.locator("[id]").count() == 0  # no id is repeated


def test_a_footnote_beside_its_reference_needs_no_preview(open_page, served):
    page = open_page(served + NOTE, viewport=WIDE)
    page.locator(".footnote-ref a").first.hover()
    page.wait_for_timeout(700)
    assert not preview(page).is_visible()


@pytest.mark.parametrize(("selector", "expected"), [
    ("a[href='#ref-hopper']", "Hopper, G. (1952). The education of a computer."),
    ("a.xref", "Figure 1: The loss falls, then plateaus."),
], ids=["citation", "cross-reference"])
def test_a_link_to_a_part_of_the_page_previews_that_part(open_page, served, selector, expected):
    page = open_page(served + NOTE, viewport=WIDE)
    page.locator(selector).hover()
    shown = preview(page)
    shown.wait_for(state="visible")
    assert " ".join(shown.inner_text().split()) == expected


def test_the_preview_follows_the_dark_scheme(open_page, served):
    page = open_page(served + NOTE, viewport=WIDE, color_scheme="dark")
    page.locator("a.wikilink").hover()
    preview(page).wait_for(state="visible")
    colours = page.evaluate("""() => [getComputedStyle(document.querySelector('.preview'))
        .backgroundColor, getComputedStyle(document.body).backgroundColor]""")
    assert colours[0] == colours[1] == "rgb(22, 24, 28)"


def test_without_javascript_links_and_footnotes_still_work(open_page, served):
    page = open_page(served + NOTE, viewport=MEDIUM, java_script_enabled=False)
    assert page.locator(".preview").count() == 0
    page.locator(".footnote-ref a").first.click()
    assert page.evaluate("location.hash") == "#fn1"
    assert page.locator("#fn1").is_visible()
    page.locator("a.wikilink").click()
    page.wait_for_url(served + "/notes/gradients/")
    assert page.locator("h1").inner_text() == "Vanishing gradients"


def test_a_touch_gives_no_preview(open_page, served):
    """A finger resting on a link (a long press) shows nothing; a tap follows the link."""
    page = open_page(served + NOTE, viewport=MEDIUM, has_touch=True)
    link = page.locator(".footnote-ref a").first
    link.dispatch_event("pointerover", {"pointerType": "touch", "bubbles": True})
    page.wait_for_timeout(700)
    assert not preview(page).is_visible()
    link.tap()
    page.wait_for_timeout(700)
    assert page.evaluate("location.hash") == "#fn1"
    assert not preview(page).is_visible()


def test_a_link_to_a_section_of_another_note_previews_that_section(open_page, served):
    page = open_page(served + NOTE, viewport=WIDE)
    page.locator("a[href='/notes/gradients/#why-it-matters']").hover()
    shown = preview(page)
    shown.wait_for(state="visible")
    lines = [line.strip() for line in shown.inner_text().splitlines() if line.strip()]
    assert lines == ["Vanishing gradients", "Why it matters",
                     "Early layers stop learning while the last ones still do."]
