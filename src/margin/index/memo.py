"""The per-note work of indexing, done directly (a build) or remembered between runs (the live
server, where a save changes one note and the other 3,999 answers are still good).

A note's links depend on the note and on the answers the link-name table gave it; its citations
on the note alone; its related notes on the tags, papers and dates of the notes sharing a tag
or a paper with it. The memo keeps each answer with what it depended on and works it out again
only when one of those changed, so `margin serve` indexes in milliseconds with the same results
as a full index (tests/test_serve_incremental.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from itertools import chain, compress
from operator import is_not, ne
from types import MappingProxyType
from typing import Any

from margin.collector import collector_paused
from margin.diagnostics import Diagnostic
from margin.index.claims import Claims
from margin.index.links import LinkTargets, Resolution, link_names, note_links
from margin.index.papers import citations
from margin.index.related import RelatedScorer, related_notes
from margin.index.steps import IndexSteps
from margin.model import Citation, Link, Note


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
        # (order, notes, links by key, problems by key), (order, notes, citations by key)
        self._all_links: tuple[Any, ...] | None = None
        self._all_citations: tuple[Any, ...] | None = None
        self._claims: tuple[list[Note], Claims] | None = None  # the notes, what they claimed
        self._target_notes: list[Note] | None = None

    def claims(self, notes: list[Note]) -> Claims:
        """The last run's claims again, with the notes that are other objects in place, while
        those claim as their last objects did (same key, URL, choice of it, old URLs) and
        these had their URLs as asked; else claimed afresh."""
        last = self._claims
        if last is not None and len(last[0]) == len(notes):
            before, found = last
            other = list(compress(range(len(notes)), map(is_not, before, notes)))
            if all(_claims_alike(before[at], notes[at])
                   and found.by_key.get(notes[at].key) is before[at] for at in other):
                if other:
                    by_key = dict(found.by_key)
                    by_key.update((notes[at].key, notes[at]) for at in other)
                    found = replace(found, by_key=by_key)
                self._claims = (notes, found)
                return found
        found = super().claims(notes)
        self._claims = (notes, found)
        return found

    def targets(self, notes: list[Note]) -> LinkTargets:
        """The last link-name table again while no note's names changed (only the notes that
        are other objects than the last run's, found in C, are looked at)."""
        same = self._targets is not None and len(notes) == len(self._names)
        last = self._target_notes
        self._target_notes = notes
        if last is not None and len(last) == len(notes):
            notes = list(compress(notes, map(is_not, last, notes)))
        for note in notes:
            kept = self._names.get(note.key)
            if kept is not None and _same(kept[0], note):
                continue
            names = link_names(note)
            same = same and kept is not None and kept[1] == names
            self._names[note.key] = (note, names)
        if same and self._targets is not None:
            return self._targets
        notes = self._target_notes
        keys = {note.key for note in notes}
        self._names = {k: v for k, v in self._names.items() if k in keys}
        self._targets = LinkTargets(notes, {k: names for k, (_, names) in self._names.items()})
        return self._targets

    def all_links(self, ordered: tuple[str, ...], notes: dict[str, Note], targets: LinkTargets
                  ) -> tuple[dict[str, tuple[Link, ...]], list[Diagnostic]]:
        """The last run's links, made again only for the notes that are other objects (found
        in C), while the order and the link-name table are the last run's."""
        last = self._all_links
        if last is None or not self._targets_unchanged or last[0] != ordered:
            outbound, problems = {}, {}
            for key in ordered:
                found, problems[key] = self.links(notes[key], targets)
                outbound[key] = tuple(found)
        else:
            outbound, problems = last[2], last[3]
            other = list(compress(ordered, map(is_not, map(last[1].get, ordered),
                                               map(notes.__getitem__, ordered))))
            if other:
                outbound, problems = dict(outbound), dict(problems)
            for key in other:
                found, problems[key] = self.links(notes[key], targets)
                outbound[key] = tuple(found)
        self._all_links = (ordered, notes, outbound, problems)
        return outbound, list(chain.from_iterable(map(problems.__getitem__, ordered)))

    def all_citations(self, ordered: tuple[str, ...], notes: dict[str, Note]
                      ) -> dict[str, list[Citation]]:
        """The last run's citations, made again only for the notes that are other objects."""
        last = self._all_citations
        if last is None or last[0] != ordered:
            cited = {key: self.citations(notes[key]) for key in ordered}
        else:
            cited = last[2]
            other = list(compress(ordered, map(is_not, map(last[1].get, ordered),
                                               map(notes.__getitem__, ordered))))
            if other:
                cited = dict(cited)
            for key in other:
                cited[key] = self.citations(notes[key])
        self._all_citations = (ordered, notes, cited)
        return cited

    def backlinks(self, outbound: dict[str, tuple[Link, ...]]) -> dict[str, tuple[Link, ...]]:
        """The last backlinks, with only the targets of the notes whose links changed redone
        (a note's links unchanged are the very same tuple: found in C)."""
        if self._backlinks is None:
            found = super().backlinks(outbound)
        else:
            last_outbound, last = self._backlinks
            if outbound is last_outbound:
                return last
            keys = tuple(outbound)
            changed = {*compress(keys, map(is_not, map(last_outbound.get, keys),
                                           outbound.values())),
                       *(last_outbound.keys() - outbound.keys())}
            changed = {k for k in changed if outbound.get(k) != last_outbound.get(k)}
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
                ) -> Mapping[str, tuple[str, ...]]:
        """(the same read-only view while nothing changed: the engine compares by identity)"""
        last = self._related
        if last is None or last.inputs.keys() != notes.keys():
            inputs = {key: _related_inputs(note, note_papers.get(key, ()))
                      for key, note in notes.items()}
            result = related_notes(notes, note_papers)  # every weight changes with the count
        else:  # (the notes that are other objects, or cite other papers, found in C)
            keys = tuple(notes)
            other = {*compress(keys, map(is_not, map(last.notes.get, keys), notes.values())),
                     *compress(keys, map(ne, map(last.papers.get, keys),
                                         map(note_papers.get, keys)))}
            inputs = dict(last.inputs) if other else last.inputs
            for key in other:
                inputs[key] = _related_inputs(notes[key], note_papers.get(key, ()))
            changed = [k for k in other if last.inputs[k] != inputs[k]]
            if not changed:
                last.notes, last.papers = notes, note_papers
                return last.view()
            scorer = RelatedScorer(notes, note_papers)
            reached = _reached(changed, last, inputs, scorer)
            result = {k: scorer.related(k) if k in reached else last.result[k] for k in notes}
        self._related = _RelatedRun(inputs, result, notes, note_papers)
        self._forget(notes)
        return self._related.view()

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
        state["_all_links"] = state["_all_citations"] = None  # (a live server's: by object)
        state["_claims"] = state["_target_notes"] = None
        state["_grouped"] = {}
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
    def __init__(self, inputs: dict[str, tuple], result: dict[str, tuple[str, ...]],
                 notes: dict[str, Note], papers: dict[str, tuple[str, ...]]):
        self.inputs, self.result = inputs, result
        self.notes, self.papers = notes, papers  # what INPUTS were made from
        self.by_tag: dict[str, set[str]] = {}
        self.by_paper: dict[str, set[str]] = {}
        for key, (tags, papers, _) in inputs.items():
            for tag in tags:
                self.by_tag.setdefault(tag, set()).add(key)
            for paper in papers:
                self.by_paper.setdefault(paper, set()).add(key)
        self._view: Mapping[str, tuple[str, ...]] | None = None

    def view(self) -> Mapping[str, tuple[str, ...]]:
        """RESULT, read-only: one view, made once (not pickled)."""
        if self._view is None:
            self._view = MappingProxyType(self.result)
        return self._view

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_view": None}


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


def _claims_alike(before: Note, note: Note) -> bool:
    """Whether NOTE claims a URL as BEFORE did (claims.py reads no more of a note)."""
    return (before.key, before.url, before.url_chosen, before.tool_url, bool(before.aliases)) \
        == (note.key, note.url, note.url_chosen, note.tool_url, bool(note.aliases))


def _same(kept: Note, note: Note) -> bool:
    return kept is note or kept == note
