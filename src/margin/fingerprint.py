"""Stable digests for cache keys: of values, of margin's own code, of the libraries it renders with.

A cached value is keyed by everything it was computed from. margin's version alone is not
enough while margin itself is being changed, so the code fingerprint covers the source of every
module of the installed margin package and the versions of the libraries whose output ends up
in pages.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from margin import __version__

_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "math-core", "Pygments", "Jinja2", "PyYAML",
              "MarkupSafe")


def digest(*parts: object) -> str:
    """A hex digest of PARTS, each turned into text with repr() (so use plain values)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever margin's code or a rendering library changes (computed once a process:
    reading the package's sources costs about a millisecond)."""
    package = Path(__file__).resolve().parents[1]
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode())
        try:
            hasher.update(path.read_bytes())
        except OSError:
            hasher.update(b"?")
    for name, version in installed_versions(_LIBRARIES).items():
        hasher.update(f"{name}={version}".encode())
    return hasher.hexdigest()


def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The version of each distribution of NAMES ('?': none found), read off the folder its
    installer recorded it in on sys.path (NAME-VERSION.dist-info), the first found winning, as
    for an import: importlib.metadata reads the same after importing email, zipfile and more,
    a fortieth of a second of every build."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith((".dist-info", ".egg-info")):
                project, _, version = entry.rpartition(".")[0].partition("-")
                found.setdefault(_normal(project), version)
    return {name: found.get(key, "?") for key, name in wanted.items()}


def _normal(project: str) -> str:
    return re.sub(r"[-_.]+", "-", project).lower()
