"""The index reads note bodies as text: what counts as code, which sentence a link sits in, and
the memo a build keeps between runs (pickled in the cache), which must index exactly as afresh."""

from __future__ import annotations

import pickle
import re
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin.config import load_config
from margin.index import index_notes
from margin.index.memo import IndexMemo
from margin.index.text import MARK, PASSAGE_LIMIT, Passage, code_free_lines, passage_around
from margin.load import load


@pytest.mark.parametrize(("body", "expected"), [
    ("```\n[a](a.md)\n```\nafter", ["", "", "", "after"]),
    ("```python\ncode\n```", ["", "", ""]),  # a fence on the very first line
    ("~~~\nx\n```\ny\n~~~\nz", ["", "", "", "", "", "z"]),  # only a tilde fence closes it
    ("```\nx\n````\ny", ["", "", "", "y"]),  # a longer fence closes a shorter one
    ("a\n```\nb\nc", ["a", "", "", ""]),  # a fence left open runs to the end
    ("   ```\nin\n   ```\nout", ["", "", "", "out"]),  # fences may be indented three spaces
    ("    ```\nnot a fence", ["", "not a fence"]),  # four spaces: indented code, not a fence
    ("text\n\n    code\n    more\nback", ["text", "", "", "", "back"]),
    ("    code\ntext", ["", "text"]),  # indented code on the first line
    ("- item\n    continued", ["- item", "    continued"]),  # a list item's continuation
    ("`x`\n    code", ["   ", ""]),  # after a line that was all inline code: indented code
    ("a `b` c ``d`e`` f", ["a     c         f"]),  # inline code: as many spaces
])
def test_code_free_lines_blank_code_and_keep_line_numbers(body, expected):
    assert code_free_lines(body) == expected


def code_free_by_definition(body: str) -> list[str]:
    """code_free_lines() as the rules say it, one line after another (slow but plain)."""
    lines = body.split("\n")
    fence = None
    for number, line in enumerate(lines):
        opener = re.match(r" {0,3}(`{3,}|~{3,})", line)
        if opener and (fence is None or opener.group(1).startswith(fence)):
            fence = opener.group(1)[:3] if fence is None else None
            lines[number] = ""
        elif fence is not None or (line.startswith("    ") and  # indented code after a blank
                                   (number == 0 or not lines[number - 1].strip())):
            lines[number] = ""
        else:
            # CommonMark: a run of backticks opens a span the next run of as many closes
            lines[number] = re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)",
                                   lambda m: " " * len(m.group(0)), line)
    return lines


LINE_PIECES = ["```", "````", "~~~", "   ```js", "    ```", "    code", "  ", "", "`x`", "``a`b``",
               "`", "text [[Note]]", "[a](a.md)", "- item", "~~~~", "``` `x` ```", "a ``` b"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LINE_PIECES), max_size=3), max_size=12))
def test_code_free_lines_follow_the_rules_line_by_line(pieces):
    body = "\n".join(" ".join(line) for line in pieces)
    assert code_free_lines(body) == code_free_by_definition(body)


@pytest.mark.parametrize(("paragraph", "line", "column", "passage"), [
    ("First one. Second [a](a.md) here!", 0, 18, f"First one. Second {MARK}[a](a.md) here!"),
    ("- item one\nstill [[Note|label]] item. Next\n- other", 1, 6,
     f"item one\nstill {MARK}[[Note|label]] item. Next"),
    ("> quoted [[X]] text", 0, 9, f"quoted {MARK}[[X]] text"),
    ("- a\n    * nested [[X]] item\n    * next", 1, 13, f"nested {MARK}[[X]] item"),
    ("a `[[X]]` b\n\nafter", 0, 0, f"{MARK}a `[[X]]` b"),
])
def test_passage_around_is_the_paragraph_as_written_with_the_spot_marked(paragraph, line, column,
                                                                         passage):
    source = paragraph.split("\n")
    assert passage_around(source, code_free_lines(paragraph), line, column) == passage


def test_a_links_passage_is_the_passage_around_it_worked_out_when_read(make_site):
    site = make_site({
        "content/notes/reed.md": "# Reed\n\nTall grass.\n",
        "content/notes/bank.md": ("# Bank\n\n```\n[[reed]] in code\n```\n\n"
                                  "- Otters slide past [[reed]] beds. Then swim\n- away\n"),
    })
    config, _ = load_config(site)
    notes, _ = load(config)
    index, _ = index_notes(notes)
    (link,) = index.backlinks["notes/reed.md"]
    assert isinstance(link.context, Passage)
    body, line, column = link.context.body, link.context.line, link.context.column
    assert body is index.notes["notes/bank.md"].body  # held, not copied
    expected = passage_around(body.split("\n"), code_free_lines(body), line, column)
    assert str(link.context) == expected == f"Otters slide past {MARK}[[reed]] beds. Then swim"
    assert link.context == expected and link.context == Passage(body + "\n", line, column)
    assert link.context != Passage(body.replace("Otters", "Voles"), line, column)
    again = pickle.loads(pickle.dumps(link))
    assert again == link and str(again.context) == expected and hash(again) == hash(link)


def test_a_long_paragraph_is_cut_at_words_around_the_spot():
    paragraph = "word " * 2000 + "[[X]] " + "more " * 2000
    at = paragraph.index("[[X]]")
    passage = passage_around([paragraph], [paragraph], 0, at)
    assert len(passage) <= PASSAGE_LIMIT + 1 and f"{MARK}[[X]]" in passage
    assert passage.startswith("word ") and passage.endswith("more")


def test_the_index_memo_read_back_from_the_cache_indexes_as_afresh(make_site):
    """A build keeps the memo pickled between runs; read back, it must give the very index a
    fresh one gives, whatever the next run changed."""
    site = make_site({
        "content/posts/2025-01-01-alpha.md": "---\ntitle: Alpha\ntags: [ml]\n---\n"
                                            "Alpha links [[Beta]]. Then [gamma](gamma.md).\n",
        "content/posts/2025-01-08-beta.md": "---\ntitle: Beta\ntags: [ml, rare]\n---\n"
                                           "Beta cites arXiv:2401.00001 and [[Missing]].\n",
        "content/posts/gamma.md": "---\ntitle: Gamma\ntags: [rare]\n---\n"
                                  "Gamma goes back to [alpha](2025-01-01-alpha.md).\n",
    })
    config, _ = load_config(site)
    edits = [
        None,
        ("content/posts/gamma.md", "Gamma goes", "Gamma, longer now, goes"),  # a body
        ("content/posts/missing.md", None, "---\ntitle: Missing\n---\nNow here. [[Alpha]]\n"),
        ("content/posts/2025-01-08-beta.md", "tags: [ml, rare]", "tags: [rare]"),
        ("content/posts/2025-01-01-alpha.md", "title: Alpha", "title: Alpha two"),
    ]
    memo = IndexMemo()
    for edit in edits:
        if edit:
            path, old, new = edit
            file = site / path
            file.write_text(new if old is None else file.read_text().replace(old, new))
        notes, _ = load(config)
        remembered, remembered_problems = index_notes(notes, memo)
        fresh, fresh_problems = index_notes(notes)
        assert remembered_problems == fresh_problems
        for field in fields(fresh):
            got, expected = getattr(remembered, field.name), getattr(fresh, field.name)
            if field.name == "link_targets":
                got, expected = (got.names, got.by_path), (expected.names, expected.by_path)
            assert got == expected, (edit, field.name)
        assert any(remembered.links.values())  # there is something to compare
        memo = pickle.loads(pickle.dumps(memo, pickle.HIGHEST_PROTOCOL))
