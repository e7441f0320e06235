"""The engine's maps changed in proportion to a change (incremental/layered.py): whatever the
sequence of changes, a layered map reads as the dictionary it stands for, never changes the
map it was made from, and is saved as that dictionary."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from margin.incremental.layered import Layered, changed, plain

KEYS = st.sampled_from([f"n{number}.md" for number in range(12)])
STEP = st.tuples(st.dictionaries(KEYS, st.integers(0, 3), max_size=4),
                 st.lists(KEYS, max_size=3))


@given(st.dictionaries(KEYS, st.integers(0, 3)), st.lists(STEP, max_size=30))
def test_any_sequence_of_changes_reads_as_the_dictionary_it_stands_for(start, steps):
    mapping, model = dict(start), dict(start)
    for updates, removed in steps:
        before, snapshot = mapping, dict(mapping.items())
        mapping = changed(mapping, updates, removed)
        for key in removed:
            if key not in updates:
                model.pop(key, None)
        model.update(updates)
        assert dict(before.items()) == snapshot  # (the last map is unchanged)
        assert len(mapping) == len(model) and sorted(mapping) == sorted(model)
        assert all(mapping[key] == value and key in mapping for key, value in model.items())
        assert plain(mapping) == model
        assert pickle.loads(pickle.dumps(mapping)) == model


def test_nothing_changed_is_the_same_map_and_changes_layer_until_they_grow():
    base = {f"n{number}.md": number for number in range(2000)}
    assert changed(base, {"n1.md": 1}, ["absent.md"]) is base
    layered = changed(base, {"n1.md": 10}, ["n2.md"])
    assert isinstance(layered, Layered) and base["n1.md"] == 1 and "n2.md" in base
    assert layered["n1.md"] == 10 and "n2.md" not in layered and len(layered) == 1999
    kinds = []
    for number in range(200):  # (past a part of the map: merged into one dictionary)
        layered = changed(layered, {f"new{number}.md": number})
        kinds.append(type(layered))
    assert kinds.count(dict) == 1 and len(layered) == 2199 and layered["n1.md"] == 10
    assert type(pickle.loads(pickle.dumps(changed(base, {"n1.md": 5})))) is dict
