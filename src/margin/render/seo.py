"""What a page tells search engines and link previews: the picture a shared link shows, and the
schema.org Article record of a dated note (written into the page as JSON-LD by the template's
`tojson` filter, which escapes it for a <script> element)."""

from __future__ import annotations

import html
import re
from typing import Any

from margin import urls

_IMG = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# `<(pre|code)\b.*?</\1>`, written to be passed over fast (as linkcheck.py's).
_CODE = re.compile(r"<(?=[pc])(pre|code)\b[^<]*(?:<(?!/\1>)[^<]*)*</\1>", re.IGNORECASE)
_CODE_START = re.compile(r"<(?:pre|code)\b", re.IGNORECASE)
_PREVIEWABLE = re.compile(r"^(?:https?://|/)", re.IGNORECASE)


def first_image(body_html: str, prefix: str) -> str:
    """The first image of a rendered body that link previews can show, as a site URL without
    the base_url PREFIX (a full URL for a remote image); '' when there is none. SVG files
    (icons, mostly) and data: URIs are skipped: preview cards do not show them."""
    first = _IMG.search(body_html)
    if first is None:
        return ""  # most notes: no image at all, and no need to blank out their code
    if not _CODE_START.search(body_html, 0, first.end()):
        # No code before it: the first image is the first with the code blanked out too.
        found = _previewable(first, prefix)
        if found is not None:
            return found
    for match in _IMG.finditer(_CODE.sub("", body_html)):
        found = _previewable(match, prefix)
        if found is not None:
            return found
    return ""


def _previewable(image: re.Match[str], prefix: str) -> str | None:
    """The IMAGE's src as first_image gives it; None when previews cannot show it."""
    src = html.unescape(image.group(1) if image.group(1) is not None else image.group(2))
    src = src.strip()
    path = src.split("?", 1)[0].split("#", 1)[0]
    if not _PREVIEWABLE.match(src) or src.startswith("//") or path.lower().endswith(".svg"):
        return None
    if prefix and (src == prefix or src.startswith(prefix + "/")):
        src = src[len(prefix):] or "/"
    return src


def article(note: Any, site: Any) -> dict[str, Any]:
    """The schema.org Article for a dated NOTE (a NoteView) on SITE (the SiteView): only the
    keys that have a value, every URL absolute when base_url is set."""
    url = urls.absolute(site.base_url, note.url)
    record: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": note.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": note.date.isoformat() if note.date else None,
        "dateModified": (note.updated or note.date).isoformat() if note.date else None,
        "description": note.summary or site.description,
        "keywords": [tag.name for tag in note.tags],
        "image": urls.absolute(site.base_url, note.image) if note.image else None,
        "inLanguage": site.language,
        "wordCount": note.words,
    }
    if site.author:
        record["author"] = {"@type": "Person", "name": site.author}
    return {key: value for key, value in record.items() if value not in (None, "", [])}
