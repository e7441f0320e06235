"""Write the site into a fresh folder beside the output, then swap it in.

A failed or interrupted build therefore never touches the last good output, and margin only
ever replaces or deletes a folder that carries its marker file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from margin.model import AssetFile, OutputFile, SiteConfig

MARKER = ".margin-output"
_MARKER_TEXT = "This folder is written by margin; it is replaced on every build.\n"


class OutputError(Exception):
    """The output folder cannot be used; the message says why in one line."""


def check_output_dir(config: SiteConfig) -> None:
    """Refuse outputs that would overwrite sources or a folder margin did not make."""
    output = config.output_dir.resolve()
    site = config.site_dir.resolve()
    protected = {
        "the site folder": site,
        "content/": config.content_dir.resolve(),
        "templates/": config.templates_dir.resolve(),
        "assets/": config.assets_dir.resolve(),
    }
    for name, folder in protected.items():
        if output == folder or folder.is_relative_to(output):
            raise OutputError(f"output folder {output} is or contains {name}; choose another")
        if output.is_relative_to(folder) and name != "the site folder":
            raise OutputError(f"output folder {output} is inside {name}; choose another")
    if output.is_symlink():
        raise OutputError(f"output folder {output} is a symlink; margin does not write through it")
    if output.exists() and not _made_by_margin(output):
        raise OutputError(
            f"output folder {output} exists and was not made by margin (no {MARKER} file); "
            "move it away or choose another --output"
        )


def write_site(config: SiteConfig, pages: list[OutputFile], assets: list[AssetFile]) -> int:
    """Write every file into a staging folder, then swap it with the output. Returns the count."""
    output = config.output_dir.resolve()
    staging = output.with_name(f".{output.name}.margin-staging")
    retired = output.with_name(f".{output.name}.margin-retired")
    for leftover in (staging, retired):
        _remove_own(leftover)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    made: set[Path] = {staging}
    for asset in assets:
        target = _target(staging, asset.path, made)
        shutil.copyfile(asset.source, target)
    for page in pages:
        _target(staging, page.path, made).write_bytes(page.data)

    if output.is_dir() and not any(output.iterdir()):
        output.rmdir()  # an empty folder the user made for us
    if output.exists():
        os.replace(output, retired)
    os.replace(staging, output)
    _remove_own(retired)
    return len(pages) + len(assets)


def _target(root: Path, relative: str, made: set[Path]) -> Path:
    target = root / relative
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    return target


def _made_by_margin(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def _remove_own(folder: Path) -> None:
    """Delete a staging or retired folder of ours; anything else is left alone."""
    if folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file():
        shutil.rmtree(folder)
