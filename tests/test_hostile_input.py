"""Hostile and unlucky input: every one is a one-line diagnostic naming the file (and line),
never an internal error (exit 70), and the last good output stays as it was."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys

import pytest

from conftest import run_margin
from margin.cli import BASE_URL_UNSET
from margin.config import load_config
from margin.serve.session import Session
from test_errors import snapshot

NOTE = "content/posts/a.md"


def dated(value: str) -> str:
    return f"---\ntitle: A\ndate: {value}\n---\nSome words.\n"


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-45", "0000-01-01",
                                   "2024-01-01T25:00:00", "'2024-01-01T25:00:00'"])
def test_an_impossible_date_is_an_error_naming_note_line_and_value(make_site, build_site, value):
    site = make_site({NOTE: dated(value), "content/posts/b.md": "fine"})
    result = build_site(site)
    assert result.exit_code == 1
    shown = value.strip("'")
    assert result.lines[0] == f"error: {NOTE}:3: front matter: 'date' is not a date: '{shown}'"
    assert "internal error" not in result.stderr
    code, _, err = run_margin("check", site)
    assert code == 1
    assert f"error: {NOTE}:3: front matter: 'date' is not a date: '{shown}'" in err


@pytest.mark.parametrize(("value", "day"), [("9999-12-31", "31 December 9999"),
                                            ("0001-01-01", "1 January 1"),
                                            ("0001-01-09", "9 January 1")])
def test_dates_at_the_ends_of_the_calendar_build_with_their_heat_map(make_site, build_site,
                                                                    value, day):
    # (the heat map ends at the newest note: the other note has no date)
    site = make_site({NOTE: dated(value), "content/posts/b.md": "---\ntitle: B\n---\nText.\n"})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    heatmaps = result.html("archive/").select("svg.heatmap-svg")
    assert heatmaps, "the archive page has no heat map"
    labels = [svg["aria-label"] for svg in heatmaps]
    assert any(label.endswith(f"weeks to {day}") for label in labels), labels


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_site_toml_not_in_utf8_is_named_with_its_line(make_site, command):
    site = make_site({"site.toml": b'title = "notes"\nauthor = "Jos\xe9"\n', NOTE: "hello"})
    code, _, err = run_margin(command, site)
    assert code == 1
    assert err.splitlines()[0] == "error: site.toml:2: not UTF-8 text (byte 0xe9); save it as UTF-8"


def _no_big_files() -> None:
    """(In the child) files may not grow past 3,000 bytes: writes beyond fail with EFBIG, as
    writes to a full disk fail with ENOSPC."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))


def test_a_write_the_system_refuses_is_one_line_naming_the_file(make_site, build_site):
    site = make_site({NOTE: dated("2024-05-01"), "content/posts/b.md": dated("2024-05-02")})
    first = build_site(site)
    assert first.exit_code == 0, first.stderr
    before = snapshot(first.output)
    (site / NOTE).write_text(dated("2024-05-03") + "More words. " * 300, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "margin", "build", str(site), "--no-cache"],
                          preexec_fn=_no_big_files, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == f"error: {first.output}/2024/05/03/a/index.html: File too large"
    assert "internal error" not in done.stderr
    assert snapshot(first.output) == before


def test_a_fifo_socket_or_pipe_asset_is_skipped_with_a_warning_not_waited_on(make_site):
    site = make_site({NOTE: "---\ntitle: A\n---\nWords.\n", "assets/site.css": "body {}"})
    os.mkfifo(site / "content/posts/x.md")
    os.mkfifo(site / "assets/pipe.css")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(site / "content/posts/sock.md"))
        done = subprocess.run([sys.executable, "-m", "margin", "build", str(site)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if not line.startswith(BASE_URL_UNSET)]
    assert said == [
        "warning: assets/pipe.css: not a regular file; skipped",
        "warning: content/posts/sock.md: a socket, not a note file; skipped",
        "warning: content/posts/x.md: a named pipe (FIFO), not a note file; skipped",
    ]
    assert (site / "_site/posts/a/index.html").is_file()
    assert (site / "_site/assets/site.css").is_file()


def test_a_note_over_the_size_limit_is_skipped_until_the_limit_allows_it(make_site,
                                                                        build_site):
    big = "---\ntitle: Big\n---\n" + "word " * 300_000  # 1.5 MB
    site = make_site({"site.toml": "max_note_mb = 1\n", "content/posts/big.md": big,
                      NOTE: "---\ntitle: A\n---\nWords.\n"})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.lines[0] == ("warning: content/posts/big.md: larger than 1 MB "
                               "(max_note_mb in site.toml); skipped")
    assert not result.path("posts/big/").exists()
    assert result.path("posts/a/").is_file()
    (site / "site.toml").write_text("max_note_mb = 2\n", encoding="utf-8")
    again = build_site(site)
    assert again.exit_code == 0, again.stderr
    assert "skipped" not in again.stderr
    assert again.html("posts/big/").h1.text == "Big"


LONG = "a" * 300


@pytest.mark.parametrize(("front", "url"), [
    (f"permalink: /x/{LONG}/", "/x/aaaa"),
    (f"slug: {LONG}", "/posts/aaaa"),
    (f"date: 2024-05-01\ntags: [{LONG}]", "/tags/aaaa"),  # (a dated note: its tag has a feed)
])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_url_part_too_long_for_a_file_name_is_an_error_naming_the_note(make_site, command,
                                                                        front, url):
    site = make_site({NOTE: f"---\ntitle: A\n{front}\n---\nWords.\n",
                      "content/posts/b.md": "---\ntitle: B\n---\nMore words.\n"})
    code, _, err = run_margin(command, site)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert errors[0].startswith(f"error: {NOTE}: URL {url}")
    assert errors[0].endswith("cannot be a file: its part 'aaaaaaaaaaaaaaaaaaaaaaa…' is 300 "
                              "bytes long; a file name takes at most 244")
    assert "internal error" not in err and "File name too long" not in err


@pytest.mark.parametrize("command", ["build", "check"])
def test_dois_too_long_or_holding_a_nul_byte_are_errors_naming_the_citing_note(make_site,
                                                                              command):
    site = make_site({NOTE: f"---\ntitle: A\n---\nSee doi:10.1234/{LONG} and doi:10.1234/ab\0cd"
                            " for more.\n"})
    code, _, err = run_margin(command, site)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {NOTE}: URL /papers/doi/10.1234/{'a' * 39}… cannot be a file: its part "
        "'aaaaaaaaaaaaaaaaaaaaaaa…' is 300 bytes long; a file name takes at most 244",
        f"error: {NOTE}: URL /papers/doi/10.1234/ab\\0cd/ cannot be a file: it holds a NUL "
        "byte, which no file name may",
    ]


def test_an_import_whose_title_is_long_in_bytes_writes_every_note(tmp_path):
    wide = "\U00020000" * 100  # a CJK character beyond the first plane: four bytes in UTF-8
    titles = ["Widgets", wide, "Pebbles", "Noise"]
    stream = tmp_path / "stream.txt"
    stream.write_text("\n".join(f"Dana's Daily Paper Review – 2025-03-1{day}: {title}\n\n"
                                f"A few words about {day}.\n"
                                for day, title in enumerate(titles)), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    code, _, err = run_margin("import", "papers", stream, "--site", site)
    assert code == 0, err
    written = sorted((site / "content/papers").iterdir())
    assert len(written) == 4
    assert all(len(path.name.encode()) <= 255 for path in written)
    built = run_margin("build", site)
    assert built[0] == 0, built[2]


@pytest.mark.parametrize(("front", "message"), [
    (f"date: 2024-05-01\ntags: [{LONG}]", "URL /tags/aaaa"),
    ("date: 2024-02-30", "front matter: 'date' is not a date: '2024-02-30'"),
])
def test_the_preview_server_reports_the_same_errors_and_keeps_serving(make_site, front,
                                                                      message):
    site = make_site({NOTE: "---\ntitle: A\n---\nWords.\n", "content/posts/b.md": "More.\n"})
    config, _ = load_config(site)
    session = Session(config, verify=True)
    assert not session.build_all().errors
    (site / NOTE).write_text(f"---\ntitle: A\n{front}\n---\nWords.\n", encoding="utf-8")
    outcome = session.rebuild([site / NOTE])
    assert [error.path for error in outcome.errors] == [NOTE]
    assert outcome.errors[0].message.startswith(message)
    assert (config.output_dir / "index.html").is_file()
