"""The search index depends on the pages alone: a cold build, a cached build that indexed a shard
again, and builds with one worker or two make the same index of the same pages.

Pagefind writes a filter's values (here the tags) in an order of its own hash map, which
changes from run to run, and names the filter file, and the files naming it, by a hash of
those bytes. So the filter files are compared by what they hold (their values, as a sorted
multiset of bytes), the two files that name them by their shape; every other file byte for byte.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from conftest import recorded_calls
from margin.config import load_config
from margin.incremental.build import BuildCache
from margin.write import search
from margin.write.update import bundle_files

pytestmark = pytest.mark.skipif(search.pagefind_binary() is None,
                                reason="Pagefind is not installed")

TAGS = ["optics", "lasers", "fibres", "noise", "cavities", "detectors"]
NAMED_BY_HASH = re.compile(r"[0-9a-f]{7,}")


def notes() -> dict[str, str]:
    return {f"content/notes/n{i:02}.md":
            f"---\ntitle: Bench log {i}\ntags: [{TAGS[i % 6]}, {TAGS[(i * 5) % 6]}]\n---\n"
            f"Alignment of mirror {i} drifted by {i * 3} microradians overnight.\n"
            for i in range(24)}


def index_of(output: Path) -> dict[str, object]:
    """OUTPUT's search bundle, as comparable as Pagefind lets it be (see the module's doc)."""
    found: dict[str, object] = {}
    for path in sorted((output / "pagefind").rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(output).as_posix()
        if path.suffix in (".pf_filter", ".pf_meta"):
            name = NAMED_BY_HASH.sub("#", name)
        if path.suffix == ".pf_filter":  # one per filter (section, tag): a sorted list of them
            held = bytes(sorted(gzip.decompress(path.read_bytes())))
            found[name] = sorted([*found.get(name, []), held])  # type: ignore[list-item]
        elif path.suffix == ".pf_meta":
            found[name] = "(names the filter files)"
        elif path.name == "pagefind-entry.json":
            found[name] = NAMED_BY_HASH.sub("#", path.read_text())
        else:
            found[name] = path.read_bytes()
    return found


@pytest.fixture
def sharded(monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 6)  # 24 notes: 4 shards


def test_one_worker_or_two_make_the_same_index(sharded, make_site, build_site):
    site = make_site(notes())
    one = build_site(site, "--jobs", "1", "--no-cache", output=site / "one")
    two = build_site(site, "--jobs", "2", "--no-cache", output=site / "two")
    assert one.exit_code == 0 and two.exit_code == 0, one.stderr + two.stderr
    first = index_of(one.output)
    assert len(list((one.output / "pagefind").glob("*/pagefind-entry.json"))) == 4
    assert len(first["pagefind/0/filter/en_#.pf_filter"]) == 2  # section and tag
    assert first == index_of(two.output)


def test_a_shard_indexed_again_by_a_cached_build_is_as_a_cold_build_makes_it(
        sharded, make_site, build_site):
    site = make_site(notes())
    cold = build_site(site, "--no-cache", output=site / "cold")
    assert cold.exit_code == 0, cold.stderr
    assert build_site(site).exit_code == 0
    note = site / "content/notes/n05.md"
    text = note.read_text()
    note.write_text(text.replace("overnight", "over the weekend"))
    edited = build_site(site)
    assert edited.exit_code == 0
    assert index_of(edited.output) != index_of(cold.output)  # the shard holding n05 changed
    note.write_text(text)
    again = build_site(site)  # the cache knows the pages; n05's shard is indexed once more
    assert again.exit_code == 0
    assert index_of(again.output) == index_of(cold.output)


def test_a_cached_build_cuts_again_only_what_it_drew_and_makes_the_same_index(
        sharded, make_site, build_site, monkeypatch):
    """What Pagefind reads of each page is kept in the cache by its digest as the page is
    drawn (write/searched.py): a shard indexed again reads and cuts none of its other pages,
    a kept cut found damaged is cut again from the page, the cache keeps the cuts of the
    site's pages only, and the index is the one a cold build makes."""
    site = make_site(notes())
    cold = build_site(site, "--no-cache", output=site / "cold")
    assert build_site(site).exit_code == 0
    store = site / ".margin-cache/searched"
    assert len(list(store.iterdir())) == 24  # one cut a note page
    cut_again = recorded_calls(monkeypatch, search, "searched_page", lambda data: data)
    note = site / "content/notes/n05.md"
    text = note.read_text()
    note.write_text(text.replace("overnight", "over the weekend"))
    assert build_site(site).exit_code == 0
    assert cut_again == []  # the edited page was cut where it was drawn, the others kept
    assert len(list(store.iterdir())) == 24  # the old cut of n05's page is gone
    for kept in store.iterdir():
        kept.write_bytes(kept.read_bytes()[:40])  # damaged: each is cut again from its page
    note.write_text(text)
    assert build_site(site).exit_code == 0
    # The other pages of n05's shard (about 6 of the 24), n05's cut where it was drawn:
    assert 0 < len(cut_again) < 12
    assert not [page for page in cut_again if b"<title>Bench log 5 " in page]
    assert index_of(site / "_site") == index_of(cold.output)


def test_a_shard_pagefind_failed_on_or_search_gone_leaves_nothing_behind(
        sharded, make_site, build_site, monkeypatch):
    """From its third build on, a site is built into the spare tree (write/spare.py): the kept
    shards are linked in before Pagefind is done, the new ones moved in after. A shard
    Pagefind failed on, or every shard once Pagefind is gone, leaves no file behind, and the
    index made whole again is the one a cold build makes."""
    site = make_site(notes())
    cold = build_site(site, "--no-cache", output=site / "cold")
    first, second = site / "content/notes/n05.md", site / "content/notes/n06.md"
    texts = first.read_text(), second.read_text()
    for number in range(3):
        first.write_text(f"{texts[0]}\nRun {number}.\n")
        assert build_site(site).exit_code == 0
    assert (site / "._site.margin-spare").is_dir()
    real_run, real_binary = search.run_pagefind, search.pagefind_binary

    monkeypatch.setattr(search, "run_pagefind", lambda *args: "it broke")
    first.write_text(texts[0])
    failed = build_site(site)
    assert failed.exit_code == 0
    assert "1 of 4 parts of the search index are missing" in failed.stderr
    listed = json.loads((failed.output / "pagefind/shards.json").read_text())["bundles"]
    folders = sorted(f"{p.name}/" for p in (failed.output / "pagefind").iterdir() if p.is_dir())
    assert len(listed) == 3 and folders == sorted(listed)

    monkeypatch.setattr(search, "run_pagefind", real_run)
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    second.write_text(f"{texts[1]}\nEdited.\n")
    gone = build_site(site)
    assert gone.exit_code == 0 and not (gone.output / "pagefind").exists()

    monkeypatch.setattr(search, "pagefind_binary", real_binary)
    second.write_text(texts[1])
    whole = build_site(site)
    assert whole.exit_code == 0, whole.stderr
    assert index_of(whole.output) == index_of(cold.output)


def test_each_shard_keeps_its_folder_of_pages_and_a_damaged_one_is_put_right(
        sharded, make_site, build_site, monkeypatch):
    """The folder of each shard's pages that Pagefind reads is kept in the cache
    (write/shardtrees.py): a shard indexed again makes no folder for its pages, a file that is
    not the shard's page or not its cut is put right, and the index is a cold build's."""
    site = make_site(notes())
    cold = build_site(site, "--no-cache", output=site / "cold")
    assert build_site(site).exit_code == 0
    trees, store = site / ".margin-cache/search-shards", site / ".margin-cache/searched"
    cuts = {path.stat().st_ino for path in store.iterdir()}

    def held() -> dict[str, set[str]]:
        found = {tree.name: {p.relative_to(tree).as_posix() for p in tree.rglob("*.html")}
                 for tree in trees.iterdir()}
        for tree in trees.iterdir():
            assert {p.stat().st_ino for p in tree.rglob("*.html")} <= cuts  # links to cuts
        return found

    shards = held()
    assert len(shards) == 4 and sum(map(len, shards.values())) == 24
    page = "notes/n05/index.html"
    tree = trees / next(name for name, pages in shards.items() if page in pages)
    other = next(p for p in sorted(shards[tree.name]) if p != page)
    (tree / other).unlink()
    (tree / other).write_text("<html><body data-pagefind-body>not the page</body></html>")
    (tree / "notes/stray").mkdir()
    (tree / "notes/stray/index.html").write_text("<p data-pagefind-body>stray</p>")

    made = recorded_calls(monkeypatch, os, "mkdir", lambda path, *args: str(path))
    note = site / "content/notes/n05.md"
    text = note.read_text()
    note.write_text(text.replace("overnight", "over the weekend"))
    assert build_site(site).exit_code == 0
    assert not [path for path in made  # (a folder claimed, yes; none for its pages)
                if "/notes" in path and ("search-shards" in path or "/src-" in path)]
    note.write_text(text)
    assert build_site(site).exit_code == 0
    cuts = {path.stat().st_ino for path in store.iterdir()}
    assert held() == shards
    assert index_of(site / "_site") == index_of(cold.output)


def test_the_records_of_the_search_index_are_its_files_as_they_are(sharded, make_site,
                                                                     build_site):
    """The last output's records hold each file of the search index with its stamp, by
    which the next build knows the shards still intact: those of the shards kept are taken
    from the build before (write/update.py), so they are checked here against the files."""
    site = make_site(notes())
    note = site / "content/notes/n05.md"
    text = note.read_text()
    config, _ = load_config(site)
    for number in range(4):  # (through the spare tree from the third build)
        note.write_text(f"{text}\nRun {number}.\n")
        assert build_site(site).exit_code == 0
        records = BuildCache(config).last_output()
        assert len(records.search) == 4
        assert records.bundle == bundle_files(config.output_dir)
