"""`margin deploy`: commit a built site to a branch (gh-pages) with git plumbing, then push it.

The commit is assembled in a temporary index from the files of the output folder, so the
working tree, the real index and the checked-out branch are never touched. The local branch
moves only after the push succeeded: a refused push leaves the repository as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from margin import __version__, urls
from margin.write.output import MARKER

NOJEKYLL = ".nojekyll"  # tells GitHub Pages to serve the files as they are, without Jekyll
_REJECTED = re.compile(r"^\s*!\s*\[(?:remote )?rejected\][^(]*\((.+)\)\s*$", re.MULTILINE)


class DeployError(Exception):
    """Why nothing was deployed, in one line."""


@dataclass(frozen=True)
class Target:
    """Where the site goes: a repository, one of its remotes and a branch name."""

    repo: Path  # the top of the work tree holding the site
    remote: str
    branch: str

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"


@dataclass(frozen=True)
class Deployed:
    commit: str
    files: int
    changed: bool  # False when the site is the same as the branch's last commit


def find_target(site: Path, *, remote: str, branch: str) -> Target:
    """Check, before anything is built, that the site is in a repository that can take it."""
    done = _run(site, "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        raise DeployError(f"not a git repository: {site}")
    target = Target(Path(_text(done.stdout)), remote, branch)
    if _run(site, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise DeployError(f"not a valid branch name: {branch!r}")
    if _run(site, "remote", "get-url", remote, check=False).returncode != 0:
        raise DeployError(f"no such remote: {remote!r} (see `git remote -v`)")
    current = _run(site, "symbolic-ref", "--quiet", "HEAD", check=False)
    if _text(current.stdout) == target.ref:
        raise DeployError(f"{branch} is the checked-out branch; switch to another one to deploy")
    return target


def publish(target: Target, output: Path, message: str | None = None) -> Deployed:
    """Commit OUTPUT's files (plus .nojekyll) on top of the branch, push, then move the branch."""
    local = _commit_of(target.repo, target.ref)
    parent = local or _fetch(target)
    tree, count = _write_tree(target.repo, output)
    if parent and _holds(target.repo, parent, tree):
        commit, changed = parent, False
    else:
        commit, changed = _commit(target.repo, tree, parent, message or _message(target.repo)), True
    _push(target, commit)
    if commit != local:
        _run(target.repo, "update-ref", "-m", "margin deploy", target.ref, commit, local or "")
    return Deployed(commit, count, changed)


def _holds(repo: Path, parent: str, tree: str) -> bool:
    """PARENT already holds this build: the same tree, or one that differs only inside the
    search index, whose file names Pagefind does not keep stable between runs on one site."""
    old = _text(_run(repo, "rev-parse", f"{parent}^{{tree}}").stdout)
    if old == tree:
        return True
    bundle = urls.SEARCH_BUNDLE.strip("/")
    before, after = _top_level(repo, old), _top_level(repo, tree)
    if bundle not in before or bundle not in after:
        return False
    return {k: v for k, v in before.items() if k != bundle} == {
        k: v for k, v in after.items() if k != bundle}


def _top_level(repo: Path, tree: str) -> dict[str, str]:
    """A tree's own entries: name -> object id."""
    listing = _run(repo, "ls-tree", "-z", tree).stdout.decode("utf-8", "surrogateescape")
    entries = {}
    for entry in filter(None, listing.split("\0")):
        meta, name = entry.split("\t", 1)
        entries[name] = meta.split()[2]
    return entries


def site_files(output: Path) -> list[str]:
    """The output folder's files, '/'-separated and sorted, without margin's marker file."""
    found = []
    for folder, dirs, files in os.walk(output):
        dirs.sort()
        relative = Path(folder).relative_to(output)
        found.extend((relative / name).as_posix() for name in sorted(files))
    return [name for name in found if name != MARKER]


def _write_tree(repo: Path, output: Path) -> tuple[str, int]:
    """Store the files as blobs and a tree, through an index file of our own."""
    names = site_files(output)
    if any("\n" in name for name in names):
        raise DeployError("a built file's name holds a line break; git plumbing cannot take it")
    paths = "".join(f"{output / name}\n" for name in names).encode()
    blobs = _run(repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=paths)
    entries = [(_mode(output / name), blob.decode(), name)
               for name, blob in zip(names, blobs.stdout.split(), strict=True)]
    if NOJEKYLL not in names:
        empty = _run(repo, "hash-object", "-w", "--stdin", stdin=b"").stdout.decode().strip()
        entries.append(("100644", empty, NOJEKYLL))
    listing = "".join(f"{mode} {blob}\t{name}\0" for mode, blob, name in entries)
    with tempfile.TemporaryDirectory(prefix="margin-deploy-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _run(repo, "update-index", "-z", "--index-info", stdin=listing.encode(), env=index)
        tree = _text(_run(repo, "write-tree", env=index).stdout)
    return tree, len(entries)


def _mode(path: Path) -> str:
    return "100755" if os.access(path, os.X_OK) else "100644"


def _commit_of(repo: Path, ref: str) -> str | None:
    done = _run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return _text(done.stdout) if done.returncode == 0 else None


def _fetch(target: Target) -> str | None:
    """The remote's branch, when this repository has none: deploys from a fresh clone continue
    its history instead of being refused as unrelated."""
    done = _run(target.repo, "fetch", "--quiet", "--no-tags", target.remote, target.ref,
                check=False)
    return _commit_of(target.repo, "FETCH_HEAD") if done.returncode == 0 else None


def _message(repo: Path) -> str:
    head = _run(repo, "rev-parse", "--short", "--verify", "--quiet", "HEAD", check=False)
    source = f" of {_text(head.stdout)}" if head.returncode == 0 else ""
    return f"Deploy{source} with margin {__version__}"


def _commit(repo: Path, tree: str, parent: str | None, message: str) -> str:
    parents = ["-p", parent] if parent else []
    done = _run(repo, "commit-tree", tree, *parents, "-m", message, check=False)
    if done.returncode != 0:
        if b"tell me who you are" in done.stderr or b"ident" in done.stderr:
            raise DeployError("git does not know who you are: set `git config user.name` and "
                              "`git config user.email` in this repository")
        raise DeployError(f"git commit-tree failed: {_last_line(done.stderr)}")
    return _text(done.stdout)


def _push(target: Target, commit: str) -> None:
    done = _run(target.repo, "push", "--quiet", target.remote, f"{commit}:{target.ref}",
                check=False)
    if done.returncode == 0:
        return
    error = done.stderr.decode("utf-8", "replace")
    rejected = _REJECTED.search(error)
    if rejected:
        reason = rejected.group(1)
        hint = ""
        if reason in ("non-fast-forward", "fetch first"):
            hint = (f"; its {target.branch} has commits yours lacks: `git branch -D "
                    f"{target.branch}` and deploy again to build on top of them")
        raise DeployError(f"push rejected by {target.remote} ({reason}){hint}")
    raise DeployError(f"push to {target.remote} failed: {_last_line(done.stderr)}")


def _run(repo: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in REPO; our own GIT_INDEX_FILE only when given, never an inherited one."""
    environment = {k: v for k, v in os.environ.items() if k != "GIT_INDEX_FILE"}
    environment.update(env or {})
    environment["GIT_TERMINAL_PROMPT"] = "0"  # a push needing a password fails, it does not hang
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                              env=environment, check=False)
    except FileNotFoundError:
        raise DeployError("git is not installed (or not on PATH)") from None
    if check and done.returncode != 0:
        raise DeployError(f"git {args[0]} failed: {_last_line(done.stderr)}")
    return done


def _text(output: bytes) -> str:
    return output.decode("utf-8", "replace").strip()


def _last_line(output: bytes) -> str:
    lines = [line.strip() for line in _text(output).splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
