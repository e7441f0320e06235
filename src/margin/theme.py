"""Where the built-in theme lives: inside the wheel, or at the repository root in development."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


# The theme's own asset folders (the wheel ships exactly these; see pyproject.toml). In a
# development checkout assets/ also holds the demo site's images, which are not theme files.
ASSET_FOLDERS = ("css", "icons", "js")


def builtin_dir() -> Path:
    """The folder holding the default theme's templates/ and assets/."""
    installed = _PACKAGE / "theme"
    if (installed / "templates").is_dir():
        return installed
    return _PACKAGE.parent.parent  # an editable install: the repository root
