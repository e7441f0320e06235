"""Long runs of one Markdown character take time in proportion to their length.

Each input below took from ten seconds to minutes before its fix (a backtracking regex, or a
rule reading the rest of the text at every character); the bounds are generous, so that a
slow machine passes and a hang does not.
"""

from __future__ import annotations

import gc
import time
from datetime import date

import pytest

from margin.importers.papers import parse_stream
from margin.index.links import LinkTargets, note_links
from margin.index.papers import citations
from margin.markdown.body import render_body
from margin.markdown.context import BodyContext
from margin.model import Note

SECONDS = 5.0


def note(body: str, name: str = "a") -> Note:
    return Note(key=f"notes/{name}.md", source=f"content/notes/{name}.md", title=name.upper(),
                body=body, body_line=4, section="notes", slug=name, url=f"/notes/{name}/")


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def index(body: str) -> None:
    """What the index reads of a note: its citations and its links to notes."""
    written = note(body)
    citations(written)
    links, _ = note_links(written, LinkTargets([written, note("", "b")]))
    assert [link.target for link in links] == ["notes/b.md"]


@pytest.mark.parametrize("body", [
    "Read arXiv:2401.00001 in [[B]]. " + "`" * 12_000,  # took 87 s
    "See [[B]] and x.md: " + "[[" * 16_000,
    "See [[B]], x.md and arXiv:2401.00001: " + "[a](" * 16_000,
    "See [[B]], x.md, arXiv:2401.00001: " + "![" * 16_000,
    "See [[B]], x.md: " + "<" * 64_000,
], ids=["backticks", "double brackets", "link openings", "image openings", "angle brackets"])
def test_the_index_reads_long_runs_in_linear_time(body):
    assert seconds(lambda: index(body)) < SECONDS


@pytest.mark.parametrize("body", [
    ":::" * 8_000,  # took 25 s: the autolink rule read the rest of the text at each ':'
    "http:" * 8_000,
    "@fig-a " + "[@fig-" * 8_000,
    "@fig-a " + "[Fig. x " * 8_000,
    "@sec-" + "a-" * 30_000,
    "| a |\n|---|\n\n: " + " " * 60_000 + "{#tbl-x" * 8_000,
], ids=["colons", "protocols", "reference brackets", "reference prefixes", "label dashes",
        "caption spaces"])
def test_rendering_reads_long_runs_in_linear_time(tmp_path, body):
    context = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site")
    assert seconds(lambda: render_body(note(body), context)) < SECONDS


def test_the_importer_reads_a_line_of_brackets_in_linear_time():
    stream = "Alice's Daily Review\n" + "[" * 32_000 + "\nhttps://arxiv.org/abs/2401.00001\n"
    assert seconds(lambda: parse_stream(stream, "s.txt", default_date=date(2025, 1, 1))) \
        < SECONDS  # took 19 s


def test_a_note_of_backticks_citing_a_paper_builds_quickly(make_site, build_site):
    site = make_site({
        "content/notes/a.md": "---\ntitle: A\n---\nReads arXiv:2401.00001 closely.\n\n"
                              + "`" * 12_000 + "\n",
    })
    start = time.perf_counter()
    result = build_site(site)
    assert result.exit_code == 0 and time.perf_counter() - start < 3 * SECONDS
    assert result.html("/papers/2401.00001/").select_one("blockquote").get_text() == \
        "Reads arXiv:2401.00001 closely."


ADVERSARIAL_RUNS = {  # name -> a body of N repetitions of a run that parsers may read again
    "callout openers": lambda n: "> [!" * n,  # 5-7 s at 32,000 (linear; a costly step each)
    "callout openers on lines": lambda n: "> [!\n" * n,
    "emphasis never closed": lambda n: "*a **b " * n,
    "emphasis nested and closed": lambda n: "*a **b " * n + " b** a*" * n,
    "underscores": lambda n: "_a" * n,
    "backtick runs of every length": lambda n: " ".join("`" * (i % 40 + 1) for i in range(n)),
    "brackets nested and closed": lambda n: "[" * n + "]" * n,
    "links nested": lambda n: "[a " * n + "](x)" * n,
    "image openings": lambda n: "![" * n,
    "wikilink openings": lambda n: "[[a|" * n,
    "footnote openings": lambda n: "[^a" * n,
    "angle brackets": lambda n: "<a" * n,
    "dollars": lambda n: "$a" * n,
    "double dollars": lambda n: "$$a" * n,
    "braces": lambda n: "{" * n,
    "liquid openings": lambda n: "{%" * n,
    "shortcode openings": lambda n: "{{<" * n,
    "strikethrough": lambda n: "~~a" * n,
    "highlights": lambda n: "==a" * n,
    "entities": lambda n: "&" * n,
}


def cpu_seconds(work) -> float:
    """The CPU time WORK takes at best of two (a busy machine does not stretch CPU time much),
    without the garbage collector, whose passes cost what the whole process holds (in the
    suite, a 4,000-run took nine times a 1,000-run's time with it, four without)."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            work()
            times.append(time.process_time() - start)
    finally:
        gc.enable()
    return min(times)


@pytest.mark.parametrize("make", ADVERSARIAL_RUNS.values(), ids=ADVERSARIAL_RUNS.keys())
def test_rendering_adversarial_runs_takes_time_in_proportion_to_their_length(tmp_path, make):
    """Four times the run takes about four times as long (a step that reads the rest of the
    text at each character would take sixteen)."""
    context = BodyContext(site_dir=tmp_path, output_dir=tmp_path / "_site")

    def taking(size: int) -> float:
        return cpu_seconds(lambda: render_body(note(make(size)), context))

    size = 250
    taking(size)  # (what runs once: compiled patterns, imports)
    while (short := taking(size)) < 0.1:  # (shorter runs: a cache miss or a tick is 2x)
        size *= 2
    long = taking(4 * size)
    assert long < 8 * short, f"{size} took {short:.3f} s, {4 * size} took {long:.3f} s"
