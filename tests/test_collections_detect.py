"""Which tool each note was written for: collection roots found by their markers or declared."""

from __future__ import annotations

from pathlib import Path

from margin.config import load_config
from margin.load.collections import collection_of, kind_of


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith("/"):
            path.mkdir(exist_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def test_each_tools_marker_makes_its_folder_a_collection(tmp_path):
    site = _tree(tmp_path, {
        "content/blog/_config.yml": "permalink: /:year/:month/:day/:title.html\nbaseurl: /b\n",
        "content/blog/_posts/2020-01-02-a.md": "x",
        "content/hugo/hugo.toml": "title = 'h'\n",
        "content/hugo/content/posts/a.md": "x",
        "content/hugo/static/x.png": "",
        "content/garden/quartz.config.ts": "",
        "content/garden/content/a.md": "x",
        "content/vault/.obsidian/app.json": "{}",
        "content/vault/Folder/a.md": "x",
        "content/notes/a.md": "x",
    })
    config, problems = load_config(site)
    assert problems == []
    kinds = {c.root: c.kind for c in config.collections}
    assert kinds == {"blog": "jekyll", "hugo": "hugo", "garden": "quartz", "vault": "obsidian"}
    blog = collection_of(config.collections, "blog/_posts/2020-01-02-a.md")
    assert blog.setting("permalink") == "/:year/:month/:day/:title.html"
    assert blog.setting("baseurl") == "/b"
    hugo = collection_of(config.collections, "hugo/content/posts/a.md")
    assert (hugo.notes_root, hugo.files_root) == ("hugo/content", "hugo/static")
    assert kind_of(config.collections, "vault/Folder/a.md") == "obsidian"
    assert kind_of(config.collections, "notes/a.md") == "margin"
    assert kind_of(config.collections, "vaultish/a.md") == "margin"


def test_site_toml_declares_collections_and_rejects_unknown_kinds(tmp_path):
    site = _tree(tmp_path, {
        "site.toml": '[collections]\n"papers" = "typora"\n"old" = "wordstar"\n',
        "content/papers/a.md": "x",
    })
    config, problems = load_config(site)
    assert kind_of(config.collections, "papers/a.md") == "typora"
    assert [(p.line, p.message.split(" must")[0]) for p in problems] == [
        (3, "'collections.old'")]
