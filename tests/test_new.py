"""`margin new`: a dated note from the archetype, never overwriting, published by the next build."""

from __future__ import annotations

import frontmatter

from conftest import run_margin


def test_new_note_is_published_by_the_next_build_and_on_its_tag_pages(make_site, build_site):
    site = make_site({"content/posts/2025-01-01-old.md": "---\ntitle: Old\ntags: [rl]\n---\n"})
    code, out, err = run_margin("new", "Sparse Attention, Revisited", "--tags", "attention, RL",
                                "--date", "2025-03-04", "--site", site)
    assert (code, err) == (0, "")
    path = site / "content/posts/2025-03-04-sparse-attention-revisited.md"
    assert out.strip() == str(path)
    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert post["title"] == "Sparse Attention, Revisited"
    assert str(post["date"]) == "2025-03-04"
    assert post["tags"] == ["attention", "RL"]

    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("/2025/03/04/sparse-attention-revisited/").h1.get_text() == (
        "Sparse Attention, Revisited"
    )
    for tag in ("attention", "rl"):
        listed = [a.get_text() for a in result.html(f"/tags/{tag}/").select(".note-item__title")]
        assert "Sparse Attention, Revisited" in listed


def test_new_refuses_to_overwrite(make_site):
    site = make_site({"content/posts/2025-03-04-x.md": "mine"})
    code, _, err = run_margin("new", "X", "--date", "2025-03-04", "--site", site)
    assert code == 1
    assert err.strip().endswith("2025-03-04-x.md already exists; not overwriting it")
    assert (site / "content/posts/2025-03-04-x.md").read_text() == "mine"


def test_new_uses_the_sections_archetype(make_site):
    site = make_site({
        "archetypes/papers.md": "---\npaper: \nlayout: review\ntags: [paper-review]\n---\n"
                                "## Summary\n\n## Notes\n",
    })
    code, _, _ = run_margin("new", "LoRA", "--section", "papers", "--date", "2025-01-02",
                              "--site", site)
    assert code == 0
    post = frontmatter.loads((site / "content/papers/2025-01-02-lora.md").read_text())
    assert post["layout"] == "review"
    assert post["tags"] == ["paper-review"]
    assert post.content.startswith("## Summary")


def test_new_rejects_a_bad_date_and_section(make_site):
    site = make_site({})
    code, _, err = run_margin("new", "X", "--date", "tomorrow", "--site", site)
    assert code == 2 and "not a date" in err
    code, _, err = run_margin("new", "X", "--section", "../outside", "--site", site)
    assert code == 1 and "not a section name" in err


def test_an_undated_note_has_no_date_in_its_name_or_front_matter(make_site, build_site):
    site = make_site({})
    code, out, err = run_margin("new", "Attention", site, "--section", "notes", "--undated")
    assert (code, err) == (0, "")
    path = site / "content/notes/attention.md"
    assert out.strip() == str(path)
    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert post["title"] == "Attention" and "date" not in post.metadata
    result = build_site(site)
    assert result.exit_code == 0, result.stderr
    assert result.html("/notes/attention/").h1.get_text() == "Attention"


def test_undated_and_a_date_cannot_go_together(make_site):
    code, _, err = run_margin("new", "X", make_site({}), "--undated", "--date", "2025-01-02")
    assert code == 2 and "not allowed with" in err
