"""`margin deploy` against a local bare repository: the branch holds exactly the built site, and
the site's working tree, index and current branch are left as they were."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import run_margin
from margin.write.output import MARKER

NOTES = {
    ".gitignore": "_site/\n.margin-cache/\n",
    "site.toml": 'title = "Lab notes"\nbase_url = "https://lab.example.org/"\n',
    "content/posts/2025-02-03-sparse-attention.md": "---\ntitle: Sparse attention\ntags: [llms]\n"
                                                    "---\nBlocks of keys.\n",
    "content/notes/lora.md": "---\ntitle: LoRA\n---\nLow-rank updates.\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Researcher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "researcher@example.org")


@pytest.fixture
def remote(tmp_path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    return bare


@pytest.fixture
def repo(make_site, remote) -> Path:
    """A committed site with a remote, plus a modified, a staged and an untracked file."""
    site = make_site(NOTES)
    git(site, "init", "--quiet", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "notes")
    git(site, "remote", "add", "origin", str(remote))
    (site / "site.toml").write_text('title = "Lab notes, edited"\n'
                                    'base_url = "https://lab.example.org/"\n')
    (site / "content/notes/staged.md").write_text("# Staged\n")
    git(site, "add", "content/notes/staged.md")
    (site / "scratch.txt").write_text("not for git\n")
    return site


def state(site: Path) -> tuple[str, str, str, str]:
    """Everything deploy must leave alone: status, index, current branch and its commit."""
    return (git(site, "status", "--porcelain", "--untracked-files=all"),
            git(site, "ls-files", "--stage"), git(site, "symbolic-ref", "HEAD"),
            git(site, "rev-parse", "HEAD"))


def test_deploy_pushes_exactly_the_built_site_and_touches_nothing_else(
    repo, remote, build_site, tmp_path
):
    before = state(repo)
    code, out, err = run_margin("deploy", repo)
    assert (code, err) == (0, ""), err
    assert out.startswith("margin: committed ") and out.rstrip().endswith("pushed it to origin")

    expected = build_site(repo, output=tmp_path / "expected")  # the same build, elsewhere
    built = sorted(p.relative_to(expected.output).as_posix()
                   for p in expected.output.rglob("*") if p.is_file())
    assert MARKER in built
    published = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split()
    # Pagefind names its filter index files differently on each run of the same site (upstream
    # pagefind#638): the search bundle is compared by its stable entry point only.
    entry = "pagefind/0/pagefind-entry.json"
    assert entry in published and entry in built and "pagefind/shards.json" in published
    site_only = [n for n in built if n != MARKER and not n.startswith("pagefind/")]
    assert sorted(n for n in published if not n.startswith("pagefind/")) == sorted(
        [*site_only, ".nojekyll"])
    for name in ("index.html", "notes/lora/index.html", "2025/02/03/sparse-attention/index.html"):
        assert git(remote, "show", f"gh-pages:{name}") == (expected.output / name).read_text()
    assert git(remote, "show", "gh-pages:.nojekyll") == ""
    # The uncommitted edit and the staged note are what was built and published:
    home = BeautifulSoup(git(remote, "show", "gh-pages:index.html"), "html.parser")
    assert "Lab notes, edited" in home.title.get_text()
    assert "notes/staged/index.html" in published

    assert state(repo) == before
    assert not (repo / "_site").exists()  # built outside the working tree
    assert git(repo, "rev-parse", "gh-pages") == git(remote, "rev-parse", "gh-pages")
    assert git(remote, "log", "--format=%P", "gh-pages").strip() == ""  # a fresh orphan branch
    assert [line.split()[0] for line in refs(remote).splitlines()] == ["refs/heads/gh-pages"]


def test_second_deploy_adds_a_commit_on_top_and_an_unchanged_site_adds_none(repo, remote):
    assert run_margin("deploy", repo)[0] == 0
    first = git(remote, "rev-parse", "gh-pages").strip()
    note = repo / "content/notes/lora.md"
    note.write_text(note.read_text().replace("title: LoRA", "title: LoRA, revisited"))

    code, _, err = run_margin("deploy", repo, "--message", "Publish the LoRA revision")
    assert code == 0, err
    assert git(remote, "log", "--format=%P", "-1", "gh-pages").strip() == first
    assert git(remote, "log", "--format=%s", "-1", "gh-pages").strip() == (
        "Publish the LoRA revision"
    )
    page = BeautifulSoup(git(remote, "show", "gh-pages:notes/lora/index.html"), "html.parser")
    assert page.h1.get_text(strip=True) == "LoRA, revisited"

    second = git(remote, "rev-parse", "gh-pages")
    code, out, _ = run_margin("deploy", repo)
    assert code == 0 and "already holds this build" in out
    assert git(remote, "rev-parse", "gh-pages") == second


def test_a_broken_note_refuses_the_deploy_and_pushes_nothing(repo, remote):
    (repo / "content/notes/broken.md").write_text("---\ntitle: [unclosed\n---\nText\n")
    before = state(repo)
    code, out, err = run_margin("deploy", repo)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: content/notes/broken.md:2: front matter")
    assert lines[-1] == "margin: deploy refused: the build has errors; nothing was committed"
    assert refs(remote) == ""
    assert "gh-pages" not in refs(repo)
    assert state(repo) == before


def test_deploy_from_a_repository_without_the_branch_continues_the_remotes_history(repo, remote):
    assert run_margin("deploy", repo)[0] == 0
    previous = git(remote, "rev-parse", "gh-pages").strip()
    git(repo, "branch", "-D", "gh-pages")  # as in a fresh clone
    (repo / "content/notes/new.md").write_text("# New\n")
    assert run_margin("deploy", repo)[0] == 0
    assert git(remote, "log", "--format=%P", "-1", "gh-pages").strip() == previous


def test_a_custom_branch_and_remote(repo, tmp_path):
    mirror = tmp_path / "mirror.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(mirror)], check=True)
    git(repo, "remote", "add", "mirror", str(mirror))
    code, out, err = run_margin("deploy", repo, "--branch", "site", "--remote", "mirror")
    assert code == 0, err
    assert "to site" in out and out.rstrip().endswith("pushed it to mirror")
    assert "index.html" in git(mirror, "ls-tree", "--name-only", "site").split()
    assert "refs/heads/gh-pages" not in refs(mirror)


def test_deploy_without_a_base_url_warns_in_one_line_and_still_publishes(repo, remote):
    (repo / "site.toml").write_text('title = "Lab notes"\n')
    code, out, err = run_margin("deploy", repo)
    assert code == 0 and "pushed it to origin" in out
    assert err.splitlines() == [
        "margin: warning: base_url is unset, so the feeds and sitemap.xml hold relative URLs "
        "that readers and search engines cannot follow; set it in site.toml"]


def test_not_a_git_repository_is_one_line(make_site):
    site = make_site(NOTES)
    code, _, err = run_margin("deploy", site)
    assert (code, err) == (1, f"margin: not a git repository: {site}\n")
    assert not (site / ".git").exists()


def test_no_such_remote_is_one_line_and_nothing_is_built(repo):
    code, _, err = run_margin("deploy", repo, "--remote", "upstream")
    assert code == 1
    assert err == "margin: no such remote: 'upstream' (see `git remote -v`)\n"
    assert "gh-pages" not in refs(repo)


def test_a_rejected_push_is_one_line_and_leaves_the_local_branch(repo, remote, tmp_path):
    assert run_margin("deploy", repo)[0] == 0
    local = git(repo, "rev-parse", "gh-pages")
    other = tmp_path / "other"  # someone else publishes meanwhile
    subprocess.run(["git", "clone", "--quiet", "--branch", "gh-pages", str(remote), str(other)],
                   check=True, capture_output=True)
    (other / "extra.html").write_text("theirs")
    git(other, "add", "extra.html")
    git(other, "commit", "--quiet", "-m", "theirs")
    git(other, "push", "--quiet", "origin", "gh-pages")
    theirs = git(remote, "rev-parse", "gh-pages")

    (repo / "content/notes/new.md").write_text("# New\n")
    code, _, err = run_margin("deploy", repo)
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith("margin: push rejected by origin (")
    assert git(repo, "rev-parse", "gh-pages") == local
    assert git(remote, "rev-parse", "gh-pages") == theirs


def test_deploy_refuses_to_move_the_checked_out_branch(repo):
    git(repo, "checkout", "--quiet", "-b", "gh-pages")
    code, _, err = run_margin("deploy", repo)
    assert code == 1
    assert err == "margin: gh-pages is the checked-out branch; switch to another one to deploy\n"


def test_deploy_has_help():
    code, out, _ = run_margin("deploy", "--help")
    assert code == 0 and "usage: margin deploy" in out
    assert all(option in out for option in ("--branch", "--remote", "--message"))
