"""A note's word count (reading time, JSON-LD wordCount) is counted without splitting the text
into words; it must be exactly what str.split() would give, for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from margin.markdown.facts import word_count

_ODD_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u2003\u3000"


def test_words_are_counted_as_split_counts_them():
    for text in ("", " ", "one", " one two  three ", "a\x1cb\x1fc", "tab\tand\nline",
                 "é and ü", "no\u2003break", "\x00\x7f x"):
        assert word_count(text) == len(text.split()), repr(text)


@given(st.text(alphabet=st.sampled_from(list(_ODD_SPACES) + list("ab\x00\x7fé"))))
def test_any_text_counts_as_many_words_as_split_finds(text):
    assert word_count(text) == len(text.split())
