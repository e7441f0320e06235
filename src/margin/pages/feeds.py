"""Atom feeds (RFC 4287): the site's newest notes at /feed.xml and each tag's at its feed.xml.

Entries carry the full rendered note, with every link and image made absolute so that feed
readers, which know nothing of the site, can follow them. Math is MathML already, so it
survives in readers without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from margin import __version__, urls
from margin.filenames import unfit
from margin.markdown.equations import SEARCH_TEXT_CLASS
from margin.markdown.sidenotes import without_sidenotes
from margin.model import Note, OutputFile, RenderedBody, SiteConfig, SiteIndex, read_html
from margin.pages.xmltext import escape, quoteattr
from margin.slugs import slugify

SITE_FEED = "/feed.xml"
_FRAGMENT = re.compile(r"""(\shref=)(["'])(#[^"']*)\2""")
_ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)=)(["'])(/(?!/)[^"']*)\2""")
# The text math carries for the search index (markdown/equations.py): a reader that drops the
# `hidden` attribute would show it beside the MathML.
_SEARCH_TEXT = re.compile(rf'<span class="{SEARCH_TEXT_CLASS}" hidden>[^<]*</span>')


def tag_feed(slug: str) -> str:
    return f"{urls.tag(slug)}feed.xml"


FeedPlan = tuple[str, str, tuple[str, ...]]  # a feed's URL, title and entries (note keys)


def feed_plans(index: SiteIndex, config: SiteConfig) -> list[FeedPlan]:
    """The feeds a site has: the site feed, then each tag's with a dated note; undated notes
    are in none."""
    limit = config.feed_entries
    plans = [(SITE_FEED, config.title, tuple(index.chronological[:limit]))]
    for entry in index.tags:
        # (a tag's dated notes come first, newest first: the feed's are among its first)
        dated = tuple([key for key in entry.keys[:limit] if index.notes[key].date])
        if dated and not unfit(urls.output_path(tag_feed(entry.tag.slug))):
            # (a tag whose name cannot be a file has no feed: its list page says why)
            plans.append((tag_feed(entry.tag.slug), f"{config.title}: {entry.tag.name}", dated))
    return plans


def feed(plan: FeedPlan, index: SiteIndex, config: SiteConfig,
         bodies: Mapping[str, RenderedBody], memo: dict[str, Any]) -> OutputFile:
    """The feed PLAN says (MEMO: entries made for other feeds, kept by note key)."""
    url, title, keys = plan
    notes = [index.notes[key] for key in keys]
    entries = []
    for note in notes:
        body = bodies.get(note.key)
        kept = memo.get(note.key)
        if kept is None or kept[0] is not note or kept[1] is not body:
            kept = memo[note.key] = (note, body, _entry(note, config, body))
        entries.append(kept[2])
    same = memo.get(f"feed {url}")
    if same is not None and same[0] == title and len(same[1]) == len(entries) and all(
            a is b for a, b in zip(same[1], entries, strict=True)):
        return same[2]  # the same entries (so the same notes and dates): the same feed
    updated = max((_updated(n) for n in notes), default=datetime(1970, 1, 1))
    home = urls.absolute(config.base_url, "/")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(title)}</title>",
    ]
    if config.description:
        lines.append(f"  <subtitle>{escape(config.description)}</subtitle>")
    lines += [
        f'  <link rel="self" type="application/atom+xml" '
        f"href={quoteattr(urls.absolute(config.base_url, url))}/>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>',
        f"  <id>{escape(_id(config, url))}</id>",
        f"  <updated>{_timestamp(updated)}</updated>",
        f"  <author><name>{escape(config.author or config.title)}</name></author>",
        f'  <generator version="{__version__}">margin</generator>',
    ]
    for entry in entries:
        lines += entry
    lines.append("</feed>")
    feed = OutputFile(urls.output_path(url), ("\n".join(lines) + "\n").encode("utf-8"),
                      tuple(keys) or ("*",))
    memo[f"feed {url}"] = (title, entries, feed)
    return feed


def _entry(note: Note, config: SiteConfig, body: RenderedBody | None) -> list[str]:
    link = urls.absolute(config.base_url, note.url)
    summary = note.summary or (body.summary if body else "")
    content = _absolute_links(_for_readers(read_html(body.html)) if body else "",
                              config.base_url, link)
    lines = [
        "  <entry>",
        f"    <title>{escape(note.title)}</title>",
        f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>',
        f"    <id>{escape(_id(config, note.url))}</id>",
        f"    <published>{_timestamp(note.date)}</published>",
        f"    <updated>{_timestamp(_updated(note))}</updated>",
    ]
    lines += [f"    <category term={quoteattr(tag.name)}/>" for tag in note.tags]
    if summary:
        lines.append(f"    <summary>{escape(summary)}</summary>")
    lines += [f'    <content type="html">{escape(content)}</content>', "  </entry>"]
    return lines


def _for_readers(html: str) -> str:
    """The note as a feed reader should show it: no search text, footnotes once (at the end)."""
    html = _SEARCH_TEXT.sub("", html) if SEARCH_TEXT_CLASS in html else html
    return without_sidenotes(html)


def _absolute_links(html: str, base_url: str, page: str) -> str:
    """Root-relative links get the site's host; '#part' links, the note's own URL."""
    html = _FRAGMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}{page}{m.group(3)}{m.group(2)}", html)
    return _ROOT_RELATIVE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{_absolute_path(base_url, m.group(3))}{m.group(2)}",
        html,
    )


def _absolute_path(base_url: str, path: str) -> str:
    """A root-relative href already carries the base_url's prefix; only the host is added."""
    if not base_url:
        return path
    scheme_and_host = urls.absolute(base_url, "/").removesuffix(urls.prefix_of(base_url) + "/")
    return scheme_and_host + path


def _id(config: SiteConfig, url: str) -> str:
    """A permanent IRI: the full URL when base_url is set, else a tag: URI for the site."""
    if config.base_url:
        return urls.absolute(config.base_url, url)
    return f"tag:margin,2000:{slugify(config.title)}{url}"


def _updated(note: Note) -> datetime:
    return max(d for d in (note.date, note.updated) if d)


def _timestamp(when: datetime | None) -> str:
    return f"{when:%Y-%m-%dT%H:%M:%S}Z" if when else ""
