"""incremental/pageprint.py spells a value by its repr() only when that says exactly what it is;
the check, which looks at a dict of atoms (a heading) without a call, must agree with the plain
recursive one on any nesting."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from margin.incremental.pageprint import _spelled

_ATOMS = (str, int, float, bool, type(None))


def plainly_spelled(value: object, depth: int = 3) -> bool:
    if type(value) in _ATOMS:
        return True
    if depth == 0:
        return False
    if type(value) in (tuple, list):
        return all(plainly_spelled(item, depth - 1) for item in value)
    if type(value) is dict:
        return all(type(key) in _ATOMS and plainly_spelled(item, depth - 1)
                   for key, item in value.items())
    return False


_LEAVES = st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans(),
                    st.just(datetime(2025, 2, 8)), st.just(frozenset()))
_VALUES = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=2), st.integers(), st.just((1,))), inner,
                    max_size=4)), max_leaves=12)


@given(_VALUES)
def test_a_value_is_spelled_by_repr_exactly_when_the_plain_check_says_so(value):
    assert _spelled(value) == plainly_spelled(value)
