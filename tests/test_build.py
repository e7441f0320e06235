"""Whole-site builds of small fixture sites, read back through an HTML parser."""

from __future__ import annotations

from margin.write import MARKER

WEEK = """\
---
layout: post
title: "Week one"
permalink: /reading//week-one
tags: ["LLMs", "AI"]
keywords: "papers, reading"
---
First paragraph of the week.
"""


def titles(soup, selector=".note-item__title"):
    return [a.get_text(strip=True) for a in soup.select(selector)]


def test_a_note_is_written_at_its_permalink_with_title_date_and_tags(make_site, build_site):
    site = make_site({"content/posts/2025-02-08-week.md": WEEK})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    page = result.html("/reading/week-one/")
    assert page.h1.get_text(strip=True) == "Week one"
    assert page.find("time")["datetime"] == "2025-02-08"
    assert page.find("time").get_text(strip=True) == "8 February 2025"
    assert titles(page, ".note-header .tag") == ["LLMs", "AI"]


def test_summary_line_counts_notes_pages_and_problems(make_site, build_site):
    site = make_site({"content/posts/2025-02-08-week.md": WEEK})
    result = build_site(site)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("margin: 1 note, ")
    assert "0 warnings, 0 errors in " in summary
    assert summary.endswith(" s")


def test_quiet_prints_nothing_on_success(make_site, build_site):
    site = make_site({"content/posts/2025-02-08-week.md": WEEK})
    result = build_site(site, "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_toml_front_matter_bom_and_crlf_are_read(make_site, build_site):
    site = make_site({
        "content/notes/toml.md": "+++\ntitle = 'From TOML'\ntags = ['x']\n+++\nBody\n",
        "content/notes/crlf.md": "\ufeff---\r\ntitle: With CRLF\r\n---\r\nBody\r\n".encode(),
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("/notes/toml/").h1.get_text(strip=True) == "From TOML"
    assert result.html("/notes/crlf/").h1.get_text(strip=True) == "With CRLF"


def test_title_falls_back_to_the_only_heading_then_the_file_name(make_site, build_site):
    site = make_site({
        "content/notes/one-heading.md": "# The Real Title\n\nText.\n",
        "content/notes/many-headings.md": "# Part one\n\nA\n\n# Part two\n\nB\n",
        "content/notes/empty-title.md": "---\ntitle:\n---\nNo heading here.\n",
    })
    result = build_site(site)
    page = result.html("/notes/one-heading/")
    assert page.h1.get_text(strip=True) == "The Real Title"
    assert len(page.find_all("h1")) == 1  # the heading became the title, not shown twice
    assert result.html("/notes/many-headings/").h1.get_text(strip=True) == "Many headings"
    assert result.html("/notes/empty-title/").h1.get_text(strip=True) == "Empty title"


def test_dates_come_from_front_matter_else_the_file_name_else_undated(make_site, build_site):
    site = make_site({
        "content/posts/2024-01-05-from-name.md": "---\ntitle: Named\n---\n",
        "content/posts/zoned.md": "---\ntitle: Zoned\ndate: 2024-03-01 10:30:00 +0100\n---\n",
        "content/notes/evergreen.md": "---\ntitle: Evergreen\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.path("/2024/01/05/from-name/").is_file()
    assert result.path("/2024/03/01/zoned/").is_file()
    assert result.path("/notes/evergreen/").is_file()
    archive = result.html("/archive/")
    assert [h.get_text(strip=True) for h in archive.find_all("h3")] == [
        "March 2024", "January 2024"
    ]
    undated = archive.find(id="undated").find_next("ul")
    assert titles(undated) == ["Evergreen"]


def test_tags_are_case_insensitive_and_shown_as_first_spelled(make_site, build_site):
    site = make_site({
        "content/posts/2025-01-01-old.md": "---\ntitle: Old\ntags: [LLMs]\n---\n",
        "content/posts/2025-02-01-new.md": "---\ntitle: New\ntags: llms, Deep Learning\n---\n",
        "content/posts/2025-03-01-jekyll.md": "---\ntitle: Jekyll\ntags: ml rl\n"
                                              "categories: [Research]\n---\n",
    })
    result = build_site(site)
    tag_page = result.html("/tags/llms/")
    assert tag_page.h1.get_text() == "Tagged “LLMs”"
    assert titles(tag_page) == ["New", "Old"]
    assert titles(result.html("/tags/deep-learning/")) == ["New"]
    assert titles(result.html("/2025/03/01/jekyll/"), ".note-header .tag") == [
        "ml", "rl", "Research"
    ]
    index = result.html("/tags/")
    counts = {a.get_text(strip=True): a.find_next(class_="count").get_text()
              for a in index.select(".tag-index .tag")}
    assert counts == {"Deep Learning": "1", "LLMs": "2", "ml": "1", "Research": "1", "rl": "1"}


def test_tag_pages_are_paginated(make_site, build_site):
    notes = {f"content/posts/2025-01-{day:02d}-n{day}.md": f"---\ntitle: N{day}\ntags: [t]\n---\n"
             for day in range(1, 6)}
    site = make_site({**notes, "site.toml": "paginate = 2\n"})
    result = build_site(site)
    assert titles(result.html("/tags/t/")) == ["N5", "N4"]
    assert titles(result.html("/tags/t/page/2/")) == ["N3", "N2"]
    last = result.html("/tags/t/page/3/")
    assert titles(last) == ["N1"]
    assert last.find("a", rel="prev")["href"] == "/tags/t/page/2/"
    assert result.html("/tags/t/page/2/").find("a", rel="prev")["href"] == "/tags/t/"


def test_permalinks_patterns_html_files_and_folders_never_collide(make_site, build_site):
    site = make_site({
        "site.toml": '[permalinks]\nposts = "/blog/:year/:slug.html"\n',
        "content/posts/2025-02-08-week.md": "---\ntitle: W\n---\n",
        "content/notes/ml/index-of-ideas.md": "---\ntitle: ML ideas\n---\n",
        "content/notes/db/index-of-ideas.md": "---\ntitle: DB ideas\n---\n",
        "content/notes/guides/index.md": "---\ntitle: Guides\n---\n",
        "content/notes/custom.md": "---\ntitle: C\nslug: Mon Slug\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert (result.output / "blog/2025/week.html").is_file()
    assert result.html("/notes/ml/index-of-ideas/").h1.get_text() == "ML ideas"
    assert result.html("/notes/db/index-of-ideas/").h1.get_text() == "DB ideas"
    assert result.html("/notes/guides/").h1.get_text() == "Guides"
    assert result.path("/notes/mon-slug/").is_file()


def test_non_latin_file_names_give_non_latin_slugs_percent_encoded_in_links(make_site, build_site):
    site = make_site({"content/notes/注意力.md": "---\ntitle: 注意力\ntags: [机器学习]\n---\n"})
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert (result.output / "notes/注意力/index.html").is_file()
    hrefs = [a["href"] for a in result.html("/").select(".note-item__title")]
    assert hrefs == ["/notes/%E6%B3%A8%E6%84%8F%E5%8A%9B/"]
    assert (result.output / "tags/机器学习/index.html").is_file()


def test_drafts_are_left_out_unless_asked_for(make_site, build_site):
    site = make_site({
        "content/posts/2025-01-01-draft.md": "---\ntitle: D\ndraft: true\n---\n",
        "content/_drafts/later.md": "---\ntitle: Later\n---\n",
        "content/posts/2025-01-02-real.md": "---\ntitle: R\n---\n",
    })
    assert not build_site(site).path("/2025/01/01/draft/").exists()
    with_drafts = build_site(site, "--drafts")
    assert with_drafts.path("/2025/01/01/draft/").is_file()
    assert with_drafts.path("/posts/later/").is_file()


def test_hidden_and_underscore_files_are_ignored_but_jekyll_posts_count(make_site, build_site):
    site = make_site({
        "content/.hidden.md": "x",
        "content/_partials/x.md": "x",
        "content/notes/_skip.md": "x",
        "content/_posts/2025-01-01-jekyll-post.markdown": "---\ntitle: From _posts\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert titles(result.html("/posts/")) == ["From _posts"]
    pages = sorted(p.relative_to(result.output).as_posix() for p in result.output.rglob("*.html"))
    assert not any("hidden" in p or "partials" in p or "skip" in p for p in pages)


def test_summary_comes_from_description_else_the_first_paragraph(make_site, build_site):
    long = "word " * 80
    site = make_site({
        "content/notes/a.md": "---\ntitle: A\ndescription: Said in front matter.\n---\nBody.\n",
        "content/notes/b.md": f"---\ntitle: B\n---\n## Heading\n\n{long}\n",
    })
    result = build_site(site)
    summaries = [p.get_text() for p in result.html("/notes/").select(".note-item__summary")]
    assert summaries[0] == "Said in front matter."
    assert summaries[1].endswith("…") and len(summaries[1]) < 230


def test_layout_picks_a_site_template_when_it_exists(make_site, build_site):
    site = make_site({
        "templates/post.html": "<h1>{{ page.title }}</h1><p id=kw>{{ page.extra.keywords }}</p>",
        "content/posts/2025-02-08-week.md": WEEK,
        "content/notes/page.md": "---\ntitle: P\nlayout: page\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("/reading/week-one/").find(id="kw").get_text() == "papers, reading"
    # no templates/page.html anywhere: the default note template draws it
    assert result.html("/notes/page/").find("article", class_="note") is not None


def test_site_templates_override_the_theme_file_by_file(make_site, build_site):
    site = make_site({
        "templates/404.html": "custom not found",
        "content/notes/a.md": "---\ntitle: A\n---\n",
    })
    result = build_site(site)
    assert (result.output / "404.html").read_text() == "custom not found"
    assert result.html("/notes/a/").find("header", class_="site-header") is not None


def test_home_lists_recent_notes_tags_and_sections(make_site, build_site):
    site = make_site({
        "content/posts/2025-01-01-a.md": "---\ntitle: A\ntags: [x]\n---\n",
        "content/notes/b.md": "---\ntitle: B\n---\n",
    })
    home = build_site(site).html("/")
    text = home.get_text(" ", strip=True)
    assert "A" in titles(home) and "B" in titles(home)
    assert [a.get_text(strip=True) for a in home.select(".section-list a")] == ["Notes", "Posts"]
    assert "x 1" in text


def test_raw_html_blocks_pass_through(make_site, build_site):
    site = make_site({"content/notes/h.md": '<div class="mine"><p>raw</p></div>\n\nText\n'})
    page = build_site(site).html("/notes/h/")
    assert page.find("div", class_="mine").p.get_text() == "raw"


def test_base_url_prefix_is_on_every_generated_link(make_site, build_site):
    site = make_site({
        "site.toml": 'base_url = "https://x.github.io/blog/"\n',
        "content/posts/2025-01-01-a.md": "---\ntitle: A\ntags: [x]\n---\n",
        "content/notes/b.md": "---\ntitle: B\n---\n",
    })
    result = build_site(site)
    for url in ["/", "/tags/", "/tags/x/", "/archive/", "/posts/", "/2025/01/01/a/", "/404.html"]:
        page = result.html(url)
        for element in page.find_all(["a", "link", "img", "script"]):
            target = element.get("href") or element.get("src")
            if target and target.startswith("/"):
                assert target.startswith("/blog/"), (url, target)


def test_base_url_flag_overrides_the_config(make_site, build_site):
    site = make_site({"content/notes/b.md": "---\ntitle: B\n---\n"})
    result = build_site(site, "--base-url", "https://example.org/kb/")
    assert result.html("/").select_one(".note-item__title")["href"] == "/kb/notes/b/"


def test_assets_are_copied_and_the_sites_own_file_wins(make_site, build_site):
    site = make_site({
        "assets/css/margin.css": "/* mine */",
        "assets/images/x.svg": "<svg/>",
        "content/notes/b.md": "x",
    })
    result = build_site(site)
    assert (result.output / "assets/css/margin.css").read_text() == "/* mine */"
    assert (result.output / "assets/images/x.svg").is_file()


def test_404_page_and_marker_are_written(make_site, build_site):
    result = build_site(make_site({"content/notes/b.md": "x"}))
    assert result.html("/404.html").h1.get_text() == "Page not found"
    assert (result.output / MARKER).is_file()


def test_an_empty_site_builds(make_site, build_site):
    result = build_site(make_site({"site.toml": 'title = "Empty"\n'}))
    assert result.exit_code == 0, result.stderr
    assert result.html("/").h1.get_text() == "Empty"


def test_stale_pages_disappear_on_the_next_build(make_site, build_site):
    site = make_site({"content/notes/a.md": "x", "content/notes/b.md": "y"})
    assert build_site(site).path("/notes/b/").is_file()
    (site / "content/notes/b.md").unlink()
    result = build_site(site)
    assert not result.path("/notes/b/").exists()
    assert titles(result.html("/notes/")) == ["A"]
