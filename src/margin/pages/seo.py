"""What a page tells search engines and link previews: the picture a shared link shows, and the
schema.org Article record of a dated note (written into the page as JSON-LD by the template's
`tojson` filter, which escapes it for a <script> element)."""

from __future__ import annotations

from typing import Any

from margin import urls


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
