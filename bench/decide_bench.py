#!/usr/bin/env python3
"""How long `margin serve` takes to decide which pages a save must redraw, as the site grows
(a benchmark, not a test).

For each size, generates the shared synthetic corpus (Hugo layout), opens a live session on it
in-process (its first round is a cold `margin build`), then saves body edits one after another
(a sentence appended, or a new first paragraph, which changes the note's summary) and reports
the medians of: the time the engine and the planner take to find the pages to draw
(`decide`), the whole rebuild, and the pages drawn.

    .venv/bin/python bench/decide_bench.py [--sizes 1000 4000 16000] [--edits 12] [--work DIR]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from margin.config import load_config
from margin.serve.session import Session

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from serve_bench import MAKE_CORPUS, body_edit  # noqa: E402


def corpus(notes: int, work: Path) -> Path:
    """A fresh copy of the synthetic corpus of NOTES notes (generated once under WORK)."""
    made = work / f"corpus-{notes}"
    if not made.is_dir():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(notes), "--out",
                        str(made), "--layout", "hugo"], check=True, capture_output=True)
    site = work / f"site-{notes}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(made, site)
    return site


def measure(site: Path, edits: int) -> dict[str, float]:
    config, problems = load_config(site, {})
    session = Session(config, None, problems)
    session.open()
    session.take_over(nullcontext)
    notes = sorted((site / "content").rglob("*.md"))
    notes = notes[:: max(1, len(notes) // edits)][:edits]
    decide, rounds, drawn = [], [], []
    for number, path in enumerate(notes):
        gc.collect()
        gc.freeze()  # as the server does after each round
        path.write_text(body_edit(path.read_text(encoding="utf-8"), number), encoding="utf-8")
        started = time.perf_counter()
        outcome = session.rebuild([path])
        rounds.append((time.perf_counter() - started) * 1000)
        assert outcome is not None
        decide.append(outcome.timings["decide"] * 1000)
        drawn.append(outcome.drawn)
    return {"decide": statistics.median(decide), "round": statistics.median(rounds),
            "drawn": statistics.median(drawn)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--edits", type=int, default=12)
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="margin-decide-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| notes | decide (median) | whole rebuild (median) | pages drawn |")
    print("|---:|---:|---:|---:|")
    for size in args.sizes:
        found = measure(corpus(size, work), args.edits)
        print(f"| {size:,} | {found['decide']:.1f} ms | {found['round']:.0f} ms "
              f"| {found['drawn']:.0f} |", flush=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
