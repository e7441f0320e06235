"""Default URLs fit where a note lives: posts dated, every other note by its path; a folder's
index.md or _index.md is the folder's page; `url:` and `slug:` honoured; reserved paths refused;
titles as the author wrote them."""

from __future__ import annotations


def title_of(result, url: str) -> str:
    return result.html(url).h1.text.strip()


def test_a_dated_note_outside_the_posts_section_gets_its_path(make_site, build_site):
    site = make_site({
        "content/a/MOC.md": "---\ntitle: Map A\ndate: 2024-05-21\n---\n",
        "content/b/MOC.md": "---\ntitle: Map B\ndate: 2024-05-21\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "a/moc/") == "Map A"
    assert title_of(result, "b/moc/") == "Map B"
    assert result.lines == []


def test_posts_and_date_named_files_get_the_dated_pattern(make_site, build_site):
    site = make_site({
        "content/posts/week.md": "---\ntitle: Week\ndate: 2024-05-21\n---\n",
        "content/_posts/2024-05-22-day.md": "---\ntitle: Day\n---\n",
        "content/journal/2024-05-23-entry.md": "---\ntitle: Entry\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "2024/05/21/week/") == "Week"
    assert title_of(result, "2024/05/22/day/") == "Day"
    assert title_of(result, "2024/05/23/entry/") == "Entry"


def test_a_section_pattern_in_site_toml_still_wins(make_site, build_site):
    site = make_site({
        "site.toml": '[permalinks]\nwiki = "/w/:slug/"\n',
        "content/wiki/deep/page.md": "---\ntitle: Page\ndate: 2024-05-21\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "w/page/") == "Page"


def test_index_and_underscore_index_are_their_folders_page(make_site, build_site):
    site = make_site({
        "content/garden/index.md": "---\ntitle: Garden home\n---\nWelcome.\n",
        "content/garden/topics/_index.md": "---\ntitle: Topics\n---\nAll the topics.\n",
        "content/garden/topics/one.md": "---\ntitle: One\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "garden/") == "Garden home"
    assert title_of(result, "garden/topics/") == "Topics"
    assert title_of(result, "garden/topics/one/") == "One"


def test_an_empty_underscore_index_leaves_the_folder_to_margins_list(make_site, build_site):
    site = make_site({
        "content/blog/_index.md": "---\ntitle: Blog\n---\n",
        "content/blog/one.md": "---\ntitle: One\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert "One" in result.html("blog/").text  # the section's list, not an empty note


def test_hugo_url_and_slug_are_honoured(make_site, build_site):
    site = make_site({
        "content/notes/a.md": "---\ntitle: A\nurl: /elsewhere/a-page/\n---\n",
        "content/notes/b.md": "---\ntitle: B\nslug: bee\n---\n",
        "content/notes/c.md": "---\ntitle: C\nurl: https://example.org/c\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "elsewhere/a-page/") == "A"
    assert title_of(result, "notes/bee/") == "B"
    assert title_of(result, "notes/c/") == "C"  # a link elsewhere is no address on the site


def test_a_note_claiming_a_reserved_path_is_an_error_naming_it(make_site, build_site):
    for number, claimed in enumerate(("/feed.xml", "/sitemap.xml", "/robots.txt",
                                      "/pagefind/x/", "/.margin-output/", "/assets/css/")):
        site = make_site({"content/n.md": f"---\ntitle: N\npermalink: {claimed}\n---\n"},
                         name=f"site{number}")
        result = build_site(site)
        assert result.exit_code == 1, claimed
        assert result.lines[0].startswith(f"error: content/n.md: permalink {claimed}"), \
            result.lines


def test_a_note_asking_for_the_feeds_url_is_an_error_not_a_lost_feed(make_site, build_site):
    site = make_site({
        "content/posts/2024-01-01-a.md": "---\ntitle: A\n---\n",
        "content/n.md": "---\ntitle: N\npermalink: /feed.xml\n---\n",
    })
    result = build_site(site)
    assert result.exit_code == 1
    assert result.lines[0] == ("error: content/n.md: permalink /feed.xml: margin writes its "
                               "feed, sitemap and robots.txt there")


def test_a_title_is_the_file_name_as_written_when_it_reads_as_one(make_site, build_site):
    site = make_site({
        "content/papers/2018 - Improving Pre-Training.md": "Some notes.\n",
        "content/notes/llm-study_notes.md": "Some notes.\n",
        "content/notes/headed.md": "# The heading's title\n\nBody.\n",
    })
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert title_of(result, "papers/2018-improving-pre-training/") == \
        "2018 - Improving Pre-Training"
    assert title_of(result, "notes/llm-study-notes/") == "Llm study notes"
    assert title_of(result, "notes/headed/") == "The heading's title"
