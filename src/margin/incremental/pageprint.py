"""Stable fingerprints of what a page is drawn from, so a build can tell, across runs, which
pages would come out the same as last time and keep those instead of drawing them.

A page's HTML is a function of the template files, margin's code, the configuration (filters
read base_url) and the values handed to the template: the page's URL and context, and the site
view. The values are dataclasses, tuples, dicts, text, numbers and dates; each is digested by
its type and content. A value of any other kind cannot be vouched for, and its page is simply
drawn every time. Build and serve both keep pages by these (pages/drawing.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from margin.fingerprint import code_fingerprint, digest
from margin.incremental.bodytext import StoredHtml
from margin.model import SiteConfig
from margin.pages.dependencies import TemplateReader, visible_fields

_PLAIN = (int, float, bool, type(None), datetime, date, time, Decimal, enum.Enum, PurePath)


class Unknown(Exception):
    """A value whose content cannot be digested."""


def template_folders(config: SiteConfig) -> list[Path]:
    """The folders the Jinja loader reads, in its order (pages/templates.py)."""
    folders = [config.templates_dir]
    if config.theme_dir:
        folders.append(config.theme_dir / "templates")
    return folders


def base_fingerprint(config: SiteConfig) -> str:
    """What every page depends on: code, configuration, every template file's bytes."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(code_fingerprint().encode())
    hasher.update(repr(config).encode())
    for number, folder in enumerate(template_folders(config)):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            hasher.update(f"{number}:{path.relative_to(folder).as_posix()}\0".encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


class PagePrinter:
    """Page fingerprints for one build. With a template READER, a page's values are digested
    only as far as its templates can see into them (pages/dependencies.py): a note's word
    count is not part of a page that never shows it, nor the site's tag counts part of every
    page. Without one, every field counts."""

    def __init__(self, base: str, reader: TemplateReader | None = None,
                 last: Mapping[frozenset[str] | None, dict[int, tuple[Any, bytes]]] | None = None):
        self.base = base
        self.reader = reader
        self._printers: dict[frozenset[str] | None, ValuePrinter] = {}
        self._last = last or {}  # the digests of the live server's last round (see `made`)
        # (names, site fields) -> (the site, its spelling for them, or None: unknowable)
        self._site_shown: dict[tuple[frozenset[str] | None, frozenset[str] | None],
                               tuple[Any, bytes | None]] = {}

    def prepare(self, template: str, values: Iterable[Any] = ()) -> None:
        """Read TEMPLATE's facts and digest VALUES as its pages will (note views, shown on
        many pages), now: worker processes forked afterwards share what this worked out."""
        names = None
        if self.reader is not None:
            facts = self.reader.facts(template)
            if facts.error is not None:
                return
            names = facts.names
        printer = self._printer(names)
        for value in values:
            with contextlib.suppress(Unknown):
                printer.of(value)

    def page(self, url: str, template: str, context: Mapping[str, Any], site: Any
             ) -> str | None:
        """The page's fingerprint, or None when it cannot be vouched for (draw it)."""
        facts = self._facts(template)
        if facts is None:
            return None
        names, site_fields, whole = facts
        site_part = self._site_part(names, site_fields, site)
        if site_part is None:
            return None
        seen, everything = self._printer(names), self._printer(None)
        parts: list[bytes] = [site_part]
        try:
            for key, value in context.items():
                parts.append(key.encode())
                (everything if key in whole else seen).add(value, parts)
        except Unknown:
            return None
        return digest(self.base, url, template, hashlib.blake2b(b"".join(parts),
                                                                digest_size=16).digest())

    def site_part(self, template: str, site: Any) -> bytes | None:
        """What pages drawn with TEMPLATE show of SITE, spelled out; None: unknowable."""
        facts = self._facts(template)
        return None if facts is None else self._site_part(facts[0], facts[1], site)

    def value_part(self, template: str, value: Any, keys: frozenset[str]) -> bytes | None:
        """VALUE's digest as far as pages drawn with TEMPLATE can see into it, shown under
        context KEYS; None: unknowable."""
        facts = self._facts(template)
        if facts is None:
            return None
        try:
            return self._printer(None if keys & facts[2] else facts[0]).of(value)
        except Unknown:
            return None

    def shown_part(self, templates: Iterable[str], value: Any, keys: frozenset[str]
                   ) -> bytes | None:
        """VALUE's digest as far as any of TEMPLATES can see into it (the fields they read,
        together), shown under context KEYS; None: unknowable."""
        names: set[str] | None = set()
        for template in templates:
            facts = self._facts(template)
            if facts is None:
                return None
            if facts[0] is None or keys & facts[2]:
                names = None
            elif names is not None:
                names |= facts[0]
        try:
            return self._printer(None if names is None else frozenset(names)).of(value)
        except Unknown:
            return None

    def _facts(self, template: str) -> tuple[frozenset[str] | None, frozenset[str] | None,
                                             frozenset[str]] | None:
        """The fields TEMPLATE reads of values, of the site, and values it reads whole
        (None, None, nothing: no reader, every field counts); None when it cannot be read."""
        if self.reader is None:
            return None, None, frozenset()
        facts = self.reader.facts(template)
        if facts.error is not None:
            return None
        return facts.names, facts.site_fields, facts.whole

    def _site_part(self, names: frozenset[str] | None, site_fields: frozenset[str] | None,
                   site: Any) -> bytes | None:
        shown = self._site_shown.get((names, site_fields))
        if shown is None or shown[0] is not site:  # the same for every page of the build
            shown = self._site_shown[(names, site_fields)] = (
                site, self._site_print(site, site_fields, self._printer(names),
                                       self._printer(None)))
        return shown[1]

    @staticmethod
    def _site_print(site: Any, site_fields: frozenset[str] | None, seen: ValuePrinter,
                    everything: ValuePrinter) -> bytes | None:
        """The spelling of what a page shows of SITE (its SITE_FIELDS; None: all of it), or
        None when that cannot be vouched for."""
        parts: list[bytes] = []
        try:
            if site_fields is None:
                everything.add(site, parts)
            for field in sorted(site_fields or ()):
                parts.append(field.encode())
                seen.add(getattr(site, field, None), parts)
        except Unknown:
            return None
        return b"".join(parts)

    def _printer(self, names: frozenset[str] | None) -> ValuePrinter:
        printer = self._printers.get(names)
        if printer is None:
            printer = self._printers[names] = ValuePrinter(names, self._last.get(names))
        return printer

    def made(self) -> dict[frozenset[str] | None, dict[int, tuple[Any, bytes]]]:
        """The digests of the frozen values this printer took (the last printer's among them
        where it used them), for the next round's printer to start from: a value object kept
        from round to round (incremental/carried.py) is digested once."""
        return {names: printer.seen for names, printer in self._printers.items()}


class ValuePrinter:
    """Digests values; a frozen value seen before in this build (a note's view is on many list
    pages) is digested once. NAMES: the only dataclass fields (or properties) read."""

    def __init__(self, names: frozenset[str] | None = None,
                 last: dict[int, tuple[Any, bytes]] | None = None):
        self.names = names
        self.seen: dict[int, tuple[Any, bytes]] = {}
        self._last = last or {}  # a last printer's `seen`: taken over where used
        # A dataclass: its name and (field, field name spelled) pairs, and whether it is
        # frozen; None: not a dataclass.
        self._fields: dict[type, _Shape | None] = {}

    def of(self, value: Any) -> bytes:
        """VALUE's digest; raises Unknown for values that are not plain data."""
        parts: list[bytes] = []
        self.add(value, parts)
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()

    def add(self, value: Any, parts: list[bytes]) -> None:
        """Append an unambiguous spelling of VALUE (type and content) to PARTS."""
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            parts.append(b"s%d:" % len(data))
            parts.append(data)
        elif kind in _ATOMS:
            text = repr(value).encode()
            parts.append(b"a%d:" % len(text))
            parts.append(text)
        elif kind is tuple or kind is list:
            if _spelled(value):
                text = repr(tuple(value)).encode("utf-8", "surrogatepass")  # fast, exact
                parts.append(b"r%d:" % len(text))
                parts.append(text)
                return
            parts.append(b"(%d" % len(value))
            seen = self.seen
            for item in value:
                kept = seen.get(id(item))  # a view on a list page, mostly: digested before
                if kept is None and self._last:
                    kept = self._carry(item)
                if kept is not None and kept[0] is item:
                    parts.append(kept[1])
                else:
                    self.add(item, parts)
        elif kind is dict:
            if _spelled(value):
                text = repr(value).encode("utf-8", "surrogatepass")
                parts.append(b"r%d:" % len(text))
                parts.append(text)
                return
            parts.append(b"{%d" % len(value))
            for key, item in value.items():
                self.add(key, parts)
                self.add(item, parts)
        else:
            self._add_other(value, kind, parts)

    def _add_other(self, value: Any, kind: type, parts: list[bytes]) -> None:
        kept = self.seen.get(id(value))
        if kept is None and self._last:
            kept = self._carry(value)
        if kept is not None and kept[0] is value:
            parts.append(kept[1])
            return
        shape = self._fields.get(kind, _UNSEEN)
        if shape is _UNSEEN:
            shape = self._fields[kind] = self._shape(kind)
        if shape is not None:
            own: list[bytes] = [shape.name]
            seen = self.seen
            for field, spelled in shape.fields:
                own.append(spelled)
                item = getattr(value, field)
                if type(item) is str:  # the usual cases first, without a call
                    data = item.encode("utf-8", "surrogatepass")
                    own.append(b"s%d:" % len(data))
                    own.append(data)
                    continue
                kept = seen.get(id(item))
                if kept is None and self._last:
                    kept = self._carry(item)
                if kept is not None and kept[0] is item:
                    own.append(kept[1])
                else:
                    self.add(item, own)
            data = hashlib.blake2b(b"".join(own), digest_size=16).digest()
            if shape.frozen:
                self.seen[id(value)] = (value, data)  # kept alive, so the id stays its own
            parts.append(data)
        elif isinstance(value, str):  # Markup and other str kinds: the kind matters to Jinja
            data = value.encode("utf-8", "surrogatepass")
            parts.append(b"%s%d:" % (kind.__name__.encode(), len(data)))
            parts.append(data)
        elif isinstance(value, _PLAIN):
            text = f"{kind.__name__}:{value!r}".encode()
            parts.append(b"a%d:" % len(text))
            parts.append(text)
        elif isinstance(value, tuple | list):
            parts.append(b"(%d" % len(value))
            for item in value:
                self.add(item, parts)
        elif isinstance(value, Mapping):
            parts.append(b"{%d" % len(value))
            for key, item in value.items():
                self.add(key, parts)
                self.add(item, parts)
        elif isinstance(value, set | frozenset):
            parts.append(b"<%d" % len(value))
            parts.extend(sorted(self.of(item) for item in value))
        elif kind is StoredHtml:  # a body's HTML left in the cache: its entry's digest says it
            data = value.digest.encode()
            parts.append(b"h%d:" % len(data))
            parts.append(data)
        else:
            raise Unknown(kind.__name__)

    def _carry(self, value: Any) -> tuple[Any, bytes] | None:
        """VALUE's digest as the last printer made it, now this one's; None if it did not."""
        kept = self._last.get(id(value))
        if kept is not None and kept[0] is value:  # (the object it kept alive: its id)
            self.seen[id(value)] = kept
            return kept
        return None

    def _shape(self, kind: type) -> _Shape | None:
        if not dataclasses.is_dataclass(kind):
            return None
        params = getattr(kind, "__dataclass_params__", None)
        fields = visible_fields(kind, self.names) or ()
        return _Shape(f"@{kind.__module__}.{kind.__qualname__}".encode(),
                      tuple((field, field.encode()) for field in fields),
                      bool(params and params.frozen))


@dataclass(frozen=True)
class _Shape:
    """How a dataclass is spelled: its name, then each field read, named."""

    name: bytes
    fields: tuple[tuple[str, bytes], ...]
    frozen: bool


def _spelled(value: Any, depth: int = 3) -> bool:
    """Whether repr() spells VALUE exactly: an atom whose repr says what it is, or tuples,
    lists and dicts of them, a few levels deep (a note's table of contents, a JSON-LD record)."""
    kind = type(value)
    if kind in _SPELLED:
        return True
    if depth == 0:
        return False
    if kind is tuple or kind is list:
        items = value
    elif kind is dict:
        if not _SPELLED.issuperset(map(type, value)):
            return False  # a key that is no atom
        items = value.values()
    else:
        return False
    atoms = _SPELLED.issuperset
    for item in items:  # (a dict of atoms, as a heading is, is checked without a call)
        kind = type(item)
        if kind in _SPELLED or (kind is dict and depth > 1 and atoms(map(type, item))
                                and atoms(map(type, item.values()))):
            continue
        if not _spelled(item, depth - 1):
            return False
    return True


_UNSEEN: Any = object()
_ATOMS = frozenset({int, float, bool, type(None), datetime, date})
_SPELLED = frozenset({str, int, float, bool, type(None)})  # repr() says exactly what they are
