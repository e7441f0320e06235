"""Where this margin was installed from, as something a GitHub workflow can pip-install again.

pip records a direct install in the distribution's direct_url.json (PEP 610): a git URL and
commit, a local folder (often an editable checkout) or an archive. A folder that is a git
checkout with a remote becomes that remote at its commit; a local wheel or sdist is copied into
the site (the workflow cannot reach this machine); an install from an index pins the same
version.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from margin import __version__

NAME = "margin"
WHEEL_FOLDER = ".github/margin"  # where a site keeps the wheel its workflow installs
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>[^/][^:]*)$")  # git@host:o/r


@dataclass(frozen=True)
class Origin:
    requirement: str  # a pip requirement, or a path (in the site) to a wheel
    wheel: Path | None = None  # the local wheel (or sdist) to copy to `requirement`
    guessed: bool = False  # nothing recorded says where margin came from: a bare name


def installed_origin() -> Origin:
    """This margin's origin, read from its installation record."""
    try:
        text = metadata.distribution(NAME).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return Origin(NAME, guessed=True)
    if not text:  # installed from an index (PyPI): the same version again
        return Origin(f"{NAME}=={__version__}")
    try:
        return origin_from_direct_url(json.loads(text))
    except ValueError:
        return Origin(NAME, guessed=True)


def origin_from_direct_url(record: dict) -> Origin:
    """A PEP 610 record -> the requirement a workflow can install (see the module's docstring)."""
    url = str(record.get("url", ""))
    vcs = record.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and url and not url.startswith("file:"):
        revision = vcs.get("commit_id") or vcs.get("requested_revision")
        return Origin(f"{NAME} @ git+{url}" + (f"@{revision}" if revision else ""))
    if url.startswith(("https://", "http://")) and "archive_info" in record:
        return Origin(f"{NAME} @ {url}")
    if url.startswith("file:"):
        path = Path(unquote(urlparse(url).path))
        if path.name.endswith((".whl", ".tar.gz", ".zip")) and path.is_file():
            return Origin(f"./{WHEEL_FOLDER}/{path.name}", wheel=path)
        if path.is_dir():
            return _checkout_origin(path)
    return Origin(NAME, guessed=True)


def _checkout_origin(folder: Path) -> Origin:
    """A local checkout -> its remote at the checked-out commit, when git knows both."""
    remote = _git(folder, "remote", "get-url", "origin") or _first_remote(folder)
    commit = _git(folder, "rev-parse", "HEAD")
    if not remote or not commit:
        return Origin(NAME, guessed=True)
    return Origin(f"{NAME} @ git+{public_url(remote)}@{commit}")


def public_url(remote: str) -> str:
    """'git@github.com:o/r.git' -> 'https://github.com/o/r.git': a runner has no SSH key."""
    match = _SCP_LIKE.match(remote)
    if match and "://" not in remote:
        return f"https://{match['host']}/{match['path']}"
    return remote


def _first_remote(folder: Path) -> str | None:
    names = (_git(folder, "remote") or "").split()
    return _git(folder, "remote", "get-url", names[0]) if names else None


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              check=False, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
