"""`margin init`: a starter site that builds at once, written without overwriting anything."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import frontmatter
import pytest
import yaml

from conftest import run_margin
from margin.config import load_config
from margin.init import init_site
from margin.origin import origin_from_direct_url

UNSET_BASE_URL = ("margin: warning: base_url is unset, so the feeds and sitemap.xml hold relative "
                  "URLs that readers and search engines cannot follow; set it in site.toml or "
                  "pass --base-url")
STARTER = [
    ".gitignore", "site.toml", ".github/workflows/pages.yml", "archetypes/notes.md",
    "archetypes/posts.md", "content/notes/writing-notes.md",
]


def _example_post(site):
    (post,) = (site / "content/posts").glob("*-hello-margin.md")
    return post


def test_init_makes_a_site_that_builds_and_publishes_both_examples(tmp_path, build_site):
    site = tmp_path / "notes"
    code, out, err = run_margin("init", site)
    assert (code, err) == (0, "")
    post = _example_post(site)
    for name in [*STARTER, post.relative_to(site).as_posix()]:
        assert (site / name).is_file()
        assert f"wrote    {name}" in out
    assert "margin build" in out and f"cd {site}" in out

    config, problems = load_config(site)
    assert problems == []  # the commented site.toml uses only keys margin knows
    assert config.title == "My research notes"

    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [UNSET_BASE_URL]  # until site.toml sets base_url
    day = post.name[:10]
    post_page = result.html(f"/{day.replace('-', '/')}/hello-margin/")
    note_page = result.html("/notes/writing-notes/")
    assert post_page.h1.get_text(strip=True) == "Hello, margin"
    assert note_page.h1.get_text(strip=True) == "Writing notes"
    for page in (post_page, note_page):
        assert page.select("pre code")  # the code block
        assert "e^{i" in page.get_text() or page.find("math")  # the math, as TeX or MathML
    titles = result.html("/tags/meta/").select(".note-item__title")
    tagged = [a.get_text(strip=True) for a in titles]
    assert sorted(tagged) == ["Hello, margin", "Writing notes"]


def test_example_post_is_dated_today_by_name_and_front_matter(tmp_path):
    run_margin("init", tmp_path)
    post = _example_post(tmp_path)
    assert str(frontmatter.loads(post.read_text(encoding="utf-8"))["date"]) == post.name[:10]


def test_second_init_writes_nothing_and_reports_every_skip(tmp_path):
    run_margin("init", tmp_path)
    (tmp_path / "site.toml").write_text('title = "Mine"\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    code, out, err = run_margin("init", tmp_path)
    assert (code, err) == (0, "")
    assert "wrote" not in out
    for name in STARTER:
        assert f"skipped  {name} (already there)" in out
    assert "nothing written" in out
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_fills_in_an_existing_site_without_touching_it(make_site):
    site = make_site({"site.toml": 'title = "Kept"\n', "content/notes/mine.md": "# Mine\n"})
    code, out, _ = run_margin("init", site)
    assert code == 0
    assert (site / "site.toml").read_text() == 'title = "Kept"\n'
    assert (site / "content/notes/mine.md").read_text() == "# Mine\n"
    assert "skipped  site.toml (already there)" in out
    # Examples are for new sites only: a site with notes gets no welcome post.
    assert "skipped  content/notes/writing-notes.md (content/ already has notes)" in out
    assert sorted(p.name for p in (site / "content").rglob("*.md")) == ["mine.md"]
    for name in (".gitignore", ".github/workflows/pages.yml", "archetypes/posts.md"):
        assert f"wrote    {name}" in out and (site / name).is_file()


def test_init_never_writes_through_a_link_out_of_the_site(tmp_path):
    site, outside = tmp_path / "site", tmp_path / "outside"
    site.mkdir()
    outside.mkdir()
    (site / ".github").symlink_to(outside, target_is_directory=True)
    code, out, _ = run_margin("init", site)
    assert code == 0
    assert "skipped  .github/workflows/pages.yml (its folder is a link out of the site)" in out
    assert list(outside.iterdir()) == []


def test_init_defaults_to_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_margin("init")
    assert code == 0
    assert (tmp_path / "site.toml").is_file()
    assert "cd " not in out  # already there


def test_init_refuses_a_file_in_one_line(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    code, _, err = run_margin("init", target)
    assert code == 1
    assert err == f"margin: {target} exists and is not a folder\n"


def test_gitignore_keeps_margins_output_its_spare_and_cache_out(tmp_path):
    run_margin("init", tmp_path)
    # The second build, one that writes (no cache: not the no-change shortcut), keeps the
    # first one's output as the spare tree.
    for extra in ([], ["--no-cache"]):
        assert run_margin("build", tmp_path, "--quiet", *extra)[0] == 0
    assert (tmp_path / "._site.margin-spare").is_dir()
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain",
                             "--untracked-files=all"], capture_output=True, text=True,
                            check=True).stdout
    written = [line for line in status.splitlines() if "_site" in line or "margin-" in line]
    assert status and written == []


def test_workflow_builds_with_margin_and_publishes_to_pages(tmp_path):
    spec = 'margin @ git+https://github.com/someone/margin@v0.1.0 ; python_version >= "3.11"'
    code, out, _ = run_margin("init", tmp_path, "--requirement", spec)
    assert code == 0
    assert "MARGIN_REQUIREMENT" not in out  # no hint needed once the source is given
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    assert workflow["env"]["MARGIN_REQUIREMENT"] == spec
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    runs = " ".join(step.get("run", "") for step in steps)
    assert 'pip install "$MARGIN_REQUIREMENT"' in runs
    assert "margin build --output _site --base-url" in runs
    assert "steps.pages.outputs.base_url" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_archetypes_shape_the_notes_margin_new_writes(tmp_path):
    run_margin("init", tmp_path)
    for section, heading in (("posts", "## Takeaways"), ("notes", "## Sources")):
        code, out, err = run_margin("new", "Flash attention", "--section", section,
                                    "--date", "2025-03-04", "--site", tmp_path)
        assert code == 0, err
        note = frontmatter.loads((tmp_path / out.strip()).read_text(encoding="utf-8"))
        assert note["title"] == "Flash attention"
        assert str(note["date"]) == "2025-03-04"
        assert heading in note.content


@pytest.mark.parametrize(("record", "expected"), [
    ({"url": "https://github.com/o/margin", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     "margin @ git+https://github.com/o/margin@abc123"),
    ({"url": "https://github.com/o/margin", "vcs_info": {"vcs": "git"}},
     "margin @ git+https://github.com/o/margin"),
    ({"url": "https://example.org/margin-0.1.0.tar.gz", "archive_info": {}},
     "margin @ https://example.org/margin-0.1.0.tar.gz"),
    ({"url": "file:///nowhere/margin", "dir_info": {"editable": True}}, "margin"),
    ({}, "margin"),
])
def test_workflow_installs_margin_from_where_this_one_came_from(record, expected):
    assert origin_from_direct_url(record).requirement == expected


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.mark.parametrize(("remote", "public"), [
    ("git@github.com:someone/margin.git", "https://github.com/someone/margin.git"),
    ("https://example.org/margin.git", "https://example.org/margin.git"),
])
def test_a_checkout_with_a_remote_is_installed_from_the_remote_at_its_commit(
        tmp_path, remote, public):
    checkout = tmp_path / "margin"
    checkout.mkdir()
    git(checkout, "init", "-q")
    (checkout / "README.md").write_text("x")
    git(checkout, "add", "-A")
    git(checkout, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    git(checkout, "remote", "add", "origin", remote)
    record = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    origin = origin_from_direct_url(record)
    assert origin.requirement == f"margin @ git+{public}@{git(checkout, 'rev-parse', 'HEAD')}"
    assert not origin.guessed


def test_a_local_wheel_is_copied_into_the_site_for_the_workflow(tmp_path):
    wheel = tmp_path / "dist" / "margin-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK not really a wheel")
    origin = origin_from_direct_url({"url": wheel.as_uri(), "archive_info": {}})
    site = tmp_path / "site"
    result = init_site(site, today=date(2025, 3, 4), origin=origin)
    copied = ".github/margin/margin-0.1.0-py3-none-any.whl"
    assert copied in result.written
    assert (site / copied).read_bytes() == wheel.read_bytes()
    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    assert workflow["env"]["MARGIN_REQUIREMENT"] == f"./{copied}"


def test_the_workflow_restores_margins_cache_before_building(tmp_path):
    run_margin("init", tmp_path, "--requirement", "margin==0.1.0")
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("uses", "").split("@")[0] or step.get("run", "") for step in steps]
    cache = steps[names.index("actions/cache")]["with"]
    assert cache["path"] == ".margin-cache"
    assert "github.sha" in cache["key"]  # each run saves its own entry...
    assert cache["key"].startswith(cache["restore-keys"])  # ...and the newest is restored
    build = next(i for i, name in enumerate(names) if name.startswith("margin build"))
    assert names.index("actions/cache") < build


def test_init_has_help():
    code, out, _ = run_margin("init", "--help")
    assert code == 0 and "usage: margin init" in out and "--requirement" in out
