"""Front matter splitting and typing, table-driven: each case is a note file and what it yields."""

from __future__ import annotations

from datetime import datetime

import pytest

from margin.load import frontmatter
from margin.load.dates import parse_date, split_file_date
from margin.slugs import slugify


@pytest.mark.parametrize(
    ("text", "fmt", "body_line", "body"),
    [
        ("---\ntitle: A\n---\nbody", "yaml", 4, "body"),
        ("---\ntitle: A\n...\nbody", "yaml", 4, "body"),
        ("+++\ntitle = 'A'\n+++\n\nbody", "toml", 4, "\nbody"),
        ("no front matter\n", None, 1, "no front matter\n"),
        ("---  \na: 1\n---   \nx", "yaml", 4, "x"),
        ("---\n---\nonly body", "yaml", 3, "only body"),
    ],
)
def test_split_finds_the_body_and_its_first_line(text, fmt, body_line, body):
    part = frontmatter.split(text)
    assert (part.format, part.body_line, part.body) == (fmt, body_line, body)


def test_unclosed_front_matter_is_an_error_on_line_one():
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split("---\ntitle: x\nbody")
    assert caught.value.line == 1
    assert caught.value.reason == "no closing '---' line"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: ok\ntags: a: b\n---\n", 3),
        ("---\ntitle: ok\nsummary: fine\n  bad: indent\n---\n", 4),
        ("+++\ntitle = 'x'\ndate = \n+++\n", 3),
    ],
)
def test_parse_errors_carry_the_file_line(text, line):
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.parse(frontmatter.split(text))
    assert caught.value.line == line


def test_keys_without_value_count_as_absent():
    part = frontmatter.split("---\ntitle:\ndate:\ntags: [a]\n---\n")
    assert frontmatter.parse(part) == {"tags": ["a"]}


def test_a_list_is_not_front_matter():
    with pytest.raises(frontmatter.FrontMatterError, match="expected 'key: value' lines"):
        frontmatter.parse(frontmatter.split("---\n- a\n- b\n---\n"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-08", datetime(2025, 2, 8)),
        ("2025-02-08 10:30", datetime(2025, 2, 8, 10, 30)),
        ("2025-02-08T10:30:00+02:00", datetime(2025, 2, 8, 10, 30)),
        ("2025-02-08 10:30:00 +0100", datetime(2025, 2, 8, 10, 30)),
        ("2025-02-08T10:30:00Z", datetime(2025, 2, 8, 10, 30)),
        (datetime(2025, 2, 8, 9), datetime(2025, 2, 8, 9)),
        ("last tuesday", None),
        ("2025-02-30", None),
        (42, None),
    ],
)
def test_dates_in_the_forms_notes_write_them(value, expected):
    assert parse_date(value) == expected


def test_file_name_date_prefix():
    assert split_file_date("2025-02-08-what-i-read") == (datetime(2025, 2, 8), "what-i-read")
    assert split_file_date("2025-02-30-bad") == (None, "2025-02-30-bad")
    assert split_file_date("notes") == (None, "notes")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Attention Is All You Need", "attention-is-all-you-need"),
        ("Ça va? Œuvres & co", "ca-va-oeuvres-and-co"),
        ("naïve café", "naive-cafe"),
        ("注意力机制 notes", "注意力机制-notes"),
        ("がぎ", "がぎ"),
        ("What? Why!", "what-why"),
        ("  ", "untitled"),
        ("???", "untitled"),
        ("ﬁnance", "finance"),
    ],
)
def test_slugs_fold_accents_keep_other_scripts_and_are_never_empty(text, slug):
    assert slugify(text) == slug
