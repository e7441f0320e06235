"""Generated research notes for tests that need a site big enough to fork build workers.

Deterministic (same count and seed, same bytes) and self-contained, so the tests that use it
run on a fresh clone. Each note has front matter (title, date, tags), headings, paragraphs with
emphasis, inline code, links to other generated notes and wikilinks to the graph fixture's
notes, and in some notes a code block, math, a table, a footnote or a task list.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

VOCABULARY = [
    "sketch", "probe", "ledger", "lattice", "orbit", "beacon", "cipher", "harbor", "meadow",
    "prism", "quartz", "ripple", "signal", "tundra", "vortex", "willow", "anchor", "bramble",
    "cobalt", "delta", "ember", "falcon", "glacier", "hollow", "inlet", "juniper", "kestrel",
    "lantern", "marble", "nectar", "oasis", "pebble", "quiver", "raven", "summit", "thicket",
    "umber", "valley", "walnut", "yonder", "zephyr", "estimate", "measure", "compare",
    "sample", "observe", "derive", "bound", "refine", "revisit",
]
TOPICS = [
    "retrieval", "optimisation", "reading-group", "statistics", "compilers", "causality",
    "robotics", "archives", "ecology", "linguistics", "proofs", "hardware", "geology",
    "acoustics", "cartography", "typography", "astronomy", "epidemiology", "logistics",
    "cryptography", "sociology", "optics",
]
GRAPH_NOTES = ["attention", "scaling", "attn"]  # notes (and an alias) of tests/sites/graph
START = date(2021, 3, 1)


def write_notes(site: Path, count: int, seed: int) -> list[Path]:
    """Write COUNT notes under SITE/content/posts/ and return their paths."""
    chance = random.Random(seed)
    slugs = [f"{_words(chance, 2, 4, '-')}-{number:04d}" for number in range(count)]
    folder = site / "content" / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, slug in enumerate(slugs):
        path = folder / f"{slug}.md"
        path.write_text(_note(chance, number, slugs), encoding="utf-8")
        paths.append(path)
    return paths


def _words(chance: random.Random, least: int, most: int, joiner: str = " ") -> str:
    return joiner.join(chance.choice(VOCABULARY) for _ in range(chance.randint(least, most)))


def _note(chance: random.Random, number: int, slugs: list[str]) -> str:
    day = START + timedelta(days=chance.randrange(1500))
    tags = sorted(set(chance.choices(TOPICS, k=chance.randint(1, 3))))
    head = ["---", f"title: {_words(chance, 2, 5).capitalize()} {number}",
            f"date: {day.isoformat()}", f"tags: [{', '.join(tags)}]", "---", ""]
    blocks = []
    for _ in range(chance.randint(2, 4)):
        blocks.append(f"## {_words(chance, 1, 3).capitalize()}")
        blocks.extend(_paragraph(chance, slugs) for _ in range(chance.randint(1, 3)))
        extra = chance.random()
        if extra < 0.15:
            blocks.append(_code(chance))
        elif extra < 0.3:
            blocks.append("$$\n\\sum_{k=1}^{n} w_k x_k \\le " + str(chance.randint(2, 9)) + "\n$$")
        elif extra < 0.4:
            blocks.append(_table(chance))
        elif extra < 0.5:
            blocks.append("- [x] " + _words(chance, 2, 5) + "\n- [ ] " + _words(chance, 2, 5))
    if chance.random() < 0.2:
        blocks.append(f"A closing remark.[^1]\n\n[^1]: {_words(chance, 3, 8).capitalize()}.")
    return "\n".join(head) + "\n\n".join(blocks) + "\n"


def _paragraph(chance: random.Random, slugs: list[str]) -> str:
    words = _words(chance, 12, 40).split()
    for _ in range(chance.randint(0, 4)):
        at = chance.randrange(len(words))
        kind = chance.random()
        if kind < 0.3:
            words[at] = f"*{words[at]}*"
        elif kind < 0.5:
            words[at] = f"`{words[at]}()`"
        elif kind < 0.75:
            words[at] = f"[{words[at]}]({chance.choice(slugs)}.md)"
        elif kind < 0.9:
            words[at] = f"[[{chance.choice(GRAPH_NOTES)}]]"
        else:
            words[at] = f"$x_{{{chance.randint(1, 9)}}}$"
    return " ".join(words).capitalize() + "."


def _code(chance: random.Random) -> str:
    name = _words(chance, 2, 2, "_")
    return (f"```python\ndef {name}(values):\n"
            f"    return sorted(values)[:{chance.randint(1, 20)}]\n```")


def _table(chance: random.Random) -> str:
    rows = ["| item | weight |", "| --- | ---: |"]
    rows += [f"| {chance.choice(VOCABULARY)} | {chance.randint(1, 99)} |" for _ in range(3)]
    return "\n".join(rows)
