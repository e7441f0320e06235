"""The README is the reference: every site.toml key and every template field is documented."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from margin.config import KEYS
from margin.pages import graph, views

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [k.name for k in KEYS])
def test_every_config_key_is_in_the_readme_table(key):
    assert re.search(rf"^\| `{key}` \|", README, re.MULTILINE), key


VIEWS = [views.NoteView, views.TagView, views.SiteView, views.SectionView, views.Pagination,
         views.MonthView, views.YearView, graph.Mention, graph.PaperView, graph.SeriesView]


@pytest.mark.parametrize(  # (a field named with a leading '_' is not for templates)
    "field", sorted({f.name for view in VIEWS for f in dataclasses.fields(view)
                     if not f.name.startswith("_")})
)
def test_every_template_field_is_in_the_readme(field):
    assert f"`{field}`" in README, field


def test_the_two_set_up_commands_are_marked_for_ci():
    assert README.count("<!-- setup-demo -->") == 1
    assert README.count("<!-- setup-tests -->") == 1
