"""Text and attribute values escaped for XML (the feeds, the sitemap), as xml.sax.saxutils
escapes them: importing that module imports urllib.request, http and email with it, a
hundredth of a second of every build."""

from __future__ import annotations


def escape(text: str) -> str:
    """TEXT with &, < and > escaped."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """TEXT as a quoted attribute value: escaped, line breaks and tabs as character references,
    in double quotes unless it holds one and no single quote."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
