"""The live output folder: only changed bytes are written, only margin's own stale files are
removed, and only into a folder margin made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from margin.config import load_config
from margin.model import AssetFile, OutputFile
from margin.write import MARKER
from margin.write.incremental import LiveOutput
from margin.write.output import OutputError


@pytest.fixture
def live(make_site):
    site = make_site({"site.toml": "", "assets/site.css": "body {}"})
    config, _ = load_config(site)
    output = LiveOutput(config)
    pages = [OutputFile("index.html", b"home"), OutputFile("a/b/index.html", b"page b"),
             OutputFile("a/c/index.html", b"page c")]
    output.replace_all(pages, [AssetFile(site / "assets/site.css", "assets/site.css")])
    return site, config.output_dir, output, pages


def test_only_pages_whose_bytes_changed_are_written(live):
    site, root, output, pages = live
    before = (root / "a/c/index.html").stat().st_mtime_ns
    result = output.update([pages[0], OutputFile("a/b/index.html", b"page b, edited"),
                            OutputFile("a/c/index.html", b"page c")],
                           [AssetFile(site / "assets/site.css", "assets/site.css")])
    assert result.written == ("a/b/index.html",)
    assert result.unchanged == 3
    assert (root / "a/b/index.html").read_bytes() == b"page b, edited"
    assert (root / "a/c/index.html").stat().st_mtime_ns == before


def test_a_page_gone_from_the_site_is_removed_with_its_empty_folders(live):
    site, root, output, pages = live
    (root / "mine.txt").write_text("the user's")
    result = output.update([pages[0], pages[2]],
                           [AssetFile(site / "assets/site.css", "assets/site.css")])
    assert result.removed == ("a/b/index.html",)
    assert not (root / "a/b").exists() and (root / "a/c/index.html").exists()
    assert (root / "mine.txt").read_text() == "the user's"  # not margin's: left alone


def test_a_changed_asset_is_copied_again(live):
    site, root, output, pages = live
    css = site / "assets/site.css"
    css.write_text("body { color: red }")
    os.utime(css, ns=(1, 1))
    result = output.update(pages, [AssetFile(css, "assets/site.css")])
    assert result.written == ("assets/site.css",)
    assert (root / "assets/site.css").read_text() == "body { color: red }"


def test_an_output_folder_deleted_while_serving_is_made_again(live):
    _, root, output, pages = live
    for path in sorted(root.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    root.rmdir()
    output.update(pages, [])
    assert (root / MARKER).is_file() and (root / "a/b/index.html").read_bytes() == b"page b"


def test_a_folder_that_lost_its_marker_is_not_written_into(live):
    _, root, output, _ = live
    (root / MARKER).unlink()
    with pytest.raises(OutputError, match=r"lost its \.margin-output file"):
        output.update([OutputFile("index.html", b"new home")], [])
    assert (root / "index.html").read_bytes() == b"home"


KILLED_WHILE_SERVING = """
import sys
from pathlib import Path
from margin.config import load_config
from margin.model import OutputFile
from margin.write.incremental import LiveOutput

config, _ = load_config(Path(sys.argv[1]))
LiveOutput(config).update([OutputFile(f"p{n}/index.html", b"new %d" % n) for n in range(5)], [])
"""


def test_a_server_killed_while_writing_leaves_every_file_whole(make_site, tmp_path):
    """Killed (SIGKILL) after the K-th page is written beside its place: each page is the old
    one or the new one, never part of one, and the next start of serve writes the site."""
    site = make_site({"site.toml": ""})
    config, _ = load_config(site)
    old = [OutputFile(f"p{n}/index.html", b"old %d" % n) for n in range(5)]
    new = [OutputFile(f"p{n}/index.html", b"new %d" % n) for n in range(5)]
    for k in range(1, 6):
        LiveOutput(config).replace_all(old, [])
        done = subprocess.run([sys.executable, "-c", KILLED_WHILE_SERVING, str(site)],
                              env={**os.environ, "MARGIN_KILL_AT": f"live:written#{k}"},
                              capture_output=True, timeout=60)
        assert done.returncode == -signal.SIGKILL, done.stderr
        for n in range(5):
            shown = (config.output_dir / f"p{n}/index.html").read_bytes()
            assert shown in (b"old %d" % n, b"new %d" % n), (k, n, shown)
        assert sum(shown == page.data for page in new
                   if (shown := (config.output_dir / page.path).read_bytes())) == k - 1
        LiveOutput(config).replace_all(new, [])  # serve started again
        assert {p.relative_to(config.output_dir).as_posix(): p.read_bytes()
                for p in config.output_dir.rglob("*") if p.is_file() and p.name != MARKER} == {
            page.path: page.data for page in new}
