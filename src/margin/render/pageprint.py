"""Stable fingerprints of what a page is drawn from, so a build can tell, across runs, which
pages would come out the same as last time and keep those instead of drawing them.

A page's HTML is a function of the template files, margin's code, the configuration (filters
read base_url) and the values handed to the template: the page's URL and context, and the site
view. The values are dataclasses, tuples, dicts, text, numbers and dates; each is digested by
its type and content. A value of any other kind cannot be vouched for, and its page is simply
drawn every time. (The live server's render/pagecache.py does the same job in memory, with
Python's per-process hash and finer template facts; this one must hold between processes.)
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from margin.cache.fingerprint import code_fingerprint, digest
from margin.model import SiteConfig
from margin.render.dependencies import TemplateReader
from margin.render.pagecache import _visible_fields  # the live server's reading of dataclasses

_PLAIN = (int, float, bool, type(None), datetime, date, time, Decimal, enum.Enum, PurePath)


class Unknown(Exception):
    """A value whose content cannot be digested."""


def template_folders(config: SiteConfig) -> list[Path]:
    """The folders the Jinja loader reads, in its order (render/templates.py)."""
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
    only as far as its templates can see into them (render/dependencies.py): a note's word
    count is not part of a page that never shows it, nor the site's tag counts part of every
    page. Without one, every field counts."""

    def __init__(self, base: str, reader: TemplateReader | None = None):
        self.base = base
        self.reader = reader
        self._printers: dict[frozenset[str] | None, ValuePrinter] = {}

    def page(self, url: str, template: str, context: Mapping[str, Any], site: Any
             ) -> str | None:
        """The page's fingerprint, or None when it cannot be vouched for (draw it)."""
        names = site_fields = None
        whole: frozenset[str] = frozenset()
        if self.reader is not None:
            facts = self.reader.facts(template)
            if facts.error is not None:
                return None
            names, site_fields, whole = facts.names, facts.site_fields, facts.whole
        seen, everything = self._printer(names), self._printer(None)
        parts: list[bytes] = []
        try:
            if site_fields is None:
                everything.add(site, parts)
            for field in sorted(site_fields or ()):
                parts.append(field.encode())
                seen.add(getattr(site, field, None), parts)
            for key, value in context.items():
                parts.append(key.encode())
                (everything if key in whole else seen).add(value, parts)
        except Unknown:
            return None
        return digest(self.base, url, template, hashlib.blake2b(b"".join(parts),
                                                                digest_size=16).digest())

    def _printer(self, names: frozenset[str] | None) -> ValuePrinter:
        printer = self._printers.get(names)
        if printer is None:
            printer = self._printers[names] = ValuePrinter(names)
        return printer


class ValuePrinter:
    """Digests values; a frozen value seen before in this build (a note's view is on many list
    pages) is digested once. NAMES: the only dataclass fields (or properties) read."""

    def __init__(self, names: frozenset[str] | None = None):
        self.names = names
        self._seen: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[bytes, tuple[str, ...], bool]] = {}

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
            if all(type(item) in _SPELLED for item in value):
                text = repr(tuple(value)).encode("utf-8", "surrogatepass")  # fast, exact
                parts.append(b"r%d:" % len(text))
                parts.append(text)
                return
            parts.append(b"(%d" % len(value))
            for item in value:
                self.add(item, parts)
        elif kind is dict:
            if all(type(key) in _SPELLED and type(item) in _SPELLED
                   for key, item in value.items()):
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
        kept = self._seen.get(id(value))
        if kept is not None and kept[0] is value:
            parts.append(kept[1])
            return
        shape = self._fields.get(kind)
        if shape is None and dataclasses.is_dataclass(kind):
            params = getattr(kind, "__dataclass_params__", None)
            shape = self._fields[kind] = (
                f"@{kind.__module__}.{kind.__qualname__}".encode(),
                _visible_fields(kind, self.names) or (),
                bool(params and params.frozen))
        if shape is not None:
            own: list[bytes] = [shape[0]]
            for name in shape[1]:
                own.append(name.encode())
                self.add(getattr(value, name), own)
            data = hashlib.blake2b(b"".join(own), digest_size=16).digest()
            if shape[2]:
                self._seen[id(value)] = (value, data)  # kept alive, so the id stays its own
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
        else:
            raise Unknown(kind.__name__)


_ATOMS = frozenset({int, float, bool, type(None), datetime, date})
_SPELLED = frozenset({str, int, float, bool, type(None)})  # repr() says exactly what they are
