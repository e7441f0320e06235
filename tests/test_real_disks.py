"""Builds into a real full file system and a real read-only one (small tmpfs mounts), not a
simulated OSError: the build fails in one line naming the path, the last output stays exactly
as it was, nothing is left behind to fill the disk further, and the next build, once there is
room, is the site.

Mounting needs root (or a user namespace): where the system refuses, these tests skip and say
why, unless MARGIN_REQUIRE_MOUNT=1 (CI, which runs as root) makes them fail instead.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_errors import snapshot

NOTE = "content/posts/2025-03-01-dunlin.md"


def _mount(where: Path, options: str) -> str | None:
    """Mount a tmpfs at WHERE with OPTIONS; None, or why the system refused."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                              capture_output=True, text=True, timeout=30)
    except OSError as exc:
        return f"cannot run mount ({exc.strerror})"
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 3 MB tmpfs of its own, unmounted after the test."""
    disk = tmp_path / "disk"
    refused = _mount(disk, "size=3m,mode=0755")
    if refused is not None:
        if os.environ.get("MARGIN_REQUIRE_MOUNT") == "1":
            pytest.fail(f"mounting a tmpfs was refused ({refused}), and MARGIN_REQUIRE_MOUNT=1 "
                        "requires the tests on real full and read-only disks")
        pytest.skip(f"mounting a tmpfs was refused ({refused}): the full and read-only disk "
                    "tests need root; set MARGIN_REQUIRE_MOUNT=1 to fail instead of skipping")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False, timeout=30)


def _notes(count: int) -> dict[str, str]:
    files = {"site.toml": 'title = "Shore counts"\n'}
    for number in range(1, count + 1):
        files[f"content/posts/2025-03-{number:02d}-count-{number}.md"] = (
            f"---\ntitle: Count {number}\ntags: [shore]\n---\n"
            f"Counted {number * 40} dunlin on the mudflat at low water.\n")
    return files


def _leftovers(disk: Path) -> list[str]:
    """What margin has beside the output on DISK but its spare tree (a failed build's own)."""
    return sorted(path.name for path in disk.iterdir()
                  if path.name.startswith("._site.margin-") and path.name != "._site.margin-spare")


def test_a_build_into_a_full_disk_fails_in_one_line_and_keeps_the_last_site(
        make_site, build_site, small_disk):
    site = make_site({**_notes(8), NOTE: "---\ntitle: Dunlin\n---\nA flock of dunlin.\n"})
    output = small_disk / "_site"
    first = build_site(site, output=output)
    assert first.exit_code == 0, first.stderr
    before = snapshot(output)
    # A note too large for what is left of the disk (its page holds it twice over).
    (site / NOTE).write_text("---\ntitle: Dunlin\n---\n" + "Dunlin and knot. " * 120_000,
                             encoding="utf-8")
    failed = build_site(site, output=output)
    assert failed.exit_code == 1
    assert failed.lines[0].startswith(f"error: {output}/")
    assert failed.lines[0].endswith(": No space left on device")
    assert "internal error" not in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(output) == before
    assert _leftovers(small_disk) == []  # the failed build's staging is gone: the space too
    (site / NOTE).write_text("---\ntitle: Dunlin\n---\nA flock of dunlin, then knot.\n",
                             encoding="utf-8")
    again = build_site(site, output=output)
    assert again.exit_code == 0, again.stderr
    assert "then knot" in again.html("/2025/03/01/dunlin/").select_one("article").get_text()


def test_a_build_into_a_read_only_disk_fails_in_one_line_and_keeps_the_last_site(
        make_site, build_site, small_disk):
    site = make_site({**_notes(4), NOTE: "---\ntitle: Dunlin\n---\nA flock of dunlin.\n"})
    output = small_disk / "_site"
    first = build_site(site, output=output)
    assert first.exit_code == 0, first.stderr
    before = snapshot(output)
    (site / NOTE).write_text("---\ntitle: Dunlin\n---\nKnot among them.\n", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=30)
    try:
        failed = build_site(site, output=output)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True, timeout=30)
    assert failed.exit_code == 1
    assert failed.lines[0].startswith(f"error: {small_disk}/")
    assert failed.lines[0].endswith(": Read-only file system")
    assert "internal error" not in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(output) == before
    again = build_site(site, output=output)
    assert again.exit_code == 0, again.stderr
    assert "Knot among them" in again.html("/2025/03/01/dunlin/").select_one("article").get_text()
