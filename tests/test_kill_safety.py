"""A build killed outright (SIGKILL, as `kill -9`) at any step of its write leaves a whole site
at the output path, the old one or the new one, search index included; margin deletes no
folder it did not make. Real builds in child processes, killed at named steps
(MARGIN_KILL_AT, write/atomic.py)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_errors import snapshot


def margin_build(site: Path, kill_at: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "MARGIN_KILL_AT": kill_at}
    return subprocess.run([sys.executable, "-m", "margin", "build", str(site), "-q"], env=env,
                          capture_output=True, text=True, timeout=180)


def notes() -> dict[str, str]:
    files = {"site.toml": 'title = "Field notes"\n'}
    for number in range(1, 13):
        files[f"content/posts/2025-02-{number:02d}-day-{number}.md"] = (
            f"---\ntitle: Day {number}\ntags: [walk, day-{number % 3}]\n---\n"
            f"Walked {number} miles along the river and counted herons.\n")
    return files


EDITS = {  # one note's body: a few files change
    "one note": ["content/posts/2025-02-05-day-5.md"],
    # every note's: most files change
    "every note": [f"content/posts/2025-02-{number:02d}-day-{number}.md"
                   for number in range(1, 13)],
}


@pytest.fixture
def before_and_after(make_site, tmp_path):
    """A site built, one note edited, built again (its output: `old`; the spare tree beside it
    is the first build's), then edited as EDIT says; `new` is what a build of the edited site
    writes (made in a copy, the site itself is left to the test). With SPARE false, built
    once only: a first build keeps no spare tree."""

    def prepare(edit: str, spare: bool = True) -> tuple[Path, dict[str, str], dict[str, str]]:
        site = make_site(notes())
        assert margin_build(site).returncode == 0
        if spare:
            _append(site / "content/posts/2025-02-03-day-3.md", "Heard a bittern at dusk.\n")
            assert margin_build(site).returncode == 0
        assert (site / SPARE).is_dir() == spare
        old = snapshot(site / "_site")
        for path in EDITS[edit]:
            _append(site / path, "Rain all day; the herons stayed away.\n")
        reference = tmp_path / "reference"
        shutil.copytree(site, reference, symlinks=True)
        done = margin_build(reference)
        assert done.returncode == 0, done.stderr
        new = snapshot(reference / "_site")
        assert new != old
        assert _search_is_whole(reference / "_site")
        return site, old, new

    return prepare


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def pages(files: dict[str, str]) -> dict[str, str]:
    """A snapshot less the search bundles' bytes (Pagefind's differ from run to run for the
    same pages: a fresh build and an incremental one cannot be compared on them)."""
    return {path: digest for path, digest in files.items()
            if not path.startswith("pagefind/") or path == "pagefind/shards.json"}


def _search_is_whole(output: Path) -> bool:
    manifest = output / "pagefind" / "shards.json"
    if not manifest.is_file():
        return False
    bundles = json.loads(manifest.read_text(encoding="utf-8"))["bundles"]
    return bool(bundles) and all((output / "pagefind" / name / "pagefind-entry.json").is_file()
                                 for name in bundles)


def _search_files(output: Path) -> dict[str, str]:
    return {path: digest for path, digest in snapshot(output).items()
            if path.startswith("pagefind/")}


def _killed(done: subprocess.CompletedProcess) -> bool:
    return done.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("edit", "step", "expected"), [
    ("every note", "swap:ready", "old"),  # all staged and indexed, nothing swapped
    ("every note", "swap:done", "new"),  # swapped, the old tree not yet kept as the spare
    ("one note", "swap:ready", "old"),  # the spare tree made the new site, not swapped in
    ("one note", "swap:done", "new"),
])
def test_a_build_killed_around_the_swap_leaves_the_old_or_the_new_site(before_and_after, edit,
                                                                       step, expected):
    site, old, new = before_and_after(edit)
    done = margin_build(site, kill_at=step)
    assert _killed(done), f"{step} was not reached: {done.returncode} {done.stderr}"
    output = site / "_site"
    if expected == "old":
        assert snapshot(output) == old  # untouched, search bundles and all
    else:
        assert pages(snapshot(output)) == pages(new)
    assert _search_is_whole(output)
    assert margin_build(site).returncode == 0
    assert pages(snapshot(output)) == pages(new)
    assert list(site.glob("._site.margin-*")) == [site / SPARE]  # the rest, tidied


SPARE = "._site.margin-spare"


@pytest.mark.parametrize(("step", "expected"), [("swap:ready", "old"), ("swap:done", "new")])
def test_the_build_after_a_first_one_killed_around_its_swap_leaves_the_old_or_the_new_site(
        before_and_after, step, expected):
    """With no spare tree yet (a first build keeps none), the second build makes its new site
    whole in the staging folder, linked to the live files, and swaps that in."""
    site, old, new = before_and_after("one note", spare=False)
    done = margin_build(site, kill_at=step)
    assert _killed(done), f"{step} was not reached: {done.returncode} {done.stderr}"
    if expected == "old":
        assert snapshot(site / "_site") == old
    else:
        assert pages(snapshot(site / "_site")) == pages(new)
    assert _search_is_whole(site / "_site")
    assert margin_build(site).returncode == 0
    assert pages(snapshot(site / "_site")) == pages(new)


def test_a_first_build_keeps_no_spare_tree_and_the_next_keeps_the_first_output_as_one(
        make_site):
    site = make_site(notes())
    assert margin_build(site).returncode == 0
    assert list(site.glob("._site.margin-*")) == []  # (a deploy's build: nothing beside)
    first = snapshot(site / "_site")
    _append(site / EDITS["one note"][0], "Frost on the reeds.\n")
    assert margin_build(site).returncode == 0
    assert list(site.glob("._site.margin-*")) == [site / SPARE]
    assert snapshot(site / SPARE) == first
    assert snapshot(site / "_site") != first


@pytest.mark.parametrize("edit", ["one note", "every note"])
def test_a_build_killed_after_any_file_the_spare_tree_takes_leaves_the_old_or_the_new_site(
        before_and_after, tmp_path, edit):
    """The spare tree takes the new site a file at a time (a move, a link or a deletion
    each); a kill after any of them leaves the live output exactly as it was, and the next
    build finishes the job whatever state the spare was left in."""
    site, old, new = before_and_after(edit)
    pristine = tmp_path / "pristine"
    shutil.copytree(site, pristine, symlinks=True)
    steps, killed_at = _spread(1, 400), []
    for step in steps:
        shutil.rmtree(site)
        shutil.copytree(pristine, site, symlinks=True)
        done = margin_build(site, kill_at=f"spare:file#{step}")
        if not _killed(done):
            assert done.returncode == 0, done.stderr
            break
        killed_at.append(step)
        assert snapshot(site / "_site") == old, f"killed after file {step}"
        assert margin_build(site).returncode == 0
        assert pages(snapshot(site / "_site")) == pages(new), f"after a kill at file {step}"
        assert _search_is_whole(site / "_site")
        assert snapshot(site / SPARE) == old  # the next build's spare: the old site, whole
    assert len(killed_at) >= 4, killed_at  # (the kills did happen, at several files)
    assert killed_at[-1] < steps[-1]  # (and the build got to its end after the last)


def _spread(first: int, last: int) -> list[int]:
    """Steps from FIRST to LAST, dense at the start and sparser later (1, 2, 3, 4, 6, 9, ...)."""
    steps, step = [], first
    while step <= last:
        steps.append(step)
        step = max(step + 1, step * 3 // 2)
    return steps


def test_a_build_killed_between_the_two_renames_of_a_swap_is_put_back(make_site, monkeypatch,
                                                                     build_site):
    """Where the file system cannot swap two folders in one step, the swap takes two renames;
    a build killed between them has parked the old site, which the next build puts back."""
    site = make_site(notes())
    assert build_site(site).exit_code == 0
    old = snapshot(site / "_site")
    (site / "site.toml").write_text('title = "River notes"\n', encoding="utf-8")
    monkeypatch.setattr("margin.write.output.exchange", lambda first, second: False)

    class Killed(BaseException):
        pass

    def die_at(step: str) -> None:
        if step == "swap:parked":
            raise Killed

    monkeypatch.setattr("margin.write.output.reached", die_at)
    with pytest.raises(Killed):
        build_site(site)
    assert not (site / "_site").exists()
    parked = site / "._site.margin-retired"
    assert snapshot(parked) == old
    monkeypatch.setattr("margin.write.output.reached", lambda step: None)
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert "River notes" in result.html("/").title.text
    assert not parked.exists()


LOOK_ALIKES = ["._site.margin-search", "._site.margin-search-x1", "._site.margin-searchx",
               "._site.margin-sparex", ".margin-cache-old"]


def test_folders_named_like_margins_own_but_without_its_marker_survive_every_build(
        make_site, build_site):
    site = make_site({**notes(), **{f"{name}/mine.txt": "my file" for name in LOOK_ALIKES}})
    assert build_site(site).exit_code == 0
    (site / "content/posts/2025-02-03-day-3.md").write_text("Edited.\n", encoding="utf-8")
    assert build_site(site).exit_code == 0
    (site / "site.toml").write_text('title = "River notes"\n', encoding="utf-8")
    assert build_site(site).exit_code == 0
    (site / "content/posts/2025-02-04-day-4.md").write_text("---\ntitle: [\n---\n")
    assert build_site(site).exit_code == 1
    for name in LOOK_ALIKES:
        assert (site / name / "mine.txt").read_text() == "my file", name


@pytest.mark.parametrize("kind", ["staging", "retired", "spare"])
def test_a_look_alike_staging_retired_or_spare_folder_is_refused_in_one_line_and_kept(
        make_site, build_site, kind):
    site = make_site({**notes(), f"._site.margin-{kind}/mine.txt": "my file"})
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == (f"error: {site}/._site.margin-{kind} exists and was not made "
                               "by margin (no .margin-output file); margin would replace it: "
                               "move it away")
    assert (site / f"._site.margin-{kind}/mine.txt").read_text() == "my file"


# --- child processes die with margin --------------------------------------------------------

def _with_token(token: str) -> list[int]:
    """The live processes whose environment holds MARGIN_TEST_TOKEN=TOKEN."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"MARGIN_TEST_TOKEN={token}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _left_after(token: str, seconds: float = 5.0) -> list[int]:
    """The processes holding TOKEN still there after SECONDS (or as soon as there are none)."""
    deadline = time.monotonic() + seconds
    while (left := _with_token(token)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _token_env(tmp_path: Path) -> tuple[str, dict[str, str]]:
    token = tmp_path.name + str(os.getpid())
    return token, {**os.environ, "MARGIN_TEST_TOKEN": token}


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc; the parent-death signal is Linux's")

SLOW_CHILDREN = """
import os, signal, sys, time
from margin.parallel import Background, fork_imap

def slow(item):
    time.sleep(60)
    return item

if sys.argv[1] == "workers":
    fork_imap(slow, list(range(8)), 3)  # three workers forked at once
else:
    Background(lambda: slow(0))
time.sleep(0.5)
os.kill(os.getpid(), signal.SIGKILL)
"""


@linux_only
@pytest.mark.parametrize("kind", ["workers", "background"])
def test_forked_workers_die_when_margin_is_killed(tmp_path, kind):
    token, env = _token_env(tmp_path)
    done = subprocess.run([sys.executable, "-c", SLOW_CHILDREN, kind], env=env, timeout=60,
                          stdout=subprocess.DEVNULL)  # (children left would hold a pipe open)
    assert done.returncode == -signal.SIGKILL
    assert _left_after(token) == []


@linux_only
def test_pagefind_dies_when_the_build_is_killed(make_site, tmp_path):
    site = make_site(notes())
    slow_pagefind = tmp_path / "pagefind"
    slow_pagefind.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    slow_pagefind.chmod(0o755)
    token, env = _token_env(tmp_path)
    env["PAGEFIND_BINARY_PATH"] = str(slow_pagefind)
    build = subprocess.Popen([sys.executable, "-m", "margin", "build", str(site), "-q"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _indexing(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _indexing(token), "Pagefind never started"
    finally:
        build.kill()
        build.wait()
    assert _left_after(token) == []


def _indexing(token: str) -> bool:
    """Whether the (slow, fake) Pagefind of the build holding TOKEN runs."""
    for pid in _with_token(token):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"sleep\0"):
                return True
    return False


def test_a_full_disk_while_the_spare_tree_is_made_keeps_the_old_site_and_the_next_build_works(
        make_site, build_site, monkeypatch, tmp_path):
    site = make_site(notes())
    assert build_site(site).exit_code == 0
    _append(site / "content/posts/2025-02-03-day-3.md", "Heard a bittern at dusk.\n")
    assert build_site(site).exit_code == 0  # (the first build's output is now the spare)
    old = snapshot(site / "_site")
    _append(site / EDITS["one note"][0], "Frost on the reeds.\n")
    shutil.copytree(site, tmp_path / "reference", symlinks=True)
    new = build_site(tmp_path / "reference")
    assert new.exit_code == 0
    taken = []

    def full_disk_at_the_third(step: str) -> None:
        taken.append(step)
        if len(taken) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("margin.write.spare.reached", full_disk_at_the_third)
    failed = build_site(site)
    assert failed.exit_code == 1
    assert failed.lines[0].endswith(": No space left on device"), failed.lines
    assert snapshot(site / "_site") == old
    monkeypatch.setattr("margin.write.spare.reached", lambda step: None)
    assert build_site(site).exit_code == 0
    assert pages(snapshot(site / "_site")) == pages(snapshot(new.output))
    assert _search_is_whole(site / "_site")
