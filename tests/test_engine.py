"""After an edit, a build plans only the note pages that read something that changed
(incremental/engine.py): the edited note's page and the pages that show it. Every other note
page is kept as the last build left it, and (tests/conftest.py) checked against its full
fingerprint; the output must equal a fresh build's."""

from __future__ import annotations

import dataclasses
import pickle
import xml.etree.ElementTree as ET

import pytest

import margin.pages.drawing
from conftest import run_margin
from margin.config import load_config
from margin.incremental.build import BuildCache
from margin.pages.searchable import DIGEST_KIND
from margin.write import search
from test_build_speed import files_of
from test_feeds import SITEMAP

# Posts (one section, dated) are each other's neighbours; Alpha and Beta share a tag (related);
# Alpha links to Beta (a backlink on Beta's page), Zeta to Delta. Epsilon is shown nowhere.
NOTES = {
    "site.toml": 'title = "Engine"\n',
    "content/posts/2025-02-01-alpha.md": (
        "---\ntitle: Alpha\ntags: [optics]\n---\nAlpha points at [[Beta]] for the lens.\n"),
    "content/posts/2025-02-08-beta.md": (
        "---\ntitle: Beta\ntags: [optics]\n---\nBeta grinds the lens.\n"),
    "content/posts/2025-02-15-gamma.md": (
        "---\ntitle: Gamma\ntags: [glass]\n---\nGamma melts the glass.\n"),
    "content/notes/delta.md": "---\ntitle: Delta\ntags: [glass]\n---\nDelta is undated.\n",
    "content/notes/epsilon.md": "---\ntitle: Epsilon\n---\nEpsilon stands alone.\n",
    "content/notes/zeta.md": "---\ntitle: Zeta\n---\nZeta reads [[Delta]] first.\n",
}
PAGES = {"alpha": "2025/02/01/alpha/", "beta": "2025/02/08/beta/",
         "gamma": "2025/02/15/gamma/", "delta": "notes/delta/", "epsilon": "notes/epsilon/",
         "zeta": "notes/zeta/"}


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


@pytest.fixture
def site(make_site, tmp_path):
    site = make_site(NOTES)
    build(site, tmp_path / "out")
    return site


def spy_on_planning(monkeypatch) -> tuple[list[str], list[str]]:
    """The note pages (by note name) and the generated pages (by URL) each build plans, in
    order: the rest it keeps unplanned."""
    names: list[str] = []
    generated: list[str] = []
    real = margin.pages.drawing.Drawing._claimed

    def claimed(self, *args):
        pages = real(self, *args)
        for page in pages:
            if page.note is None:
                generated.append(page.url)
            else:
                names.append(page.note.key.rsplit("/", 1)[-1].split("-")[-1]
                             .removesuffix(".md"))
        return pages

    monkeypatch.setattr(margin.pages.drawing.Drawing, "_claimed", claimed)
    return names, generated


@pytest.fixture
def planned(monkeypatch) -> list[str]:
    """The note pages (by note name) each build plans: the rest it keeps unplanned."""
    return spy_on_planning(monkeypatch)[0]


def build(site, output, *args: str) -> None:
    code, _, err = run_margin("build", site, "--output", output, "--jobs", "1", *args)
    assert code == 0, err


def edit(site, path: str, old: str, new: str) -> None:
    file = site / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def rebuilt_as_fresh(site, tmp_path) -> None:
    """Build again into the last output, and check it equals a build without a cache."""
    build(site, tmp_path / "out")
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def page_text(tmp_path, name: str) -> str:
    return (tmp_path / "out" / PAGES[name] / "index.html").read_text()


def test_a_body_edit_plans_only_the_note_and_the_pages_that_show_it(site, tmp_path, planned):
    edit(site, "content/posts/2025-02-08-beta.md", "grinds the lens", "polishes the lens")
    rebuilt_as_fresh(site, tmp_path)
    # Beta's page, Alpha's (Beta is its related note and newer neighbour), Gamma's (older
    # neighbour); not Delta, Epsilon, Zeta. The fresh build plans all six.
    assert sorted(planned[:3]) == ["alpha", "beta", "gamma"]
    assert len(planned) == 3 + len(PAGES)
    assert "polishes the lens" in page_text(tmp_path, "beta")


def test_a_body_edit_of_a_note_shown_nowhere_plans_its_page_alone(site, tmp_path, planned):
    edit(site, "content/notes/epsilon.md", "stands alone", "stands apart")
    build(site, tmp_path / "out")
    assert planned == ["epsilon"]


def test_a_title_edit_redraws_the_pages_that_show_the_note(site, tmp_path, planned):
    edit(site, "content/posts/2025-02-08-beta.md", "title: Beta", "title: Beta Prime")
    rebuilt_as_fresh(site, tmp_path)
    assert "Beta Prime" in page_text(tmp_path, "alpha")  # as its related note and neighbour
    assert "Beta Prime" in page_text(tmp_path, "gamma")  # as its neighbour
    assert not {"delta", "epsilon", "zeta"} & set(planned[:len(planned) - len(PAGES)])


def test_a_new_backlink_redraws_the_page_it_points_at(site, tmp_path, planned):
    edit(site, "content/notes/epsilon.md", "stands alone", "stands beside [[Gamma]]")
    rebuilt_as_fresh(site, tmp_path)
    assert "Epsilon" in page_text(tmp_path, "gamma")
    assert sorted(planned[:2]) == ["epsilon", "gamma"]


def links_to(tmp_path, name: str, other: str) -> bool:
    return f'href="/{PAGES[other]}"' in page_text(tmp_path, name)


def test_a_tag_added_redraws_the_pages_of_the_notes_now_related(site, tmp_path, planned):
    assert not links_to(tmp_path, "alpha", "delta")
    edit(site, "content/notes/delta.md", "[glass]", "[glass, optics]")
    rebuilt_as_fresh(site, tmp_path)
    assert links_to(tmp_path, "alpha", "delta")  # a related note now: they share a tag
    assert "/tags/optics/" in page_text(tmp_path, "delta")
    assert {"alpha", "beta", "delta"} <= set(planned[:-len(PAGES)])
    assert "zeta" not in planned[:-len(PAGES)]


def test_a_tag_removed_redraws_the_pages_of_the_notes_no_longer_related(site, tmp_path,
                                                                        planned):
    assert links_to(tmp_path, "gamma", "delta")
    edit(site, "content/notes/delta.md", "[glass]", "[]")
    rebuilt_as_fresh(site, tmp_path)
    assert not links_to(tmp_path, "gamma", "delta")
    assert "/tags/glass/" not in page_text(tmp_path, "delta")
    assert {"gamma", "delta"} <= set(planned[:-len(PAGES)])


def test_a_new_note_is_drawn_and_the_note_it_links_to_shows_it(site, tmp_path, planned):
    (site / "content/notes/eta.md").write_text("---\ntitle: Eta\n---\nEta cites [[Zeta]].\n")
    rebuilt_as_fresh(site, tmp_path)
    assert "Eta" in page_text(tmp_path, "zeta")
    assert sorted(planned[:2]) == ["eta", "zeta"]


def test_a_deleted_note_goes_and_the_note_it_linked_to_forgets_it(site, tmp_path, planned):
    assert "Zeta" in page_text(tmp_path, "delta")
    (site / "content/notes/zeta.md").unlink()
    rebuilt_as_fresh(site, tmp_path)
    assert not (tmp_path / "out" / PAGES["zeta"]).exists()
    assert "Zeta" not in page_text(tmp_path, "delta")
    assert planned[:1] == ["delta"]


@pytest.mark.parametrize(("path", "text", "seen"), [
    ("templates/note.html", '{% extends "base.html" %}{% block main %}<h1 class="mine">'
     "{{ note.title }}</h1>{{ note.content }}{% endblock %}\n", 'class="mine"'),
    ("site.toml", 'title = "Engine, renamed"\n', "Engine, renamed"),
])
def test_a_template_or_configuration_edit_plans_every_note_page(site, tmp_path, planned, path,
                                                                text, seen):
    (site / path).parent.mkdir(exist_ok=True)
    (site / path).write_text(text)
    rebuilt_as_fresh(site, tmp_path)
    assert sorted(planned[:len(PAGES)]) == sorted(PAGES)
    assert seen in page_text(tmp_path, "epsilon")


def test_without_the_last_builds_engine_state_every_note_page_is_planned(site, tmp_path,
                                                                         planned):
    config, _ = load_config(site, {"output": str((tmp_path / "out").resolve())})
    cache = BuildCache(config)
    records = cache.last_output()
    assert records.engine is not None
    records.engine = pickle.loads(pickle.dumps("damaged"))
    cache.save_output(records, cache.last_stamp())
    edit(site, "content/notes/epsilon.md", "stands alone", "stands apart")
    rebuilt_as_fresh(site, tmp_path)
    assert sorted(planned[:len(PAGES)]) == sorted(PAGES)
    build(site, tmp_path / "out")  # nothing changed: the state is whole again
    edit(site, "content/notes/epsilon.md", "stands apart", "stands aside")
    del planned[:]
    build(site, tmp_path / "out")
    assert planned == ["epsilon"]


@pytest.fixture
def generated_planned(monkeypatch) -> list[str]:
    """The generated pages (home, tags, lists, archive...) each build plans, by URL."""
    return spy_on_planning(monkeypatch)[1]


def test_an_edit_below_the_summary_plans_no_generated_page(site, tmp_path, generated_planned):
    edit(site, "content/posts/2025-02-08-beta.md", "grinds the lens.", "grinds the lens.\n\nLater.")
    build(site, tmp_path / "out")
    generated_planned.clear()
    edit(site, "content/posts/2025-02-08-beta.md", "Later.", "Much later, in the workshop.")
    build(site, tmp_path / "out")
    assert generated_planned == []  # every list, tag and archive page kept unplanned
    assert "in the workshop" in page_text(tmp_path, "beta")
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


@pytest.mark.parametrize("old, new", [
    ("grinds the lens", "grinds the mirror"),  # the summary, which list pages show
    ("title: Beta", "title: Beta Prime"),
])
def test_an_edit_the_lists_show_plans_only_the_generated_pages_showing_the_note(
        site, tmp_path, generated_planned, old, new):
    edit(site, "content/posts/2025-02-08-beta.md", old, new)
    generated_planned.clear()
    build(site, tmp_path / "out")
    # Beta is tagged optics, in the posts section, and on the home page and the archive.
    assert {"/", "/archive/", "/tags/optics/", "/posts/"} <= set(generated_planned)
    assert "/tags/glass/" not in generated_planned and "/notes/" not in generated_planned
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_a_note_moved_in_the_archive_plans_every_generated_page(site, tmp_path,
                                                                 generated_planned):
    path = "content/posts/2025-02-08-beta.md"
    (site / path).rename(site / "content/posts/2024-12-30-beta.md")  # its date: the file name
    generated_planned.clear()
    build(site, tmp_path / "out")
    assert {"/", "/archive/", "/tags/optics/", "/tags/glass/", "/notes/"} <= set(
        generated_planned)
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_a_tag_added_plans_its_pages_and_the_lists_showing_its_notes(site, tmp_path,
                                                                     generated_planned):
    edit(site, "content/notes/epsilon.md", "title: Epsilon", "title: Epsilon\ntags: [optics]")
    generated_planned.clear()
    build(site, tmp_path / "out")
    # Optics is on Alpha and Beta (posts) and now Epsilon (notes); Glass on Gamma and Delta.
    # The posts list shows Alpha and Beta, whose optics chip counts one note more: a count
    # the theme's lists do not show, so it is kept.
    assert {"/", "/tags/", "/tags/optics/", "/notes/"} <= set(generated_planned)
    assert "/tags/glass/" not in generated_planned and "/posts/" not in generated_planned
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")
    assert "Epsilon" in (tmp_path / "out/tags/optics/index.html").read_text()


def test_a_list_showing_tag_counts_is_planned_when_a_tag_gains_a_note(site, tmp_path,
                                                                      generated_planned):
    """A site whose lists show each note's tags with their counts: a tag gaining a note
    changes the lists showing its other notes (Alpha and Beta on the posts list)."""
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/list.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1><ul>'
        '{% for note in notes %}<li>{{ note.title }}'
        '{% for tag in note.tags %} <i>{{ tag.name }} {{ tag.count }}</i>{% endfor %}</li>'
        '{% endfor %}</ul>{% endblock %}', encoding="utf-8")
    build(site, tmp_path / "out")
    edit(site, "content/notes/epsilon.md", "title: Epsilon", "title: Epsilon\ntags: [optics]")
    generated_planned.clear()
    build(site, tmp_path / "out")
    assert {"/posts/", "/notes/", "/tags/optics/"} <= set(generated_planned)
    assert "/tags/glass/" not in generated_planned
    assert "optics 3" in (tmp_path / "out/posts/index.html").read_text()
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_a_changed_updated_date_reaches_the_sitemap(site, tmp_path):
    """A note's date of update is in the sitemap, which is kept with the generated pages."""
    edit(site, "content/posts/2025-02-08-beta.md", "title: Beta",
         "title: Beta\nupdated: 2025-03-01")
    build(site, tmp_path / "out")
    edit(site, "content/posts/2025-02-08-beta.md", "updated: 2025-03-01", "updated: 2025-04-02")
    build(site, tmp_path / "out")
    entries = ET.parse(tmp_path / "out/sitemap.xml").getroot()
    beta = [url.findtext("s:lastmod", namespaces=SITEMAP) for url in entries
            if url.findtext("s:loc", namespaces=SITEMAP).endswith("/beta/")]
    assert beta == ["2025-04-02"]
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_the_sitemap_follows_tags_gained_and_new(site, tmp_path, monkeypatch):
    """A tag gained keeps the site's pages (the sitemap, kept, is checked against its full
    drawing, conftest.py); a new tag adds its list page to the sitemap."""
    kept_sitemaps: list[bool] = []
    real = margin.pages.drawing.Drawing._sitemap

    def sitemap(self, kept, paths, unchanged):
        kept_sitemaps.append(unchanged)
        return real(self, kept, paths, unchanged)

    monkeypatch.setattr(margin.pages.drawing.Drawing, "_sitemap", sitemap)
    edit(site, "content/notes/epsilon.md", "title: Epsilon", "title: Epsilon\ntags: [glass]")
    build(site, tmp_path / "out")
    edit(site, "content/notes/epsilon.md", "tags: [glass]", "tags: [glass, prisms]")
    build(site, tmp_path / "out")
    assert kept_sitemaps == [True, False]
    locations = [url.findtext("s:loc", namespaces=SITEMAP)
                 for url in ET.parse(tmp_path / "out/sitemap.xml").getroot()]
    assert any(location.endswith("/tags/prisms/") for location in locations)
    build(site, tmp_path / "fresh", "--no-cache")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_a_search_digest_taken_by_an_older_margin_is_taken_again(site, tmp_path):
    """A page drawn to the bytes its record has keeps its record's search digest only when
    this margin took it the same way (the shards keyed on it are not indexed again later)."""
    config, _ = load_config(site, {"output": str((tmp_path / "out").resolve())})
    cache = BuildCache(config)
    records = cache.last_output()
    older = {path: record.indexed for path, record in records.pages.items() if record.indexed}
    assert older and all(digest.startswith(DIGEST_KIND) for digest in older.values())
    for path in older:  # as a margin that digested pages another way left them
        records.pages[path] = dataclasses.replace(records.pages[path], indexed="0123abcd")
    cache.save_output(records, cache.last_stamp())
    (site / "templates").mkdir(exist_ok=True)  # every page decided again, drawn the same
    (site / "templates/unused.html").write_text("{{ site.title }}", encoding="utf-8")
    build(site, tmp_path / "out")
    again = BuildCache(config).last_output()
    assert {path: again.pages[path].indexed for path in older} == older
