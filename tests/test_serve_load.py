"""`margin serve` under load, as a separate process on 127.0.0.1: 200 open pages through 50 saves,
each page loading as a tab of a browser of its own would (the page, its stylesheets and icon,
then its own event stream: the server's worst case, as tabs of one browser share a stream).
Every request is answered, none takes over 2 s, and every page hears of every save."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CLIENTS = 200
EDITS = 50
PAGES = ("a", "b", "c", "d")  # the clients are spread over these notes' pages
SLOWEST_ANSWER = 2.0  # seconds
EDIT_SECONDS = 10.0  # a save that has not reached every page by then fails the test
START_SECONDS = 60.0  # the first build of a four-note site, on a busy machine
STOP_SECONDS = 30.0  # from Ctrl-C to the process gone (about 0.1 s here): a hang's guard
ASSET = re.compile(rb'<link rel="(?:stylesheet|icon)" href="([^"]+)"')
EPOCH = re.compile(rb'data-epoch="(\d+)"')


@dataclass
class Tally:
    """What the clients saw, appended from their threads."""

    answers: list[float] = field(default_factory=list)  # seconds per request
    unanswered: list[str] = field(default_factory=list)
    reloads: list[float] = field(default_factory=list)  # seconds from a save to a page's reload
    saved_at: float = 0.0
    ready: dict[int, int] = field(default_factory=dict)  # client -> reloads, once reconnected
    changed: threading.Condition = field(default_factory=threading.Condition)

    def timed(self, what: str, call):
        started = time.monotonic()
        try:
            result = call()
        except Exception as exc:  # reset, cut short, timed out, not 200
            with self.changed:
                self.unanswered.append(f"{what}: {exc!r}")
                self.changed.notify_all()
            raise
        self.answers.append(time.monotonic() - started)
        return result


class Tab:
    """One open page: loads like a browser, then waits on its event stream for a reload."""

    def __init__(self, number: int, port: int, page: str, tally: Tally, stop: threading.Event):
        self.number, self.port, self.page, self.tally, self.stop = number, port, page, tally, stop
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.assets: list[str] = []
        self.reloads = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self._wait_for_reload(self._load())
        except Exception:
            return  # counted as unanswered

    def _load(self) -> int:
        html = self._get(self.page)
        self.assets = self.assets or [a.decode() for a in ASSET.findall(html)]
        for asset in self.assets:
            self._get(asset)
        return int(EPOCH.search(html).group(1))

    def _get(self, path: str) -> bytes:
        def exchange() -> bytes:
            self.http.request("GET", path)
            response = self.http.getresponse()
            body = response.read()
            assert response.status == 200, (path, response.status)
            return body

        return self.tally.timed(f"GET {path}", exchange)

    def _wait_for_reload(self, epoch: int) -> None:
        query = f"/__margin__/events?epoch={epoch}&page={self.page}"
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as conn:
            events = self.tally.timed("events", lambda: self._hello(conn, query))
            while not self.stop.is_set():
                name, reload = next(events)
                if name == "hello" and not reload:
                    with self.tally.changed:
                        self.tally.ready[self.number] = self.reloads
                        self.tally.changed.notify_all()
                elif reload:
                    self.tally.reloads.append(time.monotonic() - self.tally.saved_at)
                    self.reloads += 1
                    return

    def _hello(self, conn: socket.socket, query: str):
        conn.sendall(f"GET {query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        events = _events(conn)
        first = next(events)  # the hello: the stream is answered
        return _chain(first, events)


def _chain(first, rest):
    yield first
    yield from rest


def _events(conn: socket.socket):
    """(name, reload) for each event the stream sends."""
    buffer = b""
    while True:
        while b"\n\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                raise ConnectionResetError("the event stream ended")
            buffer += chunk
        block, buffer = buffer.split(b"\n\n", 1)
        name = re.search(rb"^event: (\w+)$", block, re.M)
        if name:
            yield name.group(1).decode(), b'"reload": true' in block


def _start_server(site: Path) -> tuple[subprocess.Popen, int, list[str]]:
    """`margin serve SITE` on a free port of 127.0.0.1; its port and what it says."""
    server = subprocess.Popen([sys.executable, "-m", "margin", "serve", str(site), "--port", "0",
                               "--host", "127.0.0.1"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONFAULTHANDLER": "1"},
                              # (Ctrl-C as a terminal sends it, also when the tests run in the
                              # background, where the shell has the children ignore it)
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    said: list[str] = []
    serving = threading.Event()

    def read() -> None:
        for line in server.stdout:
            said.append(line)
            if "serving http://" in line:
                serving.set()

    threading.Thread(target=read, daemon=True).start()
    if not serving.wait(START_SECONDS):
        server.kill()
        raise AssertionError(f"not serving after {START_SECONDS} s: {''.join(said)}")
    port = re.search(r"serving http://127\.0\.0\.1:(\d+)/", "".join(said))
    return server, int(port.group(1)), said


def _percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))]


@pytest.mark.slow
def test_two_hundred_open_pages_through_fifty_saves(make_site):
    site = make_site({"site.toml": 'title = "Load"\n', **{
        f"content/notes/{n}.md": f"---\ntitle: Note {n}\n---\nThe first words of {n}.\n"
        for n in PAGES}})
    starting = time.monotonic()
    server, port, said = _start_server(site)
    start_seconds = time.monotonic() - starting
    tally, stop = Tally(), threading.Event()
    tabs = [Tab(n, port, f"/notes/{PAGES[n % len(PAGES)]}/", tally, stop) for n in range(CLIENTS)]
    threads = [threading.Thread(target=tab.run, daemon=True) for tab in tabs]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for edit in range(EDITS):
            _wait_until_all_ready(tally, edit)
            tally.saved_at = time.monotonic()
            for name in PAGES:
                (site / f"content/notes/{name}.md").write_text(
                    f"---\ntitle: Note {name}\n---\nThe words of {name}, save {edit + 1}.\n")
        _wait_until_all_ready(tally, EDITS)
    finally:
        seconds = time.monotonic() - started
        stop.set()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.send_signal(signal.SIGABRT)  # its threads' stacks, into what it said
            time.sleep(2)
            server.kill()
            raise AssertionError(f"not stopped after {STOP_SECONDS} s (usually 0.1 s): "
                                 f"{''.join(said)[-8000:]}") from None
    answers, reloads = [s * 1000 for s in tally.answers], [s * 1000 for s in tally.reloads]
    print(f"\nserving after {start_seconds:.1f} s; {len(answers)} requests in {seconds:.1f} s: "
          f"p50 {statistics.median(answers):.0f} ms, p99 {_percentile(answers, 0.99):.0f} ms, "
          f"max {max(answers):.0f} ms; "
          f"{len(reloads)} reloads, save to reload p50 {statistics.median(reloads):.0f} ms, "
          f"max {max(reloads):.0f} ms")
    assert tally.unanswered == []
    assert max(answers) < SLOWEST_ANSWER * 1000
    assert all(tab.reloads >= EDITS for tab in tabs)
    assert "Traceback" not in "".join(said)


def _wait_until_all_ready(tally: Tally, reloads: int) -> None:
    """Until every page has reloaded RELOADS times and is listening again."""
    with tally.changed:
        assert tally.changed.wait_for(
            lambda: (len(tally.ready) == CLIENTS and min(tally.ready.values()) >= reloads)
            or bool(tally.unanswered), EDIT_SECONDS), (
            f"save {reloads}: {sum(r >= reloads for r in tally.ready.values())} of {CLIENTS} "
            "pages reloaded and listening again")
    assert tally.unanswered == []
