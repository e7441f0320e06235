"""Review values -> note files in content/<section>/, named YYYY-MM-DD-<slug>.md.

Writes only inside that folder and never replaces a file unless asked to (`force`), so running an
import twice is harmless: the second run finds every note in place and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

import frontmatter
import yaml

from margin.diagnostics import Diagnostic, warning
from margin.importers.papers import Review
from margin.load.discover import is_hidden
from margin.slugs import slugify

MAX_SLUG = 80  # long paper titles make unwieldy file names and URLs; cut at a word
# A file name holds at most 255 bytes, and four-byte characters (CJK beyond the first plane)
# make 80 characters 320 bytes: the file is named with the date and maybe '-2' too.
MAX_SLUG_BYTES = 160
_DANGLING = frozenset({"a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "with",
                       "via", "by", "from", "at", "as", "is"})


class ImportFailed(Exception):
    """Why the notes could not be written, in one line."""


class Outcome(StrEnum):
    WRITTEN = "wrote"
    REWRITTEN = "rewrote"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    WOULD_WRITE = "would write"
    WOULD_SKIP = "would skip"


@dataclass(frozen=True)
class PlannedNote:
    """A note to write: its path under the site folder and its full text."""

    relative: PurePosixPath  # content/<section>/<name>.md
    text: str
    review: Review


def check_section(section: str) -> str:
    """A plain folder name under content/ ('papers'), or ImportFailed."""
    name = section.strip().strip("/")
    if not name or is_hidden(name) or "/" in name or "\\" in name or ".." in name:
        raise ImportFailed(f"not a section name: {section!r}")
    return name


def drop_repeats(reviews: list[Review], name: str) -> tuple[list[Review], list[Diagnostic]]:
    """Each review once: one pasted twice into the stream (the same header and text, whatever
    blank lines surround it) is kept where it first appears, with a warning naming both lines."""
    first_at: dict[tuple[tuple[str, ...], str], int] = {}
    kept: list[Review] = []
    problems: list[Diagnostic] = []
    for review in reviews:
        key = (tuple(line.strip() for line in review.header), _plain(review.body))
        if key in first_at:
            problems.append(warning(name, review.line, f"the same review as {name}:"
                                    f"{first_at[key]}; written once, as that one"))
        else:
            first_at[key] = review.line
            kept.append(review)
    return kept, problems


def _plain(body: str) -> str:
    return "\n".join(line.rstrip() for line in body.strip().splitlines() if line.strip())


def plan_notes(reviews: list[Review], *, section: str, tags: list[str], source: str
               ) -> list[PlannedNote]:
    """One note per review; two with the same day and title get '-2', '-3' after the slug."""
    folder = PurePosixPath("content") / check_section(section)
    taken: set[str] = set()
    plans = []
    for review in reviews:
        stem = f"{review.date.isoformat()}-{_short_slug(review.title)}"
        name, number = stem, 1
        while name in taken:
            number += 1
            name = f"{stem}-{number}"
        taken.add(name)
        plans.append(PlannedNote(folder / f"{name}.md", note_text(review, tags, source), review))
    return plans


def note_text(review: Review, tags: list[str], source: str) -> str:
    """The note file: front matter (title, date, tags, paper, source, header), then the body.

    `header` keeps the stream lines that opened the review, verbatim; `date_guessed` marks a date
    that the review's neighbours supplied."""
    meta: dict[str, object] = {"title": review.title, "date": review.date}
    if review.date_guessed:
        meta["date_guessed"] = True
    meta["tags"] = list(tags)
    meta["paper"] = list(review.papers)
    if len(review.papers) == 1 and not review.untitled:
        meta["paper_title"] = review.title  # names the paper's page (see index/papers.py)
    meta["source"] = f"{source}:{review.line}"
    if review.header:
        meta["header"] = list(review.header)
    post = frontmatter.Post(review.body, **meta)
    # The pure-Python dumper: libyaml's escapes emoji ('\U0001F680'), and headers are full of them.
    text = frontmatter.dumps(post, handler=frontmatter.YAMLHandler(), Dumper=yaml.SafeDumper,
                             sort_keys=False, allow_unicode=True, default_flow_style=False,
                             width=1000)
    return text.rstrip("\n") + "\n"


def write_notes(site: Path, plans: list[PlannedNote], *, force: bool = False,
                dry_run: bool = False) -> Iterator[tuple[PlannedNote, Outcome]]:
    """Write each planned note under SITE, one at a time, saying what became of it; an existing
    file is skipped unless FORCE. Raises ImportFailed when a file cannot be written."""
    for plan in plans:
        path = site.joinpath(*plan.relative.parts)
        exists = path.exists()
        if dry_run:
            skip = exists and not force
            yield plan, Outcome.WOULD_SKIP if skip else Outcome.WOULD_WRITE
        elif exists and not force:
            yield plan, Outcome.SKIPPED
        elif exists and _read(path) == plan.text:
            yield plan, Outcome.UNCHANGED
        else:
            _write(path, plan.text, replace=exists)
            yield plan, Outcome.REWRITTEN if exists else Outcome.WRITTEN


def _short_slug(title: str) -> str:
    """The title's slug, cut at a word past MAX_SLUG characters (and MAX_SLUG_BYTES bytes), no
    dangling 'a' or 'of'."""
    slug = slugify(title)
    if len(slug) <= MAX_SLUG and len(slug.encode()) <= MAX_SLUG_BYTES:
        return slug
    most = MAX_SLUG
    while len(slug[:most].encode()) > MAX_SLUG_BYTES:
        most -= 1
    words = slug[:most + 1].split("-")[:-1] or [slug[:most]]
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return "-".join(words)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: str, *, replace: bool) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise ImportFailed(f"{path} is a folder; not writing a note there")
        with path.open("w" if replace else "x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise ImportFailed(f"{path} appeared while importing; not overwriting it") from None
    except OSError as exc:
        raise ImportFailed(f"cannot write {path}: {exc.strerror or exc}") from None
