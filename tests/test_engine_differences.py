"""The notes a live server's round looks at again (incremental/differences.py): the server's
hint when everything else is as it was, every changed note however incomplete the hint."""

from __future__ import annotations

from margin.incremental.differences import touched_notes


class Note:
    """A stand-in for a note object: compared by identity, as the engine compares them."""


def site(count: int = 4) -> tuple[dict[str, Note], dict[str, str]]:
    notes = {f"n{number}.md": Note() for number in range(count)}
    return notes, {key: f"body-of-{key}" for key in notes}


def test_a_true_hint_is_the_answer():
    seen_notes, seen_bodies = site()
    notes, bodies = dict(seen_notes), dict(seen_bodies)
    notes["n1.md"] = Note()
    assert touched_notes(notes, bodies, seen_notes, seen_bodies, {"n1.md"}) == {"n1.md"}


def test_a_note_the_hint_misses_is_found():
    seen_notes, seen_bodies = site()
    notes, bodies = dict(seen_notes), dict(seen_bodies)
    notes["n1.md"], notes["n3.md"] = Note(), Note()  # (the index moved n3 unsaved)
    assert touched_notes(notes, bodies, seen_notes, seen_bodies, {"n1.md"}) == {"n1.md",
                                                                                "n3.md"}


def test_a_body_rendered_again_or_a_note_gone_is_found_without_a_hint():
    seen_notes, seen_bodies = site()
    notes, bodies = dict(seen_notes), dict(seen_bodies)
    bodies["n2.md"] = "another body"
    del notes["n0.md"], bodies["n0.md"]
    assert touched_notes(notes, bodies, seen_notes, seen_bodies, set()) == {"n0.md", "n2.md"}
    assert touched_notes(notes, bodies, seen_notes, seen_bodies, {"n2.md"}) == {"n0.md",
                                                                                "n2.md"}
    assert touched_notes(notes, bodies, seen_notes, seen_bodies, {"n0.md", "n2.md"}) == {
        "n0.md", "n2.md"}
