"""`python -m build` makes a wheel and an sdist that install into a fresh venv and build the demo
site from any folder: the default theme travels inside the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def only(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_the_wheel_holds_the_license_and_the_theme(dist):
    names = zipfile.ZipFile(only(dist, "*.whl")).namelist()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "margin/theme/templates/note.html" in names
    assert "margin/theme/assets/css/margin.css" in names
    assert "margin/starter/.github/workflows/pages.yml" in names


def test_the_sdist_holds_the_license_and_the_theme(dist):
    with tarfile.open(only(dist, "*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "pyproject.toml", "templates/note.html", "assets/css/margin.css"} <= names


@pytest.mark.parametrize("kind", ["*.whl", "*.tar.gz"])
def test_an_installed_package_builds_the_demo_from_another_folder(dist, tmp_path, kind):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin/pip"), "install", "-q", str(only(dist, kind))],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-2000:]
    site = tmp_path / "demo"
    site.mkdir()
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "site.toml", site / "site.toml")
    shutil.copytree(REPO / "assets" / "images", site / "assets" / "images")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([str(venv / "bin/margin"), "build", str(site), "--quiet"],
                          cwd=elsewhere, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    home = BeautifulSoup((site / "_site/index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text().strip().endswith("Margin notes")
    assert (site / "_site/assets/css/margin.css").is_file()  # the theme, from the package
    version = subprocess.run([str(venv / "bin/margin"), "--version"], capture_output=True,
                             text=True, check=True).stdout
    assert str(venv) in version  # runs from the venv, not from this checkout

    # `margin init` hands the package itself to the site's workflow: GitHub cannot reach here.
    subprocess.run([str(venv / "bin/margin"), "init", "new-site"], cwd=elsewhere,
                   capture_output=True, check=True)
    package = only(dist, kind).name
    assert (elsewhere / "new-site/.github/margin" / package).is_file()
    workflow = (elsewhere / "new-site/.github/workflows/pages.yml").read_text(encoding="utf-8")
    assert f'MARGIN_REQUIREMENT: "./.github/margin/{package}"' in workflow


def test_the_code_fingerprint_reads_the_versions_importlib_metadata_reads():
    from importlib import metadata

    from margin.fingerprint import _LIBRARIES, installed_versions

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    found = installed_versions((*_LIBRARIES, "no-such-distribution"))
    assert found == {name: version(name) for name in (*_LIBRARIES, "no-such-distribution")}
    assert found["Jinja2"] != "?" and found["no-such-distribution"] == "?"
