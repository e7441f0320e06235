"""What a template can read: the templates it pulls in, the attribute names it uses, which parts
of `site` it shows, and a digest of all their sources.

Page fingerprints (incremental/pageprint.py) use this to tell whether a page would come out the
same without drawing it: a page only depends on the values its templates can reach. Reading the
templates' syntax trees is cheap and exact enough: a field whose name appears nowhere in a
template and what it includes cannot be shown by it. A `{% from "x" import m %}` brings in only
the macro `m` (and the macros it calls), since imported macros see nothing but their arguments.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes

# Filters that read every field of a value without naming them: with one of these, a template
# is taken to read everything.
_INTROSPECTING_FILTERS = frozenset({"tojson", "pprint", "string", "attr", "xmlattr", "dictsort",
                                    "items"})
_ALL_MACROS = "*"


@dataclass(frozen=True)
class TemplateFacts:
    """What the template NAME and everything it extends, includes or imports can read."""

    name: str
    digest: str  # of every reachable template's source; changes when any of them is edited
    names: frozenset[str] | None  # attribute and key names read; None: possibly any
    site_fields: frozenset[str] | None  # `site.<field>` read; None: all of `site`
    error: str | None = None  # the template cannot be loaded or parsed
    whole: frozenset[str] = frozenset()  # template values read whole (`article | tojson`)


@dataclass(frozen=True)
class _Reads:
    """What one stretch of template code reads; None fields mean 'anything'."""

    names: frozenset[str] | None
    site_fields: frozenset[str] | None
    calls: frozenset[str] = frozenset()  # macros of the same template it calls
    whole: frozenset[str] = frozenset()  # template values given whole to tojson & co.

    def __or__(self, other: _Reads) -> _Reads:
        return _Reads(_union(self.names, other.names), _union(self.site_fields, other.site_fields),
                      self.calls | other.calls, self.whole | other.whole)


_NOTHING = _Reads(frozenset(), frozenset())


@dataclass(frozen=True)
class _Parsed:
    digest: str
    dynamic: bool  # a template name chosen at render time: any template may be reached
    references: tuple[tuple[str, tuple[str, ...]], ...]  # (template, macros or ('*',))
    top: _Reads  # everything outside macro definitions
    macros: dict[str, _Reads]


_MISSING = _Parsed("missing", False, (), _NOTHING, {})


# (name, source digest) -> what the template reads: the same source reads the same, so a
# process (the live server, a reader on each save) parses each version of a template once.
_PARSED: dict[tuple[str, str], _Parsed] = {}
_USED: set[tuple[str, str]] = set()  # those this process read


def parsed_templates() -> dict[tuple[str, str], _Parsed]:
    """What the templates this process read read, by (name, source digest): what `margin
    build` keeps for the next one (incremental/build.py)."""
    return {key: _PARSED[key] for key in _USED if key in _PARSED}


def add_parsed_templates(found: dict[tuple[str, str], _Parsed]) -> None:
    """What parsed_templates() gave in another process, for sources not parsed here yet."""
    for key, parsed in found.items():
        if isinstance(parsed, _Parsed):
            _PARSED.setdefault(key, parsed)


class TemplateReader:
    """Parses each template once per distinct source; sources are re-read on every round."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._parsed = _PARSED
        self._round: dict[str, _Parsed | str | None] = {}
        self._facts: dict[str, TemplateFacts] = {}

    def new_round(self) -> None:
        """Forget what the files said: the next questions re-read them (templates may change)."""
        self._round.clear()
        self._facts.clear()

    def facts(self, name: str) -> TemplateFacts:
        found = self._facts.get(name)
        if found is None:
            found = self._facts[name] = self._reachable(name)
        return found

    def _reachable(self, name: str) -> TemplateFacts:
        used: dict[str, set[str]] = {}  # template -> macros used ('*': the whole template)
        parsed_by_name: dict[str, _Parsed] = {}
        pending: list[tuple[str, tuple[str, ...]]] = [(name, (_ALL_MACROS,))]
        reads = _NOTHING
        while pending:
            current, macros = pending.pop()
            parsed = parsed_by_name.get(current) or self._parse(current)
            if parsed is None and current != name:
                parsed = _MISSING  # `include ... ignore missing`; its arrival counts
            if parsed is None:
                return TemplateFacts(name, "", None, None, error=f"template not found: {name}")
            if isinstance(parsed, str):
                return TemplateFacts(name, "", None, None, error=parsed)
            first_visit = current not in parsed_by_name
            parsed_by_name[current] = parsed
            done = used.setdefault(current, set())
            wanted = set(parsed.macros) if _ALL_MACROS in macros else set(macros)
            if _ALL_MACROS in macros and _ALL_MACROS not in done:
                done.add(_ALL_MACROS)
                reads |= parsed.top
            for macro in _called_macros(parsed, wanted) - done:
                done.add(macro)
                reads |= parsed.macros[macro]
            if parsed.dynamic:
                reads = _Reads(None, None)
                if first_visit:
                    pending += [(t, (_ALL_MACROS,)) for t in self.env.list_templates()]
            if first_visit:
                pending += parsed.references
        digest = hashlib.blake2b(digest_size=16)
        for key in sorted(parsed_by_name):
            digest.update(f"{key}\0{parsed_by_name[key].digest}\0".encode())
        return TemplateFacts(name, digest.hexdigest(), reads.names, reads.site_fields,
                             whole=reads.whole)

    def _parse(self, name: str) -> _Parsed | str | None:
        """The template's facts, an error message, or None when there is no such template."""
        if name in self._round:
            return self._round[name]
        try:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            result: _Parsed | str | None = None
        else:
            digest = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
            cached = self._parsed.get((name, digest))
            if cached is None:
                try:
                    cached = _read(self.env.parse(source), digest)
                except jinja2.TemplateSyntaxError as exc:
                    self._round[name] = f"template syntax error in {name}: {exc.message}"
                    return self._round[name]
                self._parsed[(name, digest)] = cached
            _USED.add((name, digest))
            result = cached
        self._round[name] = result
        return result


def _called_macros(parsed: _Parsed, wanted: set[str]) -> set[str]:
    """WANTED and every macro of the same template they call, however indirectly."""
    found: set[str] = set()
    pending = [m for m in wanted if m in parsed.macros]
    while pending:
        macro = pending.pop()
        if macro not in found:
            found.add(macro)
            pending += [m for m in parsed.macros[macro].calls if m in parsed.macros]
    return found


def _read(tree: nodes.Template, digest: str) -> _Parsed:
    """The reads of a template's code outside and inside its macros, and what it refers to."""
    defined = [node for node in tree.body if isinstance(node, nodes.Macro)]
    names = {node.name for node in defined}
    macros = {node.name: _reads([node], names) for node in defined}
    top = _reads([node for node in tree.body if not isinstance(node, nodes.Macro)], names)
    references: list[tuple[str, tuple[str, ...]]] = []
    dynamic = False
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        targets = node.template.items if isinstance(node.template, nodes.List | nodes.Tuple) \
            else [node.template]
        for target in targets:
            if not (isinstance(target, nodes.Const) and isinstance(target.value, str)):
                dynamic = True
                continue
            if isinstance(node, nodes.FromImport):
                wanted = tuple(n if isinstance(n, str) else n[0] for n in node.names)
            else:
                wanted = (_ALL_MACROS,)
            references.append((target.value, wanted))
    return _Parsed(digest, dynamic, tuple(references), top, macros)


def _reads(roots: list[nodes.Node], macro_names: set[str]) -> _Reads:
    names: set[str] | None = set()
    site_reads: dict[int, str] = {}
    calls: set[str] = set()
    whole: set[str] = set()
    bare_site = False
    local = {n.name for root in roots for n in _walk(root)
             if isinstance(n, nodes.Name) and n.ctx in ("store", "param")}
    for root in roots:
        for node in _walk(root):
            if isinstance(node, nodes.Getattr):
                if isinstance(node.node, nodes.Name) and node.node.name == "site":
                    site_reads[id(node.node)] = node.attr
                if names is not None:
                    names = None if node.attr.startswith("_") else names | {node.attr}
            elif isinstance(node, nodes.Const) and isinstance(node.value, str):
                if names is not None:
                    names.add(node.value)  # item keys and `map(attribute='x')` arguments
            elif isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                names = None  # value[variable]: any key
            elif isinstance(node, nodes.Filter) and node.name in _INTROSPECTING_FILTERS:
                if isinstance(node.node, nodes.Name) and node.node.name not in local:
                    whole.add(node.node.name)  # `article | tojson`: that value, all of it
                else:
                    names = None
            elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) \
                    and node.node.name in macro_names:
                calls.add(node.node.name)
        for node in _walk(root):
            if isinstance(node, nodes.Name) and node.name == "site" and id(node) not in site_reads:
                bare_site = True  # `site` itself handed on: all of it
    site_fields = None if bare_site else frozenset(site_reads.values())
    return _Reads(None if names is None else frozenset(names), site_fields, frozenset(calls),
                  frozenset(whole))


def _walk(root: nodes.Node):
    yield root
    yield from root.find_all(nodes.Node)


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


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
