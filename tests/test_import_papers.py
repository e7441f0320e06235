"""`margin import papers`: a stream of paper reviews becomes dated notes, and nothing is lost.

The synthetic streams in tests/data/papers/ hold header forms the user's stream does not; the
user's own stream (../shared/corpus/imports/daily-papers.txt) is checked review by review.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import frontmatter
import pytest

from conftest import CORPUS, SHARED, BuildResult, run_margin
from margin.importers.papers import match_header, parse_stream
from margin.importers.review_dates import find_date

DATA = Path(__file__).resolve().parent / "data" / "papers"
STREAM = SHARED / "corpus" / "imports" / "daily-papers.txt"
needs_stream = pytest.mark.needs_shared(STREAM)

ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf|html)/|\barxiv:\s?)(\d{4}\.\d{4,5})", re.I)


def parse(name: str):
    return parse_stream((DATA / name).read_text(encoding="utf-8"), name,
                        default_date=date(2000, 1, 1))


def read_notes(folder: Path) -> list[tuple[Path, frontmatter.Post]]:
    notes = [(path, frontmatter.load(path)) for path in sorted(folder.glob("*.md"))]
    return sorted(notes, key=lambda item: int(item[1]["source"].rsplit(":", 1)[1]))


def import_papers(stream: Path, site: Path, *args: str) -> tuple[int, str, str]:
    return run_margin("import", "papers", stream, "--site", site, *args)


# --- header forms (synthetic streams) ----------------------------------------------------------

def test_header_forms_give_each_review_its_date_and_title():
    reviews, problems = parse("header-forms.txt")
    assert problems == []
    assert [(r.date.isoformat(), r.title) for r in reviews] == [
        ("2025-03-10", "Sparse Widgets for Tiny Models"),  # ISO, emoji and bold around
        ("2025-03-15", "Counting Pebbles with Attention"),  # co-reviewers, MM/DD/YY, title below
        ("2025-03-17", "Gradient Noise as a Free Regularizer"),  # curly ’, "Month D, YYYY"
        ("2025-03-18", "A Bold Title That Runs Over Two Lines"),  # bold opened by the header
        ("2025-03-19", "Title Without a Separator"),  # DD.MM.YYYY, no separator
        ("2025-03-20", "Learned Compression of Lecture Notes"),  # "Daily Article", "D Month YYYY"
        ("2025-03-21", "Day First Because Twenty-One Is Over Twelve"),  # 21/03/25
        ("2025-03-22", "Shortcodes Around the Header"),  # :rocket: shortcodes
    ]
    assert not any(r.date_guessed for r in reviews)


@pytest.mark.parametrize(("line", "expected"), [
    ("X's and Mike's Daily Paper Review – 03/15/25:", "2025-03-15"),
    ("X & Mike’s Daily Paper - 15.03.25", "2025-03-15"),
    ("**Ada’s Daily Paper, 2025-03-15:** A title", "2025-03-15"),
    ("🚀 Ada's Daily Paper 15.03.2025 A title", "2025-03-15"),
    ("Ada's Daily Paper: March 15, 2025", "2025-03-15"),
    ("Ada's Daily Paper – Sept. 5th, 2024: A title", "2024-09-05"),
    ("## Ada's Daily Paper — 1 March 2025", "2025-03-01"),
    ("Ada's Daily Paper 12/30/24 A title", "2024-12-30"),
    ("Ada's Daily Paper -10.01.25", "2025-01-10"),
])
def test_a_header_line_is_recognised_and_its_date_read(line, expected):
    header = match_header(line)
    assert header is not None
    reading = find_date(header.rest)
    assert reading is not None and reading.exact is not None
    assert reading.exact.isoformat() == expected


@pytest.mark.parametrize("line", [
    "As I wrote in Mike's Daily Paper - 20.12.24, the model forgets.",
    "Mike's Daily Paper series has been running for months.",
    "Today marks my 200th daily review since I started writing.",
    "The paper's daily update: nothing new.",
])
def test_sentences_that_mention_the_series_are_not_headers(line):
    assert match_header(line) is None


def test_a_second_review_on_the_same_day_starts_after_the_closing_link():
    reviews, _ = parse("same-day.txt")
    assert [(r.line, r.date.isoformat(), r.header != ()) for r in reviews] == [
        (1, "2025-04-05", True), (7, "2025-04-05", False), (16, "2025-04-06", True)
    ]
    second = reviews[1]
    assert second.title == "Paper review, 2025-04-05" and second.untitled
    assert second.body.endswith("<https://arxiv.org/abs/2502.02222>\n\n-")  # the dash stays
    # A link introduced by "The code is here:" does not close the third review.
    assert reviews[2].papers == ("https://arxiv.org/abs/2502.04444",
                                 "https://arxiv.org/abs/2502.03333")


def test_an_unreadable_date_is_a_warning_and_the_review_keeps_its_place():
    reviews, problems = parse("unreadable-date.txt")
    assert [(r.title, r.date.isoformat(), r.date_guessed) for r in reviews] == [
        ("A Readable Start", "2025-04-10", False),
        ("An Impossible Day", "2025-04-10", True),
        ("No Date at All", "2025-04-10", True),
        ("Back on Track", "2025-04-12", False),
    ]
    assert [str(p) for p in problems] == [
        "warning: unreadable-date.txt:7: cannot read the date in header: Finn's Daily Paper - "
        "31.02.25: An Impossible Day; dated 2025-04-10 like the review before it",
        "warning: unreadable-date.txt:13: cannot read the date in header: Finn's Daily Paper - "
        "someday soon: No Date at All; dated 2025-04-10 like the review before it",
    ]


def test_a_slash_date_that_reads_both_ways_is_settled_by_its_neighbours():
    reviews, problems = parse("slash-dates.txt")
    assert [r.date.isoformat() for r in reviews] == ["2025-04-03", "2025-04-05", "2025-04-06"]
    assert problems == [] and not any(r.date_guessed for r in reviews)


def test_a_slash_date_with_no_neighbours_is_read_month_first_and_flagged():
    reviews, problems = parse("lonely-slash.txt")
    assert [(r.date.isoformat(), r.date_guessed) for r in reviews] == [("2025-02-03", True)]
    assert len(problems) == 1 and "lonely-slash.txt:1: the date reads two ways" in str(problems[0])


def test_text_before_the_first_header_becomes_a_review_of_its_own():
    reviews, problems = parse("preamble.txt")
    assert [(r.line, r.date.isoformat(), r.date_guessed) for r in reviews] == [
        (1, "2025-05-02", True), (4, "2025-05-02", False)
    ]
    assert [p.line for p in problems] == [1]


# --- the user's stream --------------------------------------------------------------------------

# Every review of the shared stream: the line it starts on, the date text of its header as
# written there, and the date it must get. Read off the file by hand, header by header.
SHARED_DATES = [
    (3, "22.11.2024", "2024-11-22"), (22, "23.11.2024", "2024-11-23"),
    (69, "27.11.2024", "2024-11-27"), (107, "28.11.24", "2024-11-28"),
    (146, "29.11.24", "2024-11-29"), (164, "30.11.24", "2024-11-30"),
    (186, "30.11.24", "2024-11-30"), (221, "02.12.24", "2024-12-02"),
    (239, "04.12.24", "2024-12-04"), (254, "05.12.24", "2024-12-05"),
    (325, "07.12.24", "2024-12-07"), (404, "09.12.24", "2024-12-09"),
    (492, "10.12.24", "2024-12-10"), (537, "18.12.24", "2024-12-18"),
    (572, "19.12.24", "2024-12-19"), (595, "20.12.24", "2024-12-20"),
    (607, "20.12.24", "2024-12-20"), (671, "23.12.24", "2024-12-23"),
    (693, "25.12.24", "2024-12-25"), (709, "27.12.24", "2024-12-27"),
    (744, "27.12.24", "2024-12-27"), (820, "12/30/24", "2024-12-30"),
    (852, "01.01.25", "2025-01-01"), (870, "02.01.25", "2025-01-02"),
    (886, "03.01.25", "2025-01-03"), (938, "06.01.25", "2025-01-06"),
    (1003, "07.01.25", "2025-01-07"), (1037, "09.01.25", "2025-01-09"),
    (1133, "10.01.25", "2025-01-10"),
    (1155, None, "2025-01-10"),  # no header: the day's second review, after 1153's closing link
    (1208, "14.01.25", "2025-01-14"), (1241, "16.01.25", "2025-01-16"),
    (1258, "17.01.25", "2025-01-17"), (1338, "18.01.25", "2025-01-18"),
    (1354, "18.01.25", "2025-01-18"), (1388, "21.01.25", "2025-01-21"),
    (1408, "22.01.25", "2025-01-22"), (1428, "24.01.25", "2025-01-24"),
    (1502, "27.01.25", "2025-01-27"), (1520, "29.01.25", "2025-01-29"),
    (1628, "31.01.25", "2025-01-31"), (1680, "31.01.25", "2025-01-31"),
    (1802, "03.02.25", "2025-02-03"), (1819, "05.02.25", "2025-02-05"),
    (1906, "06.02.25", "2025-02-06"), (2023, "08.02.25", "2025-02-08"),
    (2043, "09.02.25", "2025-02-09"), (2122, "10.02.25", "2025-02-10"),
    (2160, "11.02.25", "2025-02-11"), (2270, "13.02.25", "2025-02-13"),
    (2288, "15.02.25", "2025-02-15"), (2357, "16.02.25", "2025-02-16"),
    (2373, "18.02.25", "2025-02-18"), (2389, "19.02.25", "2025-02-19"),
    (2429, "22.02.25", "2025-02-22"), (2442, "22.02.25", "2025-02-22"),
    (2475, "25.02.25", "2025-02-25"), (2580, "27.02.25", "2025-02-27"),
    (2642, "28.02.25", "2025-02-28"), (2678, "01.03.25", "2025-03-01"),
    (2716, "02.03.25", "2025-03-02"), (2733, "03.03.25", "2025-03-03"),
    (2761, "05.03.25", "2025-03-05"), (2804, "06.03.25", "2025-03-06"),
    (2834, "07.03.25", "2025-03-07"), (2884, "09.03.25", "2025-03-09"),
]


@pytest.fixture(scope="module")
def stream_lines() -> list[str]:
    return STREAM.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A copy of the corpus with the stream imported into it: (site, exit code, out, err)."""
    site = tmp_path_factory.mktemp("imported") / "corpus"
    shutil.copytree(CORPUS, site)
    code, out, err = import_papers(site / "imports" / "daily-papers.txt", site)
    return site, code, out, err


@needs_stream
def test_the_date_list_matches_the_headers_as_written(stream_lines):
    for line, written, _ in SHARED_DATES:
        if written:
            assert written in stream_lines[line - 1] and match_header(stream_lines[line - 1]), line
        else:
            assert match_header(stream_lines[line - 1]) is None, line


@needs_stream
def test_every_review_of_the_shared_stream_gets_its_headers_date():
    reviews, problems = parse_stream(STREAM.read_text(encoding="utf-8"), STREAM.name,
                                     default_date=date(2000, 1, 1))
    assert problems == []
    assert [(r.line, r.date.isoformat()) for r in reviews] == [
        (line, day) for line, _, day in SHARED_DATES
    ]
    assert not any(r.date_guessed for r in reviews)


@needs_stream
@pytest.mark.parametrize(("line", "title"), [
    (69, "The Illusion of State in State-Space Models"),  # "⚡️Rocket" on both sides
    (239, "KAN: Kolmogorov–Arnold Networks"),  # bold opened on the header line
    (886, "A PERCOLATION MODEL OF EMERGENCE: ANALYZING TRANSFORMERS TRAINED ON A FORMAL LANGUAGE"),
    (1003, "Anchored Preference Optimization and Contrastive Revisions Addressing "
           "Underspecification in Alignment"),
    (1354, "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"),
    (2122, "On the expressiveness and spectral bias of KANs"),
    (2389, "Losing Dimensions: Geometric Memorization in Generative Diffusion Models"),
])
def test_titles_come_from_the_header_or_the_first_title_line(imported, line, title):
    site = imported[0]
    by_line = {int(post["source"].rsplit(":", 1)[1]): post
               for _, post in read_notes(site / "content" / "papers")}
    assert by_line[line]["title"] == title


@needs_stream
def test_the_import_writes_one_note_per_review(imported):
    site, code, out, err = imported
    assert code == 0, err
    notes = read_notes(site / "content" / "papers")
    assert len(notes) == len(SHARED_DATES) == 66
    assert [post["source"] for _, post in notes] == [
        f"daily-papers.txt:{line}" for line, _, _ in SHARED_DATES
    ]
    for path, post in notes:
        assert path.name.startswith(f"{post['date'].isoformat()}-")
        assert post["tags"] == ["paper-review"]
    # Headers are kept verbatim, emoji readable in the file rather than escaped.
    raw = next(path for path, post in notes if post["source"] == "daily-papers.txt:107")
    assert "- '⚡️🚀 Mike''s Daily Paper - 28.11.24: ⚡️🚀'\n" in raw.read_text(encoding="utf-8")
    assert out.splitlines()[-1] == ("margin: 66 reviews in daily-papers.txt: 66 written, "
                                    "0 warnings")
    assert err == ""


@needs_stream
def test_every_non_blank_line_of_the_stream_is_in_exactly_one_note(imported, stream_lines):
    site = imported[0]
    notes = read_notes(site / "content" / "papers")
    written: list[str] = []
    for _, post in notes:
        start = int(post["source"].rsplit(":", 1)[1])
        own = [line.strip() for line in [*post.get("header", []), *post.content.split("\n")]
               if line.strip()]
        assert own[0] == stream_lines[start - 1].strip()  # each note begins where it says
        written.extend(own)
    assert written == [line.strip() for line in stream_lines if line.strip()]


@needs_stream
def test_every_arxiv_id_is_in_the_paper_list_of_the_note_that_holds_it(imported, stream_lines):
    notes = read_notes(imported[0] / "content" / "papers")
    seen: set[str] = set()
    for _, post in notes:
        text = "\n".join([*post.get("header", []), post.content])
        in_text = set(ARXIV_ID.findall(text))
        listed = set(ARXIV_ID.findall(" ".join(post["paper"])))
        assert in_text <= listed, post["source"]
        seen |= in_text
        closing = post.content.rstrip().splitlines()[-1]
        if ARXIV_ID.search(closing) and closing.lstrip().startswith(("<", "[")):
            assert ARXIV_ID.search(post["paper"][0]).group(1) == ARXIV_ID.search(closing).group(1)
    assert seen == set(ARXIV_ID.findall("\n".join(stream_lines)))
    assert len(seen) > 50  # not vacuous: the stream cites some fifty papers


@needs_stream
def test_the_imported_corpus_builds_and_lists_the_notes_by_month_and_tag(imported, build_site):
    site = imported[0]
    result: BuildResult = build_site(site)
    assert result.exit_code == 0, result.stderr
    errors = [line for line in result.lines if line.startswith("error:")]
    assert errors == []
    assert not [line for line in result.lines if "content/papers/" in line]

    notes = [post for _, post in read_notes(site / "content" / "papers")]
    archive = result.html("/archive/")
    for post in notes:
        month = archive.find("h3", id=f"y{post['date']:%Y-%m}")
        assert month is not None, post["date"]
        listed = month.find_next_sibling("ul").select("a.note-item__title")
        titles = [a.get_text() for a in listed]
        assert post["title"] in titles

    tagged: list[str] = []
    url = "/tags/paper-review/"
    while url:
        page = result.html(url)
        tagged += [a.get_text() for a in page.select("a.note-item__title")]
        following = page.select_one("a[rel=next]")
        url = following["href"] if following else ""
    assert sorted(tagged) == sorted(post["title"] for post in notes)

    first = archive.find("a", string="The Unreasonable Ineffectiveness of the Deeper Layers")
    page = result.html(first["href"])
    assert page.h1.get_text(strip=True) == "The Unreasonable Ineffectiveness of the Deeper Layers"
    assert page.select_one('a[href="https://arxiv.org/abs/2403.17887"]') is not None
    assert page.find("strong", string="Key Problem:") is not None


# --- re-runs, --force, --dry-run, bad input ---------------------------------------------------

def test_a_second_run_skips_every_note_and_changes_nothing(tmp_path):
    stream = DATA / "same-day.txt"
    assert import_papers(stream, tmp_path)[0] == 0
    folder = tmp_path / "content" / "papers"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, out, _ = import_papers(stream, tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.startswith("skipped ") for line in lines[:3])
    assert lines[-1] == ("margin: 3 reviews in same-day.txt: 3 skipped (already there), "
                         "0 warnings")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_force_rewrites_a_changed_note_and_leaves_the_others(tmp_path):
    stream = DATA / "same-day.txt"
    import_papers(stream, tmp_path)
    folder = tmp_path / "content" / "papers"
    edited = sorted(folder.iterdir())[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text("changed by hand\n", encoding="utf-8")
    assert import_papers(stream, tmp_path)[0] == 0
    assert edited.read_text(encoding="utf-8") == "changed by hand\n"  # no --force: kept
    code, out, _ = import_papers(stream, tmp_path, "--force")
    assert code == 0
    assert edited.read_text(encoding="utf-8") == original
    assert f"rewrote {edited}" in out.splitlines()
    assert "1 rewritten, 2 unchanged" in out.splitlines()[-1]


def test_dry_run_writes_nothing_and_says_what_it_would_write(tmp_path):
    code, out, _ = import_papers(DATA / "header-forms.txt", tmp_path, "--dry-run")
    assert code == 0
    assert not (tmp_path / "content").exists()
    lines = out.splitlines()
    assert lines[0] == (f"would write {tmp_path}/content/papers/"
                        "2025-03-10-sparse-widgets-for-tiny-models.md")
    assert lines[-1].endswith("8 would be written, 0 warnings; dry run, nothing written")


def test_section_and_tag_options_shape_the_notes(tmp_path):
    code, _, _ = import_papers(DATA / "slash-dates.txt", tmp_path, "--section", "reviews",
                               "--tag", "papers, daily")
    assert code == 0
    notes = read_notes(tmp_path / "content" / "reviews")
    assert [path.name for path, _ in notes] == [
        "2025-04-03-before-the-ambiguous-one.md",
        "2025-04-05-read-month-first-or-day-first.md",
        "2025-04-06-after-the-ambiguous-one.md",
    ]
    post = notes[1][1]
    assert post["tags"] == ["papers", "daily"]
    assert post["paper"] == ["https://arxiv.org/abs/2504.00002"]
    assert post["source"] == "slash-dates.txt:7"
    assert post["header"] == ["Gil's Daily Paper - 04/05/25: Read Month First or Day First?"]
    assert "date_guessed" not in post.metadata


def test_two_reviews_with_the_same_day_and_title_get_distinct_files(tmp_path):
    review = "Jo's Daily Paper - 01.06.25: Same Title\n\nSome text.\n\n<https://arxiv.org/abs/{}>\n\n"
    stream = tmp_path / "twice.txt"
    stream.write_text(review.format("2506.00001") + review.format("2506.00002"), encoding="utf-8")
    assert import_papers(stream, tmp_path)[0] == 0
    names = sorted(p.name for p in (tmp_path / "content" / "papers").iterdir())
    assert names == ["2025-06-01-same-title-2.md", "2025-06-01-same-title.md"]


def test_guessed_dates_are_flagged_in_front_matter_and_warned_on_stderr(tmp_path):
    code, _, err = import_papers(DATA / "unreadable-date.txt", tmp_path)
    assert code == 0
    assert err.splitlines() == [
        line for line in err.splitlines() if line.startswith("warning: unreadable-date.txt:")
    ] and len(err.splitlines()) == 2
    flagged = {post["title"]: post.get("date_guessed", False)
               for _, post in read_notes(tmp_path / "content" / "papers")}
    assert flagged == {"A Readable Start": False, "An Impossible Day": True,
                       "No Date at All": True, "Back on Track": False}


def test_an_unreadable_file_is_an_error_and_writes_nothing(tmp_path):
    code, out, err = import_papers(tmp_path / "missing.txt", tmp_path)
    assert code == 1 and out == ""
    assert err.startswith(f"margin: cannot read {tmp_path / 'missing.txt'}: ")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert import_papers(binary, tmp_path)[0] == 1
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("section", ["../outside", "a/b", ".hidden", ""])
def test_a_section_outside_content_is_refused(tmp_path, section):
    code, _, err = import_papers(DATA / "same-day.txt", tmp_path, "--section", section)
    assert code == 1
    assert "not a section name" in err
    assert list(tmp_path.iterdir()) == []


def test_a_header_that_runs_into_a_sentence_stays_in_the_body():
    text = ("Kim's Daily Paper - 01.05.25: Today I review a long paper about widgets, and it is "
            "good. It has many pages and far more words than any title would ever have.\n\n"
            "More about the widgets.\n\n<https://arxiv.org/abs/2505.00001>\n")
    (review,), problems = parse_stream(text, "s.txt", default_date=date(2000, 1, 1))
    assert problems == []
    assert review.header == () and review.body.startswith("Kim's Daily Paper - 01.05.25: Today")
    assert (review.title, review.date.isoformat()) == ("Paper review, 2025-05-01", "2025-05-01")


def test_windows_line_ends_and_a_byte_order_mark_change_nothing(tmp_path):
    plain = (DATA / "same-day.txt").read_text(encoding="utf-8")
    windows = tmp_path / "same-day.txt"
    windows.write_bytes(b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode("utf-8"))
    site_a, site_b = tmp_path / "a", tmp_path / "b"
    site_a.mkdir()
    site_b.mkdir()
    assert import_papers(DATA / "same-day.txt", site_a)[0] == 0
    assert import_papers(windows, site_b)[0] == 0
    written = {p.name: p.read_bytes() for p in (site_a / "content" / "papers").iterdir()}
    assert written == {p.name: p.read_bytes() for p in (site_b / "content" / "papers").iterdir()}


def test_a_stream_without_any_header_is_kept_whole_with_a_warning():
    reviews, problems = parse_stream("Loose text,\nno header.\n", "loose.txt",
                                     default_date=date(2025, 6, 1))
    assert [(r.body, r.date.isoformat(), r.date_guessed) for r in reviews] == [
        ("Loose text,\nno header.", "2025-06-01", True)
    ]
    assert [str(p) for p in problems] == [
        "warning: loose.txt:1: text with no review header in the whole stream; kept as a review "
        "dated 2025-06-01"
    ]


def test_import_without_a_source_prints_usage():
    code, _, err = run_margin("import")
    assert code == 2
    assert "papers" in err


@pytest.mark.parametrize(("header", "day", "title"), [
    ("Ben's Daily Paper #42 - 15.03.25: Numbered", "2025-03-15", "Numbered"),
    ("Ben's Daily Paper for March 15, 2025: Worded", "2025-03-15", "Worded"),
    ("Ben's Daily Paper (15.03.25) Bracketed", "2025-03-15", "Bracketed"),
])
def test_a_date_in_the_headers_date_slot_is_read(header, day, title):
    text = f"Ben's Daily Paper - 14.03.25: Before\n\nText.\n\n{header}\n\nMore text.\n"
    reviews, problems = parse_stream(text, "s.txt", default_date=date(2000, 1, 1))
    assert problems == []
    assert (reviews[1].date.isoformat(), reviews[1].title) == (day, title)


def test_numbers_in_a_title_are_not_mistaken_for_the_date():
    text = ("Ben's Daily Paper - 14.03.25: Before\n\nText.\n\n"
            "Ben's Daily Paper: GPT-3.5 Under the Microscope\n\nMore text.\n")
    reviews, problems = parse_stream(text, "s.txt", default_date=date(2000, 1, 1))
    assert (reviews[1].title, reviews[1].date.isoformat(), reviews[1].date_guessed) == (
        "GPT-3.5 Under the Microscope", "2025-03-14", True)
    assert [p.line for p in problems] == [5]


def test_a_section_heading_after_the_first_paragraph_is_not_taken_for_the_title():
    text = ("Ben's Daily Paper - 14.03.25:\n\nIntroduction:\n\nThe paper studies widgets and "
            "explains at some length why they wobble.\n\nKey Results\n\nThey wobble less.\n")
    (review,), _ = parse_stream(text, "s.txt", default_date=date(2000, 1, 1))
    assert review.title == "Paper review, 2025-03-14"
    assert review.body.startswith("Introduction:")


def test_a_review_pasted_twice_is_written_once_with_a_warning_naming_both_lines(tmp_path):
    review = "Jo's Daily Paper - 01.06.25: Told Twice\n\nSome text.\n\n<https://arxiv.org/abs/2506.1>\n\n"
    other = "Jo's Daily Paper - 02.06.25: Told Once\n\nOther text.\n\n"
    stream = tmp_path / "pasted.txt"
    stream.write_text(review + other + review + "\n", encoding="utf-8")
    code, out, err = import_papers(stream, tmp_path)
    assert code == 0
    assert err.splitlines() == [
        "warning: pasted.txt:11: the same review as pasted.txt:1; written once, as that one"]
    notes = read_notes(tmp_path / "content" / "papers")
    assert [post["title"] for _, post in notes] == ["Told Twice", "Told Once"]
    assert "2 reviews in pasted.txt: 2 written, 1 warning" in out
