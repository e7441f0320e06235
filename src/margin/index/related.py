"""Related notes: shared tags weighted by rarity, plus shared papers; a stable order."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

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
        self.weight = {tag: math.log(1 + total / len(keys)) for tag, keys in self.by_tag.items()}
        self.age = {key: _age(note) for key, note in notes.items()}

    def related(self, key: str) -> tuple[str, ...]:
        weight, by_tag = self.weight, self.by_tag
        scores: dict[str, float] = defaultdict(float)
        common = []
        for tag in self.notes[key].tags:
            members = by_tag[tag.slug]
            if len(members) > CANDIDATE_TAG_LIMIT:
                common.append(tag.slug)
                continue
            tag_weight = weight[tag.slug]
            for other in members:
                scores[other] += tag_weight
        for paper in self.note_papers.get(key, ()):
            for other in self.by_paper[paper]:
                scores[other] += PAPER_WEIGHT
        scores.pop(key, None)
        if common:
            tag_sets = self.tag_sets
            for other in scores:
                extra = 0  # summed as sum() would, in the same order: identical floats
                for slug in common:
                    if slug in tag_sets[other]:
                        extra += weight[slug]
                scores[other] += extra
        age = self.age
        best = heapq.nsmallest(MAX_RELATED, ((-round(score, 9), age[other], other, score)
                                             for other, score in scores.items()))
        return tuple(other for _, _, other, score in best if score > 0)


def _age(note: Note) -> float:
    """Newer notes first among equals; undated notes after dated ones."""
    return -note.date.timestamp() if note.date else math.inf
