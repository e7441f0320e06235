"""The command line: version, help on every command, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import margin
from conftest import run_margin
from margin import __version__
from margin.write import search

COMMANDS = ["build", "check", "new", "init", "deploy", "serve", "import", "import papers"]
RUNS_FROM = f"margin {__version__} (from {Path(margin.__file__).resolve().parent}, Python "


def test_version_names_the_version_and_where_margin_runs_from():
    code, out, _ = run_margin("--version")
    assert code == 0 and out.startswith(RUNS_FROM)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_commands_help_ends_with_two_examples(command):
    code, out, _ = run_margin(*command.split(), "--help")
    assert code == 0
    assert f"usage: margin {command}" in out
    *_, heading, first, second = out.rstrip().splitlines()
    assert heading == "examples:"
    for example in (first, second):
        assert example.startswith("  ") and example.split()[:2] == ["margin", command.split()[0]]


@pytest.mark.parametrize("command", ["build", "check", "deploy", "serve", "new", "init"])
def test_every_site_command_takes_the_site_as_SITE_DIR_or_as_site(command):
    code, out, _ = run_margin(*command.split(), "--help")
    assert code == 0 and "[SITE_DIR]" in out and "--site SITE_DIR" in out


@pytest.mark.parametrize("how", [["SITE"], ["--site", "SITE"], ["SITE", "--site", "SITE"]])
def test_build_new_and_import_find_the_site_either_way(make_site, tmp_path, how):
    site = make_site({"content/notes/a.md": "x"})
    named = [str(site) if part == "SITE" else part for part in how]
    stream = tmp_path / "s.txt"
    stream.write_text("Jo's Daily Paper - 01.06.25: A Title\n\nText.\n", encoding="utf-8")
    assert run_margin("build", *named)[0] == 0
    assert run_margin("new", "B", *named, "--date", "2025-01-02")[0] == 0
    assert run_margin("import", "papers", stream, *named)[0] == 0
    assert (site / "_site/notes/a/index.html").is_file()
    assert (site / "content/posts/2025-01-02-b.md").is_file()
    assert (site / "content/papers/2025-06-01-a-title.md").is_file()


def test_two_different_site_folders_are_refused(make_site, tmp_path):
    site = make_site({"content/notes/a.md": "x"})
    code, _, err = run_margin("build", site, "--site", tmp_path / "other")
    assert code == 2 and "two site folders" in err
    assert not (site / "_site").exists()


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "margin", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith(RUNS_FROM)


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


@pytest.mark.skipif(search.pagefind_binary() is None, reason="Pagefind is not installed")
def test_the_command_leaves_its_search_index_and_cache_whole_before_it_exits(make_site):
    """Nothing `margin build` started is cut short by its quick exit: Pagefind's bundle is in
    place and the cache is saved, so the next build finds everything up to date."""
    site = make_site({f"content/notes/n{i}.md": f"Marsh survey {i}, windy." for i in range(30)})
    command = [sys.executable, "-m", "margin", "build", str(site)]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    shards = json.loads((site / "_site/pagefind/shards.json").read_text())["bundles"]
    assert shards and all((site / "_site/pagefind" / shard / "pagefind-entry.json").is_file()
                          for shard in shards)
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
