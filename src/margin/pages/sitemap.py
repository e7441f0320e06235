"""sitemap.xml (every note and list page, with lastmod where known) and robots.txt."""

from __future__ import annotations

from margin import urls
from margin.model import OutputFile, SiteConfig, SiteIndex
from margin.pages.graph import old_urls
from margin.pages.xmltext import escape

SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
_LEFT_OUT = ("404.html",)


def sitemap(pages: list[OutputFile], index: SiteIndex, config: SiteConfig) -> list[OutputFile]:
    """The sitemap of the HTML pages written (redirects and the 404 page left out)."""
    lastmod = {}
    for note in index.notes.values():
        when = note.updated or note.date
        if when:
            lastmod[urls.output_path(note.url)] = f"{when:%Y-%m-%d}"
    redirects = {urls.output_path(old) for note in index.notes.values() for old in old_urls(note)}
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted(pages, key=lambda p: p.path):
        if not page.path.endswith(".html") or page.path in _LEFT_OUT or page.path in redirects:
            continue
        url = "/" + page.path.removesuffix("index.html")
        lines.append(f"  <url><loc>{escape(urls.absolute(config.base_url, url))}</loc>"
                     + (f"<lastmod>{lastmod[page.path]}</lastmod>" if page.path in lastmod else "")
                     + "</url>")
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(config.base_url, SITEMAP)}\n"
    return [
        OutputFile(urls.output_path(SITEMAP), ("\n".join(lines) + "\n").encode(), ("*",)),
        OutputFile(urls.output_path(ROBOTS), robots.encode(), ("*",)),
    ]
