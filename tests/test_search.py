"""Search without a browser: the build runs Pagefind over the written site (or says once that it
cannot), `margin check` never does, the link checker trusts /pagefind/, and the pages carry what
the index needs. The browser test is tests/test_search_browser.py."""

from __future__ import annotations

import json
import stat

import pytest

from conftest import recorded_calls, run_margin
from margin.write import search
from margin.write.search import NOT_INSTALLED, index_site

PREFIX = "/blog"
NOTES = {
    "site.toml": 'title = "Lab"\nbase_url = "https://x.github.io/blog/"\n',
    "content/posts/2025-02-08-week.md": "---\ntitle: Week six\ntags: [LLMs, Reading]\n---\n"
                                        "Sparse attention, read twice. See [[Evergreen]].\n",
    "content/posts/2025-02-01-week.md": "---\ntitle: Week five\ntags: [LLMs]\n---\nQuantisation.\n",
    "content/notes/evergreen.md": "---\ntitle: Evergreen\n---\nGardening notes.\n",
}


@pytest.fixture
def site(make_site):
    return make_site(NOTES)


@pytest.mark.skipif(search.pagefind_binary() is None,
                    reason="Pagefind is not installed (pip install 'pagefind[bin]')")
def test_the_build_indexes_the_notes_and_only_the_notes(site, build_site):
    result = build_site(site, "--strict", "--base-url", "https://example.org/")  # no warning:
    # /pagefind/ and /search/ links are fine
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((result.output / "pagefind/shards.json").read_text())
    assert manifest == {"bundles": ["0/"]}  # a small site is one shard
    assert page_counts(result.output) == {"0": 3}
    assert (result.output / "pagefind/0/pagefind-ui.js").is_file()
    assert list((result.output / "pagefind/0/index").iterdir())  # the index, in pieces
    assert result.stderr == ""


def page_counts(output) -> dict[str, int]:
    """Each shard of OUTPUT's search index -> how many pages it holds."""
    counts = {}
    for entry in sorted(output.glob("pagefind/*/pagefind-entry.json")):
        languages = json.loads(entry.read_text())["languages"].values()
        counts[entry.parent.name] = sum(language["page_count"] for language in languages)
    return counts


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_a_large_site_is_indexed_in_shards_and_an_edit_reindexes_one(make_site, build_site,
                                                                     monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda _, site, bundle: site.name)
    notes = {f"content/notes/n{i:02}.md": f"---\ntitle: Note {i}\n---\nText {i}.\n"
             for i in range(30)}
    site = make_site(notes)
    first = build_site(site)
    assert first.exit_code == 0, first.stderr
    counts = page_counts(first.output)
    assert len(counts) == 8 and sum(counts.values()) == 30  # 30 pages: 8 shards of about 4
    manifest = json.loads((first.output / "pagefind/shards.json").read_text())
    assert manifest["bundles"] == [f"{name}/" for name in sorted(counts, key=int)]
    assert len(runs) == 8

    runs.clear()
    (site / "content/notes/n07.md").write_text("---\ntitle: Note 7\n---\nText seven.\n")
    assert build_site(site).exit_code == 0
    assert len(runs) == 1  # only the shard holding n07
    assert page_counts(first.output) == counts

    runs.clear()  # a note gone: its shard again (or gone, if it held only that note)
    (site / "content/notes/n08.md").unlink()
    assert build_site(site).exit_code == 0
    after = page_counts(first.output)
    assert sum(after.values()) == 29
    assert len(runs) <= 1 and len({k for k in counts if counts[k] != after.get(k)}) == 1

    runs.clear()
    assert build_site(site, "--no-cache").exit_code == 0  # nothing known: all again
    assert len(runs) == len(after)


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_the_live_server_reindexes_only_the_shards_whose_pages_changed(make_site, build_site,
                                                                       monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)  # the build makes no index
    site = make_site({f"content/notes/n{i:02}.md": f"---\ntitle: Note {i}\n---\nText {i}.\n"
                      for i in range(12)})
    output = build_site(site).output
    monkeypatch.undo()
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *args: args)
    present, problems = search.index_folder(output, {})
    assert (len(present), len(runs), problems) == (4, 4, [])
    runs.clear()
    assert search.index_folder(output, present) == (present, []) and runs == []
    page = output / "notes/n03/index.html"
    page.write_text(page.read_text().replace("Text 3.", "Text three."))
    again, _ = search.index_folder(output, present)
    assert len(runs) == 1 and len([k for k in present if present[k] != again[k]]) == 1
    assert sum(page_counts(output).values()) == 12


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_the_live_server_started_on_a_built_site_reindexes_only_what_changes_after(
        make_site, build_site, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 4)
    site = make_site({f"content/notes/n{i:02}.md": f"---\ntitle: Note {i}\n---\nText {i}.\n"
                      for i in range(12)})
    output = build_site(site).output
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *args: args)
    present = search.shard_keys(output)  # the build's index, taken as it is
    assert len(present) == 4 and search.index_folder(output, present) == (present, [])
    assert runs == []
    page = output / "notes/n03/index.html"
    page.write_text(page.read_text().replace("Text 3.", "Text three."))
    again, _ = search.index_folder(output, present)
    assert len(runs) == 1 and len([k for k in present if present[k] != again[k]]) == 1


def test_shards_hold_every_page_once_and_keep_their_pages_as_the_site_grows():
    pages = {f"notes/{i}/index.html": str(i) for i in range(6 * search.SHARD_PAGES)}
    shards = search.shards_of(pages, None)
    assert len(shards) == 8  # the power of two that holds ~SHARD_PAGES each
    assert sorted(p for shard in shards for p in shard.pages) == sorted(pages)
    grown = search.shards_of({**pages, "notes/new/index.html": "x"}, None)
    changed = [a.name for a, b in zip(shards, grown, strict=True) if a.key != b.key]
    assert len(changed) == 1  # one note more: one shard differs
    huge = search.shards_of({f"{i}.html": "" for i in range(100_000)}, None)
    assert len(huge) == search.MAX_SHARDS


def test_a_site_on_a_shard_boundary_keeps_its_shards_for_a_page_more():
    pages = {f"notes/{i}/index.html": str(i) for i in range(4 * search.SHARD_PAGES)}
    shards = search.shards_of(pages, None)
    assert len(shards) == 4
    last = [shard.name for shard in shards]
    grown = {**pages, "notes/new/index.html": "x"}
    assert len(search.shards_of(grown, None)) == 8  # a first build of that site
    kept = search.shards_of(grown, None, last)
    assert len(kept) == 4
    assert len([a for a, b in zip(shards, kept, strict=True) if a.key != b.key]) == 1
    doubled = {f"notes/{i}/index.html": str(i) for i in range(8 * search.SHARD_PAGES + 1)}
    assert len(search.shards_of(doubled, None, last)) == 16  # past twice the size: re-sharded


def test_without_pagefind_the_build_says_so_once_and_succeeds(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(site)
    assert result.exit_code == 0
    assert result.lines == [f"warning: {NOT_INSTALLED}"]
    assert not (result.output / "pagefind").exists()
    assert (result.output / "search/index.html").is_file()  # the page says it has no index


def test_a_failing_pagefind_is_one_warning_not_a_crash(tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: the site folder is not readable' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "site").mkdir()
    (tmp_path / "site/a.html").write_text("<p>a</p>")
    shards = search.shards_of({"a.html": "1"}, fake)
    present, problems = index_site(tmp_path / "site", shards, binary=fake)
    assert present == {}
    assert [str(p) for p in problems] == [
        "warning: search: Pagefind failed, no search index: Error: the site folder is not "
        "readable"]
    assert not (tmp_path / "site/pagefind").exists()


def test_check_never_runs_pagefind_and_build_runs_it_once(site, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(search, "run_pagefind", lambda *args: calls.append(args) or None)
    code, _, err = run_margin("check", site)
    assert (code, calls) == (0, []), err
    output = tmp_path / "out"
    code, _, err = run_margin("build", site, "--output", output)
    assert code == 0, err
    assert len(calls) == 1


def test_a_failed_build_does_not_run_pagefind(site, monkeypatch):
    calls = []
    monkeypatch.setattr(search, "run_pagefind", lambda *args: calls.append(args) or None)
    (site / "content/notes/broken.md").write_text("---\ntitle: [unclosed\n---\n")
    code, _, _ = run_margin("build", site)
    assert (code, calls) == (1, [])


def test_a_note_page_marks_what_the_index_takes(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    soup = build_site(site).html("/2025/02/08/week/")
    article = soup.select_one("article.note")
    assert article.has_attr("data-pagefind-body")
    assert article["data-pagefind-filter"] == "section:Posts"
    assert soup.select_one("h1.note-title")["data-pagefind-meta"] == "title"
    assert soup.select_one(".note-header")["data-pagefind-meta"] == "date:2025-02-08"
    tags = [a.get_text() for a in soup.select(".note-header a[data-pagefind-filter=tag]")]
    assert tags == ["LLMs", "Reading"]
    # Only this note's own words: the meta line, chips and the graph around it are left out.
    assert soup.select_one(".note-meta").has_attr("data-pagefind-ignore")
    assert soup.select_one("[data-pagefind-ignore] ul.tags") is not None
    evergreen = build_site(site).html("/notes/evergreen/")
    assert evergreen.select_one("section.backlinks").has_attr("data-pagefind-ignore")
    for url in ("/", "/tags/llms/", "/archive/", "/search/"):
        assert build_site(site).html(url).select_one("[data-pagefind-body]") is None, url


def test_heading_anchors_stay_out_of_the_index(make_site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(make_site({"content/notes/a.md": "# A\n\nText.\n\n## Method\n\nMore.\n"}))
    anchor = result.html("/notes/a/").select_one("h2 a.header-anchor")
    assert anchor["data-pagefind-ignore"] == "all"  # a result's section is "Method", not "Method #"


def test_the_header_search_box_is_a_plain_form_to_the_search_page(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(site)
    form = result.html("/").select_one("header form[role=search]")
    assert form["action"] == f"{PREFIX}/search/"
    assert form.get("method") == "get"
    field = form.select_one("input[type=search]")
    assert field["name"] == "q"
    assert form.select_one(f"label[for={field['id']}]") is not None
    kept = result.html("/search/").select_one("header form[role=search]")  # there too
    assert kept is not None and kept["action"] == form["action"]


def test_the_search_page_loads_pagefind_from_this_site(site, build_site, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    result = build_site(site)
    soup = result.html("/search/")
    assert soup.h1.get_text() == "Search"
    script = soup.select_one("main script[src]")
    assert script["src"] == f"{PREFIX}/assets/js/search.js"
    code = (result.output / "assets/js/search.js").read_text()
    assert '"shards.json"' in code and "pagefind.js" in code  # the shards, searched together
    assert not [tag for tag in soup.select("script[src], link[rel=stylesheet]")
                if "//" in (tag.get("src") or tag.get("href"))]  # nothing from elsewhere
    box = soup.select_one("#search")
    assert (box["data-bundle"], box["data-base"]) == (f"{PREFIX}/pagefind/", f"{PREFIX}/")
    assert soup.find("noscript") is not None
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_a_note_cannot_take_the_search_page_url(make_site, build_site):
    result = build_site(make_site({
        "content/notes/search.md": "---\ntitle: Search\npermalink: /search/\n---\nMine.\n"}))
    assert result.exit_code == 1
    assert "permalink /search/ is taken by the generated page search.html" in result.stderr


def test_the_search_digest_follows_what_pagefind_reads_and_nothing_else():
    from margin.pages.searchable import searched_digest

    page = ('<html lang="en"><body><nav>Home</nav><article data-pagefind-body>'
            '<h1 data-pagefind-meta="title">Week</h1><p>Sparse attention.</p>'
            '<div data-pagefind-ignore><a data-pagefind-filter="tag">LLMs</a></div>'
            '<section class="related" data-pagefind-ignore><ul><li>Old</li></ul></section>'
            '</article><footer>2025</footer></body></html>')
    same = searched_digest(page.encode())

    def digest(old: str, new: str) -> str:
        assert old in page
        return searched_digest(page.replace(old, new).encode())

    assert digest("<li>Old</li>", "<li>New</li><li>Other</li>") == same  # ignored
    assert digest("<nav>Home</nav>", "<nav>Start</nav>") == same  # outside the body
    assert digest("<footer>2025</footer>", "<footer>2026</footer>") == same
    assert digest("Sparse attention.", "Dense attention.") != same  # the indexed text
    assert digest(">LLMs<", ">Agents<") != same  # a filter, though inside an ignored part
    assert digest(">Week<", ">Week two<") != same
    assert digest('lang="en"', 'lang="fr"') != same
    unclosed = page.replace("</article>", "")  # runs to the end: more, never less
    assert searched_digest(unclosed.replace("2025", "2026").encode()) != searched_digest(
        unclosed.encode())


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_a_change_only_to_what_other_pages_show_of_a_note_reindexes_its_shard_alone(
        make_site, build_site, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *args: args)
    notes = {f"content/notes/n{i}.md": f"---\ntitle: Note {i}\n---\nSee [[Hub]]. Text {i}.\n"
             for i in range(12)}
    site = make_site({**notes, "content/notes/hub.md": "---\ntitle: Hub\n---\nThe hub.\n"})
    assert build_site(site).exit_code == 0
    runs.clear()
    # n3 stops linking the hub: n3's text changes (its shard is indexed again); the hub's page
    # changes only in its backlinks, which the index leaves out, so its shard stays.
    (site / "content/notes/n3.md").write_text("---\ntitle: Note 3\n---\nText 3, no link.\n")
    assert build_site(site).exit_code == 0
    assert len(runs) == 1


def test_a_note_added_between_two_others_reindexes_its_own_shard_alone(make_site, build_site,
                                                                      monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *args: args)
    posts = {f"content/posts/2025-01-{day:02d}-p{day}.md":
             f"---\ntitle: Post {day}\n---\nDay {day}.\n" for day in range(1, 25, 2)}
    site = make_site(posts)
    assert build_site(site).exit_code == 0
    runs.clear()
    # The new post is the newer neighbour of one post and the older of another: their pages
    # change, but only in what the index leaves out.
    (site / "content/posts/2025-01-10-new.md").write_text("---\ntitle: New post\n---\nNew.\n")
    result = build_site(site)
    assert result.exit_code == 0
    for url in ("/2025/01/09/p9/", "/2025/01/11/p11/"):
        assert "New post" in result.html(url).select_one("nav.neighbours").get_text()
    assert len(runs) == 1


def test_the_index_is_made_alongside_the_write_and_dropped_when_the_build_fails(
        site, build_site, monkeypatch):
    assert build_site(site).exit_code == 0
    bundle = site / "_site" / "pagefind"
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert before
    started = []

    class Recorded(search.Indexing):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(search, "Indexing", Recorded)
    note = site / "content/notes/evergreen.md"
    note.write_text(note.read_text() + "\nGrafting, see [this](/nowhere/).\n")
    result = build_site(site, "--strict")  # the broken link, a warning, fails a strict build
    assert result.exit_code == 1 and "broken link: /blog/nowhere/" in result.stderr
    assert len(started) == 1 and started[0].redo  # indexing had begun: the link check came after
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before
    assert not list(site.glob(".*margin-search*"))
    assert build_site(site).exit_code == 0  # not strict: the same pages, now indexed
    assert "Grafting" in (site / "_site/notes/evergreen/index.html").read_text()
    assert len(started) == 2 and {p for p in bundle.rglob("*") if p.is_file()} != set(before)


def test_pagefind_is_found_where_the_environment_names_it_else_as_installed(tmp_path,
                                                                           monkeypatch):
    installed = search.pagefind_binary()
    named = tmp_path / "my-pagefind"
    named.write_bytes(b"")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(named))
    assert search.pagefind_binary() == named
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    assert search.pagefind_binary() is None  # named, so that one or none (search off)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert search.pagefind_binary() == installed


def test_finding_pagefind_loads_no_part_of_its_python_service():
    """A build that indexes nothing (nothing changed) asks where Pagefind is: that must not
    import the package's service, which brings asyncio (~0.1 s of a no-change build)."""
    import subprocess
    import sys
    code = ("import sys; from margin.write.search import pagefind_binary; pagefind_binary(); "
            "print(sorted(m for m in sys.modules if m.startswith(('pagefind.', 'asyncio'))))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "[]"
