"""MathML -> readable Unicode text, for the places that take text only: the search index, meta
descriptions, feed summaries, title attributes.

Read from the MathML math-core wrote rather than from the TeX, so that what a reader sees and
what they can search for agree: `\\frac{QK^\\top}{\\sqrt{d}}` becomes `QKᵀ/√d`. Scripts become
Unicode super- and subscripts where every character has one (else `^x`, `_(…)`), fractions
`a/b`, roots `√x`, accents combining marks; the TeX annotation is left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

# One tag or one run of text: each pattern stops at the first `<` or `>`, so a scan is linear.
_PART = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*)>|([^<]+)|<")
_TAG = re.compile(r"<[^<>]*>")
_ANNOTATION = re.compile(r"<annotation[^<>]*>[^<]*</annotation>")
_ACCENT_ATTR = re.compile(r"""\baccent\s*=\s*["']true["']""")
_SKIPPED = frozenset({"annotation", "annotation-xml", "mphantom"})
_VOID = frozenset({"mspace", "none", "mprescripts", "malignmark", "maligngroup"})
# Invisible operators dropped; U+2061 (function application) and WORD_MARK kept until the end,
# where each becomes a space between a function's name and a letter or digit, else nothing.
_INVISIBLE = dict.fromkeys(map(ord, "\u2062\u2063\u2064\ufe00\ufe01"), None)
_WORD_MARK = "\u2060"  # before a word (`log`, `softmax`)
_APPLIED = re.compile("(?<=[^\\W_])\u2060|\u2061(?=[^\\W_])")
_LEFT_MARKS = re.compile("[\u2060\u2061]")
_OPERATORS = frozenset("+-−=≠<>≤≥±∓·×÷/,;:∈∉⊂⊆∪∩∧∨→←↦⇒⇔∼≈≡∝|")

_SUPERSCRIPTS = dict(zip("0123456789+-−=()niT⊤⊺*′″abcdehijklmoprstuvwxyzABDEGHIJKLMNOPRUVW",
                         "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵀᵀ*′″ᵃᵇᶜᵈᵉʰⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵁⱽᵂ",
                         strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                       "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
_COMBINING = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304",
              "‾": "\u0305", "→": "\u20d7", "⃗": "\u20d7", "˙": "\u0307", "¨": "\u0308",
              "ˇ": "\u030c", "˘": "\u0306", "´": "\u0301", "`": "\u0300"}
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}


@dataclass
class _Element:
    name: str
    attributes: str = ""
    children: list[_Element | str] = field(default_factory=list)


@lru_cache(maxsize=4096)
def math_text(mathml: str) -> str:
    """The readable text of the MathML in MATHML (one or more <math> elements, and whatever
    text is around them)."""
    try:
        text = _text(_parse(mathml))
    except RecursionError:  # nested deeper than Python recurses: its characters, in order
        text = html.unescape(_TAG.sub("", _ANNOTATION.sub("", mathml)))
    return _LEFT_MARKS.sub("", _APPLIED.sub(" ", " ".join(text.split())))


def _parse(markup: str) -> _Element:
    """The element tree of MARKUP, forgiving: an end tag closes up to its element (or nothing
    when none is open), an element left open closes at the end."""
    root = _Element("")
    stack = [root]
    for match in _PART.finditer(markup):
        closing, name, attributes, text = match.groups()
        if text is not None:
            stack[-1].children.append(html.unescape(text))
        elif name is None:
            stack[-1].children.append("<")
        elif closing:
            name = name.lower()
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
        else:
            element = _Element(name.lower(), attributes)
            stack[-1].children.append(element)
            if not attributes.endswith("/") and element.name not in _VOID:
                stack.append(element)
    return root


def _text(node: _Element | str) -> str:
    if isinstance(node, str):
        return node.translate(_INVISIBLE)
    name, parts = node.name, [child for child in node.children
                              if not isinstance(child, str) or child.strip()]
    if name in _SKIPPED:
        return ""
    if name in ("msup", "msub", "msubsup", "munder", "mover", "munderover") and parts:
        return _scripted(node, parts)
    if name == "mfrac" and len(parts) == 2:
        return f"{_grouped(_text(parts[0]))}/{_grouped(_text(parts[1]))}"
    if name == "msqrt":
        return "√" + _grouped("".join(map(_text, parts)))
    if name == "mroot" and len(parts) == 2:
        index = _text(parts[1])
        sign = _ROOTS.get(index) or (_script(index, _SUPERSCRIPTS, "") + "√")
        return sign + _grouped(_text(parts[0]))
    if name == "mi" and len(parts) == 1 and isinstance(parts[0], str) and len(parts[0]) > 1:
        return _WORD_MARK + _text(parts[0])
    if name == "mtr":  # cells apart, unless a cell goes on with an operator (`a &= b`)
        cells = [" ".join(_text(part).split()) for part in parts]
        return "".join(cell if not i or cell[:1] in _OPERATORS else " " + cell
                       for i, cell in enumerate(cells)).strip() + "; "
    if name == "mtable":
        return " " + "".join(map(_text, parts)).strip().rstrip(";") + " "
    if name == "mtext":
        return " " + "".join(map(_text, parts)) + " "
    return "".join(map(_text, parts))


def _scripted(node: _Element, parts: list[_Element | str]) -> str:
    """A base with scripts: msup/msub/msubsup, and their under/over forms (limits, accents)."""
    base = _text(parts[0])
    scripts = [_text(part) for part in parts[1:3]]
    if node.name == "mover" and len(scripts) == 1 and (
            _ACCENT_ATTR.search(node.attributes) or scripts[0].strip() in _COMBINING):
        mark = _COMBINING.get(scripts[0].strip())
        return base + mark if mark and len(base) == 1 else base
    if node.name in ("msup", "mover"):
        under, over = "", scripts[0] if scripts else ""
    elif node.name in ("msub", "munder"):
        under, over = scripts[0] if scripts else "", ""
    else:
        under, over = [*scripts, "", ""][:2]
    return base + _script(under, _SUBSCRIPTS, "_") + _script(over, _SUPERSCRIPTS, "^")


def _script(text: str, table: dict[str, str], mark: str) -> str:
    """TEXT as a Unicode script when every character has one, else MARK and TEXT."""
    text = text.strip()
    if not text:
        return ""
    if all(char in table for char in text):
        return "".join(table[char] for char in text)
    if mark == "^" and text in ("′", "″", "‴", "*", "†", "‡", "∗"):
        return text
    return mark + (f"({text})" if len(text) > 1 and text[0] not in "([{" else text)


def _grouped(text: str) -> str:
    """TEXT, in parentheses when it is more than one term (so `a/b` reads right)."""
    text = text.strip()
    if len(text) > 1 and (any(char in _OPERATORS or char.isspace() for char in text)
                          and not (text[0] in "([{" and text[-1] in ")]}")):
        return f"({text})"
    return text
