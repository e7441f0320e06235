"""Draw a page only when something it shows changed: the live server's page cache.

A page's output is a function of its template files, its URL and the values its templates can
read (pages/dependencies.py). The cache keeps, per URL, a fingerprint of those inputs and the
output drawn from them; the next render with the same fingerprint reuses the output. Note views
are reused across renders while their inputs are the same objects, so fingerprinting 4,000 note
pages costs a few milliseconds. `margin build` does not use any of this.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path, PurePath
from typing import Any

import jinja2
from markupsafe import Markup

from margin import urls
from margin.diagnostics import Diagnostic
from margin.incremental.viewmemo import ViewMemo
from margin.model import OutputFile, SiteConfig, SiteIndex
from margin.pages import templates
from margin.pages.dependencies import TemplateFacts, TemplateReader

_ATOMS = (str, int, float, bytes, type(None), datetime, date, time)
_ATOM_TYPES = frozenset({*_ATOMS, bool, Markup})
_ONLY_HERE = 2  # sys.getrefcount() of a value held only by the print memo (and the call)
_UNKNOWN: Any = object()
_UNSEEN = itertools.count()


class PageCache:
    """Per URL: the fingerprint of a page's inputs and the output drawn from them."""

    def __init__(self, verify: bool = False) -> None:
        self.views = ViewMemo()
        self.verify = verify  # check declared page inputs against full fingerprints (tests)
        self._inputs: dict[str, tuple[Any, ...]] = {}
        self._site: Any = None
        self._carried: list[tuple[str, OutputFile]] = []
        self._heads: dict[str, tuple[Any, ...] | None] = {}  # template -> what carry() checks
        self._memos: dict[str, dict[str, Any]] = {}  # for feeds, sitemap: see memo()
        self.drawn: list[str] = []  # output paths drawn (not reused) in the last render
        self._env: jinja2.Environment | None = None
        self._config: SiteConfig | None = None
        self._reader: TemplateReader | None = None
        self._outputs: dict[str, tuple[int, OutputFile]] = {}
        self._fingerprinters: dict[frozenset[str] | None, _Fingerprinter] = {}
        self._site_prints: dict[tuple[int, frozenset[str] | None], int] = {}
        self._broken: set[str] = set()
        self._would_carry = False  # (verify mode) carry_generated would have kept them all
        self.adopt_from: Path | None = None  # see adopting()
        self.trust_built = True
        self.adopted: set[str] = set()

    def environment(self, config: SiteConfig) -> jinja2.Environment:
        """The Jinja environment, kept between renders (compiled templates are reused)."""
        if config != self._config:
            self._env, self._config = None, config
            self._outputs.clear()
            self._inputs.clear()
            self._memos.clear()
            self._fingerprinters.clear()
        if self._env is None:
            self._env = templates.environment(config)
            self._reader = TemplateReader(self._env)
        return self._env

    def memo(self, name: str) -> dict[str, Any]:
        """A dict the stage NAME keeps its own reusable results in (feeds keep each entry).
        Dropped with the rest when the configuration changes."""
        return self._memos.setdefault(name, {})

    def templates_changed(self) -> None:
        """A template file was added, edited or removed: compile afresh on the next render.
        (Jinja's own reload check misses a site template that starts to hide a theme one.)"""
        self._env = None

    def begin(self, config: SiteConfig, index: SiteIndex, site: Any) -> jinja2.Environment:
        """Start a render: template files are read again, per-render memos are dropped."""
        env = self.environment(config)
        assert self._reader is not None
        self._reader.new_round()
        self._site, self._carried, self._heads = site, [], {}
        self.views.begin(index, self._view_differs, self.carry, self.carry_generated)
        self._site_prints.clear()
        self._broken.clear()
        self.drawn = []
        self._would_carry = False
        for fingerprinter in self._fingerprinters.values():
            fingerprinter.new_round()
        return env

    def draw(self, page: Any, env: jinja2.Environment, config: SiteConfig, site: Any,
             draw: Callable[..., tuple[OutputFile | None, Diagnostic | None]]
             ) -> tuple[OutputFile | None, Diagnostic | None]:
        """The page's output: reused when its inputs are unchanged, else drawn by DRAW."""
        assert self._reader is not None
        facts = self._reader.facts(page.template)
        kept = self._outputs.get(page.url)
        if facts.error is not None and page.template in self._broken:
            return (kept[1] if kept else None), None  # reported once; keep the last good page
        probe = None
        inputs = page.inputs
        if inputs is None and type(page.context) is dict:
            inputs = tuple(page.context.items())  # values compared by identity, else equality
        if inputs is not None and facts.error is None:
            # The quick test: the same template files, `site` parts and inputs.
            probe = (facts.digest, self._site_print(facts, site), page.template, page.sources,
                     inputs)
            if kept is not None and _same(self._inputs.get(page.url, ()), probe):
                if self.verify and kept[0] != self.fingerprint(page, facts, site):
                    raise AssertionError(f"{page.url}: its declared inputs missed a change")
                return kept[1], None
        fingerprint = None if facts.error else self.fingerprint(page, facts, site)
        if probe is not None:
            self._inputs[page.url] = probe
        if kept is not None and fingerprint is not None and kept[0] == fingerprint:
            return kept[1], None
        output, problem = None, None
        if self.adopt_from and self.trust_built and fingerprint is not None:
            output = self._read_back(page)
        if output is None:
            output, problem = draw(page, env, config, site)
        elif self.verify and draw(page, env, config, site)[0] != output:
            raise AssertionError(f"{page.url}: the built page differs from the one drawn")
        if output is None:
            if facts.error is not None:
                self._broken.add(page.template)
            self._inputs.pop(page.url, None)
            if kept is None and self.adopt_from:  # the file there: the last good page
                last = self._read_back(page)
                kept = self._outputs[page.url] = (_UNKNOWN, last) if last else None
            return (kept[1] if kept else None), problem  # the last good page stays up
        if fingerprint is not None:
            self._outputs[page.url] = (fingerprint, output)
        if output.path not in self.adopted:
            self.drawn.append(output.path)
        return output, problem

    @contextmanager
    def adopting(self, folder: Path, built: bool = True) -> Iterator[set[str]]:
        """Within: the pages are those in FOLDER. BUILT: `margin build` just wrote them from
        the same inputs, so they are read back rather than drawn (in verify mode, drawn too
        and compared); else drawn, and a page that fails keeps the file there. Yields the
        output paths read back."""
        self.adopt_from, self.trust_built, self.adopted = folder, built, set()
        try:
            yield self.adopted
        finally:
            self.adopt_from, self.adopted = None, set()

    def _read_back(self, page: Any) -> OutputFile | None:
        """PAGE as the build wrote it into `adopt_from` (None when it is not there)."""
        assert self.adopt_from is not None
        path = urls.output_path(page.url)
        try:
            data = (self.adopt_from / path).read_bytes()
        except OSError:
            return None
        self.adopted.add(path)
        return OutputFile(path, data, page.sources, page.note.key if page.note else "")

    def carry(self, url: str, template: str, sources: tuple[str, ...],
              page: Callable[[], Any]) -> bool:
        """Keep the page at URL as it was, unplanned, if the view memo vouched for it and its
        template files and the parts of `site` they read are unchanged too. PAGE plans it,
        for verifying."""
        kept, last = self._outputs.get(url), self._inputs.get(url)
        if kept is None or last is None:
            return False
        head = self._head(template)
        if head is None or last[:3] != head or last[3] != sources:
            return False
        if self.verify and kept[0] != self.fingerprint(
                page(), self._reader.facts(template), self._site):  # type: ignore[union-attr]
            raise AssertionError(f"{url}: the view memo missed a change")
        self._carried.append((url, kept[1]))
        return True

    def carry_generated(self, pages: list[tuple[str, str, tuple[str, ...]]] | None,
                        verified: bool) -> bool:
        """Keep every one of PAGES ((url, template, sources) of the generated pages) as it was,
        or none of them. In verify mode (tests) keep none, and when called again VERIFIED,
        after they were all planned and drawn, fail if the shortcut would have kept a page
        that came out different."""
        if verified:
            drawn = set(self.drawn)
            missed = [url for url, _, _ in pages or () if urls.output_path(url) in drawn]
            if self._would_carry and missed:
                raise AssertionError(f"{missed[0]}: the generated-pages shortcut missed a change")
            return True
        kept = []
        for url, template, sources in pages or ():
            output, last = self._outputs.get(url), self._inputs.get(url)
            if output is None or last is None or last[3] != sources \
                    or last[:3] != self._head(template):
                return False
            kept.append((url, output[1]))
        self._would_carry = bool(kept)
        if self.verify or not kept:
            return False
        self._carried += kept
        return True

    def _head(self, template: str) -> tuple[Any, ...] | None:
        """What a page's last inputs must start with for TEMPLATE to draw it the same: its
        files' digest and the parts of `site` they read (None: the template is broken)."""
        head = self._heads.get(template)
        if head is None:
            assert self._reader is not None
            facts = self._reader.facts(template)
            head = self._heads[template] = (None if facts.error else (
                facts.digest, self._site_print(facts, self._site), template))
        return head

    def carried(self) -> list[OutputFile]:
        """The pages carry() kept in this render."""
        return [output for _, output in self._carried]

    def _view_differs(self, old: Any, new: Any, template: str) -> bool:
        """Whether TEMPLATE can show anything different for two views of one note."""
        assert self._reader is not None
        facts = self._reader.facts(template)
        if facts.error is not None:
            return True
        fingerprinter = self._fingerprinter(facts)
        return fingerprinter.of(old) != fingerprinter.of(new)

    def end(self, urls: set[str]) -> None:
        """Forget pages the site no longer has (URLS: those drawn or reused, carried ones aside)."""
        urls = urls | {url for url, _ in self._carried}
        for url in [u for u in self._outputs if u not in urls]:
            del self._outputs[url]
            self._inputs.pop(url, None)

    def fingerprint(self, page: Any, facts: TemplateFacts, site: Any) -> int:
        """A hash of everything the page's templates can read (builds a lazy context)."""
        fingerprinter = self._fingerprinter(facts)
        everything = self._fingerprinter(None) if facts.whole else fingerprinter
        values = tuple((key, (everything if key in facts.whole else fingerprinter).of(value))
                       for key, value in page.context.items())
        note = page.note.key if page.note else ""
        return hash((facts.digest, page.url, page.template, self._site_print(facts, site),
                     page.sources, note, values))

    def _fingerprinter(self, facts: TemplateFacts | None) -> _Fingerprinter:
        names = facts.names if facts is not None else None
        fingerprinter = self._fingerprinters.get(names)
        if fingerprinter is None:
            fingerprinter = self._fingerprinters[names] = _Fingerprinter(names)
        return fingerprinter

    def _site_print(self, facts: TemplateFacts, site: Any) -> int:
        """The parts of `site` the template reads, hashed once per render."""
        key = (id(site), facts.site_fields, facts.names)
        found = self._site_prints.get(key)
        if found is None:
            fingerprinter = self._fingerprinter(facts)
            fields = facts.site_fields
            if fields is None:
                found = hash(fingerprinter.of(site))
            else:
                found = hash(tuple(fingerprinter.of(getattr(site, f, None))
                                   for f in sorted(fields)))
            self._site_prints[key] = found
        return found


class _Fingerprinter:
    """Hashes a value as far as templates reading only NAMES can see into it."""

    def __init__(self, names: frozenset[str] | None):
        self.names = names
        self._fields: dict[type, tuple[str, ...] | None] = {}
        self._frozen: dict[type, bool] = {}
        # Prints of frozen dataclass values (note views above all, which the ViewMemo keeps
        # from render to render), by id; holding the value keeps its id from being reused.
        self._prints: dict[int, tuple[Any, int]] = {}
        self._limit = 50_000

    def new_round(self) -> None:
        if len(self._prints) > self._limit:  # forget values nobody else holds any more
            self._prints = {k: v for k, v in self._prints.items()
                            if sys.getrefcount(v[0]) > _ONLY_HERE}
            self._limit = max(50_000, 4 * len(self._prints))

    def of(self, value: Any) -> Any:
        kind = type(value)
        if kind in _ATOM_TYPES:
            return value
        if kind is tuple or kind is list:
            return tuple([self.of(item) for item in value])
        fields = self._fields.get(kind, _UNKNOWN)
        if fields is _UNKNOWN:
            fields = self._fields[kind] = visible_fields(kind, self.names)
            self._frozen[kind] = _frozen(kind)
        if fields is not None:
            known = self._prints.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            result = hash((kind, tuple([self.of(getattr(value, f)) for f in fields])))
            if self._frozen[kind]:
                self._prints[id(value)] = (value, result)
            return result
        if isinstance(value, _ATOMS):
            return value
        if isinstance(value, tuple | list):
            return tuple([self.of(item) for item in value])
        if isinstance(value, Mapping):
            return ("{", tuple([(k, self.of(v)) for k, v in value.items()]))
        if isinstance(value, set | frozenset):
            return ("set", frozenset(self.of(item) for item in value))
        if isinstance(value, enum.Enum | PurePath):
            return (kind, str(value))
        return ("object", next(_UNSEEN))  # unknown: taken as changed on every render


def _frozen(kind: type) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return bool(params and params.frozen)


def visible_fields(kind: type, names: frozenset[str] | None) -> tuple[str, ...] | None:
    """The fields of a dataclass that templates reading NAMES can reach, properties included;
    None when KIND is no dataclass."""
    if not dataclasses.is_dataclass(kind):
        return None
    fields = [f.name for f in dataclasses.fields(kind)]
    if names is None:
        return tuple(fields)
    wanted = {f for f in fields if f in names}
    pending = [n for n in names if n not in wanted and hasattr(kind, n)]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        member = getattr(kind, name, None)
        code = _code_of(member)
        if code is None:
            return tuple(fields)  # something we cannot see into: take every field
        for used in _names_in(code):
            if used in fields:
                wanted.add(used)
            elif hasattr(kind, used) and not used.startswith("__"):
                pending.append(used)
    return tuple(f for f in fields if f in wanted)


def _code_of(member: Any) -> types.CodeType | None:
    if isinstance(member, property) and member.fget is not None:
        member = member.fget
    if isinstance(member, staticmethod | classmethod):
        member = member.__func__
    return getattr(member, "__code__", None)


def _names_in(code: types.CodeType) -> set[str]:
    found = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found |= _names_in(constant)
    return found


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Equal inputs. Tuples compare item by item, identity first: the same objects (the usual
    case) cost one pointer comparison each."""
    return old == new
