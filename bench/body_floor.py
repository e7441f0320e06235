#!/usr/bin/env python3
"""margin's body rendering beside markdown-it-py's bare CommonMark preset, per note.

Every note of SITE is rendered both ways in turn (the order alternating), so that a loaded
machine slows both alike; the CPU time of each way is summed and told per note, with the load.
What margin's plugins and passes cost over the library's floor (docs/speed.md).

    .venv/bin/python bench/body_floor.py SITE [--passes 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from markdown_it import MarkdownIt

from margin.config import load_config
from margin.index import claim_urls
from margin.load import notes_from, read_sources
from margin.markdown.body import render_body
from margin.markdown.context import body_context


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--passes", type=int, default=3)
    options = parser.parse_args()
    config, _ = load_config(options.site)
    sources, _ = read_sources(config)
    notes, _ = notes_from(sources, config)
    claimed = claim_urls(notes)
    if not claimed.by_key:
        raise SystemExit(f"no notes in {options.site}")
    context = body_context(config, claimed.by_key, claimed.targets)
    commonmark = MarkdownIt("commonmark", {"html": True})
    ways = {"commonmark preset": lambda note: commonmark.render(note.body),
            "margin": lambda note: render_body(note, context)}
    for note in claimed.by_key.values():  # parsers made, lexers loaded, caches filled
        for render in ways.values():
            render(note)
    spent = dict.fromkeys(ways, 0.0)
    for number in range(options.passes):
        for position, note in enumerate(claimed.by_key.values()):
            names = list(ways) if (position + number) % 2 == 0 else list(reversed(ways))
            for name in names:
                start = time.process_time()
                ways[name](note)
                spent[name] += time.process_time() - start
    rendered = len(claimed.by_key) * options.passes
    for name, seconds in spent.items():
        print(f"{name}: {seconds / rendered * 1000:.3f} ms a note (CPU)")
    print(f"margin / commonmark: {spent['margin'] / spent['commonmark preset']:.2f}; "
          f"{len(claimed.by_key)} notes, {options.passes} passes; load average "
          + " ".join(f"{figure:.1f}" for figure in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
