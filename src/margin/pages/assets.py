"""Which static files are copied to /assets/: the theme's, then the site's (the site's win)."""

from __future__ import annotations

import os
from pathlib import Path

from margin import theme
from margin.diagnostics import Diagnostic, warning
from margin.model import AssetFile, SiteConfig


def asset_files(config: SiteConfig) -> tuple[list[AssetFile], list[Diagnostic]]:
    chosen: dict[str, AssetFile] = {}
    problems: list[Diagnostic] = []
    if config.theme_dir:
        for folder in theme.ASSET_FOLDERS:
            root = config.theme_dir / "assets" / folder
            for source, relative in _walk(root, config.theme_dir, []):
                chosen[f"{folder}/{relative}"] = AssetFile(source, f"assets/{folder}/{relative}")
    for source, relative in _walk(config.assets_dir, config.site_dir, problems, site=config):
        chosen[relative] = AssetFile(source, f"assets/{relative}")
    return sorted(chosen.values(), key=lambda a: a.path), problems


def _walk(root: Path, boundary: Path, problems: list[Diagnostic], site: SiteConfig | None = None):
    """(file, path under root) pairs, skipping hidden names and links out of BOUNDARY."""
    if not root.is_dir():
        return
    boundary = boundary.resolve()
    # Inside a folder that is inside BOUNDARY, only a symbolic link can lead out: the others
    # need no resolving (a resolve per file was most of the listing, done every save).
    every = not root.resolve().is_relative_to(boundary)
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and _inside(Path(folder, d), boundary, problems, site, every))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or not _inside(path, boundary, problems, site, every):
                continue
            if not path.is_file():  # a FIFO, device or socket: copying one would block or fail
                if site is not None:
                    problems.append(warning(path.relative_to(site.site_dir).as_posix(), None,
                                            "not a regular file; skipped"))
                continue
            yield path, path.relative_to(root).as_posix()


def _inside(path: Path, boundary: Path, problems: list[Diagnostic], site: SiteConfig | None,
            every: bool = True) -> bool:
    """Whether PATH, in a folder inside BOUNDARY (unless EVERY), stays inside it."""
    if not every and not path.is_symlink():
        return True
    if path.resolve().is_relative_to(boundary):
        return True
    if site is not None:
        relative = path.relative_to(site.site_dir).as_posix()
        problems.append(warning(relative, None, "symlink leaves the site folder; skipped"))
    return False
