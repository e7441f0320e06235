"""Bibliography files (BibTeX/BibLaTeX `.bib`, CSL-JSON `.json`) -> entries by citation key.

An entry carries its CSL-JSON item (what a CSL style formats), the paper it is (an arXiv id
or a DOI, which joins it to the paper's page), its BibTeX for "cite this", and a digest: a body
depends on exactly the entries it cites, so editing one entry re-renders the notes citing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from margin.diagnostics import Diagnostic, warning
from margin.index.bibtex import RawEntry, parse_bibtex
from margin.index.latex import latex_to_text, parse_name, split_names
from margin.index.papers import paper_ids

BIB_SUFFIXES = (".bib", ".bibtex")

# BibTeX / BibLaTeX entry types -> CSL types (anything else is an article)
_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
          "conference": "paper-conference", "book": "book", "incollection": "chapter",
          "inbook": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
          "thesis": "thesis", "techreport": "report", "report": "report",
          "online": "webpage", "electronic": "webpage", "www": "webpage",
          "unpublished": "manuscript", "manual": "book", "proceedings": "book",
          "dataset": "dataset", "software": "software", "misc": "article"}
_TEXT_FIELDS = {"title": "title", "journal": "container-title", "journaltitle":
                "container-title", "booktitle": "container-title", "publisher": "publisher",
                "school": "publisher", "institution": "publisher", "organization": "publisher",
                "address": "publisher-place", "location": "publisher-place", "volume": "volume",
                "number": "issue", "issue": "issue", "edition": "edition", "note": "note",
                "abstract": "abstract", "series": "collection-title", "isbn": "ISBN",
                "issn": "ISSN"}
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


@dataclass(frozen=True)
class BibEntry:
    key: str
    item: Mapping[str, Any] = field(compare=False)  # CSL-JSON, 'id' being the key
    bibtex: str  # the entry as BibTeX, for "cite this"
    paper: str | None  # 'arxiv:1706.03762', 'doi:10.1007/...' or None
    source: str  # site-relative file, for messages
    line: int
    digest: str  # of everything above: what a body that cites it depends on

    @property
    def title(self) -> str:
        return str(self.item.get("title", ""))


@dataclass(frozen=True)
class BibFile:
    """One bibliography file read: its entries by key and what was wrong in it."""

    entries: Mapping[str, BibEntry]
    problems: tuple[Diagnostic, ...] = ()


def read_bibliography(path: Path, source: str) -> BibFile:
    """PATH's entries; SOURCE names it in messages. Never raises: a missing or broken file is
    an empty one with a warning."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return BibFile({}, (warning(source, None, f"cannot read bibliography: {reason}"),))
    if path.suffix.lower() == ".json":
        return _csl_json(text, source)
    raw, problems = parse_bibtex(text)
    entries = {entry.key: _from_bibtex(entry, source) for entry in raw}
    return BibFile(entries, tuple(warning(source, line, f"bibliography: {message}")
                                  for line, message in problems))


def _from_bibtex(raw: RawEntry, source: str) -> BibEntry:
    fields = raw.fields
    item: dict[str, Any] = {"id": raw.key, "type": _TYPES.get(raw.kind, "article")}
    for name, csl in _TEXT_FIELDS.items():
        if name in fields and csl not in item:
            item[csl] = latex_to_text(fields[name])
    for role in ("author", "editor"):
        if role in fields:
            names = [parse_name(n) for n in split_names(fields[role])]
            item[role] = [n for n in names if n.get("family", "").lower() != "others"]
            if len(item[role]) < len(names):
                item["_others"] = True  # `and others`: more authors than listed
    if "pages" in fields:
        item["page"] = latex_to_text(fields["pages"]).replace("–", "-")
    issued = _date(fields)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    for name, csl in (("doi", "DOI"), ("url", "URL")):
        if name in fields:
            item[csl] = fields[name].strip()
    arxiv = _arxiv(fields)
    if arxiv and "container-title" not in item:
        item["publisher"] = item.get("publisher", "arXiv")
        item["number"] = f"arXiv:{arxiv}"
    paper = f"arxiv:{arxiv.lower()}" if arxiv else _doi_paper(fields.get("doi", ""))
    if paper is None and "url" in fields:
        found = paper_ids(fields["url"])
        paper = found[0] if found else None
    return _entry(raw.key, item, raw.text, paper, source, raw.line)


def _date(fields: Mapping[str, str]) -> list[int]:
    """BibLaTeX's `date` (2017, 2017-06, 2017-06-12, a range's start), else year and month."""
    match = _DATE.match(fields.get("date", "").strip()) or _DATE.match(
        fields.get("year", "").strip())
    if not match:
        return []
    parts = [int(p) for p in match.groups() if p]
    month = fields.get("month", "").strip()
    if len(parts) == 1 and month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    return parts


def _arxiv(fields: Mapping[str, str]) -> str | None:
    """The arXiv id of an entry: `eprint` with archiveprefix (or eprinttype) arXiv, `arxiv`."""
    if "arxiv" in fields:
        return fields["arxiv"].strip().removeprefix("arXiv:") or None
    kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    if eprint and kind == "arxiv":
        found = paper_ids(f"arxiv:{eprint}")
        return found[0].split(":", 1)[1] if found else None
    return None


def _doi_paper(doi: str) -> str | None:
    found = paper_ids(f"doi:{doi.strip()}") if doi.strip() else []
    return found[0] if found else None


def _csl_json(text: str, source: str) -> BibFile:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        return BibFile({}, (warning(source, exc.lineno, f"bibliography: invalid JSON: "
                                                          f"{exc.msg}"),))
    if isinstance(items, dict):
        items = items.get("items", [items])
    entries: dict[str, BibEntry] = {}
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, dict) and isinstance(item.get("id"), str | int)):
            continue
        key = str(item["id"])
        found = paper_ids(" ".join(filter(None, (
            f"arxiv:{item['arxiv']}" if item.get("arxiv") else "",
            f"doi:{item['DOI']}" if item.get("DOI") else "", str(item.get("URL") or "")))))
        entries[key] = _entry(key, {**item, "id": key}, csl_to_bibtex(item),
                              found[0] if found else None, source, 0)
    return BibFile(entries)


def _entry(key: str, item: dict[str, Any], bibtex: str, paper: str | None, source: str,
           line: int) -> BibEntry:
    stamp = hashlib.blake2b(json.dumps([item, bibtex, paper], sort_keys=True,
                                       default=str).encode(), digest_size=12).hexdigest()
    return BibEntry(key, item, bibtex, paper, source, line, stamp)


def csl_to_bibtex(item: Mapping[str, Any]) -> str:
    """A CSL-JSON item as a BibTeX entry (what "cite this" shows for a `.json` bibliography)."""
    kind = {v: k for k, v in reversed(_TYPES.items())}.get(str(item.get("type")), "misc")
    fields = []
    names = [", ".join(filter(None, (str(n.get("family") or n.get("literal") or ""),
                                     str(n.get("given") or ""))))
             for n in item.get("author", []) if isinstance(n, dict)]
    if names:
        fields.append(("author", " and ".join(names)))
    for csl, name in (("title", "title"), ("container-title", "journal"), ("DOI", "doi"),
                      ("URL", "url"), ("volume", "volume"), ("page", "pages")):
        if item.get(csl):
            fields.append((name, str(item[csl])))
    year = _year(item)
    if year:
        fields.append(("year", year))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{item.get('id')},\n{body}\n}}"


def _year(item: Mapping[str, Any]) -> str:
    parts = (item.get("issued") or {}).get("date-parts") if isinstance(item.get("issued"),
                                                                         dict) else None
    return str(parts[0][0]) if parts and parts[0] else ""


def note_files(note: Any, site_files: tuple[str, ...]) -> tuple[str, ...]:
    """NOTE's bibliography files, site-relative: its own `bibliography:` (relative to the
    note), then the site's."""
    own = note.extra.get("bibliography")
    if not own:  # (most notes: asked of every note at every save)
        return site_files if len(site_files) < 2 else tuple(dict.fromkeys(site_files))
    own = [own] if isinstance(own, str) else own if isinstance(own, list) else []
    folder = posixpath.dirname(f"content/{note.key}")
    found = [posixpath.normpath(posixpath.join(folder, f)) for f in own if isinstance(f, str)]
    return tuple(dict.fromkeys([*found, *site_files]))


class Library:
    """The bibliography files of a site, each read at most once while unchanged (by size and
    modification time): a build reads each once, the live server again after a save."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self._files: dict[str, tuple[tuple[int, int] | None, BibFile]] = {}

    def file(self, path: Path) -> BibFile:
        stamp = _stamp(path)
        kept = self._files.get(str(path))
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            source = path.relative_to(self.site_dir).as_posix()
        except ValueError:
            source = str(path)
        found = read_bibliography(path, source) if stamp else BibFile(
            {}, (warning(source, None, "bibliography file not found"),))
        self._files[str(path)] = (stamp, found)
        return found

    def paths(self) -> list[Path]:
        """Every file read (or looked for): what the index made of them depends on them."""
        return [Path(name) for name in self._files]

    def lookup(self, paths: Iterable[Path], key: str) -> BibEntry | None:
        """KEY's entry in the first of PATHS that has it."""
        for path in paths:
            entry = self.file(path).entries.get(key)
            if entry is not None:
                return entry
        return None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)
