#!/usr/bin/env python3
"""How fast a save reaches the browser under `margin serve` (a benchmark, not a test).

Generates the shared synthetic corpus (4,000 notes, Hugo layout), starts the preview server
in-process on a free port, listens on its event stream like an open page, then saves notes and
times each save until the reload event naming the note's page arrives:

  - 20 body edits (a sentence appended to a note; every 2nd one edits its first paragraph,
    which also changes its summary on the list pages);
  - 20 tag edits (a tag added to a note's front matter: every 2nd one a brand-new tag,
    the others a tag already used on hundreds of notes).

    .venv/bin/python bench/serve_bench.py [--notes 4000] [--corpus DIR] [--keep]

Prints the initial build time and, per kind of edit, the median and maximum save-to-reload
time, with the server's own time split by stage.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from margin.config import load_config
from margin.serve import Preview

MAKE_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_corpus.py"
EDITS = 20
PAUSE = 0.25  # between saves, so each is its own rebuild


class Listener:
    """An open page's event stream: the arrival time and changed URLs of every build event."""

    def __init__(self, port: int):
        self.events: list[tuple[float, set[str]]] = []
        self.arrived = threading.Condition()
        self.conn = socket.create_connection(("127.0.0.1", port))
        self.conn.sendall(b"GET /__margin__/events?epoch=0&page=/ HTTP/1.1\r\nHost: x\r\n\r\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self.conn.recv(65536):
            now = time.perf_counter()
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                text = block.decode()
                if text.startswith("event: build"):
                    data = json.loads(text.split("data: ", 1)[1])
                    with self.arrived:
                        self.events.append((now, set(data["changed"])))
                        self.arrived.notify_all()

    def wait_for(self, url: str, after: float, timeout: float = 30.0) -> float:
        """When the first build event after AFTER naming URL arrived."""
        def found():
            return next((t for t, changed in self.events if t >= after and url in changed), None)

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout)
            arrived = found()
        if arrived is None:
            raise TimeoutError(f"no reload event for {url}")
        return arrived


def note_url(path: Path) -> str:
    match = re.search(r"^permalink: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, path
    return match.group(1).strip()


def body_edit(text: str, number: int) -> str:
    if number % 2:  # the first paragraph: the note's summary changes too
        head, sep, rest = text.partition("\n---\n")
        return head + sep + f"\nA new opening sentence, edit {number}.\n" + rest
    return text + f"\n\nA sentence appended while writing, edit {number}.\n"


POPULAR_TAGS = ("deep-learning", "nlp", "transformers", "optimization")  # 370-1,000 notes each


def tag_edit(text: str, number: int) -> str:
    match = re.search(r"^tags: \[(.*)\]$", text, re.MULTILINE)
    assert match
    tags = [t.strip() for t in match.group(1).split(",") if t.strip()]
    popular = next(t for t in POPULAR_TAGS if t not in tags)
    tag = f"fresh-tag-{number}" if number % 2 else popular
    return text[:match.start()] + f"tags: [{', '.join([*tags, tag])}]" + text[match.end():]


def measure(preview: Preview, listener: Listener, notes: list[Path], edit) -> dict:
    latencies, server, stages = [], [], {}
    for number, path in enumerate(notes):
        url = note_url(path)
        text = edit(path.read_text(encoding="utf-8"), number)
        saved = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        arrived = listener.wait_for(url, saved)
        latencies.append((arrived - saved) * 1000)
        time.sleep(PAUSE)
        outcome = preview.last
        server.append(outcome.seconds * 1000)
        for stage, seconds in outcome.timings.items():
            stages.setdefault(stage, []).append(seconds * 1000)
    return {"median": statistics.median(latencies), "max": max(latencies),
            "even": statistics.median(latencies[0::2]), "odd": statistics.median(latencies[1::2]),
            "server_median": statistics.median(server),
            "stages": {s: round(statistics.median(v), 1) for s, v in stages.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=4000)
    parser.add_argument("--corpus", type=Path, help="use (a copy of) this site instead")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="margin-serve-bench-"))
    site = workdir / "site"
    if args.corpus:
        shutil.copytree(args.corpus, site)
    else:
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(args.notes),
                        "--layout", "hugo", "--out", str(site)], check=True,
                       stdout=subprocess.DEVNULL)
    try:
        config, _ = load_config(site)
        preview = Preview(config, port=0, out=io.StringIO(), quiet=True)
        started = time.perf_counter()
        preview.start()
        initial = time.perf_counter() - started
        listener = Listener(preview.server.server_address[1])
        deadline = time.monotonic() + 120  # let the background search indexing (Pagefind)
        while preview.search.runs < 1 and time.monotonic() < deadline:  # finish first
            time.sleep(0.1)
        time.sleep(0.5)
        notes = sorted((site / "content").rglob("*.md"))
        step = max(1, len(notes) // EDITS)
        body = measure(preview, listener, notes[::step][:EDITS], body_edit)
        tags = measure(preview, listener, notes[step // 2::step][:EDITS], tag_edit)
        preview.stop()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"margin serve benchmark: {len(notes)} notes")
    print(f"  initial build              {initial:6.2f} s")
    for name, found, kinds in (("body edit", body, ("appended", "first paragraph")),
                               ("tag edit", tags, ("popular tag", "new tag"))):
        print(f"  {name:10} save -> reload  median {found['median']:6.1f} ms   "
              f"max {found['max']:6.1f} ms   (server {found['server_median']:.1f} ms: "
              + ", ".join(f"{s} {ms}" for s, ms in found["stages"].items()) + ")")
        print(f"  {'':10} medians: {kinds[0]} {found['even']:.1f} ms, "
              f"{kinds[1]} {found['odd']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
