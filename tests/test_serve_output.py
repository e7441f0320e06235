"""The live output folder: only changed bytes are written, only margin's own stale files are
removed, and only into a folder margin made."""

from __future__ import annotations

import os

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
