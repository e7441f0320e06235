"""`margin serve` starts with `margin build`'s own first round and shares its state: a warm
cache is served without rendering or drawing anything again, and what the server wrote leaves
the next `margin build` nothing to do."""

from __future__ import annotations

import io
import socket
import struct
import time
from contextlib import nullcontext

import margin.incremental.bodies
import margin.incremental.bodycache
import margin.pages.drawing
from conftest import recorded_calls, run_margin
from margin.build import Options, build
from margin.config import load_config
from margin.serve import Preview
from margin.serve.session import Session
from margin.write import MARKER

SITE = {
    "site.toml": 'title = "Started"\n',
    "content/posts/2025-02-01-first.md": "---\ntitle: First\ntags: [ml]\n---\n"
                                         "The first post links [[Second]].\n",
    "content/posts/2025-02-02-second.md": "---\ntitle: Second\ntags: [ml]\n---\n"
                                          "The second post, with $x^2$ in it.\n",
    "content/notes/third.md": "---\ntitle: Third\n---\nAn undated note.\n",
}


def tree(folder):
    """Every file margin wrote (the search bundle aside: Pagefind's own)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER
            and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def spy_on_work(monkeypatch) -> tuple[list, list]:
    """The bodies rendered and the pages drawn in this process from now on."""
    rendered: list = []
    for module in (margin.incremental.bodies, margin.incremental.bodycache):
        calls = recorded_calls(monkeypatch, module, "render_body", lambda note, *_: note.key)
        rendered.append(calls)
    drawn = recorded_calls(monkeypatch, margin.pages.drawing, "draw", lambda page, *_: page.url)
    return rendered, drawn


def test_a_server_started_on_a_built_site_renders_no_body_and_draws_no_page(make_site,
                                                                           monkeypatch):
    site = make_site(SITE)
    config, _ = load_config(site)
    assert not build(config, options=Options(jobs=1)).failed
    before = tree(config.output_dir)
    rendered, drawn = spy_on_work(monkeypatch)
    session = Session(config)
    first = session.open(Options(jobs=1))
    assert session.take_over(nullcontext) is None  # nothing written
    assert first.built is not None and first.built.unchanged
    assert [key for calls in rendered for key in calls] == [] and drawn == []
    assert set(session.notes) == {"posts/2025-02-01-first.md", "posts/2025-02-02-second.md",
                                  "notes/third.md"}
    assert tree(config.output_dir) == before
    # The state taken over is a working one: a save renders one body, draws its pages.
    note = site / "content/notes/third.md"
    note.write_text(note.read_text().replace("An undated note.", "An undated note, edited."))
    outcome = session.rebuild([note])
    assert [key for calls in rendered for key in calls] == ["notes/third.md"]
    assert "notes/third/index.html" in outcome.written
    assert "An undated note, edited." in (config.output_dir / "notes/third/index.html"
                                          ).read_text()


def test_a_note_saved_while_the_server_starts_is_the_first_rebuild(make_site, build_site,
                                                                   tmp_path):
    site = make_site(SITE)
    config, _ = load_config(site)
    session = Session(config, verify=True)  # each page read back is drawn too, and compared
    assert not session.open(Options(jobs=1)).errors
    note = site / "content/posts/2025-02-01-first.md"
    note.write_text(note.read_text().replace("The first post", "The opening post"))
    session.take_over(nullcontext)
    session.rebuild([note])
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert fresh.exit_code == 0, fresh.stderr
    assert tree(config.output_dir) == tree(fresh.output)


def test_a_build_after_serving_finds_nothing_to_do_and_equals_a_fresh_build(make_site,
                                                                           build_site,
                                                                           tmp_path):
    site = make_site(SITE)
    config, _ = load_config(site)
    out = io.StringIO()
    preview = Preview(config, port=0, out=out)
    preview.start()
    preview.ready.wait()
    note = site / "content/posts/2025-02-02-second.md"
    note.write_text(note.read_text().replace("The second post", "The second post, revised"))
    page = config.output_dir / "2025/02/02/second/index.html"
    deadline = time.monotonic() + 30
    while "revised" not in page.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "revised" in page.read_text()
    preview.stop()
    code, said, _ = run_margin("build", site)
    assert code == 0 and "nothing changed since the last build" in said, said
    fresh = build_site(site, "--no-cache", output=tmp_path / "fresh")
    assert fresh.exit_code == 0, fresh.stderr
    assert tree(config.output_dir) == tree(fresh.output)


def test_a_client_leaving_mid_response_prints_nothing_and_the_server_goes_on(make_site,
                                                                           capfd):
    site = make_site({**SITE, "content/notes/long.md": "---\ntitle: Long\n---\n"
                      + "A line of a very long page.\n\n" * 60_000})
    config, _ = load_config(site)
    preview = Preview(config, port=0, out=io.StringIO())
    preview.start()
    port = preview.server.server_address[1]
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"GET /notes/long/ HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.recv(1024)  # the answer has begun; leave with a reset, unread
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert conn.recv(64).startswith(b"HTTP/1.1 200")
    preview.stop()
    printed = capfd.readouterr()
    assert "Traceback" not in printed.err + printed.out
    assert "BrokenPipe" not in printed.err + printed.out
    assert "ConnectionReset" not in printed.err + printed.out


def test_stopping_after_a_save_renders_and_draws_nothing_and_the_next_build_has_nothing_to_do(
        make_site, monkeypatch):
    """What the server wrote is what the build would have: the stop saves the build's state
    from the session's (serve/handover.py), rendering no body and drawing no page."""
    site = make_site(SITE)
    config, _ = load_config(site)
    session = Session(config)
    assert not session.open(Options(jobs=1)).errors
    session.take_over(nullcontext)
    note = site / "content/posts/2025-02-02-second.md"
    note.write_text(note.read_text().replace("The second post", "The second post, retitled"))
    outcome = session.rebuild([note])
    assert "index.html" in outcome.written  # the home page shows its summary
    rendered, drawn = spy_on_work(monkeypatch)
    assert not session.save(Options(jobs=1)).failed
    assert [key for calls in rendered for key in calls] == [] and drawn == []
    code, said, _ = run_margin("build", site)
    assert code == 0 and "nothing changed since the last build" in said, said
