"""A Hugo site over the benchmark's corpus, to time Hugo's clean build beside margin's.

The corpus generator's `--layout hugo` output is a Hugo content folder (content/posts/*.md with
title, date, tags); this adds what Hugo needs to publish it as margin does: a config naming that
folder and the corpus's assets, and minimal layouts for note pages, lists, tags (their pages and
feeds) and the home page. Hugo's own RSS and sitemap templates do the rest. Nothing is copied:
the config points at the corpus, so both tools read the same files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CONFIG = """\
contentDir = "{content}"
staticDir = "{assets}"
baseURL = "https://example.org/"
title = "Benchmark notes"
languageCode = "en"
[taxonomies]
tag = "tags"
"""

LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<title>{{ .Title }}</title>{{ with .OutputFormats.Get "rss" }}'
        '<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">'
        '{{ end }}</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n'),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>'
        '<time>{{ .Date.Format "2006-01-02" }}</time><ul>{{ range .GetTerms "tags" }}'
        '<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>'
        '{{ .Content }}</article>{{ end }}\n'),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> '
        '{{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}\n'),
}


def hugo_binary() -> str | None:
    return shutil.which("hugo")


def hugo_site(corpus: Path, where: Path) -> Path:
    """A Hugo site at WHERE over CORPUS (made by make_corpus.py --layout hugo)."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "hugo.toml").write_text(CONFIG.format(content=(corpus / "content").resolve(),
                                                   assets=(corpus / "assets").resolve()))
    for name, text in LAYOUTS.items():
        path = where / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return where


def clean_build_command(hugo: str, site: Path) -> list[str]:
    """Hugo's clean build of SITE into SITE/public (the caller removes public/ and resources/
    first)."""
    return [hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")]


def clean(site: Path) -> None:
    for made in ("public", "resources"):
        shutil.rmtree(site / made, ignore_errors=True)
