"""Related notes: shared tags weighted by rarity, plus shared papers; a stable order."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

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
    total = max(len(notes), 1)
    by_tag: dict[str, list[str]] = defaultdict(list)
    for key, note in notes.items():
        for tag in note.tags:
            by_tag[tag.slug].append(key)
    by_paper: dict[str, list[str]] = defaultdict(list)
    for key, papers in note_papers.items():
        for paper in papers:
            by_paper[paper].append(key)
    tag_sets = {key: {tag.slug for tag in note.tags} for key, note in notes.items()}
    weight = {tag: math.log(1 + total / len(keys)) for tag, keys in by_tag.items()}

    related: dict[str, tuple[str, ...]] = {}
    for key, note in notes.items():
        scores: Counter[str] = Counter()
        common = []
        for tag in note.tags:
            if len(by_tag[tag.slug]) > CANDIDATE_TAG_LIMIT:
                common.append(tag.slug)
                continue
            for other in by_tag[tag.slug]:
                scores[other] += weight[tag.slug]
        for paper in note_papers.get(key, ()):
            for other in by_paper[paper]:
                scores[other] += PAPER_WEIGHT
        scores.pop(key, None)
        for other in scores:
            scores[other] += sum(weight[slug] for slug in common if slug in tag_sets[other])
        ranked = sorted(scores.items(), key=lambda item: (-round(item[1], 9), _age(notes[item[0]]),
                                                          item[0]))
        related[key] = tuple(other for other, score in ranked[:MAX_RELATED] if score > 0)
    return related


def _age(note: Note) -> float:
    """Newer notes first among equals; undated notes after dated ones."""
    return -note.date.timestamp() if note.date else math.inf
