#!/usr/bin/env python3
"""How fast `margin build` is on synthetic knowledge bases (a benchmark, not a test).

For each size it generates a corpus with the shared generator (../shared/bench/make_corpus.py,
Hugo layout, seed 1) and times `margin build` as a user runs it, in a fresh process each time:

  cold       no cache, no output: the first build of a site (it fills the cache)
  no change  the same build again, nothing edited
  edit       one note's body edited (a sentence appended), then `margin build`
  add        one note added (a copy of another under a new name and permalink)

Each figure is the median of --runs runs. Memory is what the operating system saw: the peak
resident set of the largest process of the build (`ru_maxrss` of the build's process tree:
margin, its workers, Pagefind) and the peak of their summed proportional set size (PSS, shared
pages counted once), sampled every 250 ms.

    .venv/bin/python bench/run.py [--sizes 1000,4000,16000] [--runs 3] [--work DIR]
                                  [--drop-caches] [--no-search] [--jobs N]

--drop-caches empties the operating system's file cache before every cold run (root only);
without it the cold runs read a warm file cache, and the table says so. --no-search runs
without Pagefind, to show margin's own share.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MAKE_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_corpus.py"
CASES = ("cold", "no change", "edit", "add")


@dataclass
class Run:
    seconds: float
    rss_mb: float  # largest process
    pss_mb: float  # the whole process tree


@dataclass
class Case:
    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def rss(self) -> float:
        return max(run.rss_mb for run in self.runs)

    def pss(self) -> float:
        return max(run.pss_mb for run in self.runs)


def main() -> int:
    options = _arguments()
    work = Path(options.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if options.no_search:
        env["PAGEFIND_BINARY_PATH"] = "/nonexistent"  # margin then says once there is no search
    command = [sys.executable, "-m", "margin", "build", "--quiet", "--jobs", str(options.jobs)]
    print(f"margin build, {options.jobs} jobs, median of {options.runs} runs; "
          f"OS file cache {'dropped before each cold run' if options.drop_caches else 'warm'}; "
          f"search {'off' if options.no_search else 'on (Pagefind)'}")
    print(_header())
    for size in options.sizes:
        site = _corpus(work, size)
        cases = {name: Case() for name in CASES}
        for number in range(options.runs):
            shutil.rmtree(site / ".margin-cache", ignore_errors=True)
            shutil.rmtree(site / "_site", ignore_errors=True)
            if options.drop_caches:
                _drop_caches()
            cases["cold"].runs.append(_build(command, site, env))
            cases["no change"].runs.append(_build(command, site, env))
            note = _note(site, number)
            note.write_text(note.read_text() + f"\nOne more sentence, edit number {number}.\n")
            cases["edit"].runs.append(_build(command, site, env))
            added = _add_note(site, note, number)
            cases["add"].runs.append(_build(command, site, env))
            added.unlink()
        print(_row(size, cases), flush=True)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000,16000",
                        type=lambda text: [int(n) for n in text.split(",")])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", default="/tmp/margin-bench",
                        help="where the corpora are generated (kept between runs)")
    parser.add_argument("--drop-caches", action="store_true",
                        help="empty the OS file cache before each cold run (needs root)")
    parser.add_argument("--no-search", action="store_true", help="build without Pagefind")
    return parser.parse_args()


def _corpus(work: Path, size: int) -> Path:
    site = work / f"notes-{size}"
    if not (site / "content").is_dir():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(size), "--seed", "1",
                        "--layout", "hugo", "--out", str(site)], check=True,
                       stdout=subprocess.DEVNULL)
    for stray in (site / "content" / "posts").glob("zz-bench-*.md"):
        stray.unlink()  # left by an interrupted run
    return site


def _note(site: Path, number: int) -> Path:
    notes = sorted((site / "content" / "posts").glob("*.md"))
    return notes[(number * 997 + 101) % len(notes)]


def _add_note(site: Path, model: Path, number: int) -> Path:
    added = model.with_name(f"zz-bench-{number}.md")
    text = re.sub(r"(?m)^permalink: .*$", f"permalink: /notes/zz-bench-{number}/",
                  model.read_text(), count=1)
    added.write_text(text.replace("title: ", "title: Added ", 1))
    return added


def _build(command: list[str], site: Path, env: dict[str, str]) -> Run:
    with tempfile.TemporaryFile() as said:
        start = time.perf_counter()
        process = subprocess.Popen([*command, str(site)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=said)
        sampler = _PssSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            said.seek(0)
            raise SystemExit(f"margin build failed ({process.returncode}):\n"
                             f"{said.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024, sampler.peak / 1024)


class _PssSampler(threading.Thread):
    """The peak summed PSS (kB) of a process and its descendants, sampled every 250 ms (sparingly:
    the benchmark shares the cores with the build it measures)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, sum(_pss(pid) for pid in _tree(self.root)))
            self._done.wait(0.25)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) > root:  # descendants start later (no pid wrap-around)
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _drop_caches() -> None:
    subprocess.run(["sync"], check=False)
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        raise SystemExit(f"--drop-caches: cannot drop the file cache ({exc.strerror})") from None


def _header() -> str:
    return ("| notes | cold | no change | edit one note | add one note | peak RSS (largest "
            "process) | peak PSS (all processes) |\n|---:|---:|---:|---:|---:|---:|---:|")


def _row(size: int, cases: dict[str, Case]) -> str:
    times = " | ".join(f"{cases[name].median():.2f} s" for name in CASES)
    rss = max(case.rss() for case in cases.values())
    pss = max(case.pss() for case in cases.values())
    return f"| {size:,} | {times} | {rss:.0f} MB | {pss:.0f} MB |"


if __name__ == "__main__":
    raise SystemExit(main())
