"""The search index: Pagefind reads the written site and adds its bundle under /pagefind/.

Pagefind splits the index into small pieces that the search page fetches as a reader types, so
no browser downloads the whole index. Pagefind ships as a binary inside the `pagefind[bin]`
package (a default dependency of margin); without it the build still succeeds, says so once,
and the site has a search page with nothing to search.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from margin import urls
from margin.diagnostics import Diagnostic, warning

TIMEOUT_SECONDS = 300
NOT_INSTALLED = ("search: Pagefind is not installed, so the site has no search index "
                 "(pip install 'pagefind[bin]')")


def pagefind_binary() -> Path | None:
    """The Pagefind executable: the one the `pagefind` package finds (its bundled binary, or
    PAGEFIND_BINARY_PATH), else one on PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    if get_executable is not None:
        try:
            found = get_executable()
        except Exception:  # a broken install is the same as none: the build goes on
            found = None
        if found is not None and Path(found).is_file():
            return Path(found)
    on_path = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(on_path) if on_path else None


def index_site(output_dir: Path, binary: Path | None = None) -> list[Diagnostic]:
    """Run Pagefind over OUTPUT_DIR; a warning (never an exception) when it is missing or fails.
    BINARY overrides the search for the executable (tests)."""
    binary = binary or pagefind_binary()
    if binary is None:
        return [warning("", None, NOT_INSTALLED)]
    bundle = urls.SEARCH_BUNDLE.strip("/")
    command = [str(binary), "--site", str(output_dir), "--output-subdir", bundle, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return [warning("", None, f"search: Pagefind could not run: {exc}")]
    if done.returncode != 0:
        said = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        reason = said[-1] if said else f"exit status {done.returncode}"
        return [warning("", None, f"search: Pagefind failed, no search index: {reason}")]
    return []
