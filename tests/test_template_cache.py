"""A build keeps its templates' compiled code and what they read for the next build (in
.margin-cache/templates): a build in a fresh process compiles no template the last one did,
yet one edited since, or a base URL changed since, is compiled again, and the site is the
one a build without the cache makes."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from conftest import recorded_calls, run_margin
from margin.incremental.store import FOLDER
from margin.pages import dependencies, templates
from margin.write import search

THEME = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture(autouse=True)
def no_pagefind(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)


def built(site: Path, output: Path, monkeypatch, *args: str) -> list[str]:
    """Build SITE into OUTPUT as a new process would (nothing compiled or read before it);
    the templates Jinja compiled."""
    for name, fresh in (("_COMPILED", {}), ("_PARSED", {}), ("_USED", set())):
        monkeypatch.setattr(templates if name == "_COMPILED" else dependencies, name, fresh)
    with monkeypatch.context() as patch:
        compiled = recorded_calls(patch, jinja2.Environment, "compile",
                                  lambda self, source, name=None, *rest, **named: name)
        code, _, err = run_margin("build", site, "--output", output, *args)
    assert code == 0, err
    return compiled


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_compiles_no_template_the_last_build_compiled(fixture_site, tmp_path,
                                                              monkeypatch):
    site, output = fixture_site("ten-notes"), tmp_path / "out"
    assert "note.html" in built(site, output, monkeypatch)
    assert (site / FOLDER / "templates").is_file()
    note = next((site / "content").rglob("*.md"))
    note.write_text(note.read_text() + "\nA line added on the riverbank.\n")
    assert built(site, output, monkeypatch) == []
    built(site, tmp_path / "fresh", monkeypatch, "--no-cache")
    assert files_of(output) == files_of(tmp_path / "fresh")


def test_a_template_edited_since_the_last_build_is_compiled_again(fixture_site, tmp_path,
                                                                  monkeypatch):
    site, output = fixture_site("ten-notes"), tmp_path / "out"
    (site / "templates").mkdir(exist_ok=True)
    own = site / "templates/note.html"
    own.write_text((THEME / "note.html").read_text())
    built(site, output, monkeypatch)
    own.write_text(own.read_text().replace("</article>", "<p>Heron seen.</p></article>"))
    assert built(site, output, monkeypatch) == ["note.html"]
    pages = [p for p in output.rglob("index.html") if "<article" in p.read_text()]
    assert pages and all("<p>Heron seen.</p></article>" in p.read_text() for p in pages)
    built(site, tmp_path / "fresh", monkeypatch, "--no-cache")
    assert files_of(output) == files_of(tmp_path / "fresh")


def test_a_new_base_url_compiles_the_templates_again(fixture_site, tmp_path, monkeypatch):
    site, output = fixture_site("ten-notes"), tmp_path / "out"
    built(site, output, monkeypatch, "--base-url", "https://reeds.example/one/")
    assert "note.html" in built(site, output, monkeypatch,
                                "--base-url", "https://reeds.example/two/")
    built(site, tmp_path / "fresh", monkeypatch, "--no-cache",
          "--base-url", "https://reeds.example/two/")
    assert files_of(output) == files_of(tmp_path / "fresh")


def test_a_damaged_template_cache_is_compiled_again(fixture_site, tmp_path, monkeypatch):
    site, output = fixture_site("ten-notes"), tmp_path / "out"
    built(site, output, monkeypatch)
    kept = site / FOLDER / "templates"
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    note = next((site / "content").rglob("*.md"))
    note.write_text(note.read_text() + "\nA line added on the riverbank.\n")
    assert "note.html" in built(site, output, monkeypatch)
    built(site, tmp_path / "fresh", monkeypatch, "--no-cache")
    assert files_of(output) == files_of(tmp_path / "fresh")
