"""The live server's rebuild does less work than a build, never different work: after every kind
of save, the served output folder must equal a fresh `margin build` byte for byte."""

from __future__ import annotations

import textwrap
from contextlib import nullcontext
from pathlib import Path

import pytest

from margin.build import Options
from margin.config import load_config
from margin.serve.changes import NoteChange
from margin.serve.session import Session
from margin.write import MARKER

NOTES = {
    "site.toml": 'title = "Live"\npaginate = 2\n',
    "content/posts/2025-01-01-alpha.md": """\
        ---
        title: Alpha
        tags: [ml, reading]
        ---
        Alpha opens the week. It cites arXiv:2501.09223 and links [[Beta notes]].

        ## Details

        A second paragraph.
        """,
    "content/posts/2025-01-08-beta.md": """\
        ---
        title: Beta notes
        tags: [ml]
        aliases: [/old/beta/]
        ---
        Beta builds on [Alpha](2025-01-01-alpha.md) and [[gamma]].
        """,
    "content/posts/2025-01-15-gamma.md": """\
        ---
        title: Gamma
        tags: [systems]
        series: Basics
        ---
        Gamma is part of a series. ![A figure](/assets/img/figure.png)
        """,
    "content/notes/delta.md": """\
        ---
        title: Delta
        tags: [reading]
        series: Basics
        ---
        Delta is undated and evergreen.
        """,
    "assets/img/figure.png": bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"),
}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file margin wrote; Pagefind's search bundle (made from these) aside."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER
            and not p.relative_to(folder).as_posix().startswith("pagefind/")}


class Live:
    """A session on a temporary site, and a way to compare it with a full build."""

    def __init__(self, site: Path, build_site, full: Path, start: str = "drawn"):
        self.site, self.build_site, self.full = site, build_site, full
        config, problems = load_config(site)
        assert not problems
        self.session = Session(config, verify=True)
        if start == "drawn":  # every page drawn by the session
            first = self.session.build_all()
        else:  # `margin build`, then the site taken over (each page read back is also drawn
            first = self.session.open(Options(jobs=1))  # and compared: verify mode)
            assert self.session.take_over(nullcontext) is None
        assert not first.errors, first.errors

    def save(self, relative: str, text: str | None):
        path = self.site / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return self.session.rebuild([path])

    def edit(self, relative: str, old: str, new: str):
        text = (self.site / relative).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        return self.save(relative, text.replace(old, new, 1))

    def assert_same_as_full_build(self):
        result = self.build_site(self.site, output=self.full)
        assert result.exit_code == 0, result.stderr
        served, built = tree(self.session.config.output_dir), tree(self.full)
        assert sorted(served) == sorted(built)
        different = [path for path in built if served[path] != built[path]]
        assert different == []


@pytest.fixture(params=["drawn", "built"])
def live(request, make_site, build_site, tmp_path):
    """A session started either way: all drawn here (site.toml changed) or taken over from
    `margin build` (the server's start)."""
    site = make_site(NOTES)
    return Live(site, build_site, tmp_path / "full", request.param)


def test_a_body_edit_redraws_the_note_and_matches_a_full_build(live):
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "A second paragraph.",
                        "A second paragraph, longer now.")
    assert outcome.notes == {"posts/2025-01-01-alpha.md": NoteChange.BODY}
    assert outcome.bodies == 1
    assert "2025/01/01/alpha/index.html" in outcome.written
    assert "2025/01/15/gamma/index.html" not in outcome.written
    live.assert_same_as_full_build()


def test_without_verifying_a_body_edit_draws_one_page_and_keeps_the_rest(live):
    """The shortcuts as the server takes them (Live verifies them instead of taking them)."""
    live.session = Session(live.session.config)
    live.session.build_all()
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "A second paragraph.",
                        "A second paragraph, longer now.")
    drawn = live.session.drawn  # note pages showing it; no list or generated page
    assert "2025/01/01/alpha/index.html" in drawn
    assert all(path.startswith(("2025/", "notes/")) for path in drawn), drawn
    live.assert_same_as_full_build()
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "Alpha opens the week.",
                        "Alpha opens a new week.")  # its summary: the lists show it
    assert "index.html" in live.session.drawn and "index.html" in outcome.written
    live.assert_same_as_full_build()


def test_a_summary_edit_reaches_the_list_pages(live):
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "Alpha opens the week.",
                        "Alpha opens a new week.")
    assert "index.html" in outcome.written
    live.assert_same_as_full_build()


@pytest.mark.parametrize(("old", "new"), [
    ("tags: [ml, reading]", "tags: [ml, reading, fresh]"),
    ("tags: [ml, reading]", "tags: [reading]"),
    ("title: Alpha", "title: Alpha, retitled"),
    ("title: Alpha", "title: Alpha\ndate: 2025-03-01"),
    ("title: Alpha", "title: Alpha\npermalink: /moved/alpha/"),
    ("title: Alpha", "title: Alpha\ndraft: true"),
    ("title: Alpha", "title: Alpha\nseries: Basics"),
])
def test_a_metadata_edit_matches_a_full_build(live, old, new):
    outcome = live.edit("content/posts/2025-01-01-alpha.md", old, new)
    assert set(outcome.notes.values()) <= {NoteChange.METADATA, NoteChange.DELETED}
    live.assert_same_as_full_build()


def test_retitling_a_linked_note_updates_the_wikilinks_to_it(live):
    live.edit("content/posts/2025-01-08-beta.md", "title: Beta notes", "title: Beta renamed")
    live.assert_same_as_full_build()
    alpha = (live.session.config.output_dir / "2025/01/01/alpha/index.html").read_text()
    assert "broken-link" in alpha  # [[Beta notes]] names no note any more
    live.edit("content/posts/2025-01-08-beta.md", "title: Beta renamed", "title: Beta notes")
    live.assert_same_as_full_build()


def test_adding_a_note_links_it_everywhere(live):
    outcome = live.save("content/posts/2025-02-01-epsilon.md", """\
        ---
        title: Epsilon
        tags: [ml]
        ---
        Epsilon answers [[Alpha]] and [[Delta]].
        """)
    assert outcome.notes == {"posts/2025-02-01-epsilon.md": NoteChange.ADDED}
    live.assert_same_as_full_build()


def test_deleting_a_note_removes_its_page_and_every_link_to_it(live):
    outcome = live.save("content/posts/2025-01-08-beta.md", None)
    assert outcome.notes == {"posts/2025-01-08-beta.md": NoteChange.DELETED}
    assert "2025/01/08/beta/index.html" in outcome.removed
    assert not (live.session.config.output_dir / "2025/01/08/beta").exists()
    live.assert_same_as_full_build()


def test_renaming_a_note_file_moves_its_page(live):
    old = live.site / "content/notes/delta.md"
    new = live.site / "content/notes/delta-moved.md"
    old.rename(new)
    outcome = live.session.rebuild([old, new])
    assert outcome.notes == {"notes/delta.md": NoteChange.RENAMED,
                             "notes/delta-moved.md": NoteChange.RENAMED}
    assert "notes/delta/index.html" in outcome.removed
    live.assert_same_as_full_build()


def test_a_note_shown_on_a_renamed_notes_old_page_can_be_edited_after(live):
    """The renamed note's old page showed Alpha (related by a tag): Alpha's next change must
    not look for that page (it is gone) when deciding which pages it reaches."""
    old = live.site / "content/notes/delta.md"
    new = live.site / "content/notes/delta-moved.md"
    old.rename(new)
    live.session.rebuild([old, new])
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "tags: [ml, reading]",
                        "tags: [reading]")
    assert outcome.notes == {"posts/2025-01-01-alpha.md": NoteChange.METADATA}
    live.assert_same_as_full_build()


def test_a_template_edit_redraws_pages_and_reuses_every_body(live):
    outcome = live.save("templates/list.html", """\
        {% extends "base.html" %}
        {% block main %}<h1 class="custom">{{ title }}</h1>
        {% for note in notes %}<a href="{{ note.url | url }}">{{ note.title }}</a>{% endfor %}
        {% endblock %}
        """)
    assert outcome.bodies == 0
    assert "tags/ml/index.html" in outcome.written
    assert "2025/01/01/alpha/index.html" not in outcome.written
    live.assert_same_as_full_build()


def test_an_asset_edit_copies_that_file_only(live):
    outcome = live.save("assets/css/extra.css", "body { color: red }\n")
    assert outcome.written == ("assets/css/extra.css",)
    live.assert_same_as_full_build()


def test_a_broken_front_matter_keeps_the_last_good_page_until_fixed(live):
    page = live.session.config.output_dir / "2025/01/01/alpha/index.html"
    before = page.read_bytes()
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "title: Alpha", "title: [Alpha")
    assert [e.path for e in outcome.errors] == ["content/posts/2025-01-01-alpha.md"]
    assert outcome.errors[0].line in (2, 3)
    assert outcome.errors[0].message.startswith("front matter: ")
    assert page.read_bytes() == before
    outcome = live.edit("content/posts/2025-01-01-alpha.md", "title: [Alpha", "title: Alpha!")
    assert outcome.errors == []
    live.assert_same_as_full_build()


def test_saving_the_same_bytes_again_changes_nothing(live):
    path = "content/posts/2025-01-01-alpha.md"
    assert live.save(path, (live.site / path).read_text(encoding="utf-8")) is None


def test_an_editors_scratch_file_alone_rebuilds_nothing_and_its_rename_rebuilds_the_note(live):
    # watchdog may hand the scratch file's write over in a batch of its own (serve/watch.py).
    note = live.site / "content/posts/2025-01-01-alpha.md"
    scratch = note.with_name(f".{note.name}.swp")
    scratch.write_text(note.read_text(encoding="utf-8").replace("Alpha", "Alpha saved", 1),
                       encoding="utf-8")
    assert live.session.rebuild([scratch]) is None
    scratch.rename(note)
    outcome = live.session.rebuild([scratch, note])
    assert outcome is not None and outcome.notes
    live.assert_same_as_full_build()

def test_the_index_memo_gives_the_same_index_as_indexing_afresh(live):
    """Links, citations, backlinks and related notes reused between saves: still exact."""
    from dataclasses import fields

    from margin.index import index_notes
    from margin.index.memo import IndexMemo
    from margin.load import load

    memo = IndexMemo()
    edits = [
        ("content/posts/2025-01-01-alpha.md", "A second paragraph.", "See [[Gamma]] too."),
        ("content/posts/2025-01-08-beta.md", "tags: [ml]", "tags: [ml, systems]"),
        ("content/notes/delta.md", "tags: [reading]", "tags: [reading, ml]\ndate: 2025-01-20"),
        ("content/posts/2025-01-15-gamma.md", "title: Gamma", "title: Gamma ray"),
        ("content/posts/2025-01-08-beta.md", "[[gamma]]", "[[Gamma ray]], arXiv:2401.00001"),
    ]
    config = live.session.config
    before: dict = {}
    for path, old, new in [(None, None, None), *edits]:
        if path:
            text = (live.site / path).read_text(encoding="utf-8")
            (live.site / path).write_text(text.replace(old, new), encoding="utf-8")
        notes, _ = load(config)
        # (an unchanged note is the last run's object, as in the live server)
        notes = [before[n.key] if before.get(n.key) == n else n for n in notes]
        before = {note.key: note for note in notes}
        remembered, _ = index_notes(notes, memo)
        fresh, _ = index_notes(notes)
        for field in fields(fresh):
            got, expected = getattr(remembered, field.name), getattr(fresh, field.name)
            if field.name == "link_targets":
                got, expected = (got.names, got.by_path), (expected.names, expected.by_path)
            assert got == expected, (path, field.name)


def test_a_site_toml_edit_rebuilds_everything(live):
    outcome = live.save("site.toml", 'title = "Renamed"\npaginate = 3\n')
    assert outcome.config and outcome.errors == []
    live.assert_same_as_full_build()
    home = (live.session.config.output_dir / "index.html").read_text(encoding="utf-8")
    assert "Renamed" in home


def test_a_broken_site_toml_keeps_the_site_and_says_why(live):
    page = live.session.config.output_dir / "index.html"
    before = page.read_bytes()
    outcome = live.save("site.toml", 'title = "Live\n')
    assert [e.path for e in outcome.errors] == ["site.toml"]
    assert page.read_bytes() == before
    outcome = live.save("site.toml", 'title = "Live again"\npaginate = 2\n')
    assert outcome.errors == []
    live.assert_same_as_full_build()


def test_a_math_preamble_edit_renders_the_notes_again(live):
    live.save("tex/macros.tex", "\\newcommand{\\R}{\\mathbb{R}}\n")
    live.save("site.toml", 'title = "Live"\npaginate = 2\n[math]\npreamble = ["tex/macros.tex"]\n')
    live.edit("content/notes/delta.md", "evergreen.", "evergreen, in $\\R^n$.")
    outcome = live.save("tex/macros.tex", "\\newcommand{\\R}{\\mathbb{C}}\n")
    assert outcome.config and outcome.errors == []
    live.assert_same_as_full_build()
    page = (live.session.config.output_dir / "notes/delta/index.html").read_text(encoding="utf-8")
    assert "ℂ" in page and "ℝ" not in page


def test_verify_mode_catches_a_body_kept_that_a_change_should_have_rendered_again(live,
                                                                                    monkeypatch):
    """Beta's retitling changes the wikilink text in Alpha's body: a session that forgot to
    drop that body fails in verify mode rather than serving the stale link."""
    monkeypatch.setattr(Session, "_forget_bodies", lambda self, notes, changes: None)
    with pytest.raises(AssertionError, match=r"posts/2025-01-01-alpha\.md: its body was kept"):
        live.edit("content/posts/2025-01-08-beta.md", "title: Beta notes", "title: Beta renamed")


def test_a_note_the_index_moves_unsaved_is_drawn_at_its_new_url(live):
    """A new note choosing the URL another derived moves that one, unsaved: only its body is
    rendered again (its note is not the body's), which puts it among the notes the engine
    looks at (checked in verify mode); deleting the new note gives the URL back."""
    live.save("content/notes/quiet.md", "---\ntitle: Quiet\n---\nNothing to say here.\n")
    outcome = live.save("content/notes/taker.md", """\
        ---
        title: Taker
        permalink: /notes/quiet/
        ---
        This one chose its URL.
        """)
    assert not outcome.errors, outcome.errors
    assert outcome.notes.keys() == {"notes/taker.md"}
    assert "notes/quiet-2/index.html" in outcome.written
    live.assert_same_as_full_build()
    live.save("content/notes/taker.md", None)
    live.assert_same_as_full_build()


def test_a_generated_page_with_no_fingerprint_is_decided_at_every_save(make_site, build_site,
                                                                       tmp_path, monkeypatch):
    """A page the printer cannot vouch for is never kept by its inputs: it is planned (and
    drawn) again at each save, even one no list shows (the engine names it in its state; the
    server's kept records are not looked at one by one)."""
    from margin.incremental.pageprint import PagePrinter
    real, asked = PagePrinter.page, []

    def page(self, url, template, context, site):
        if url == "/tags/systems/":
            asked.append(url)
            return None
        return real(self, url, template, context, site)

    monkeypatch.setattr(PagePrinter, "page", page)
    live = Live(make_site(NOTES), build_site, tmp_path / "full")
    live.session = Session(live.session.config)  # (the shortcuts as the server takes them)
    live.session.build_all()
    for old, new in (("evergreen.", "evergreen.\n\nA later paragraph."),
                     ("A later paragraph.", "A later paragraph, longer.")):
        asked.clear()
        live.edit("content/notes/delta.md", old, new)  # (below its summary: no list shows it)
        assert asked == ["/tags/systems/"]
    live.assert_same_as_full_build()
