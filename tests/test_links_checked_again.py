"""A build after an edit checks again only the pages that changed (incremental/brokenlinks.py),
and still reports every broken link of the site, at the right line, as a fresh build does."""

from __future__ import annotations

import pytest

import margin.incremental.brokenlinks as brokenlinks
from conftest import run_margin
from margin.cli import main
from margin.write import search

NOTES = {
    "site.toml": 'title = "Links"\n',
    "content/notes/alpha.md": "---\ntitle: Alpha\n---\nAlpha first.\n\nSee [nothing](/nowhere/).\n",
    "content/notes/beta.md": "---\ntitle: Beta\n---\nBeta reads [a part](/notes/gamma/#part).\n",
    "content/notes/gamma.md": "---\ntitle: Gamma\n---\nGamma.\n\n## Part\n\nA part.\n",
    "content/notes/delta.md": "---\ntitle: Delta\n---\nDelta reads [[Gamma]] and [[Epsilon]].\n",
    "content/notes/epsilon.md": "---\ntitle: Epsilon\n---\nEpsilon.\n",
}


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


@pytest.fixture
def site(make_site):
    site = make_site(NOTES)
    assert broken_links(site) == ["content/notes/alpha.md:6: broken link: /nowhere/"]
    return site


def broken_links(site, *args: str) -> list[str]:
    """The broken links a build reports, as 'file:line: message', in order."""
    code, _, err = run_margin("build", site, "--jobs", "1", *args)
    assert code == 0, err
    return [line.removeprefix("warning: ") for line in err.splitlines() if "broken link" in line]


def fresh(site, tmp_path) -> list[str]:
    return broken_links(site, "--no-cache", "--output", str(tmp_path / "fresh"))


def edit(site, path: str, old: str, new: str) -> None:
    file = site / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def test_a_broken_link_on_a_page_not_drawn_again_is_still_reported(site, tmp_path):
    edit(site, "content/notes/epsilon.md", "Epsilon.", "Epsilon, longer.")
    assert broken_links(site) == ["content/notes/alpha.md:6: broken link: /nowhere/"]
    assert broken_links(site) == fresh(site, tmp_path)


def test_a_mended_link_is_no_longer_reported(site):
    edit(site, "content/notes/alpha.md", "(/nowhere/)", "(/notes/beta/)")
    assert broken_links(site) == []


def test_a_line_moved_by_the_front_matter_alone_is_reported_where_it_now_is(site, tmp_path):
    edit(site, "content/notes/alpha.md", "title: Alpha\n", "title: Alpha\nmood: calm\n")
    assert broken_links(site) == ["content/notes/alpha.md:7: broken link: /nowhere/"]
    assert broken_links(site) == fresh(site, tmp_path)


def test_a_heading_removed_breaks_the_fragment_links_into_it_from_unchanged_pages(site,
                                                                                   tmp_path):
    edit(site, "content/notes/gamma.md", "## Part", "## Whole")
    found = broken_links(site)
    assert "content/notes/beta.md:4: broken link: /notes/gamma/#part" in found
    assert found == fresh(site, tmp_path)


def test_a_deleted_page_breaks_the_links_to_it_from_unchanged_pages(site, tmp_path):
    (site / "content/notes/beta.md").write_text(
        "---\ntitle: Beta\n---\nBeta reads [epsilon](/notes/epsilon/).\n")
    assert broken_links(site) == ["content/notes/alpha.md:6: broken link: /nowhere/"]
    (site / "content/notes/epsilon.md").unlink()
    found = broken_links(site)
    assert "content/notes/beta.md:4: broken link: /notes/epsilon/" in found
    assert found == fresh(site, tmp_path)


def test_only_the_changed_pages_are_checked_again(site, monkeypatch):
    asked: list[set[str] | None] = []
    real = brokenlinks.broken_by_page

    def spy(pages, files, notes, prefix, only=None):
        asked.append(only)
        return real(pages, files, notes, prefix, only)

    monkeypatch.setattr(brokenlinks, "broken_by_page", spy)
    edit(site, "content/notes/epsilon.md", "Epsilon.", "Epsilon, longer.")
    assert main(["build", str(site), "--jobs", "1", "--quiet"]) == 0
    assert asked and asked[0] is not None and "notes/epsilon/index.html" in asked[0]
    assert "notes/alpha/index.html" not in asked[0]  # (a check of all may follow: verify)
