"""Invariant: after any sequence of edits, `margin serve`'s output folder and an incremental
`margin build` (with its cache) both equal a fresh `margin build --no-cache`, byte for byte.

A hypothesis state machine edits a small site (notes with tags, dates, links and images, a
template override, assets, site.toml) at random. After each edit the live server's session
rebuilds with the paths changed (no HTTP, no watcher), the cached build runs into its own
folder, and a cold build of the same source runs into a third; the three trees must match.

A note made invalid (bad YAML front matter) keeps its last good version while serving, and a
build fails leaving its last output: so the cold build is made from a reference copy of the
site holding each note's last good text, and the cached build is compared only while every
note is valid (while one is not, it must fail and leave its output as it was).

Left out of the comparison, and why: Pagefind's bundle (the build's search index; the session
does not make it, the server's background thread does), switched off here so that no build
runs it, and each output folder's .margin-output marker (it only says margin made the folder).

In CI the sequences are a fixed number, drawn the same way every run (derandomized). To hunt:
    MARGIN_MACHINE_HUNT=1 MARGIN_MACHINE_EXAMPLES=50 MARGIN_MACHINE_STEPS=40 \
        pytest tests/test_serve_equals_build.py
(random sequences each run; hypothesis prints the failing one, shrunk).
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from conftest import run_margin
from margin.config import load_config
from margin.serve.session import Session
from margin.write import MARKER, search

EXAMPLES = int(os.environ.get("MARGIN_MACHINE_EXAMPLES", "10"))
STEPS = int(os.environ.get("MARGIN_MACHINE_STEPS", "12"))
HUNT = os.environ.get("MARGIN_MACHINE_HUNT") == "1"

SLUGS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota")
TITLES = ("Alpha", "Beta notes", "Gamma", "Reading list", "Open questions", "Alpha")
TAGS = ("ml", "reading", "systems", "ideas")
SENTENCES = ("Attention is cheap here.", "A longer paragraph about sparse models.",
             "Nothing new this week.", "The loss curve flattens early, then drops.")
DAYS = ((1, 1), (1, 8), (2, 14), (3, 3))
TEMPLATES = (  # the site's templates/note.html (None: the theme's own)
    None,
    '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ note.title }}</h1>'
    "{{ note.content }}{% endblock %}\n",
    '{% extends "base.html" %}{% block main %}<article><h2>{{ note.title }}</h2>'
    "<p>{{ note.tags | length }} tags</p>{{ note.content }}</article>{% endblock %}\n",
)
SITE_TITLES = ("Live notes", "Field notes")
DATED_PATTERNS = ("/:year/:month/:day/:slug/", "/:year/:slug/", "/posts/:slug/")
PERMALINKS = ("/p/{slug}/", "/elsewhere/{slug}/")
BROKEN = "---\ntitle: [unclosed\n---\nThe front matter above is not YAML.\n"


def png(width: int, height: int) -> bytes:
    """A valid PNG of WIDTH x HEIGHT (its size shows in the pages that embed it)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@dataclass(frozen=True)
class NoteSource:
    """One note as the machine writes it: a post (dated by its file name) or an undated note."""

    slug: str
    title: str
    day: tuple[int, int] | None  # (month, day) of a post; None: an undated note
    tags: tuple[str, ...] = ()
    permalink: str | None = None
    body: tuple[str, ...] = (SENTENCES[0],)
    links: tuple[str, ...] = ()  # wikilink targets: a title, a slug, or nothing known
    figure: bool = False  # shows /assets/img/figure.png
    picture: bool = False  # shows picture.png, beside the posts
    date: str | None = None  # front matter's date, over the file name's
    series: bool = False  # in the series "Basics"

    @property
    def path(self) -> str:
        if self.day is None:
            return f"content/notes/{self.slug}.md"
        month, day = self.day
        return f"content/posts/2025-{month:02d}-{day:02d}-{self.slug}.md"

    def text(self) -> str:
        front = [f"title: {self.title}"]
        if self.tags:
            front.append(f"tags: [{', '.join(self.tags)}]")
        if self.permalink:
            front.append(f"permalink: {self.permalink}")
        if self.date:
            front.append(f"date: {self.date}")
        if self.series:
            front.append("series: Basics")
        lines = ["---", *front, "---", " ".join(self.body), ""]
        lines += [f"See [[{target}]]." for target in self.links]
        if self.figure:
            lines.append("![A figure](/assets/img/figure.png)")
        if self.picture:
            lines.append("![A picture](picture.png)")
        return "\n".join(lines) + "\n"


def first_site() -> dict[str, NoteSource]:
    notes = [
        NoteSource("alpha", "Alpha", (1, 1), ("ml", "reading"), links=("Beta notes",),
                   figure=True),
        NoteSource("beta", "Beta notes", (1, 8), ("ml",), links=("gamma", "Alpha")),
        NoteSource("gamma", "Gamma", (2, 14), ("systems",), picture=True),
        NoteSource("delta", "Reading list", None, ("reading",), links=("Gamma",)),
    ]
    return {note.slug: note for note in notes}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file margin wrote into FOLDER but its marker (and Pagefind's bundle, if any)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER
            and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def differences(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    only = sorted(set(left) ^ set(right))
    changed = sorted(p for p in set(left) & set(right) if left[p] != right[p])
    return [f"only in one: {p}" for p in only] + [f"different: {p}" for p in changed]


@dataclass
class Files:
    """Everything but the notes: site.toml's values, the template, the images."""

    site_title: str = SITE_TITLES[0]
    paginate: int = 2
    dated: str = DATED_PATTERNS[0]
    template: str | None = TEMPLATES[1]
    figure: tuple[int, int] = (4, 3)
    picture: tuple[int, int] | None = (2, 2)  # None: deleted, the notes showing it warned
    css: str | None = None  # the site's own assets/extra.css
    written: dict[str, str | bytes | None] = field(default_factory=dict)

    def contents(self) -> dict[str, str | bytes | None]:
        return {
            "site.toml": (f'title = "{self.site_title}"\npaginate = {self.paginate}\n'
                          f'[permalinks]\ndated = "{self.dated}"\n'),
            "templates/note.html": self.template,
            "assets/img/figure.png": png(*self.figure),
            "content/posts/picture.png": png(*self.picture) if self.picture else None,
            "assets/extra.css": self.css,
        }


class EditedSite(RuleBasedStateMachine):
    """A site, served and built, edited at random; after every edit the outputs agree."""

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="margin-machine-"))
        self.site, self.reference = self.root / "site", self.root / "reference"
        self.cached, self.fresh = self.root / "cached", self.root / "fresh"
        self.notes = first_site()
        self.good: dict[str, NoteSource] = dict(self.notes)  # the last valid text of each
        self.broken: set[str] = set()
        self.files = Files()
        for relative, content in self._all_files().items():
            self._write(self.site / relative, content)
        config, problems = load_config(self.site)
        assert not problems, problems
        self.session = Session(config, verify=True)
        assert not self.session.build_all().errors
        self._build_cached(expect_success=True)
        self._check()

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the edits ---------------------------------------------------------------------------

    @rule(pick=st.integers(0, 20), sentence=st.sampled_from(SENTENCES))
    def edit_body(self, pick, sentence):
        note = self._pick(pick)
        self._save_note(replace(note, body=(*note.body[-1:], sentence)))

    @rule(pick=st.integers(0, 20), title=st.sampled_from(TITLES))
    def change_title(self, pick, title):
        self._save_note(replace(self._pick(pick), title=title))

    @rule(pick=st.integers(0, 20), tag=st.sampled_from(TAGS))
    def add_or_remove_tag(self, pick, tag):
        note = self._pick(pick)
        tags = tuple(t for t in note.tags if t != tag) if tag in note.tags else (*note.tags, tag)
        self._save_note(replace(note, tags=tags))

    @rule(pick=st.integers(0, 20), pattern=st.sampled_from((None, *PERMALINKS)))
    def change_permalink(self, pick, pattern):
        note = self._pick(pick)
        self._save_note(replace(note, permalink=pattern and pattern.format(slug=note.slug)))

    @rule(pick=st.integers(0, 20), link=st.sampled_from((*TITLES, *SLUGS, "Nowhere")))
    def add_or_remove_link(self, pick, link):
        note = self._pick(pick)
        links = (tuple(t for t in note.links if t != link) if link in note.links
                 else (*note.links, link))
        self._save_note(replace(note, links=links))

    @rule(pick=st.integers(0, 20), which=st.sampled_from(("figure", "picture")))
    def show_or_hide_an_image(self, pick, which):
        note = self._pick(pick)
        self._save_note(replace(note, **{which: not getattr(note, which)}))

    @precondition(lambda self: len(self.notes) < len(SLUGS))
    @rule(pick=st.integers(0, 20), title=st.sampled_from(TITLES),
          day=st.sampled_from((None, *DAYS)), tags=st.lists(st.sampled_from(TAGS), max_size=2,
                                                            unique=True))
    def add_note(self, pick, title, day, tags):
        free = [slug for slug in SLUGS if slug not in self.notes]
        slug = free[pick % len(free)]
        self._save_note(NoteSource(slug, title, day, tuple(tags), links=("Alpha",)))

    @precondition(lambda self: len(self.notes) > 1)
    @rule(pick=st.integers(0, 20))
    def delete_note(self, pick):
        """Any note, broken or not, while one valid note stays (the edits need one)."""
        valid = len(self.notes) - len(self.broken)
        slugs = sorted(self.notes) if valid > 1 else sorted(self.broken)
        note = self.notes[slugs[pick % len(slugs)]]
        del self.notes[note.slug]
        self.good.pop(note.slug, None)
        self.broken.discard(note.slug)
        self._apply({note.path: None})

    @precondition(lambda self: len(self.notes) < len(SLUGS))
    @rule(pick=st.integers(0, 20), new=st.integers(0, 20), day=st.sampled_from((None, *DAYS)))
    def rename_note_file(self, pick, new, day):
        """A new file name (slug, and date or folder); the same text."""
        note = self._pick(pick)
        free = [slug for slug in SLUGS if slug not in self.notes]
        moved = replace(note, slug=free[new % len(free)], day=day)
        del self.notes[note.slug], self.good[note.slug]
        self.notes[moved.slug] = self.good[moved.slug] = moved
        self._apply({note.path: None, moved.path: moved.text()})

    @rule(which=st.sampled_from(TEMPLATES))
    def edit_template(self, which):
        self._save_files(template=which)

    @rule(pick=st.integers(0, 20), date=st.sampled_from((None, "2024-12-24", "2025-02-14")))
    def change_date(self, pick, date):
        self._save_note(replace(self._pick(pick), date=date))

    @rule(pick=st.integers(0, 20))
    def join_or_leave_the_series(self, pick):
        note = self._pick(pick)
        self._save_note(replace(note, series=not note.series))

    @rule(first=st.integers(0, 20), second=st.integers(0, 20), title=st.sampled_from(TITLES),
          sentence=st.sampled_from(SENTENCES))
    def save_two_notes_at_once(self, first, second, title, sentence):
        """One batch, as the watcher hands over files saved together."""
        retitled = replace(self._pick(first), title=title)
        self.notes[retitled.slug] = self.good[retitled.slug] = retitled
        edited = self._pick(second)
        edited = replace(edited, body=(*edited.body[-1:], sentence))
        self.notes[edited.slug] = self.good[edited.slug] = edited
        self._apply({retitled.path: retitled.text(), edited.path: edited.text()})

    @rule(size=st.one_of(st.none(), st.tuples(st.integers(1, 5), st.integers(1, 5))))
    def add_edit_or_delete_a_picture(self, size):
        self._save_files(picture=size)

    @rule(size=st.tuples(st.integers(1, 5), st.integers(1, 5)))
    def edit_an_asset_image(self, size):
        self._save_files(figure=size)

    @rule(css=st.sampled_from((None, "body { color: teal }\n", "p { margin: 0 }\n")))
    def add_edit_or_remove_an_asset(self, css):
        self._save_files(css=css)

    @rule(title=st.sampled_from(SITE_TITLES), paginate=st.integers(1, 3),
          dated=st.sampled_from(DATED_PATTERNS))
    def edit_site_toml(self, title, paginate, dated):
        """The server loads the whole site again: a broken note has no last good version
        then (it is made under the new configuration, and its text is not kept), so its page
        goes until it is fixed."""
        if (title, paginate, dated) != (self.files.site_title, self.files.paginate,
                                        self.files.dated):
            for slug in self.broken:
                self.good.pop(slug, None)
        self._save_files(site_title=title, paginate=paginate, dated=dated)

    @precondition(lambda self: len(self.notes) - len(self.broken) > 1)
    @rule(pick=st.integers(0, 20))
    def break_front_matter(self, pick):
        note = self._pick(pick)
        self.broken.add(note.slug)
        self._apply({note.path: BROKEN})

    @precondition(lambda self: self.broken)
    @rule(pick=st.integers(0, 20))
    def fix_front_matter(self, pick):
        slug = sorted(self.broken)[pick % len(self.broken)]
        self._save_note(self.notes[slug])

    # -- doing them --------------------------------------------------------------------------

    def _pick(self, pick: int) -> NoteSource:
        """A note whose front matter is valid (one always is)."""
        slugs = sorted(s for s in self.notes if s not in self.broken)
        return self.notes[slugs[pick % len(slugs)]]

    def _save_note(self, note: NoteSource) -> None:
        self.notes[note.slug] = self.good[note.slug] = note
        self.broken.discard(note.slug)
        self._apply({note.path: note.text()})

    def _save_files(self, **values) -> None:
        before = self.files.contents()
        self.files = replace(self.files, **values)
        after = self.files.contents()
        self._apply({path: text for path, text in after.items() if text != before[path]})

    def _apply(self, changes: dict[str, str | bytes | None]) -> None:
        """Write CHANGES into the site, tell the session, build, and compare."""
        for relative, content in changes.items():
            self._write(self.site / relative, content)
        if changes:
            self.session.rebuild([self.site / relative for relative in changes])
        self._build_cached(expect_success=not self.broken)
        self._check()

    def _all_files(self, good_only: bool = False) -> dict[str, str | bytes | None]:
        notes = self.good if good_only else self.notes
        texts = {note.path: BROKEN if note.slug in self.broken and not good_only
                 else note.text() for note in notes.values()}
        return {**self.files.contents(), **texts}

    @staticmethod
    def _write(path: Path, content: str | bytes | None) -> None:
        if content is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    def _build_cached(self, expect_success: bool) -> None:
        before = tree(self.cached) if self.cached.exists() else None
        code, _, err = run_margin("build", self.site, "--output", self.cached, "--jobs", "1")
        if expect_success:
            assert code == 0, err
        else:  # a bad note: the build says where, and the last output stays
            assert code != 0
            for slug in self.broken:
                assert self.notes[slug].path.removeprefix("content/") in err, err
            assert tree(self.cached) == before

    def _check(self) -> None:
        """The served folder, and the cached build's while no note is broken, equal a cold
        build of the site as it last was valid."""
        shutil.rmtree(self.reference, ignore_errors=True)
        for relative, content in self._all_files(good_only=True).items():
            self._write(self.reference / relative, content)
        code, _, err = run_margin("build", self.reference, "--output", self.fresh, "--no-cache",
                                  "--jobs", "1")
        assert code == 0, err
        fresh = tree(self.fresh)
        assert differences(tree(self.session.config.output_dir), fresh) == []
        if not self.broken:
            assert differences(tree(self.cached), fresh) == []


@pytest.mark.slow
def test_serve_and_a_cached_build_equal_a_fresh_build_after_any_edits(monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    run_state_machine_as_test(EditedSite, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=not HUNT,
        database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]))
