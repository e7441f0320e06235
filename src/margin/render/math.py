"""TeX -> MathML at build time with math-core, so readers need no JavaScript to see equations.

math-core was chosen by measurement (see the README's rendering section): it renders the
user's expressions, `aligned`, `cases` and `\\arg` included, at a few microseconds each, and
rejects what it cannot render instead of guessing. The TeX stays in the output as an
`<annotation encoding="application/x-tex">`, for copy-paste, feeds and screen readers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import math_core

_OFFSET = re.compile(r"^(\d+):\s*")


@dataclass(frozen=True)
class MathResult:
    html: str
    error: str = ""  # why the engine refused the expression; html then shows the source
    error_offset: int = 0  # where in the TeX it stopped


@lru_cache(maxsize=1)
def _converter() -> math_core.LatexToMathML:
    """One converter per process (each worker process builds its own)."""
    return math_core.LatexToMathML(annotation=True, fancy_error=False)


def to_mathml(tex: str, *, display: bool) -> MathResult:
    """`<math>` for TEX, or the escaped source in `<code class="math-error">` and the reason."""
    source = tex.strip()
    if not source:
        return MathResult("", "empty expression")
    try:
        return MathResult(_converter().convert_with_local_state(source, displaystyle=display))
    except math_core.LatexError as exc:
        reason, offset = _reason(str(exc))
    except Exception as exc:  # the engine is native code: whatever it raises is a math error
        reason, offset = f"{type(exc).__name__}: {exc}", 0
    return MathResult(_error_html(source, reason), reason,
                      offset + len(tex) - len(tex.lstrip()))


def _reason(message: str) -> tuple[str, int]:
    first = message.strip().splitlines()[0] if message.strip() else "cannot render"
    match = _OFFSET.match(first)
    if match:
        return first[match.end():].strip() or "cannot render", int(match.group(1))
    return first, 0


def _error_html(source: str, reason: str) -> str:
    return (f'<code class="math-error" title="{html.escape(reason, quote=True)}">'
            f"{html.escape(source)}</code>")
