"""The live output folder, written in place from the output's records: only changed bytes are
written, only margin's own stale files are removed, only into a folder margin made, and a page
that fails keeps its last good file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import nullcontext

import pytest

from margin.build import Options
from margin.config import load_config
from margin.serve.session import Session
from margin.write import MARKER
from margin.write.output import OutputError

SITE = {
    "site.toml": 'title = "Written"\n',
    "assets/site.css": "body {}",
    "content/notes/first.md": "---\ntitle: First\n---\nThe first note.\n",
    "content/notes/second.md": "---\ntitle: Second\n---\nThe second note.\n",
    "content/deep/down/third.md": "---\ntitle: Third\n---\nA note in a deep folder.\n",
}


@pytest.fixture
def served(make_site):
    """A site built by `margin build` and taken over by a session, as `margin serve` starts."""
    site = make_site(SITE)
    config, _ = load_config(site)
    session = Session(config, verify=True)
    assert not session.open(Options(jobs=1)).errors
    assert session.take_over(nullcontext) is None
    return site, config.output_dir, session


def save(site, relative, text):
    path = site / relative
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_only_pages_whose_bytes_changed_are_written(served):
    site, root, session = served
    untouched = (root / "notes/second/index.html").stat()
    outcome = session.rebuild([save(site, "content/notes/first.md",
                                    "---\ntitle: First\n---\nThe first note, edited.\n")])
    assert "notes/first/index.html" in outcome.written
    assert "notes/second/index.html" not in outcome.written
    assert "assets/site.css" not in outcome.written
    assert "edited" in (root / "notes/first/index.html").read_text()
    now = (root / "notes/second/index.html").stat()
    assert (now.st_ino, now.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)


def test_a_page_gone_from_the_site_is_removed_with_its_empty_folders(served):
    site, root, session = served
    (root / "mine.txt").write_text("the user's")
    (root / "deep/down/third/notes.txt").write_text("the user's too")
    outcome = session.rebuild([save(site, "content/notes/second.md", None)])
    assert "notes/second/index.html" in outcome.removed
    assert not (root / "notes/second").exists() and (root / "notes/first/index.html").exists()
    outcome = session.rebuild([save(site, "content/deep/down/third.md", None)])
    assert not (root / "deep/down/third/index.html").exists()
    assert (root / "mine.txt").read_text() == "the user's"  # not margin's: left alone
    assert (root / "deep/down/third/notes.txt").read_text() == "the user's too"


def test_a_changed_asset_is_copied_again(served):
    site, root, session = served
    css = save(site, "assets/site.css", "body { color: red }")
    os.utime(css, ns=(1, 1))
    outcome = session.rebuild([css])
    assert outcome.written == ("assets/site.css",)
    assert (root / "assets/site.css").read_text() == "body { color: red }"


def test_an_output_folder_deleted_while_serving_is_made_again(served):
    site, root, session = served
    for path in sorted(root.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    root.rmdir()
    session.rebuild([save(site, "content/notes/first.md",
                          "---\ntitle: First\n---\nThe first note, again.\n")])
    assert (root / MARKER).is_file()
    assert "again" in (root / "notes/first/index.html").read_text()
    assert (root / "notes/second/index.html").is_file() and (root / "assets/site.css").is_file()


def test_a_folder_that_lost_its_marker_is_not_written_into(served):
    site, root, session = served
    (root / MARKER).unlink()
    before = (root / "notes/first/index.html").read_bytes()
    with pytest.raises(OutputError, match=r"lost its \.margin-output file"):
        session.rebuild([save(site, "content/notes/first.md",
                              "---\ntitle: First\n---\nNot to be written.\n")])
    assert (root / "notes/first/index.html").read_bytes() == before


def test_a_page_whose_template_fails_keeps_its_last_good_file(served):
    site, root, session = served
    before = (root / "notes/first/index.html").read_bytes()
    template = site / "templates/note.html"
    template.parent.mkdir(exist_ok=True)
    template.write_text("{% extends 'base.html' %}{% block main %}{{ note.title | nosuch }}"
                        "{% endblock %}")
    outcome = session.rebuild([template])
    assert outcome.errors and not outcome.removed
    assert (root / "notes/first/index.html").read_bytes() == before
    template.unlink()
    outcome = session.rebuild([template])
    assert not outcome.errors
    assert (root / "notes/first/index.html").read_bytes() == before


KILLED_WHILE_SERVING = """
import sys
from contextlib import nullcontext
from pathlib import Path
from margin.build import Options
from margin.config import load_config
from margin.serve.session import Session

site = Path(sys.argv[1])
config, _ = load_config(site)
session = Session(config)
session.open(Options(jobs=1))
session.take_over(nullcontext)
template = site / "templates/note.html"
template.parent.mkdir(exist_ok=True)
template.write_text("{% extends 'base.html' %}{% block main %}NEW {{ note.title }}"
                    "{% endblock %}")
session.rebuild([template])
"""


def test_a_server_killed_while_writing_leaves_every_file_whole(make_site, build_site):
    """Killed (SIGKILL) after the K-th page is written beside its place: each page is the old
    one or the new one, never part of one, and the next build writes the site whole."""
    site = make_site(SITE)
    config, _ = load_config(site)
    pages = ["notes/first/index.html", "notes/second/index.html",
             "deep/down/third/index.html"]
    for k in (1, 3):
        (site / "templates/note.html").unlink(missing_ok=True)
        assert build_site(site).exit_code == 0
        old = {path: (config.output_dir / path).read_bytes() for path in pages}
        done = subprocess.run([sys.executable, "-c", KILLED_WHILE_SERVING, str(site)],
                              env={**os.environ, "MARGIN_KILL_AT": f"live:written#{k}"},
                              capture_output=True, timeout=120)
        assert done.returncode == -signal.SIGKILL, done.stderr
        shown = {path: (config.output_dir / path).read_bytes() for path in pages}
        assert sum(b"NEW " in data for data in shown.values()) == k - 1
        assert all(shown[path] == old[path] or b"NEW " in shown[path] for path in pages)
        assert build_site(site).exit_code == 0  # the next build writes it whole
        assert all(b"NEW " in (config.output_dir / path).read_bytes() for path in pages)
