"""The build-time pictures (pages/charts.py), read back through an HTML parser: which squares
and bars are drawn, what their titles and summaries say, and that no colour is hard-coded."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from margin.pages import charts


def svg(picture: charts.Picture) -> BeautifulSoup:
    return BeautifulSoup(str(picture.svg), "html.parser")


def cells(picture: charts.Picture) -> list:
    """The day squares (the legend's squares have no x inside the grid's rows)."""
    return [rect for rect in svg(picture).find_all("rect") if rect.find("title") or
            not _is_legend(rect)]


def _is_legend(rect) -> bool:
    return int(rect["y"]) > 16 + 7 * (charts.CELL + charts.GAP)


def titles(picture: charts.Picture) -> list[str]:
    return [t.get_text() for t in svg(picture).select("rect > title")]


# ------------------------------------------------------------------ heat map


@pytest.mark.parametrize(("count", "most", "level"), [
    (0, 5, 0), (1, 1, 4), (1, 4, 1), (2, 4, 2), (3, 4, 3), (4, 4, 4), (1, 100, 1), (0, 0, 0),
])
def test_heat_level_is_a_share_of_the_busiest_day(count, most, level):
    assert charts.heat_level(count, most) == level


def test_no_dates_no_heatmap():
    assert charts.heatmap([]) is None


def test_heatmap_draws_52_weeks_up_to_the_newest_note_and_no_day_after_it():
    newest = date(2025, 2, 22)  # a Saturday: its week column stops at Saturday
    picture = charts.heatmap([newest])
    grid = cells(picture)
    assert len(grid) == 51 * 7 + newest.weekday() + 1
    soup = svg(picture)
    assert soup.svg["role"] == "img"
    assert soup.svg["aria-label"] == "Notes per day, 52 weeks to 22 February 2025"
    assert soup.svg.find("title", recursive=False).get_text() == soup.svg["aria-label"]


def test_heatmap_squares_say_their_count_and_day_and_shade_by_count():
    days = [date(2025, 2, 3)] * 3 + [date(2025, 2, 5), date(2025, 2, 22)]
    picture = charts.heatmap(days)
    assert sorted(titles(picture)) == sorted([
        "3 notes on 3 February 2025", "1 note on 5 February 2025", "1 note on 22 February 2025",
    ])
    by_title = {r.find("title").get_text(): r["class"] for r in cells(picture) if r.find("title")}
    assert by_title["3 notes on 3 February 2025"] == ["heat-4"]
    assert by_title["1 note on 5 February 2025"] == ["heat-2"]
    empty = [r for r in cells(picture) if not r.find("title")]
    assert empty and all(r["class"] == ["heat-0"] for r in empty)


def test_heatmap_summary_names_the_total_and_the_busiest_week():
    days = [date(2025, 2, 3), date(2025, 2, 4), date(2025, 2, 9), date(2025, 2, 12),
            date(2025, 2, 22)]
    picture = charts.heatmap(days)
    assert picture.summary == ("5 notes in the 52 weeks to 22 February 2025; most in the week "
                               "of 3 February 2025 (3 notes).")


def test_notes_older_than_the_window_are_left_out_of_squares_and_summary():
    old = date(2023, 6, 1)
    picture = charts.heatmap([old, old, date(2025, 2, 22)])
    assert titles(picture) == ["1 note on 22 February 2025"]
    assert picture.summary.startswith("1 note in the 52 weeks")


def test_heatmap_writes_no_colours_only_classes():
    picture = charts.heatmap([date(2025, 1, d) for d in range(1, 20)])
    assert not re.search(r"\b(fill|stroke|style|color)=", str(picture.svg))
    shades = {c for r in svg(picture).find_all("rect") for c in r["class"]}
    assert shades <= {f"heat-{n}" for n in range(charts.HEAT_LEVELS + 1)}


def test_heatmap_has_a_five_step_legend():
    legend = [r for r in svg(charts.heatmap([date(2025, 2, 22)])).find_all("rect")
              if _is_legend(r)]
    assert [r["class"] for r in legend] == [[f"heat-{n}"] for n in range(5)]


def test_month_labels_never_crowd_each_other():
    for newest in (date(2025, 2, 22), date(2024, 12, 31), date(2025, 7, 14), date(2026, 3, 2)):
        soup = svg(charts.heatmap([newest]))
        months = [t for t in soup.find_all("text") if t.get_text() not in ("Mon", "Wed", "Fri",
                                                                           "Less", "More")]
        xs = [float(t["x"]) for t in months]
        assert 11 <= len(xs) <= 13, newest
        assert all(b - a >= 3 * (charts.CELL + charts.GAP) for a, b in pairwise(xs)), newest


def test_a_title_cannot_inject_markup():
    picture = charts.month_bars([date(2025, 1, 1)], what='Notes tagged “<b>&"x"</b>”')
    soup = svg(picture)
    assert soup.find("b") is None
    assert soup.svg["aria-label"].startswith('Notes tagged “<b>&"x"</b>” per month')


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
                min_size=1, max_size=80))
def test_heatmap_squares_add_up_to_the_notes_in_the_window(days):
    picture = charts.heatmap(days)
    end = max(days)
    first = charts.week_start(end) - timedelta(weeks=51)
    inside = [d for d in days if first <= d <= end]
    counted = sum(int(t.split()[0]) for t in titles(picture))
    assert counted == len(inside)
    assert picture.summary.startswith(f"{len(inside)} note")


# ------------------------------------------------------------------ bars per month


def test_no_dates_no_bars():
    assert charts.month_bars([]) is None


def test_bars_span_a_year_at_least_ending_at_the_newest_month():
    picture = charts.month_bars([date(2025, 2, 8), date(2025, 2, 22), date(2024, 12, 1)])
    labels = [t.get_text() for t in svg(picture).find_all("text")
              if "chart-label" in t["class"] and "chart-year" not in t["class"]]
    assert labels == list("MAMJJASONDJF")
    assert sorted(titles(picture)) == ["1 note in December 2024", "2 notes in February 2025"]
    assert picture.summary == ("Notes: 3 notes from March 2024 to February 2025, most in "
                               "February 2025 (2 notes).")


def test_bars_stop_at_24_months_and_heights_follow_counts():
    days = [date(2021, 5, 1)] + [date(2025, 2, 1)] * 4 + [date(2025, 1, 1)] * 2
    picture = charts.month_bars(days)
    soup = svg(picture)
    labels = [t for t in soup.find_all("text") if t["class"] == ["chart-label"]]
    assert len(labels) == 24
    bars = {b.find("title").get_text(): int(b["height"]) for b in soup.select("rect.bar")}
    assert bars == {"4 notes in February 2025": charts.BAR_HEIGHT,
                    "2 notes in January 2025": charts.BAR_HEIGHT // 2}
    values = [t.get_text() for t in soup.select("text.chart-value")]
    assert values == ["2", "4"]


def test_bars_write_no_colours_only_classes():
    picture = charts.month_bars([date(2025, 1, 1), date(2024, 3, 3)])
    assert not re.search(r"\b(fill|stroke|style|color)=", str(picture.svg))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)),
                min_size=1, max_size=60))
def test_bar_titles_add_up_to_the_notes_in_the_months_shown(days):
    picture = charts.month_bars(days)
    months = Counter((d.year, d.month) for d in days)
    newest = max(months)
    shown = {m for m in months if (newest[0] - m[0]) * 12 + newest[1] - m[1] < 24}
    counted = sum(int(t.split()[0]) for t in titles(picture))
    assert counted == sum(months[m] for m in shown)


# ------------------------------------------------------------------ tag cloud sizes


def test_size_buckets_run_from_one_to_five_on_a_log_scale():
    assert charts.size_buckets([1, 40]) == [1, 5]
    sizes = charts.size_buckets([1, 2, 3, 5, 10, 40])
    assert sizes == sorted(sizes)
    assert sizes[0] == 1 and sizes[-1] == 5
    assert charts.size_buckets([2, 4, 8, 16, 32]) == [1, 2, 3, 4, 5]  # equal ratios, equal steps


def test_equal_counts_get_one_size_and_nothing_gets_nothing():
    assert charts.size_buckets([3, 3, 3]) == [1, 1, 1]
    assert charts.size_buckets([]) == []


# ------------------------------------------------------------------ in the built pages


def _note(day: str, tags: str, title: str) -> str:
    return f"---\ntitle: {title}\ndate: {day}\ntags: [{tags}]\n---\nText.\n"


@pytest.fixture
def pictured(make_site, build_site):
    files = {
        "content/posts/a.md": _note("2025-02-03", "ml, reading", "A"),
        "content/posts/b.md": _note("2025-02-05", "ml", "B"),
        "content/posts/c.md": _note("2025-01-10", "ml", "C"),
        "content/posts/d.md": _note("2024-11-02", "systems", "D"),
        "content/notes/e.md": "---\ntitle: E\ntags: [evergreen]\n---\nNo date.\n",
    }
    files.update({f"content/notes/t{n:02}.md": f"---\ntitle: T{n}\ntags: [z{n:02}]\n---\nx\n"
                  for n in range(28)})
    result = build_site(make_site(files))
    assert result.exit_code == 0, result.stderr
    return result


def test_the_archive_opens_with_the_heatmap_and_its_summary(pictured):
    soup = pictured.html("/archive/")
    figure = soup.select_one("main figure.chart--heatmap")
    assert figure is not None
    assert figure.find_previous("h2") is None  # before the first year
    assert len(figure.select("svg rect title")) == 4
    caption = figure.find("figcaption")
    assert "visually-hidden" in caption["class"]
    assert caption.get_text(strip=True) == (
        "4 notes in the 52 weeks to 5 February 2025; most in the week of 3 February 2025 "
        "(2 notes).")


def test_a_tag_page_shows_its_notes_per_month(pictured):
    figure = pictured.html("/tags/ml/").select_one("main figure.chart--months")
    assert sorted(t.get_text() for t in figure.select("rect.bar title")) == [
        "1 note in January 2025", "2 notes in February 2025"]
    assert figure.svg["aria-label"] == "Notes tagged “ml” per month, March 2024 to February 2025"
    assert pictured.html("/tags/evergreen/").select_one("figure.chart") is None  # undated only
    assert pictured.html("/posts/").select_one("figure.chart") is None  # sections have none


def test_the_home_page_cloud_sizes_the_most_used_tags(pictured):
    section = pictured.html("/").select_one("section[aria-labelledby=all-tags]")
    chips = section.select("ul.tag-cloud a.tag")
    names = [a.contents[0].strip() for a in chips]
    assert len(names) == 30  # of 33 tags
    assert names == sorted(names, key=str.casefold)
    size = {a.contents[0].strip(): next(c for c in a["class"] if c.startswith("tag-size-"))
            for a in chips}
    assert size["ml"] == "tag-size-5"
    assert size["reading"] == size["systems"] == "tag-size-1"
    assert {"ml", "reading", "systems"} <= set(names)
    assert section.find("h2").get_text() == "Most-used tags"
    assert section.select_one("p.more a")["href"] == "/tags/"
