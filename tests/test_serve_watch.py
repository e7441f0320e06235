"""Watching: saves in quick succession give one rebuild; what changes meanwhile is not lost;
and each path is sorted by what it is to the site."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from margin.config import load_config
from margin.serve.changes import Kind, classify, kind_of
from margin.serve.watch import Watcher


class Batches:
    def __init__(self, block_first: bool = False):
        self.seen: list[set[Path]] = []
        self.arrived = threading.Condition()
        self.release = threading.Event()
        if not block_first:
            self.release.set()

    def __call__(self, paths: set[Path]) -> None:
        with self.arrived:
            self.seen.append(paths)
            self.arrived.notify_all()
        self.release.wait(5)

    def wait_for(self, count: int, timeout: float = 5) -> list[set[Path]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.seen) >= count, timeout), self.seen
        return self.seen

    def wait_for_path(self, path: Path, timeout: float = 5) -> None:
        with self.arrived:
            named = lambda: any(path in batch for batch in self.seen)  # noqa: E731
            assert self.arrived.wait_for(named, timeout), self.seen


@pytest.fixture
def watched(tmp_path):
    batches = Batches()
    watcher = Watcher(batches, quiet=0.2)  # long enough for a busy machine's scheduler
    folder = tmp_path / "content"
    folder.mkdir()
    watcher.watch([folder])
    watcher.start()
    yield folder.resolve(), batches, watcher
    watcher.stop()


def test_saves_in_quick_succession_give_one_rebuild(watched):
    folder, batches, _ = watched
    for number in range(5):
        (folder / f"note-{number}.md").write_text(f"note {number}")
    time.sleep(0.6)
    assert len(batches.wait_for(1)) == 1
    assert {folder / f"note-{n}.md" for n in range(5)} <= batches.seen[0]


def test_an_editors_write_and_rename_reaches_the_rebuild_as_the_note(watched):
    # The rename may come in a later batch than the scratch file's write: watchdog holds a
    # rename's first half for up to half a second while it looks for the second.
    folder, batches, _ = watched
    scratch = folder / ".note.md.swp"
    scratch.write_text("draft")
    scratch.rename(folder / "note.md")
    batches.wait_for_path(folder / "note.md")


def test_a_save_during_a_rebuild_is_rebuilt_next(tmp_path):
    batches = Batches(block_first=True)
    watcher = Watcher(batches, quiet=0.02)
    try:
        watcher.start()
        watcher.add([tmp_path / "a.md"])
        batches.wait_for(1)
        watcher.add([tmp_path / "b.md"])  # while the first rebuild is still running
        time.sleep(0.1)
        assert len(batches.seen) == 1
        batches.release.set()
        assert batches.wait_for(2)[1] == {tmp_path / "b.md"}
    finally:
        batches.release.set()
        watcher.stop()


def test_a_stream_of_saves_still_rebuilds_at_least_every_longest_wait(tmp_path):
    batches = Batches()
    watcher = Watcher(batches, quiet=0.05, longest=0.1)
    try:
        watcher.start()
        for number in range(30):
            watcher.add([tmp_path / f"{number}.md"])
            time.sleep(0.01)
        assert len(batches.wait_for(2)) >= 2
    finally:
        watcher.stop()


@pytest.fixture
def config(make_site):
    site = make_site({"site.toml": "", "content/posts/a.md": "A"})
    return load_config(site)[0]


@pytest.mark.parametrize(("relative", "kind"), [
    ("site.toml", Kind.CONFIG),
    ("content/posts/a.md", Kind.NOTE),
    ("content/posts/b.markdown", Kind.NOTE),
    ("content/_posts/2025-01-01-a.md", Kind.NOTE),
    ("content/posts", Kind.NOTE),  # a folder: its notes are read again
    ("content/posts/figure.png", Kind.CONTENT_FILE),
    ("content/posts/.a.md.swp", None),
    ("content/posts/a.md~", None),
    ("content/_private/a.md", None),
    ("content/.obsidian/workspace.json", None),
    ("templates/note.html", Kind.TEMPLATE),
    ("templates/partials/x.html", Kind.TEMPLATE),
    ("assets/css/site.css", Kind.ASSET),
    ("assets/.DS_Store", None),
    ("_site/index.html", None),
    ("README.md", None),
    (".git/index", None),
])
def test_each_path_is_sorted_by_what_it_is_to_the_site(config, relative, kind):
    assert kind_of(config.site_dir / relative, config) is kind


def test_a_batch_is_grouped_by_kind(config):
    site = config.site_dir
    changes = classify([site / "content/posts/a.md", site / "templates/base.html",
                        site / "assets/x.css", site / "_site/x.html"], config)
    assert changes.notes == {site / "content/posts/a.md"}
    assert changes.templates == {site / "templates/base.html"}
    assert changes.assets == {site / "assets/x.css"}
    assert not changes.config and not changes.content_files
