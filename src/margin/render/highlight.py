"""Code blocks highlighted at build time by Pygments, as CSS classes the theme colours.

Markup: `<div class="highlight" data-lang="python"><pre><code class="language-python">…`.
An unknown or missing language gives the same box with the code escaped and uncoloured;
`data-lang` still names what the author wrote, so the theme can show it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_LANG = re.compile(r"[\w+#.-]+")


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


def code_block(code: str, language: str) -> str:
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
    lang_attr = f' data-lang="{html.escape(language)}"' if language else ""
    code_class = f' class="language-{html.escape(language)}"' if language else ""
    return (f'<div class="highlight"{lang_attr}><pre><code{code_class}>{body}</code></pre>'
            "</div>\n")
