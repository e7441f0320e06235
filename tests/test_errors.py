"""Bad input: one line per problem with file:line, every problem in one run, old output intact."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import run_margin


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under FOLDER with a hash of its bytes, to prove nothing changed."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_broken_yaml_fails_with_one_line_and_keeps_the_last_good_output(fixture_site, build_site):
    site = fixture_site("ten-notes")
    first = build_site(site)
    assert first.exit_code == 0, first.stderr
    before = snapshot(first.output)
    mtimes = {p: p.stat().st_mtime_ns for p in first.output.rglob("*")}

    (site / "content/posts/2025-01-03-week-3.md").write_text(
        "---\ntitle: Week 3\ntags: [reading\n---\nBody\n", encoding="utf-8"
    )
    second = build_site(site)
    assert second.exit_code == 1
    errors = [line for line in second.lines if line.startswith("error:")]
    assert errors == [
        "error: content/posts/2025-01-03-week-3.md:3: front matter: while parsing a flow "
        "sequence, did not find expected ',' or ']'"
    ]
    assert "Traceback" not in second.stderr
    assert second.lines[-1] == (
        "margin: build failed: 0 warnings, 1 error; the previous output is unchanged"
    )
    assert snapshot(second.output) == before
    assert {p: p.stat().st_mtime_ns for p in first.output.rglob("*")} == mtimes


def test_every_bad_note_is_reported_in_one_run(fixture_site, build_site):
    result = build_site(fixture_site("bad-yaml"))
    assert result.exit_code == 1
    assert result.lines[:2] == [
        "error: content/notes/x.md:3: front matter: while parsing a flow sequence, "
        "did not find expected ',' or ']'",
        "error: content/notes/y.md:2: front matter: mapping values are not allowed in this context",
    ]
    assert not result.output.exists()


def test_non_utf8_file_is_named_with_its_line(make_site, build_site):
    site = make_site({
        "content/notes/latin1.md": b"---\ntitle: ok\n---\nCaf\xe9\n",
        "content/notes/fine.md": "fine",
    })
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == (
        "error: content/notes/latin1.md:4: not UTF-8 text (byte 0xe9); save it as UTF-8"
    )


def test_duplicate_permalink_names_both_files(fixture_site, build_site):
    result = build_site(fixture_site("duplicate-permalink"))
    assert result.exit_code == 1
    assert result.lines[0] == (
        "error: content/notes/b.md: duplicate permalink /same/: content/notes/a.md has it too"
    )


def test_a_note_may_not_take_a_generated_pages_url(make_site, build_site):
    site = make_site({"content/notes/a.md": "---\ntitle: A\npermalink: /tags/\n---\n"})
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == (
        "error: content/notes/a.md: permalink /tags/ is taken by the generated page tags.html"
    )


def test_missing_template_is_named(fixture_site, build_site):
    result = build_site(fixture_site("missing-template"))
    assert result.exit_code == 1
    assert result.lines[0] == "error: content/notes/a.md: template not found: nowhere.html"


def test_template_syntax_error_names_the_template_file_and_line_once(fixture_site, build_site):
    site = fixture_site("bad-template")
    (site / "content/notes/b.md").write_text("second note using the same template")
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == "error: templates/note.html:1: template: unexpected '}'"
    assert len([line for line in result.lines if line.startswith("error:")]) == 1


def test_template_runtime_error_names_the_note(make_site, build_site):
    site = make_site({
        "templates/note.html": "{{ note.title }}\n{{ note.nothing.deeper }}",
        "content/notes/a.md": "x",
    })
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0].startswith("error: templates/note.html:2: template: ")
    assert result.lines[0].endswith("(rendering content/notes/a.md)")


def test_bad_dates_and_tags_are_errors_at_their_line(make_site, build_site):
    site = make_site({
        "content/notes/a.md": "---\ntitle: A\n\ndate: soon\n---\n",
        "content/notes/b.md": "---\ntitle: B\ntags:\n  key: value\n---\n",
    })
    result = build_site(site)
    assert result.lines[:2] == [
        "error: content/notes/a.md:4: front matter: 'date' is not a date: 'soon'",
        "error: content/notes/b.md:3: front matter: 'tags' must be a list or a text",
    ]


def test_config_unknown_key_warns_and_wrong_type_fails_with_lines(fixture_site, build_site):
    result = build_site(fixture_site("bad-config"))
    assert result.exit_code == 1
    assert result.lines[:2] == [
        "warning: site.toml:2: unknown key 'colour'",
        "error: site.toml:3: 'paginate' must be a whole number, not text",
    ]


def test_config_syntax_error_names_the_line(make_site, build_site):
    result = build_site(make_site({"site.toml": 'title = "x"\nauthor = \n'}))
    assert result.exit_code == 1
    assert result.lines[0].startswith("error: site.toml:2: invalid TOML: ")


def test_unknown_config_key_is_only_a_warning(make_site, build_site):
    result = build_site(make_site({"site.toml": 'colour = "blue"\n', "content/notes/a.md": "x"}))
    assert result.exit_code == 0
    assert result.lines[0] == "warning: site.toml:1: unknown key 'colour'"


def test_strict_turns_warnings_into_failure(make_site, build_site):
    site = make_site({"site.toml": 'colour = "blue"\n', "content/notes/a.md": "x"})
    result = build_site(site, "--strict")
    assert result.exit_code == 1
    assert result.lines[-1] == (
        "margin: build failed (--strict): 1 warning, 0 errors; the previous output is unchanged"
    )


def test_missing_site_folder_is_a_one_line_error(tmp_path):
    code, _, err = run_margin("build", tmp_path / "nowhere")
    assert code == 2
    assert err.strip() == f"margin: no such site folder: {tmp_path / 'nowhere'}"
