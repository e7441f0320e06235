"""TeX -> MathML at build time with math-core, so readers need no JavaScript to see equations.

math-core was chosen by measurement (see the README's rendering section): it renders the
user's expressions, `aligned`, `cases` and `\\arg` included, at a few microseconds each, and
rejects what it cannot render instead of guessing. The TeX stays in the output as an
`<annotation encoding="application/x-tex">`, for copy-paste, feeds and screen readers.

A note's expressions are typeset together (`render_all`) when they number equations or refer
to them: math-core then numbers `equation`, `align`, `gather`... in order, as MathJax's
`tags: 'ams'` does, and resolves `\\eqref` forwards and backwards. Macros (the site's, the
compatibility set's, the note's) are the engine's own `macros=`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import math_core

from margin.markdown.mathcompat import (
    COMPAT_MACROS,
    plain_tags,
    rename_environments,
    tags_inside,
)
from margin.markdown.texmacros import (
    expanded_depth,
    expansion_weights,
    nesting_depth,
    with_optional,
)
from margin.model import Macro, MathSettings

_OFFSET = re.compile(r"^(?:input(\d+):)?(\d+):\s*")
# The engine recurses on nesting: 3,000 levels of `\frac{` crash it on an 8 MB stack (a
# thread's may be smaller), so anything deeper than any real formula is refused before.
MAX_DEPTH = 200
# What makes a note's expressions depend on each other: numbered environments and references.
_NUMBERED = re.compile(r"\\(?:tag|label|eqref|ref)\b|\\begin\{(?:equation|align|gather|multline"
                       r"|flalign|alignat|xalignat|xxalignat|eqnarray)\}")
_REF = re.compile(r"\\ref\{")
_TAGGING = re.compile(r"\\(?:label|tag|notag|nonumber)(?![A-Za-z])")
_NUMBERED_ENV = re.compile(r"\\begin\{(?:equation|align|gather|multline|flalign|alignat|eqnarray)")
_ANNOTATION = '<annotation encoding="application/x-tex">'
_LINK_TEXT = re.compile(r'(<a href="#[^"]*">)\(([^<]*)\)</a>')


@dataclass(frozen=True)
class MathResult:
    html: str
    error: str = ""  # why the engine refused the expression; html then shows the source
    error_offset: int = 0  # where in the TeX it stopped


def to_mathml(tex: str, *, display: bool, settings: MathSettings | None = None) -> MathResult:
    """`<math>` for TEX, or the escaped source in `<code class="math-error">` and the reason."""
    return render_all([(tex, display)], settings or MathSettings())[0]


def render_all(snippets: Sequence[tuple[str, bool]], settings: MathSettings,
               written: Sequence[str] | None = None) -> list[MathResult]:
    """Each (TeX, display) typeset, numbered and cross-referenced together when any needs it;
    WRITTEN, when given, is each one's TeX as the note wrote it (for the annotation)."""
    try:
        engine = _converter(_all_macros(settings.macros))
    except Exception:  # a macro the engine will not take (names are checked when read)
        engine = _converter(_all_macros(()))
    optional = {m.name: m for m in (*COMPAT_MACROS, *settings.macros) if m.optional is not None}
    weights, deepest = _weights(settings.macros)
    results: list[MathResult | None] = [None] * len(snippets)
    prepared: list[tuple[int, str, bool]] = []
    for index, (tex, display) in enumerate(snippets):
        source = tex.strip()
        if not source:
            results[index] = MathResult("", "empty expression")
            continue
        text = plain_tags(rename_environments(
            with_optional(source, optional) if optional else source))
        if display and "\\" in text and _TAGGING.search(text):
            if not _NUMBERED_ENV.search(text):
                text = f"\\begin{{equation}}{text}\\end{{equation}}"  # `$$x \\label{e}$$`
            else:
                text = tags_inside(text)
        openers = nesting_depth(text, MAX_DEPTH)
        if openers >= MAX_DEPTH or ((openers + 1) * deepest >= MAX_DEPTH and \
                expanded_depth(text, weights, MAX_DEPTH) >= MAX_DEPTH):
            reason = f"nested more than {MAX_DEPTH} levels deep; not rendered"
            results[index] = MathResult(_error_html(source, reason), reason)
            continue
        prepared.append((index, text, display))
    together = any(_NUMBERED.search(text) for _, text, _ in prepared)
    convert = _convert_together if together else _convert_each
    texts = {index: text for index, text, _ in prepared}
    for index, result in convert(engine, prepared).items():
        tex = snippets[index][0] if written is None else written[index]
        if result.error:
            offset = result.error_offset + len(tex) - len(tex.lstrip())
            result = MathResult(_error_html(tex.strip(), result.error), result.error, offset)
        elif texts[index] != tex.strip():
            result = MathResult(_with_annotation(result.html, tex.strip()))
        results[index] = result
    return [r if r is not None else MathResult("", "empty expression") for r in results]


def _convert_each(engine: math_core.LatexToMathML, prepared: list[tuple[int, str, bool]]
                  ) -> dict[int, MathResult]:
    results = {}
    for index, text, display in prepared:
        try:
            results[index] = MathResult(engine.convert_with_local_state(text, displaystyle=display))
        except Exception as exc:  # the engine is native code: whatever it raises is a math error
            results[index] = _failure(exc)[1]
    return results


def _convert_together(engine: math_core.LatexToMathML, prepared: list[tuple[int, str, bool]]
                      ) -> dict[int, MathResult]:
    """One batch, so numbers run on and `\\eqref` finds labels anywhere in the note. The
    engine stops at the first expression it refuses: then those it refuses alone are set
    aside, and any refused only in company (a label used twice) one by one."""
    results: dict[int, MathResult] = {}
    refs_only = {index for index, text, _ in prepared
                 if _REF.search(text) and "\\eqref" not in text}
    batch = [(index, _ref_as_eqref(text), display) for index, text, display in prepared]
    for attempt in range(8):
        if not batch:
            return results
        try:
            outputs = engine.convert_all([(text, display) for _, text, display in batch])
        except Exception as exc:
            if attempt == 0:
                alone = _convert_each(engine, batch)
                results.update((i, r) for i, r in alone.items() if r.error)
                batch = [item for item in batch if item[0] not in results]
                continue
            failed, result = _failure(exc)
            if failed is None or failed >= len(batch):
                break
            results[batch[failed][0]] = result
            del batch[failed]
            continue
        for (index, _, _), output in zip(batch, outputs, strict=True):
            if index in refs_only:
                output = _LINK_TEXT.sub(r"\1\2</a>", output)
            results[index] = MathResult(output)
        return results
    results.update(_convert_each(engine, [p for p in prepared if p[0] not in results]))
    return results


def _ref_as_eqref(text: str) -> str:
    """`\\ref{x}` as `\\eqref{x}`, which the engine knows (its parentheses are taken off after)."""
    return _REF.sub(r"\\eqref{", text) if "\\ref{" in text else text


def _failure(exc: Exception) -> tuple[int | None, MathResult]:
    """Which expression of a batch failed (None: not said) and the error, from EXC."""
    if isinstance(exc, math_core.LatexError):
        message = str(exc).strip()
        first = message.splitlines()[0] if message else "cannot render"
        match = _OFFSET.match(first)
        if match:
            reason = first[match.end():].strip() or "cannot render"
            which = int(match.group(1)) if match.group(1) is not None else None
            return which, MathResult("", reason, int(match.group(2)))
        return None, MathResult("", first)
    return None, MathResult("", f"{type(exc).__name__}: {exc}")


def labels_of(outputs: Sequence[str]) -> dict[str, str]:
    """label -> number shown ("3", "A") in the typeset OUTPUTS of a note."""
    numbers: dict[str, str] = {}
    for output in outputs:
        if ' id="' in output:
            for label, number in _LABEL.findall(output):
                numbers[html.unescape(label)] = html.unescape(number).strip("()")
    return numbers


_LABEL = re.compile(r'<mtd[^>]*? id="([^"]*)"[^>]*><mtext>([^<]*)</mtext>')
_UNKNOWN = re.compile(r'<a href="#([^"]*)">\(\?\?\)</a>')


def unknown_labels(output: str) -> list[str]:
    """The labels OUTPUT refers to that no equation of its note has."""
    return [html.unescape(label) for label in _UNKNOWN.findall(output)] if "??" in output else []


@lru_cache(maxsize=64)
def _weights(site: tuple[Macro, ...]) -> tuple[dict[str, tuple[int, int]], int]:
    """How deep each macro nests once expanded, and the deepest: a formula can nest no deeper
    than its braces times that, so most need no closer look."""
    weights = expansion_weights((*COMPAT_MACROS, *site), MAX_DEPTH)
    return weights, max((depth for _, depth in weights.values()), default=1)


def unlinked(output: str) -> str:
    """OUTPUT with its references to no equation shown as "(??)" without a dead link."""
    return _UNKNOWN.sub("(??)", output)


def _all_macros(site: tuple[Macro, ...]) -> tuple[tuple[str, str], ...]:
    """name -> body for the engine: the compatibility set, then the site's and the note's (a
    later definition wins)."""
    merged = {m.name: m.body for m in COMPAT_MACROS}
    merged.update((m.name, m.body) for m in site)
    return tuple(merged.items())


@lru_cache(maxsize=64)
def _converter(macros: tuple[tuple[str, str], ...]) -> math_core.LatexToMathML:
    """One converter per set of macros and process (each worker process builds its own)."""
    return math_core.LatexToMathML(annotation=True, fancy_error=False, macros=dict(macros))


def _with_annotation(output: str, tex: str) -> str:
    """OUTPUT with the TeX as written in its annotation, not the one given to the engine."""
    head, found, _ = output.rpartition(_ANNOTATION)
    if not found:
        return output
    return f"{head}{_ANNOTATION}{html.escape(tex, quote=False)}</annotation></semantics></math>"


def _error_html(source: str, reason: str) -> str:
    return (f'<code class="math-error" title="{html.escape(reason, quote=True)}">'
            f"{html.escape(source)}</code>")
