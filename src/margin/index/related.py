"""Related notes: shared tags weighted by rarity, plus shared papers; a stable order."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from itertools import compress

from margin.model import Note

MAX_RELATED = 5
PAPER_WEIGHT = 3.0
# A tag on more notes than this says little about any two of them, and walking its notes for
# every member would make the index quadratic; it still counts, through the notes found otherwise.
CANDIDATE_TAG_LIMIT = 400


def related_notes(
    notes: dict[str, Note], note_papers: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Key -> up to five keys of the notes sharing the rarest tags and the most papers."""
    scorer = RelatedScorer(notes, note_papers)
    return {key: scorer.related(key) for key in notes}


class RelatedScorer:
    """What scoring needs about all notes, gathered once; then any note's list on its own (the
    live server recomputes only the notes a change can reach)."""

    def __init__(self, notes: dict[str, Note], note_papers: dict[str, tuple[str, ...]]):
        self.notes, self.note_papers = notes, note_papers
        total = max(len(notes), 1)
        self.by_tag: dict[str, list[str]] = defaultdict(list)
        for key, note in notes.items():
            for tag in note.tags:
                self.by_tag[tag.slug].append(key)
        self.by_paper: dict[str, list[str]] = defaultdict(list)
        for key, papers in note_papers.items():
            for paper in papers:
                self.by_paper[paper].append(key)
        self.tag_sets = {key: {tag.slug for tag in note.tags} for key, note in notes.items()}
        # Whether every tag's notes are listed once each (no note repeats a tag's slug)
        self._once = all(len(self.tag_sets[key]) == len(note.tags) for key, note in notes.items())
        self.weight = {tag: math.log(1 + total / len(keys)) for tag, keys in self.by_tag.items()}
        self.age = {key: _age(note) for key, note in notes.items()}
        # Every note's place in the tie-break order (newer first, then by key), to sort by.
        self.place = {key: place for place, key in
                      enumerate(sorted(notes, key=lambda key: (self.age[key], key)))}
        self._members: dict[str, set[str]] = {}  # a common tag's notes, as a set

    def related(self, key: str) -> tuple[str, ...]:
        weight, by_tag = self.weight, self.by_tag
        scores: dict[str, float] = {}
        common = []
        for tag in self.notes[key].tags:
            members = by_tag[tag.slug]
            if len(members) > CANDIDATE_TAG_LIMIT:
                common.append(tag.slug)
                continue
            tag_weight = weight[tag.slug]
            if not scores and self._once:
                scores = dict.fromkeys(members, tag_weight)  # what 0.0 + tag_weight gives each
            else:
                _add(scores, members, tag_weight)
        for paper in self.note_papers.get(key, ()):
            _add(scores, self.by_paper[paper], PAPER_WEIGHT)
        scores.pop(key, None)
        if len(common) == 1:  # each note in the tag gets its weight (as 0 + weight: the same)
            _add(scores, self._common_members(common[0]).intersection(scores), weight[common[0]])
        elif common:
            extras: dict[str, float] = {}
            for slug in common:  # summed per note as sum() would, in the same order: same floats
                tag_weight = weight[slug]
                for other in self._common_members(slug).intersection(scores):
                    extras[other] = extras.get(other, 0) + tag_weight
            for other, extra in extras.items():
                scores[other] += extra
        return self._best(scores)

    def _best(self, scores: dict[str, float]) -> tuple[str, ...]:
        """The MAX_RELATED best-scored keys: highest score (to 9 places) first, then newest,
        then by key. Scores take few distinct values, so this walks them from the top, taking
        each value's notes in tie-break order, rather than sorting every candidate."""
        values = sorted(set(scores.values()), reverse=True)
        chosen: list[str] = []
        at = 0
        while at < len(values) and len(chosen) < MAX_RELATED:
            rounded = round(values[at], 9)
            level = {values[at]}
            at += 1
            while at < len(values) and round(values[at], 9) == rounded:
                level.add(values[at])
                at += 1
            tied = list(compress(scores, map(level.__contains__, scores.values())))
            tied.sort(key=self.place.__getitem__)
            chosen += tied[: MAX_RELATED - len(chosen)]
        return tuple(other for other in chosen if scores[other] > 0)

    def _common_members(self, slug: str) -> set[str]:
        found = self._members.get(slug)
        if found is None:
            found = self._members[slug] = set(self.by_tag[slug])
        return found


def _add(scores: dict[str, float], keys: Iterable[str], weight: float) -> None:
    get = scores.get
    for key in keys:
        scores[key] = get(key, 0.0) + weight


def _age(note: Note) -> float:
    """Newer notes first among equals; undated notes after dated ones."""
    # (seconds since year 1, not timestamp(): local time has no offset for year 1's first day)
    return -(note.date - datetime.min).total_seconds() if note.date else math.inf
