"""`margin serve` as a whole, in-process: real files, the watcher, the rebuild, the terminal
lines and the events an open page receives; and the command line's refusals."""

from __future__ import annotations

import io
import json
import socket
import time
from pathlib import Path

import pytest

from conftest import run_margin
from margin.config import load_config
from margin.serve import Preview, serve
from margin.serve.searchindex import SearchRefresher
from sse_client import EventStream

SITE = {
    "site.toml": 'title = "Live"\n',
    "content/notes/attention.md": "---\ntitle: Attention\ntags: [reading]\n---\nKeys.\n",
    "content/notes/scaling.md": "---\ntitle: Scaling\ntags: [reading]\n---\nData.\n",
}


class Running:
    def __init__(self, site, preview: Preview, out: io.StringIO):
        self.site, self.preview, self.out = site, preview, out
        self.port = preview.server.server_address[1]

    def events(self, page: str) -> EventStream:
        stream = EventStream(self.port, self.preview.hub.current.number, page)
        stream.next(1)
        return stream


@pytest.fixture
def running(make_site):
    site = make_site(SITE)
    config, _ = load_config(site)
    out = io.StringIO()
    preview = Preview(config, port=0, out=out)
    preview.start()
    preview.ready.wait()  # the saves below come after the session took the site over
    yield Running(site, preview, out)
    preview.stop()


def test_a_save_reaches_the_open_page_as_a_reload_event(running):
    stream = running.events("/notes/attention/")
    other = running.events("/notes/scaling/")
    note = running.site / "content/notes/attention.md"
    note.write_text(note.read_text().replace("Keys.", "Keys and queries."))
    name, data = stream.next(2)
    assert (name, data["reload"], data["errors"]) == ("build", True, [])
    assert "/notes/attention/" in data["changed"]
    assert other.next(2)[1]["reload"] is False
    page = (running.preview.config.output_dir / "notes/attention/index.html").read_text()
    assert "Keys and queries." in page
    assert "notes/attention.md (body)" in running.out.getvalue()
    stream.close(), other.close()


def test_an_error_is_printed_once_sent_to_every_page_and_cleared_by_the_fix(running):
    stream = running.events("/notes/scaling/")
    note = running.site / "content/notes/attention.md"
    good = note.read_text()
    note.write_text(good.replace("title: Attention", "title: [Attention"))
    errors = stream.next(2)[1]["errors"]
    assert len(errors) == 1 and errors[0].startswith("error: content/notes/attention.md:")
    assert running.out.getvalue().count("error: content/notes/attention.md:") == 1
    assert "1 error, shown in the browser" in running.out.getvalue()
    note.write_text(good.replace("Keys.", "Keys, fixed."))
    assert stream.next(3)[1]["errors"] == []
    assert "margin: no errors left" in running.out.getvalue()
    stream.close()


def test_a_template_error_keeps_the_pages_and_shows_the_error(running):
    stream = running.events("/notes/attention/")
    page = running.preview.config.output_dir / "notes/attention/index.html"
    before = page.read_bytes()
    template = running.site / "templates/note.html"
    template.parent.mkdir()
    template.write_text("{% extends 'base.html' %}{% block main %}{{ note.title }{% endblock %}")
    errors = stream.next(2)[1]["errors"]
    assert errors and "templates/note.html" in errors[0]
    assert page.read_bytes() == before
    template.write_text("{% extends 'base.html' %}{% block main %}<p class=t>{{ note.title }}"
                        "</p>{% endblock %}")
    data = stream.next(3)[1]
    assert data["errors"] == [] and data["reload"] is True
    assert '<p class=t>Attention</p>' in page.read_text()
    stream.close()


def test_serve_says_when_the_port_is_taken(make_site):
    site = make_site(SITE)
    config, _ = load_config(site)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = io.StringIO()
        code = serve(config, host="127.0.0.1", port=port, out=out)
    assert code == 1
    assert out.getvalue().startswith(f"margin: cannot serve on 127.0.0.1:{port}: ")


def test_serve_warns_when_listening_beyond_this_machine(make_site):
    site = make_site(SITE)
    config, _ = load_config(site)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        out = io.StringIO()
        serve(config, host="0.0.0.0", port=taken.getsockname()[1], out=out)
    assert out.getvalue().splitlines()[0] == (
        "margin: warning: serving on 0.0.0.0: anyone who can reach this machine can read the site")


def test_serve_refuses_an_output_folder_margin_did_not_make(make_site):
    site = make_site({**SITE, "_site/mine.txt": "not margin's"})
    config, _ = load_config(site)
    out = io.StringIO()
    assert serve(config, host="127.0.0.1", port=0, out=out) == 1
    assert "was not made by margin" in out.getvalue()
    assert (site / "_site/mine.txt").read_text() == "not margin's"


def test_the_command_line_checks_its_arguments(tmp_path):
    assert run_margin("serve", tmp_path / "missing")[0] == 2
    code, _, err = run_margin("serve", tmp_path, "--port", "70000")
    assert code == 2 and "not a port number" in err


def test_margin_build_output_never_has_the_reload_script(make_site, build_site):
    site = make_site(SITE)
    result = build_site(site)
    assert result.exit_code == 0
    pages = list(result.output.rglob("*.html"))
    assert pages and not any(b"__margin__" in p.read_bytes() for p in pages)


def test_stopping_frees_the_port_quickly(make_site):
    site = make_site(SITE)
    config, _ = load_config(site)
    preview = Preview(config, port=0, out=io.StringIO())
    preview.start()
    port = preview.server.server_address[1]
    started = time.monotonic()
    preview.stop()
    assert time.monotonic() - started < 3
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_the_search_index_is_made_at_start_and_again_once_saves_pause(tmp_path):
    runs: list[float] = []
    said: list = []
    refresher = SearchRefresher(tmp_path, said.extend, index=lambda out: runs.append(1) or [],
                                pause=0.2)
    refresher.start()
    deadline = time.monotonic() + 5
    while not runs and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(runs) == 1  # right after the initial build
    for _ in range(5):  # five saves in a row
        refresher.changed()
        time.sleep(0.05)
    assert len(runs) == 1  # not while saves keep coming
    time.sleep(0.4)
    assert len(runs) == 2  # one run for the five
    refresher.stop()


def test_the_search_index_survives_a_failure_says_it_once_and_indexes_again(tmp_path: Path):
    outcomes: list[str] = []

    def index(output: Path) -> list:
        outcomes.append("ran")
        if len(outcomes) == 1:
            raise FileNotFoundError(2, "No such file or directory", str(output / "gone.html"))
        return []

    said: list = []
    refresher = SearchRefresher(tmp_path, said.extend, index=index, pause=0.2)
    refresher.start()
    deadline = time.monotonic() + 5
    while len(outcomes) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(outcomes) == 2  # tried again by itself after the failure
    assert [str(d) for d in said] == [
        f"warning: search: the index was not refreshed (FileNotFoundError: [Errno 2] No such "
        f"file or directory: '{tmp_path / 'gone.html'}'); trying again"]
    refresher.changed()
    while len(outcomes) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(outcomes) == 3  # and keeps indexing after each save
    refresher.stop()


def test_serving_builds_the_pagefind_search_bundle(running):
    from margin.write.search import pagefind_binary

    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    manifest = running.preview.config.output_dir / "pagefind" / "shards.json"
    deadline = time.monotonic() + 20
    while not manifest.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert manifest.exists()
    for name in json.loads(manifest.read_text())["bundles"]:
        assert (manifest.parent / name / "pagefind.js").is_file()
