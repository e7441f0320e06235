"""The knowledge graph: wikilinks, backlinks, related notes, paper pages, series, aliases,
and the link checker, on the `graph` fixture site."""

from __future__ import annotations

import pytest

from conftest import run_margin


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    import shutil

    from conftest import SITES, BuildResult

    site = tmp_path_factory.mktemp("graph") / "site"
    shutil.copytree(SITES / "graph", site)
    code, out, err = run_margin("build", site)
    return BuildResult(code, out, err, site / "_site")


def links_in(soup, selector):
    return [(a.get_text(" ", strip=True), a["href"]) for a in soup.select(selector)]


def test_the_graph_site_builds(graph):
    assert graph.exit_code == 0, graph.stderr


def test_wikilinks_in_every_form_resolve(graph):
    body = graph.html("/2025/01/01/week-one/").select_one(".note-body")
    assert links_in(body, "a.wikilink") == [
        ("Attention mechanisms", "/notes/attention/"),
        ("how models scale", "/notes/scaling/"),
        ("attn › Queries and keys", "/notes/attention/#queries-and-keys"),
        ("attention › No such heading", "/notes/attention/#no-such-heading"),
    ]


def test_missing_and_ambiguous_wikilinks_warn_and_show_as_broken(graph):
    body = graph.html("/2025/01/01/week-one/").select_one(".note-body")
    assert [s.get_text() for s in body.select("span.broken-link")] == ["Nowhere at all", "overview"]
    assert "warning: content/posts/2025-01-01-week-one.md:10: wikilink [[Nowhere at all]]: " \
           "no note is called that" in graph.lines
    assert "warning: content/posts/2025-01-01-week-one.md:10: ambiguous wikilink [[overview]]: " \
           "matches notes/a/overview.md, notes/b/overview.md" in graph.lines


def test_wikilinks_inside_code_stay_text(graph):
    body = graph.html("/2025/01/01/week-one/").select_one(".note-body")
    assert "[[Inside code]] is not a link." in body.find("pre").get_text()


def test_relative_md_links_become_permalinks(graph):
    body = graph.html("/2025/01/01/week-one/").select_one(".note-body")
    assert ("the scaling note", "/notes/scaling/") in links_in(body, "a")


def test_backlinks_list_linking_notes_with_their_sentence(graph):
    section = graph.html("/notes/attention/").select_one(".backlinks")
    items = [(li.a.get_text(), li.blockquote.get_text()) for li in section.select("li")]
    assert items == [
        ("Scaling laws", "Compare with Attention mechanisms for the architecture."),
        ("Week one", "This week I read about Attention mechanisms again."),
    ]


def test_broken_anchor_is_reported_at_the_source_line(graph):
    assert "warning: content/posts/2025-01-01-week-one.md:8: broken link: " \
           "/notes/attention/#no-such-heading" in graph.lines


def test_paper_pages_are_titled_by_link_text_and_list_citing_notes(graph):
    page = graph.html("/papers/1706.03762/")
    assert page.h1.get_text() == "Attention Is All You Need"
    assert page.select_one("a.paper-link")["href"] == "https://arxiv.org/abs/1706.03762"
    citing = [(li.a.get_text(), li.blockquote.get_text()) for li in page.select(".citations li")]
    assert citing == [
        ("Week two", "Back to arXiv:1706.03762 for the positional encodings."),
        ("Week one", "The classic is Attention Is All You Need, still worth a read."),
    ]


def test_paper_title_from_front_matter_and_arxiv_dois_fold_into_arxiv_ids(graph):
    assert graph.html("/papers/2203.15556/").h1.get_text() == (
        "Training Compute-Optimal Large Language Models"
    )
    index = graph.html("/papers/")
    assert [a.get_text() for a in index.select(".paper-index a")] == [
        "Attention Is All You Need", "Training Compute-Optimal Large Language Models"
    ]


def test_each_note_links_to_its_papers_pages(graph):
    page = graph.html("/2025/01/08/week-two/")
    assert [a["href"] for a in page.select(".note-papers a")] == [
        "/papers/2203.15556/", "/papers/1706.03762/"
    ]


def test_series_page_and_series_navigation(graph):
    series = graph.html("/series/reading-club/")
    assert [a.get_text() for a in series.select(".series-list a")] == ["Week one", "Week two"]
    nav = graph.html("/2025/01/08/week-two/").select_one(".series-nav")
    assert "Part 2 of 2" in nav.get_text()


def test_previous_and_next_within_the_section(graph):
    page = graph.html("/2025/01/01/week-one/")
    assert page.select_one(".neighbours a[rel=next]")["href"] == "/2025/01/08/week-two/"
    assert page.select_one(".neighbours a[rel=prev]") is None


def test_previous_and_next_follow_the_section_order_when_days_repeat(make_site, build_site):
    """Neighbours are found by halving the section's order (newest first, then by file
    name, an undated note last): notes sharing a day, and an undated one, are not mixed up."""
    days = ["2024-03-01", "2024-03-01", "2024-02-10", "2024-03-01", "2024-01-05",
            "2024-02-10", "2023-12-31"]
    files = {f"content/log/entry-{n}.md": f"---\ntitle: Entry {n}\ndate: {day}\n"
             f"permalink: /log/e{n}/\n---\nText.\n" for n, day in enumerate(days)}
    files["content/log/undated.md"] = "---\ntitle: Undated\n---\nText.\n"
    result = build_site(make_site(files), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    order = sorted(range(len(days)), key=lambda n: (days[n], f"log/entry-{n}.md"), reverse=True)
    urls = {n: f"/log/e{n}/" for n in order}
    for place, n in enumerate(order):
        page = result.html(urls[n])
        newer = page.select_one(".neighbours a[rel=next]")
        older = page.select_one(".neighbours a[rel=prev]")
        assert (newer and newer["href"]) == (urls[order[place - 1]] if place else None)
        assert (older and older["href"]) == (
            urls[order[place + 1]] if place + 1 < len(order) else None)


def test_url_aliases_become_redirect_pages_and_names_do_not(graph):
    redirect = graph.html("/old/attention/")
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        "0; url=/notes/attention/"
    )
    assert redirect.find("link", rel="canonical")["href"] == "/notes/attention/"
    assert not graph.path("/attn/").exists()


def test_related_notes_prefer_the_rare_shared_tag(make_site, build_site):
    common = {f"content/notes/filler-{i}.md": f"---\ntitle: Filler {i}\ntags: [common]\n---\n"
              for i in range(8)}
    site = make_site({
        **common,
        "content/notes/target.md": "---\ntitle: Target\ntags: [common, rare]\n---\n",
        "content/notes/rare-friend.md": "---\ntitle: Rare friend\ntags: [rare]\n---\n",
        "content/notes/common-friend.md": "---\ntitle: Common friend\ntags: [common]\n---\n",
    })
    related = build_site(site).html("/notes/target/").select(".related a")
    titles = [a.get_text() for a in related]
    assert titles[0] == "Rare friend"
    assert len(titles) == 5
    # ties among the common-tag notes break the same way every time
    assert titles == [a.get_text() for a in build_site(site).html("/notes/target/")
                      .select(".related a")]


def test_check_builds_in_memory_and_writes_nothing(make_site):
    site = make_site({"content/notes/a.md": "[broken](/nowhere/) and [fine](/notes/a/)"})
    code, _, err = run_margin("check", site)
    assert code == 1
    assert "warning: content/notes/a.md:1: broken link: /nowhere/" in err
    assert err.strip().endswith("1 broken link, 1 warning, 0 errors")
    assert not (site / "_site").exists()


def test_check_passes_a_clean_site(make_site):
    site = make_site({"content/notes/a.md": "[self](/notes/a/)", "content/notes/b.md": "[[a]]"})
    code, out, _ = run_margin("check", site)
    assert code == 0
    assert out.startswith("margin check passed: 2 notes,")


def test_a_link_to_a_missing_local_file_becomes_text_with_a_warning(make_site, build_site):
    site = make_site({
        "content/notes/a.md": "Intro.\n\n* see notes in [micro](micro.ipynb)\n",
        "content/notes/data.csv": "x,y\n",
        "content/notes/b.md": "The [data](data.csv) is here.\n",
    })
    result = build_site(site)
    assert "warning: content/notes/a.md:3: link target not found: micro.ipynb" in result.lines
    body = result.html("/notes/a/").select_one(".note-body")
    assert body.find("a", string="micro") is None
    assert "see notes in micro" in body.get_text()
    assert not [line for line in result.lines if "broken link" in line]
    assert result.html("/notes/b/").select_one(".note-body a", string="data") is not None


def test_image_embeds_resolve_like_images(make_site, build_site):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"></svg>'
    site = make_site({
        "content/notes/diagram.svg": svg,
        "content/notes/a.md": "Look:\n\n![[diagram.svg]]\n\nAnd small ![[diagram.svg|60]] too.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    images = result.html("/notes/a/").select(".note-body img")
    assert [(img["src"], img.get("width"), img.get("height")) for img in images] == [
        ("/notes/a/diagram.svg", "120", "40"), ("/notes/a/diagram.svg", "60", "20"),
    ]
    assert (result.output / "notes/a/diagram.svg").is_file()


def test_a_backlink_shows_its_sentence_whether_the_body_or_the_index_kept_it(make_site,
                                                                             build_site):
    """A link in Markdown: the rendered body holds its sentence. A link in raw HTML: the
    body does not, and the passage the index kept is read (only then) instead."""
    site = make_site({
        "content/notes/heron.md": "# Heron\n\nA wading bird.\n",
        "content/notes/marsh.md": "# Marsh\n\nHerons wade where [[heron|the heron]] feeds.\n",
        "content/notes/fen.md": "# Fen\n\n<p>Reeds hide [[heron]] at dawn.</p>\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    section = result.html("/notes/heron/").select_one("section.backlinks")
    said = sorted(" ".join(item.get_text(" ", strip=True).split())
                  for item in section.select("li"))
    assert len(said) == 2
    assert "Reeds hide heron at dawn." in said[0]
    assert "Herons wade where the heron feeds." in said[1]


def test_a_passage_edited_since_the_last_build_shows_as_edited(make_site, build_site, tmp_path):
    site = make_site({
        "content/notes/heron.md": "# Heron\n\nA wading bird.\n",
        "content/notes/fen.md": "# Fen\n\n<p>Reeds hide [[heron]] at dawn.</p>\n\nMore.\n",
    })
    assert build_site(site).exit_code == 0
    fen = site / "content/notes/fen.md"
    fen.write_text(fen.read_text().replace("at dawn", "at dusk"))
    cached = build_site(site)
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert cached.exit_code == fresh.exit_code == 0
    section = cached.html("/notes/heron/").select_one("section.backlinks")
    assert "Reeds hide heron at dusk." in section.get_text(" ", strip=True)
    assert (cached.output / "notes/heron/index.html").read_bytes() == \
        (fresh.output / "notes/heron/index.html").read_bytes()
