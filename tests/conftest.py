"""Fixtures that build real sites in temporary folders and read the output through an HTML parser.

    def test_x(make_site, build_site):
        site = make_site({"content/posts/2025-01-02-a.md": "---\\ntitle: A\\n---\\nHello"})
        result = build_site(site)
        assert result.exit_code == 0
        assert result.html("2025/01/02/a/").h1.text == "A"
"""

from __future__ import annotations

import io
import os
import shutil
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from margin.cli import BASE_URL_UNSET, main
from synthetic_notes import write_notes

TESTS = Path(__file__).resolve().parent
SITES = TESTS / "sites"
# The material beside the repository (the user's notes); MARGIN_SHARED names it from elsewhere.
SHARED = Path(os.environ.get("MARGIN_SHARED") or TESTS.parent.parent / "shared").resolve()
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def verify_kept_note_pages(monkeypatch):
    """Every build a test runs checks each note page it keeps by its inputs against the
    page's full fingerprint: a change the inputs miss fails the test that made it."""
    monkeypatch.setenv("MARGIN_VERIFY", "1")


@dataclass
class BuildResult:
    exit_code: int
    stdout: str
    stderr: str
    output: Path

    def path(self, url: str) -> Path:
        """The output file for a site URL ('tags/ai/' -> tags/ai/index.html)."""
        relative = url.strip("/")
        target = self.output / relative
        if url.endswith("/") or not relative or target.is_dir():
            target = target / "index.html"
        return target

    def html(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.path(url).read_text(encoding="utf-8"), "html.parser")

    @property
    def lines(self) -> list[str]:
        """What the build said about the notes: stderr's lines, less the advice every site
        without a base_url gets (test_feeds.py checks that one)."""
        return [line for line in self.stderr.splitlines()
                if line.strip() and not line.startswith(BASE_URL_UNSET)]


def run_margin(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's --help / usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def make_site(tmp_path):
    """Write a site from {relative path: text or bytes}; text is dedented."""

    def make(files: dict[str, str | bytes], name: str = "site") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def fixture_site(tmp_path):
    """Copy tests/sites/<name> into a temporary folder and return its path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target, symlinks=True)
        return target

    return copy


@pytest.fixture
def build_site():
    """Run `margin build SITE [args]` and return a BuildResult."""

    def build(site: Path, *args: str, output: Path | None = None) -> BuildResult:
        output = output or site / "_site"
        code, out, err = run_margin("build", site, "--output", output, *args)
        return BuildResult(code, out, err, output)

    return build


def recorded_calls(monkeypatch, owner, name: str, what) -> list:
    """OWNER.NAME spied on: WHAT(*args) of each call is appended to the list returned (calls
    made in this process only: forked workers record in their own copy)."""
    calls: list = []
    real = getattr(owner, name)

    def spy(*args, **kwargs):
        calls.append(what(*args))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


@pytest.fixture
def corpus_site(fixture_site):
    """The graph fixture (wikilinks, backlinks, papers, series) plus 90 generated notes: enough
    bodies and pages for the builds to fork worker processes."""
    site = fixture_site("graph")
    write_notes(site, 90, seed=3)
    return site


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked needs_shared(PATH) skips when PATH (under ../shared, beside the
    repository) is missing, unless MARGIN_REQUIRE_SHARED=1 (CI) makes it fail."""
    for mark in item.iter_markers("needs_shared"):
        path = mark.args[0] if mark.args else CORPUS
        if path.exists():
            continue
        if os.environ.get("MARGIN_REQUIRE_SHARED") == "1":
            pytest.fail(f"no {path}, and MARGIN_REQUIRE_SHARED=1 requires the tests that use it")
        pytest.skip(f"no {path} (../shared beside the repository, or MARGIN_SHARED); "
                    "set MARGIN_REQUIRE_SHARED=1 to fail instead of skipping")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright (never a downloaded browser). Without
    /usr/bin/chromium the test is skipped, unless MARGIN_REQUIRE_BROWSER=1 (CI) makes it fail."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"no browser at {CHROMIUM}"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            missing = "Playwright for Python is not installed"
    if missing:
        if os.environ.get("MARGIN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{missing}, and MARGIN_REQUIRE_BROWSER=1 requires the browser tests")
        pytest.skip(f"{missing} (set MARGIN_REQUIRE_BROWSER=1 to fail instead of skipping)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
