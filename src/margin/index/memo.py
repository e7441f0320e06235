"""The per-note work of indexing, done directly (a build) or remembered between runs (the live
server, where a save changes one note and the other 3,999 answers are still good).

A note's links depend on the note and on the answers the link-name table gave it; its citations
on the note alone; its related notes on the tags, papers and dates of the notes sharing a tag
or a paper with it. The memo keeps each answer with what it depended on and works it out again
only when one of those changed, so `margin serve` indexes in milliseconds with the same results
as a full index (tests/test_serve_incremental.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from margin.collector import collector_paused
from margin.diagnostics import Diagnostic
from margin.index.links import LinkTargets, Resolution, backlinks, link_names, note_links
from margin.index.papers import citations
from margin.index.related import RelatedScorer, related_notes
from margin.model import Citation, Link, Note


class IndexSteps:
    """The per-note steps of index_notes(), each done from scratch."""

    def targets(self, notes: list[Note]) -> LinkTargets:
        return LinkTargets(notes)

    def begin(self, targets: LinkTargets) -> None:
        """A new index run starts, with this link-name table."""

    def links(self, note: Note, targets: LinkTargets) -> tuple[list[Link], list[Diagnostic]]:
        return note_links(note, targets)

    def citations(self, note: Note) -> list[Citation]:
        return citations(note)

    def backlinks(self, outbound: dict[str, tuple[Link, ...]]) -> dict[str, tuple[Link, ...]]:
        # by source key: already in the order backlinks() sorts to, which makes its sort quick
        return backlinks([link for key in sorted(outbound) for link in outbound[key]])

    def related(self, notes: dict[str, Note], note_papers: dict[str, tuple[str, ...]]
                ) -> dict[str, tuple[str, ...]]:
        return related_notes(notes, note_papers)

    def grouped(self, group: Callable[[tuple[str, ...], dict[str, Note]], Any],
                keys: tuple[str, ...], notes: dict[str, Note], read: Callable[[Note], Any]
                ) -> Any:
        """GROUP(KEYS, NOTES): the notes grouped (by tag, month, section, series), reading
        READ(note) of each note of KEYS, in that order."""
        return group(keys, notes)


DIRECT = IndexSteps()


class IndexMemo(IndexSteps):
    """The same steps, answers kept between runs while what they depend on is unchanged."""

    def __init__(self) -> None:
        self._citations: dict[str, tuple[Note, list[Citation]]] = {}
        self._links: dict[str, tuple[Note, list[Link], list[Diagnostic], _Asked]] = {}
        self._tables: tuple[Any, Any] | None = None
        self._targets_unchanged = False
        self._related: _RelatedRun | None = None
        self._names: dict[str, tuple[Note, frozenset[str]]] = {}
        self._targets: LinkTargets | None = None
        self._backlinks: tuple[dict, dict] | None = None
        self._grouped: dict[Callable[..., Any], tuple[tuple[Any, ...], Any]] = {}

    def targets(self, notes: list[Note]) -> LinkTargets:
        """The last link-name table again while no note's names changed."""
        same = self._targets is not None and len(notes) == len(self._names)
        for note in notes:
            kept = self._names.get(note.key)
            if kept is not None and _same(kept[0], note):
                continue
            names = link_names(note)
            same = same and kept is not None and kept[1] == names
            self._names[note.key] = (note, names)
        if same and self._targets is not None:
            return self._targets
        keys = {note.key for note in notes}
        self._names = {k: v for k, v in self._names.items() if k in keys}
        self._targets = LinkTargets(notes, {k: names for k, (_, names) in self._names.items()})
        return self._targets

    def backlinks(self, outbound: dict[str, tuple[Link, ...]]) -> dict[str, tuple[Link, ...]]:
        """The last backlinks, with only the targets of the notes whose links changed redone."""
        if self._backlinks is None:
            found = super().backlinks(outbound)
        else:
            last_outbound, last = self._backlinks
            changed = {k for k in outbound.keys() | last_outbound.keys()
                       if outbound.get(k) != last_outbound.get(k)}
            if not changed:
                return last
            targets = {link.target for k in changed
                       for link in (*last_outbound.get(k, ()), *outbound.get(k, ()))}
            found = dict(last)
            for target in targets:
                kept = [link for link in last.get(target, ()) if link.source not in changed]
                kept += [link for k in changed for link in outbound.get(k, ())
                         if link.target == target]
                kept.sort(key=lambda link: (link.source, link.line))
                if kept:
                    found[target] = tuple(kept)
                else:
                    found.pop(target, None)
        self._backlinks = (outbound, found)
        return found

    def grouped(self, group: Callable[[tuple[str, ...], dict[str, Note]], Any],
                keys: tuple[str, ...], notes: dict[str, Note], read: Callable[[Note], Any]
                ) -> Any:
        """The last grouping again while the keys and what it reads of each note are equal
        (compared in C, the same objects most of them: a save changes one note)."""
        read_now = (keys, tuple(map(read, map(notes.__getitem__, keys))))
        kept = self._grouped.get(group)
        if kept is not None and kept[0] == read_now:
            return kept[1]
        found = group(keys, notes)
        self._grouped[group] = (read_now, found)
        return found

    def begin(self, targets: LinkTargets) -> None:
        tables = (targets.names, targets.by_path)
        self._targets_unchanged = tables == self._tables
        self._tables = tables

    def links(self, note: Note, targets: LinkTargets) -> tuple[list[Link], list[Diagnostic]]:
        kept = self._links.get(note.key)
        if kept is not None and _same(kept[0], note) and (
                self._targets_unchanged or _still(kept[3], targets)):
            return kept[1], kept[2]
        asking = _Asking(targets)
        found, problems = note_links(note, asking)  # type: ignore[arg-type]
        self._links[note.key] = (note, found, problems, asking.asked())
        return found, problems

    def citations(self, note: Note) -> list[Citation]:
        kept = self._citations.get(note.key)
        if kept is not None and _same(kept[0], note):
            return kept[1]
        found = citations(note)
        self._citations[note.key] = (note, found)
        return found

    def related(self, notes: dict[str, Note], note_papers: dict[str, tuple[str, ...]]
                ) -> dict[str, tuple[str, ...]]:
        inputs = {key: _related_inputs(note, note_papers.get(key, ()))
                  for key, note in notes.items()}
        last = self._related
        if last is None or last.inputs.keys() != inputs.keys():
            result = related_notes(notes, note_papers)  # every weight changes with the count
        else:
            changed = [k for k, value in inputs.items() if last.inputs[k] != value]
            if not changed:
                return last.result
            scorer = RelatedScorer(notes, note_papers)
            reached = _reached(changed, last, inputs, scorer)
            result = {k: scorer.related(k) if k in reached else last.result[k] for k in notes}
        self._related = _RelatedRun(inputs, result)
        self._forget(notes)
        return result

    def _forget(self, notes: dict[str, Note]) -> None:
        for kept in (self._links, self._citations):
            for key in [k for k in kept if k not in notes]:
                del kept[key]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled compactly (`margin build` keeps it between runs: incremental/build.py): each
        note's links as one flat tuple rather than objects, backlinks left to be worked out
        again. Far fewer objects make the snapshot much quicker to read back."""
        state = self.__dict__.copy()
        state["_links"] = {key: (note, _flat(found), problems, asked)
                           for key, (note, found, problems, asked) in self._links.items()}
        state["_backlinks"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        with collector_paused():
            state["_links"] = {key: (note, _unflat(key, flat), problems, asked)
                               for key, (note, flat, problems, asked) in state["_links"].items()}
        self.__dict__.update(state)


def _flat(links: list[Link]) -> tuple[str | int, ...]:
    """A note's links as (target, line, context, target, line, context, ...)."""
    return tuple(value for link in links for value in (link.target, link.line, link.context))


def _unflat(source: str, flat: tuple) -> list[Link]:
    return [Link(source, *flat[at : at + 3]) for at in range(0, len(flat), 3)]


# What note_links() asked the link-name table: the names it resolved (from which folder), with
# their answers; the
# note paths it found; the note paths it looked for in vain. (Plain tuples: they are pickled
# with the memo, and a path found is the note's own key string, which the pickle shares.)
_Asked = tuple[tuple[tuple[tuple[str, str | None], tuple[str, ...]], ...], tuple[str, ...],
               tuple[str, ...]]


def _still(asked: _Asked, targets: LinkTargets) -> bool:
    """Whether TARGETS gives every answer it gave when ASKED was written down."""
    names, found, missing = asked
    paths = targets.by_path
    return (all(map(paths.__contains__, found)) and not any(map(paths.__contains__, missing))
            and all(targets.resolve(*name).keys == keys for name, keys in names))


class _Asking:
    """A LinkTargets that writes down what it was asked."""

    def __init__(self, targets: LinkTargets):
        self.targets = targets
        self.names: list[tuple[tuple[str, str | None], tuple[str, ...]]] = []
        self.by_path = _PathsAsking(targets.by_path)

    def resolve(self, target: str, folder: str | None = None) -> Resolution:
        answer = self.targets.resolve(target, folder)
        self.names.append(((target, folder), answer.keys))
        return answer

    def asked(self) -> _Asked:
        return tuple(self.names), tuple(self.by_path.found), tuple(self.by_path.missing)


class _PathsAsking:
    """LinkTargets.by_path (where a note's key is its own path), writing down each lookup."""

    def __init__(self, paths: dict[str, str]):
        self.paths = paths
        self.found: list[str] = []
        self.missing: list[str] = []

    def get(self, path: str) -> str | None:
        answer = self.paths.get(path)
        if answer is None:
            self.missing.append(path)
        else:
            self.found.append(answer)
        return answer


class _RelatedRun:
    def __init__(self, inputs: dict[str, tuple], result: dict[str, tuple[str, ...]]):
        self.inputs, self.result = inputs, result
        self.by_tag: dict[str, set[str]] = {}
        self.by_paper: dict[str, set[str]] = {}
        for key, (tags, papers, _) in inputs.items():
            for tag in tags:
                self.by_tag.setdefault(tag, set()).add(key)
            for paper in papers:
                self.by_paper.setdefault(paper, set()).add(key)


def _related_inputs(note: Note, papers: tuple[str, ...]) -> tuple:
    """All a note contributes to anyone's related notes: its tags, papers and date."""
    return (tuple(tag.slug for tag in note.tags), papers, note.date)


def _reached(changed: list[str], last: _RelatedRun, inputs: dict[str, tuple],
             scorer: RelatedScorer) -> set[str]:
    """The notes whose related lists a change to CHANGED can alter: those notes, the members of
    a tag or paper they joined or left (its weight changed too), and, when a date moved, every
    note sharing a tag or paper with them (ties are broken by date)."""
    reached = set(changed)
    for key in changed:
        old_tags, old_papers, old_date = last.inputs[key]
        tags, papers, date = inputs[key]
        moved_tags = set(old_tags) ^ set(tags)
        moved_papers = set(old_papers) ^ set(papers)
        if old_date != date:
            moved_tags |= set(old_tags) | set(tags)
            moved_papers |= set(old_papers) | set(papers)
        for tag in moved_tags:
            reached |= last.by_tag.get(tag, set())
            reached.update(scorer.by_tag.get(tag, ()))
        for paper in moved_papers:
            reached |= last.by_paper.get(paper, set())
            reached.update(scorer.by_paper.get(paper, ()))
    return reached


def _same(kept: Note, note: Note) -> bool:
    return kept is note or kept == note
