"""The README's "Start and write" commands run word for word, as a newcomer pastes them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"<!-- walkthrough -->\n```sh\n(.*?)```", re.S)


def test_the_readme_walkthrough_runs_verbatim_in_an_empty_folder(tmp_path):
    blocks = _BLOCK.findall(README)
    assert len(blocks) >= 2  # init and build, then the everyday commands
    script = "set -euo pipefail\n" + "".join(blocks)
    # As after `source .venv/bin/activate`: this interpreter's scripts come first on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "my-notes"
    assert (site / "content/notes/mixture-of-experts.md").is_file()
    assert list((site / "content/posts").glob("*-sparse-attention-revisited.md"))
    assert (site / "_site/notes/mixture-of-experts/index.html").is_file()
    assert "error" not in done.stderr.lower()
