#!/usr/bin/env python3
"""What `margin serve` costs around the edits: its first page, a save, the build after it.

Runs the real command line in child processes (SRC chooses which margin: a checkout's src/
folder, to compare two commits in one sitting) on a copy of the synthetic corpus:

  1. cold: no cache, no output; `margin serve` started -> the first 200 for / (seconds);
     then EDITS body edits, each timed from the save to the reload event for its page;
     then (after PAUSE seconds: the server's search refresher runs 2 s after the last save)
     Ctrl-C, and the time `margin build` takes next (and whether it found nothing to do);
  2. warm: `margin serve` started again (the cache and output as they are) -> the first 200.

    .venv/bin/python bench/serve_start_bench.py --notes 1000 [--src DIR] [--runs 3] [--corpus DIR]
        [--pause SECONDS]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_bench import MAKE_CORPUS, Listener, body_edit, note_url

EDITS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def margin(src: Path | None, *args: str) -> subprocess.Popen:
    """`margin ARGS` in a child process, what it prints going to a file (a pipe left unread
    would fill and stop it)."""
    env = dict(os.environ, PYTHONPATH=str(src)) if src else None
    said = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed with the child)
    child = subprocess.Popen([sys.executable, "-m", "margin", *args], env=env, stdout=said,
                             stderr=subprocess.STDOUT, text=True)
    child.said = said  # type: ignore[attr-defined]
    return child


def said_by(child: subprocess.Popen) -> str:
    child.said.seek(0)  # type: ignore[attr-defined]
    return child.said.read()  # type: ignore[attr-defined]


def first_page(src: Path | None, site: Path) -> tuple[subprocess.Popen, int, float]:
    """Start `margin serve`; the process, its port, and the seconds to the first 200 for /."""
    port = free_port()
    started = time.perf_counter()
    server = margin(src, "serve", str(site), "--port", str(port))
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=900) as answer:
                if answer.status == 200:
                    return server, port, time.perf_counter() - started
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(said_by(server)) from None
            time.sleep(0.05)


def stop(server: subprocess.Popen) -> float:
    started = time.perf_counter()
    server.send_signal(signal.SIGTERM)  # as Ctrl-C (a background job ignores SIGINT)
    server.wait(timeout=900)
    return time.perf_counter() - started


def edits(site: Path, port: int) -> float:
    """The median save -> reload time of EDITS body edits, in ms."""
    listener = Listener(port)
    notes = sorted((site / "content").rglob("*.md"))
    step = max(1, len(notes) // EDITS)
    times = []
    for number, path in enumerate(notes[::step][:EDITS]):
        text = body_edit(path.read_text(encoding="utf-8"), number)
        saved = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        times.append((listener.wait_for(note_url(path), saved, timeout=900) - saved) * 1000)
        time.sleep(0.5)
    return statistics.median(times)


def one_run(src: Path | None, corpus: Path, workdir: Path, pause: float = 0.0) -> dict:
    site = workdir / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus, site)
    found = {}
    server, port, found["cold"] = first_page(src, site)
    found["edit_ms"] = edits(site, port)
    time.sleep(pause)
    found["stop"] = stop(server)
    started = time.perf_counter()
    build = margin(src, "build", str(site))
    build.wait()
    said = said_by(build)
    found["build_after"] = time.perf_counter() - started
    found["nothing_to_do"] = "nothing changed" in said
    server, _, found["warm"] = first_page(src, site)
    stop(server)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--src", type=Path, help="the src/ folder of the margin to run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="use this site instead of a new corpus")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds between the last edit and the stop")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="margin-start-bench-"))
    try:
        corpus = args.corpus or workdir / "corpus"
        if not args.corpus:
                subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(args.notes),
                            "--layout", "hugo", "--out", str(corpus)], check=True,
                           stdout=subprocess.DEVNULL)
        for run in range(args.runs):
            found = one_run(args.src, corpus, workdir, args.pause)
            print(f"{args.notes} notes, run {run + 1}: first page cold {found['cold']:.2f} s, "
                  f"warm {found['warm']:.2f} s; body edit -> reload {found['edit_ms']:.0f} ms; "
                  f"stop {found['stop']:.2f} s; build after serve {found['build_after']:.2f} s"
                  f"{' (nothing to do)' if found['nothing_to_do'] else ''}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
