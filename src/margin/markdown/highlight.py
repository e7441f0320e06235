"""Code blocks highlighted at build time by Pygments, as CSS classes the theme colours.

Markup: `<div class="highlight" data-lang="python"><pre><code class="language-python">…`.
An unknown or missing language gives the same box with the code escaped and uncoloured;
`data-lang` still names what the author wrote, so the theme can show it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_LANG = re.compile(r"[\w+#.-]+")


@dataclass(frozen=True)
class CodeOptions:
    """What Jekyll's and Hugo's highlight tags may ask beyond the language."""

    numbered: bool = False  # linenos
    first_number: int = 1  # linenostart
    marked: tuple[int, ...] = ()  # hl_lines: 1-based lines of the block, shown marked


PLAIN = CodeOptions()


def language_of(info: str) -> str:
    """The language a fence's info string names: 'python', '{.python}', 'language-py title=x'."""
    match = _LANG.search(info.strip().lstrip("{").lstrip("."))
    if not match:
        return ""
    return match.group(0).removeprefix("language-").lower()


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


def code_block(code: str, language: str, options: CodeOptions = PLAIN) -> str:
    """A highlighted block for CODE in LANGUAGE (plain and escaped when Pygments lacks it)."""
    lexer = _lexer(language)
    body = None
    if lexer is not None:
        try:
            body = highlight(code, lexer, _formatter())
        except Exception:  # a lexer bug must not cost the page; show the code plain
            body = None
    if body is None:
        body = html.escape(code, quote=False)
    if options != PLAIN:
        body = _numbered_and_marked(body, options)
    lang_attr = f' data-lang="{html.escape(language)}"' if language else ""
    code_class = f' class="language-{html.escape(language)}"' if language else ""
    return (f'<div class="highlight"{lang_attr}><pre><code{code_class}>{body}</code></pre>'
            "</div>\n")


def _numbered_and_marked(body: str, options: CodeOptions) -> str:
    """Line numbers and marked lines on BODY's lines (Pygments closes its spans at each line's
    end, so a line of its HTML is a line of the code)."""
    lines = body.removesuffix("\n").split("\n")
    marked = set(options.marked)
    out = []
    for number, line in enumerate(lines, 1):
        if options.numbered:
            line = f'<span class="linenos" data-line="{number + options.first_number - 1}">' \
                f'</span>{line}'
        out.append(f'<span class="hll">{line}\n</span>' if number in marked else line + "\n")
    joined = "".join(out)
    return joined if body.endswith("\n") else joined.removesuffix("\n")
