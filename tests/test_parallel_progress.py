"""Worker processes give the results a plain loop would, even when one dies; the progress bar
shows only on a terminal, only for long builds, and leaves nothing behind."""

from __future__ import annotations

import io
import os
import time

import pytest

from conftest import run_margin
from margin.parallel import can_fork, fork_imap, fork_map
from margin.progress import ProgressBar

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork() on this system")


def slowly(n: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough that every process gets some of the work
    return n, os.getpid()


@needs_fork
def test_fork_map_returns_what_a_loop_returns_in_order():
    items = list(range(500))
    results = fork_map(slowly, items, 2)
    assert [n for n, _ in results] == items
    workers = {pid for _, pid in results}
    assert len(workers) == 2 and os.getpid() not in workers
    assert fork_map(lambda n: n * n, items, 3) == [n * n for n in items]


@needs_fork
def test_sharing_the_work_this_process_does_a_part_of_it():
    results = dict(fork_imap(slowly, list(range(300)), 2, share=True))
    assert sorted(results) == list(range(300))
    assert all(results[n][0] == n for n in results)
    doers = {pid for _, pid in results.values()}
    assert len(doers) == 2 and os.getpid() in doers


@needs_fork
def test_chunks_go_to_whichever_process_is_free():
    """A worker slowed down takes fewer chunks; the others take the rest."""
    parent = os.getpid()
    first = []

    def uneven(n: int) -> int:
        if os.getpid() != parent and not first:
            first.append(n)
        if first and first[0] == 0:  # the worker that took the first chunk is slow
            time.sleep(0.05)
        return os.getpid()

    doers = fork_map(uneven, list(range(400)), 2)
    counts = sorted(doers.count(pid) for pid in set(doers))
    assert counts[0] < counts[1] / 4


@needs_fork
def test_work_a_dead_worker_did_not_send_is_done_here():
    parent = os.getpid()

    def fragile(n: int) -> int:
        if n == 123 and os.getpid() != parent:
            os._exit(9)  # a worker killed mid-chunk
        return n + 1

    assert fork_map(fragile, list(range(400)), 2) == list(range(1, 401))


@needs_fork
def test_an_error_in_a_worker_surfaces_as_the_same_error_here():
    def broken(n: int) -> int:
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        fork_map(broken, list(range(200)), 2)


def test_results_arrive_as_they_are_done_each_exactly_once():
    done = []
    seen = sorted(index for index, _ in fork_imap(str, list(range(300)), 2, done.append))
    assert seen == list(range(300))
    assert sum(done) == 300


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_only_on_a_terminal_and_not_when_quiet():
    assert ProgressBar.for_terminal(quiet=False, stream=io.StringIO()) is None
    assert ProgressBar.for_terminal(quiet=True, stream=Terminal()) is None
    assert ProgressBar.for_terminal(quiet=False, stream=Terminal()) is not None


def test_the_bar_waits_before_drawing_and_erases_itself():
    now = [0.0]
    stream = Terminal()
    bar = ProgressBar(stream, delay=1.0, clock=lambda: now[0])
    tick = bar.counter("markdown")(200)
    tick(50)
    assert stream.getvalue() == ""  # a short build never shows it
    now[0] = 1.5
    tick(50)
    assert stream.getvalue().endswith("markdown   [###############---------------] 100/200")
    now[0] = 1.55
    tick(50)  # redrawn at most ten times a second
    assert "150/200" not in stream.getvalue()
    now[0] = 1.7
    tick(50)
    assert stream.getvalue().endswith("200/200")
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_build_not_on_a_terminal_prints_no_bar(make_site):
    site = make_site({f"content/notes/n{i}.md": f"Note {i}." for i in range(3)})
    code, out, err = run_margin("build", site)
    assert code == 0
    assert "\r" not in out + err and "[#" not in out + err


def test_jobs_must_be_a_positive_number(make_site):
    site = make_site({"content/notes/a.md": "A."})
    code, _, err = run_margin("build", site, "--jobs", "0")
    assert code == 2
    assert "not a number of processes (1 or more): '0'" in err
