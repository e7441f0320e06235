#!/usr/bin/env python3
"""How fast `margin build` is on synthetic knowledge bases (a benchmark, not a test).

For each size it generates a corpus with the shared generator (../shared/bench/make_corpus.py,
Hugo layout, seed 1) and times `margin build` as a user runs it, in a fresh process each time:

  cold       no cache, no output: the first build of a site (it fills the cache)
  no change  the same build again, nothing edited
  edit       one note's body edited (a sentence appended), then `margin build`
  add        one note added (a copy of another under a new name and permalink)

margin's modules are compiled to bytecode first, as an install leaves them.

Each figure is the median of --runs runs. Memory is what the operating system saw: the peak
resident set of the largest process of the build (`ru_maxrss` of the build's process tree:
margin, its workers, Pagefind) and the peak of their summed proportional set size (PSS, shared
pages counted once), sampled every 250 ms.

    .venv/bin/python bench/run.py [--sizes 1000,4000,16000] [--runs 3] [--work DIR]
                                  [--drop-caches] [--no-search] [--jobs N]

Each size is built with search on (the default, Pagefind) and off, alternating, in the same
sitting; with `hugo` on PATH (apt-get install hugo), Hugo's clean build of the same corpus
(bench/hugo_site.py: tags, RSS, sitemap) is timed in the same runs and every margin figure
says its ratio to it. The load average is printed before and after: on a shared machine,
trust ratios over absolute times.

--drop-caches empties the operating system's file cache before every cold run (root only);
without it the cold runs read a warm file cache, and the table says so. --no-search runs
without Pagefind only.
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

from hugo_site import clean, clean_build_command, hugo_binary, hugo_site

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
    searches = (False,) if options.no_search else (True, False)
    command = [sys.executable, "-m", "margin", "build", "--quiet", "--jobs", str(options.jobs)]
    hugo = hugo_binary()
    print(f"margin build, {options.jobs} jobs, median of {options.runs} runs, search on and off "
          f"alternating; OS file cache "
          f"{'dropped before each cold run' if options.drop_caches else 'warm'}; "
          + ("Hugo's clean build in the same runs (x Hugo: margin's time over Hugo's)"
             if hugo else "Hugo not installed (apt-get install hugo): no Hugo column"))
    _compile_margin()
    print(f"load average at the start: {_load()}")
    print(_header())
    for size in options.sizes:
        site = _corpus(work, size)
        hugo_dir = hugo_site(site, work / f"hugo-{size}") if hugo else None
        cases = {(search, name): Case() for search in searches for name in CASES}
        clean_builds = Case()
        for number in range(options.runs):
            if hugo and hugo_dir:
                clean(hugo_dir)
                clean_builds.runs.append(_build(clean_build_command(hugo, hugo_dir),
                                                dict(os.environ)))
            for search in searches:
                env = _environment(search)
                shutil.rmtree(site / ".margin-cache", ignore_errors=True)
                shutil.rmtree(site / "_site", ignore_errors=True)
                for beside in site.glob("._site.margin-*"):  # the spare tree: not a user's cold
                    shutil.rmtree(beside, ignore_errors=True)
                if options.drop_caches:
                    _drop_caches()
                run = [*command, str(site)]
                cases[search, "cold"].runs.append(_build(run, env))
                cases[search, "no change"].runs.append(_build(run, env))
                note = _note(site, number)
                note.write_text(note.read_text() + f"\nOne more sentence, edit {number}.\n")
                cases[search, "edit"].runs.append(_build(run, env))
                added = _add_note(site, note, number)
                cases[search, "add"].runs.append(_build(run, env))
                added.unlink()
        hugo_time = clean_builds.median() if clean_builds.runs else None
        if hugo_time is not None:
            print(f"| {size:,} | Hugo, clean build | {hugo_time:.2f} s | | | | "
                  f"{clean_builds.rss():.0f} MB | {clean_builds.pss():.0f} MB |", flush=True)
        for search in searches:
            print(_row(size, search, {name: cases[search, name] for name in CASES}, hugo_time),
                  flush=True)
    print(f"load average at the end: {_load()}")
    return 0


def _compile_margin() -> None:
    """margin's modules compiled to bytecode once, as `pip install .` leaves them: from a
    checkout (an editable install) under PYTHONDONTWRITEBYTECODE, which some machines set,
    every build would compile them all again (0.15-0.3 s of each run's start)."""
    found = subprocess.run([sys.executable, "-c", "import margin, os; "
                            "print(os.path.dirname(margin.__file__))"],
                           capture_output=True, text=True, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", found.stdout.strip()], check=True)


def _environment(search: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not search:
        env["PAGEFIND_BINARY_PATH"] = "/nonexistent"  # margin then says once there is no search
    return env


def _load() -> str:
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


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
    parser.add_argument("--no-search", action="store_true",
                        help="build only without Pagefind (default: with and without)")
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


def _build(command: list[str], env: dict[str, str]) -> Run:
    with tempfile.TemporaryFile() as said:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=said)
        sampler = _PssSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            said.seek(0)
            raise SystemExit(f"{command[0]} failed ({process.returncode}):\n"
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
    return ("| notes | build | cold | no change | edit one note | add one note | peak RSS "
            "(largest process) | peak PSS (all processes) |\n"
            "|---:|---|---:|---:|---:|---:|---:|---:|")


def _row(size: int, search: bool, cases: dict[str, Case], hugo: float | None) -> str:
    def figure(case: Case) -> str:
        ratio = f" ({case.median() / hugo:.1f}x Hugo)" if hugo else ""
        return f"{case.median():.2f} s{ratio}"

    times = " | ".join(figure(cases[name]) for name in CASES)
    rss = max(case.rss() for case in cases.values())
    pss = max(case.pss() for case in cases.values())
    build = "margin, search on" if search else "margin, search off"
    return f"| {size:,} | {build} | {times} | {rss:.0f} MB | {pss:.0f} MB |"


if __name__ == "__main__":
    raise SystemExit(main())
