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

from margin.write import journal
from margin.write.journal import JOURNAL, finish_interrupted
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


EDITS = {  # one note's body: a few files change, moved in place under a journal
    "one note": ["content/posts/2025-02-05-day-5.md"],
    # every note's: most files change, a new tree is swapped in
    "every note": [f"content/posts/2025-02-{number:02d}-day-{number}.md"
                   for number in range(1, 13)],
}


@pytest.fixture
def before_and_after(make_site, tmp_path):
    """A site built once (its output: `old`) and then edited as EDIT says; `new` is what a
    build of the edited site writes (made in a copy, the site itself is left to the test)."""

    def prepare(edit: str) -> tuple[Path, dict[str, str], dict[str, str]]:
        site = make_site(notes())
        assert margin_build(site).returncode == 0
        old = snapshot(site / "_site")
        for path in EDITS[edit]:
            with (site / path).open("a", encoding="utf-8") as stream:
                stream.write("Rain all day; the herons stayed away.\n")
        reference = tmp_path / "reference"
        shutil.copytree(site, reference, symlinks=True)
        done = margin_build(reference)
        assert done.returncode == 0, done.stderr
        new = snapshot(reference / "_site")
        assert new != old
        assert _search_is_whole(reference / "_site")
        return site, old, new

    return prepare


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
    ("every note", "swap:done", "new"),  # swapped, the old tree not yet deleted
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
    assert not list(site.glob("._site.margin-*"))  # what the killed build left, tidied


@pytest.mark.parametrize("step", ["update:journaled", "update:one-moved"])
def test_a_build_killed_among_its_in_place_renames_is_completed_by_the_next(
        before_and_after, step):
    site, old, new = before_and_after("one note")
    done = margin_build(site, kill_at=step)
    assert _killed(done), f"{step} was not reached: {done.returncode} {done.stderr}"
    output = site / "_site"
    assert (output / JOURNAL).is_file()
    left = snapshot(output)
    del left[JOURNAL]
    if step == "update:journaled":
        assert left == old  # every new file is staged beside the output, none moved yet
    assert finish_interrupted(output)  # what the next build (or serve) does first
    assert pages(snapshot(output)) == pages(new)
    assert _search_is_whole(output)
    assert margin_build(site).returncode == 0
    assert pages(snapshot(output)) == pages(new)


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
               ".margin-cache-old"]


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


@pytest.mark.parametrize("kind", ["staging", "retired"])
def test_a_look_alike_staging_or_retired_folder_is_refused_in_one_line_and_kept(
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


def test_renames_the_system_refuses_halfway_are_completed_by_the_next_build(
        make_site, build_site, monkeypatch, tmp_path):
    site = make_site(notes())
    assert build_site(site).exit_code == 0
    old_search = _search_files(site / "_site")
    note = site / EDITS["one note"][0]
    note.write_text(note.read_text(encoding="utf-8") + "Frost on the reeds.\n", encoding="utf-8")
    shutil.copytree(site, tmp_path / "reference", symlinks=True)
    new = build_site(tmp_path / "reference")
    assert new.exit_code == 0
    real, done = journal._do, []

    def full_disk_at_the_second(output, step):
        if done:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(output / step[-1]))
        done.append(step)
        real(output, step)

    monkeypatch.setattr(journal, "_do", full_disk_at_the_second)
    failed = build_site(site)
    assert failed.exit_code == 1
    assert failed.lines[0].endswith(": No space left on device")
    assert (site / "_site" / JOURNAL).is_file()
    monkeypatch.setattr(journal, "_do", real)
    assert finish_interrupted(site / "_site")  # every file it names is still there to move
    assert pages(snapshot(site / "_site")) == pages(snapshot(new.output))
    assert _search_is_whole(site / "_site")
    assert _search_files(site / "_site") != old_search  # the new bundle went in too
    assert build_site(site).exit_code == 0
    assert pages(snapshot(site / "_site")) == pages(snapshot(new.output))
