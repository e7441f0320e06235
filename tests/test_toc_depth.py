"""A note's table of contents indents each heading by the place of its level among the levels
the note uses (`depth`, which templates can read too), and shows the first three of them."""

from __future__ import annotations

NOTE = """\
---
title: Deep
layout: {layout}
---
## Two

#### Four

### Three

##### Five

###### Six

## Two again
"""


def test_the_toc_indents_by_the_levels_the_note_uses_and_shows_three(make_site, build_site):
    result = build_site(make_site({"content/notes/deep.md": NOTE.format(layout="none")}))
    assert result.exit_code == 0, result.stderr
    toc = result.html("/notes/deep/").select_one("nav.toc")
    shown = [(li.get_text(strip=True), li["class"]) for li in toc.find_all("li")]
    assert shown == [("Two", ["toc-depth-0"]), ("Four", ["toc-depth-2"]),
                     ("Three", ["toc-depth-1"]), ("Two again", ["toc-depth-0"])]


def test_a_template_reads_each_headings_depth(make_site, build_site):
    site = make_site({
        "content/notes/deep.md": NOTE.format(layout="flat"),
        "templates/flat.html": (
            '{% for heading in note.toc %}<p class="h" data-level="{{ heading.level }}" '
            'data-depth="{{ heading.depth }}">{{ heading.text }}</p>{% endfor %}'),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    found = [(p.get_text(), p["data-level"], p["data-depth"])
             for p in result.html("/notes/deep/").select("p.h")]
    assert found == [("Two", "2", "0"), ("Four", "4", "2"), ("Three", "3", "1"),
                     ("Five", "5", "3"), ("Six", "6", "4"), ("Two again", "2", "0")]
