"""Stopping `margin serve` leaves what `margin build` would have left, from the server's own
state and without building: the next build finds nothing to do, and the output it keeps is a
fresh build's, byte for byte, with the same warnings and a complete search index. What the
server did not see (a file saved as it stopped) is built by the stop, as before."""

from __future__ import annotations

import io
import textwrap
import time
from contextlib import nullcontext
from pathlib import Path

import pytest

import margin.incremental.bodycache
import margin.serve.session
from conftest import recorded_calls, run_margin
from margin.build import Options
from margin.config import load_config
from margin.model import SiteConfig
from margin.serve import Preview
from margin.serve.session import Session
from margin.write import MARKER, search
from test_search_same_index import index_of

NOTHING_TO_DO = "nothing changed since the last build"

SITE = {
    "site.toml": 'title = "Stopping"\n',
    "content/posts/2025-03-01-kiln.md": """\
        ---
        title: Kiln log
        tags: [ceramics]
        ---
        The kiln reached cone six; see [[Glaze tests]] and [the old page](/gone/).
        """,
    "content/posts/2025-03-02-glaze.md": """\
        ---
        title: Glaze tests
        tags: [ceramics, chemistry]
        ---
        Three glazes crazed. The [kiln log](2025-03-01-kiln.md) has the firing.
        """,
    "content/notes/clay.md": """\
        ---
        title: Clay bodies
        ---
        Stoneware shrinks about twelve percent.
        """,
    "content/notes/plans.md": "---\ntitle: Plans\ndraft: true\n---\nA studio of my own.\n",
    "content/notes/firing.md": """\
        ---
        title: Firing
        bibliography: kilns.bib
        ---
        Reduction firing follows [@potter1976], not [@nobody1999]. See [[Nowhere]].
        """,
    "content/notes/kilns.bib": """\
        @book{potter1976,
          title = {Firing by Hand},
          author = {Potter, Ada},
          year = {1976},
        }
        """,
    "assets/css/studio.css": "body { margin: 0 }\n",
}


def write(site: Path, relative: str, text: str | None) -> Path:
    path = site / relative
    if text is None:
        path.unlink()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def edit(site: Path, relative: str, old: str, new: str) -> Path:
    text = (site / relative).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    return write(site, relative, text.replace(old, new, 1))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file margin wrote; the search bundle aside (index_of compares it)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER
            and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def warnings_of(said: str) -> list[str]:
    return sorted(line for line in said.splitlines() if ": warning: " in line)


@pytest.fixture
def served(make_site, monkeypatch):
    """A site built, then served (taken over as `margin serve` does); the builds the session
    runs itself are counted."""
    site = make_site(SITE)
    config, problems = load_config(site)
    assert run_margin("build", site)[0] == 0
    session = Session(config, None, problems)
    session.open(Options(jobs=1))
    assert session.take_over(nullcontext) is None
    builds = recorded_calls(monkeypatch, margin.serve.session, "build", lambda *_: "build")
    return site, session, builds


def stop_and_compare(site: Path, session: Session, build_site, tmp_path) -> list[str]:
    """Stop; then the next build must find nothing to do, and warn of and keep what a fresh
    build warns of and writes. Its warnings."""
    session.save(Options(jobs=1))
    code, summary, said = run_margin("build", site)
    assert code == 0 and NOTHING_TO_DO in summary, summary + said
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert fresh.exit_code == 0, fresh.stderr
    assert warnings_of(said) == warnings_of(fresh.stderr)
    served, built = tree(session.config.output_dir), tree(fresh.output)
    assert sorted(served) == sorted(built)
    assert [path for path in built if served[path] != built[path]] == []
    return said


def theme_template_edited(site: Path, session: Session) -> Path:
    theme = session.config.theme_dir / "templates/note.html"
    text = theme.read_text(encoding="utf-8")
    return write(site, "templates/note.html",
                 text.replace("{% block title %}", "{% block title %}Seen: "))


SAVES = {
    "body": [lambda site, _: edit(site, "content/notes/clay.md", "twelve", "eleven")],
    "tags": [lambda site, _: edit(site, "content/posts/2025-03-02-glaze.md",
                                  "[ceramics, chemistry]", "[chemistry]")],
    "new note": [lambda site, _: write(site, "content/notes/wheel.md", "---\ntitle: Wheel\n"
                                       "tags: [tools]\n---\nThrown; see [[Clay bodies]].\n")],
    "deleted note": [lambda site, _: write(site, "content/notes/clay.md", None)],
    "broken, then fixed": [
        lambda site, _: edit(site, "content/notes/clay.md", "title: Clay bodies", "title: [Clay"),
        lambda site, _: edit(site, "content/notes/clay.md", "title: [Clay", "title: Clay, again")],
    "two saves of links": [
        lambda site, _: edit(site, "content/posts/2025-03-01-kiln.md", "cone six", "cone ten"),
        lambda site, _: edit(site, "content/posts/2025-03-02-glaze.md", "title: Glaze tests",
                             "title: Glaze trials")],
    "a bibliography entry": [lambda site, _: edit(site, "content/notes/kilns.bib",
                                                  "Firing by Hand", "Firing by Eye")],
    "an asset": [lambda site, _: edit(site, "assets/css/studio.css", "0", "1em")],
    "a template": [theme_template_edited],
}


@pytest.mark.parametrize("saves", SAVES.values(), ids=SAVES.keys())
def test_after_saves_the_stop_builds_nothing_and_the_next_build_has_nothing_to_do(
        served, saves, build_site, tmp_path):
    site, session, builds = served
    for save in saves:
        session.rebuild([save(site, session)])
    said = stop_and_compare(site, session, build_site, tmp_path)
    assert builds == []  # the stop left the build's state from its own
    # (the stop checked the links, as a build does; the bodies' and the index's warnings too)
    assert "broken link: /gone/" in said and "nobody1999" in said and "[[Nowhere]]" in said


def test_the_bodies_the_server_rendered_are_the_next_builds_to_keep(served, monkeypatch):
    site, session, _ = served
    session.rebuild([edit(site, "content/notes/clay.md", "twelve", "eleven")])
    session.save(Options(jobs=1))
    edit(site, "content/notes/plans.md", "A studio", "A kiln")  # (a draft: no other body)
    rendered = recorded_calls(monkeypatch, margin.incremental.bodycache, "render_body",
                              lambda note, *_: note.key)
    code, summary, said = run_margin("build", site, "--jobs", "1")
    assert code == 0 and NOTHING_TO_DO not in summary, summary + said
    assert rendered == []


def test_a_note_left_broken_at_the_stop_fails_the_next_build_which_leaves_the_site(
        served, build_site, tmp_path):
    site, session, builds = served
    note = edit(site, "content/notes/clay.md", "title: Clay bodies", "title: [Clay")
    session.rebuild([note])
    before = tree(session.config.output_dir)
    assert session.save(Options(jobs=1)).failed
    assert builds == []  # a build would fail too: nothing to run
    code, _, said = run_margin("build", site)
    assert code != 0 and "error: content/notes/clay.md:2: front matter" in said, said
    assert tree(session.config.output_dir) == before  # the last good site stays
    edit(site, "content/notes/clay.md", "title: [Clay", "title: Clay again")
    assert run_margin("build", site)[0] == 0
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert tree(session.config.output_dir) == tree(fresh.output)


UNSEEN = {
    "a note": lambda site, _: edit(site, "content/notes/clay.md", "twelve", "thirteen"),
    "a new note": lambda site, _: write(site, "content/notes/shelf.md",
                                        "---\ntitle: Shelf\n---\nSilicon carbide.\n"),
    "a draft published": lambda site, _: edit(site, "content/notes/plans.md", "draft: true",
                                              "draft: false"),
    "a template": theme_template_edited,
    "a bibliography entry": lambda site, _: edit(site, "content/notes/kilns.bib",
                                                 "Firing by Hand", "Firing by Eye"),
    "an asset": lambda site, _: edit(site, "assets/css/studio.css", "0", "1em"),
}


@pytest.mark.parametrize("unseen", UNSEEN.values(), ids=UNSEEN.keys())
def test_a_file_saved_as_the_server_stops_is_built_by_the_stop(served, unseen, build_site,
                                                               tmp_path):
    site, session, builds = served
    session.rebuild([edit(site, "content/posts/2025-03-01-kiln.md", "cone six", "cone nine")])
    unseen(site, session)  # the watcher stopped before it saw this
    stop_and_compare(site, session, build_site, tmp_path)
    assert builds == ["build"]


def test_a_body_the_server_failed_to_render_again_is_built_by_the_stop(
        served, build_site, tmp_path, monkeypatch):
    """The stop asks each body's questions again, as the build's cache would: a body left
    stale by the server (a mistake made here on purpose) is not vouched for."""
    site, session, builds = served
    monkeypatch.setattr(Session, "_forget_bodies", lambda *_: None)
    session.rebuild([edit(site, "content/posts/2025-03-02-glaze.md", "title: Glaze tests",
                          "title: Glaze trials")])  # [[Glaze tests]] leads nowhere now
    stop_and_compare(site, session, build_site, tmp_path)
    assert builds == ["build"]


@pytest.fixture
def sharded(monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 6)  # a few notes, several shards


pagefind = pytest.mark.skipif(search.pagefind_binary() is None,
                              reason="Pagefind is not installed")


@pagefind
def test_the_search_shards_a_save_changed_are_indexed_at_the_stop(sharded, served, build_site,
                                                                  tmp_path):
    site, session, _ = served
    session.rebuild([edit(site, "content/notes/clay.md", "Stoneware", "Porcelain")])
    stop_and_compare(site, session, build_site, tmp_path)
    assert index_of(session.config.output_dir) == index_of(tmp_path / "fresh")


@pagefind
def test_the_shards_the_refresher_indexed_are_kept_at_the_stop(sharded, served, build_site,
                                                               tmp_path, monkeypatch):
    site, session, _ = served
    output = session.config.output_dir
    shards = search.shard_keys(output)
    session.rebuild([edit(site, "content/notes/clay.md", "Stoneware", "Porcelain")])
    shards, _ = search.index_folder(output, shards)  # as the server's refresher does
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *_: "run")
    session.save(Options(jobs=1), search=shards)
    assert runs == []
    code, summary, said = run_margin("build", site)
    assert code == 0 and NOTHING_TO_DO in summary, summary + said
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert index_of(output) == index_of(fresh.output)


def served_past_a_refresh(site: Path) -> tuple[Preview, SiteConfig]:
    """SITE served, one note saved, and the search refresher run once since."""
    config, problems = load_config(site)
    preview = Preview(config, port=0, out=io.StringIO(), config_problems=problems)
    preview.start()
    preview.ready.wait()
    runs_before = preview.search.runs
    edit(site, "content/notes/clay.md", "Stoneware", "Porcelain")
    deadline = time.monotonic() + 60
    while preview.search.runs == runs_before and time.monotonic() < deadline:
        time.sleep(0.1)  # the refresher indexes the save's shard once the saves pause
    page = config.output_dir / "notes/clay/index.html"
    assert "Porcelain" in page.read_text() and preview.search.runs > runs_before
    return preview, config


@pagefind
def test_a_server_stopped_after_its_refresher_ran_indexes_nothing_more(sharded, make_site,
                                                                       build_site, tmp_path,
                                                                       monkeypatch):
    site = make_site(SITE)
    preview, config = served_past_a_refresh(site)
    runs = recorded_calls(monkeypatch, search, "run_pagefind", lambda *_: "run")
    preview.stop()
    assert runs == []
    code, summary, said = run_margin("build", site)
    assert code == 0 and NOTHING_TO_DO in summary, summary + said
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert index_of(config.output_dir) == index_of(fresh.output)


def test_a_site_broken_when_the_server_started_and_fixed_since_needs_no_build_at_the_stop(
        make_site, build_site, tmp_path, monkeypatch):
    site = make_site(SITE)
    edit(site, "content/notes/clay.md", "title: Clay bodies", "title: [Clay")
    config, problems = load_config(site)
    session = Session(config, None, problems)
    assert session.open(Options(jobs=1)).errors  # every page drawn by the session
    builds = recorded_calls(monkeypatch, margin.serve.session, "build", lambda *_: "build")
    session.rebuild([edit(site, "content/notes/clay.md", "title: [Clay", "title: Clay")])
    stop_and_compare(site, session, build_site, tmp_path)
    assert builds == []


@pagefind
def test_the_refresher_takes_what_pagefind_reads_from_the_servers_records(
        sharded, make_site, build_site, tmp_path, monkeypatch):
    """Which shards changed comes from the digests the server's rounds recorded, not from
    reading and cutting every page of the output again (seconds at thousands of notes), at
    the start as after each save, and the shard indexed again is made of the cuts kept as
    the pages were drawn (none is cut again); the index is still the one a fresh build
    makes."""
    original, reads = search._pages_in, []
    monkeypatch.setattr(search, "_pages_in", lambda output: reads.append(output)
                        or original(output))
    cut_again = recorded_calls(monkeypatch, search, "searched_page", lambda data: data)
    site = make_site(SITE)
    preview, config = served_past_a_refresh(site)
    preview.stop()
    assert reads == [] and cut_again == []
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert index_of(config.output_dir) == index_of(fresh.output)
