"""The command line: version, help on every command, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import run_margin
from margin import __version__


def test_version():
    code, out, _ = run_margin("--version")
    assert (code, out.strip()) == (0, f"margin {__version__}")


@pytest.mark.parametrize("command", ["build", "new"])
def test_every_command_has_help(command):
    code, out, _ = run_margin(command, "--help")
    assert code == 0
    assert f"usage: margin {command}" in out


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "margin", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"margin {__version__}"


@pytest.mark.parametrize(("note", "code"), [("Fine.", 0), ("---\ntitle: [broken\n---\nx", 1)])
def test_the_command_exits_with_its_code_and_says_everything(make_site, note, code):
    """`margin` leaves without tidying its memory up (cli.run): what it printed still arrives,
    the exit code still tells, and the site is whole."""
    site = make_site({"content/notes/a.md": note, "content/notes/b.md": "Also fine."})
    done = subprocess.run([sys.executable, "-m", "margin", "build", str(site)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == code
    if code == 0:
        assert done.stdout.startswith("margin: 2 notes, ")
        assert (site / "_site/notes/b/index.html").is_file()
    else:
        assert "content/notes/a.md:2" in done.stderr
        assert not (site / "_site").exists()


def test_build_defaults_to_the_current_folder(make_site, monkeypatch):
    site = make_site({"content/notes/a.md": "x"})
    monkeypatch.chdir(site)
    code, out, err = run_margin("build")
    assert code == 0, err
    assert (site / "_site/notes/a/index.html").is_file()
    assert out.startswith("margin: 1 note, ")
