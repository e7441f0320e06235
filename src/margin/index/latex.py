"""The LaTeX found in BibTeX values -> plain Unicode text, and BibTeX name lists -> names.

Covers what reference managers and publishers write: accents in any of their spellings
(`{\\"o}`, `\\"{o}`, `\\"o`), the usual letters and symbols, dashes, ties, font commands, and
the braces that protect capitals. Anything else is kept as written, braces removed.
"""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
            "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
            "th": "þ", "TH": "Þ", "textendash": "–", "textemdash": "—", "ldots": "…",
            "dots": "…", "textquoteright": "’", "textquoteleft": "‘", "LaTeX": "LaTeX",
            "TeX": "TeX", "textregistered": "®", "copyright": "©", "S": "§", "P": "¶"}
# \"{o}, \"o, \'{\i}, \c c: a symbol accent takes the next letter; a letter accent a space first
_ACCENT = re.compile(r"""\\(["'`^~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"""
                     r"""|\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+(\\?[A-Za-z]))""")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*|\\([&%$#_{}\\ ,;!])")
_FONT = {"emph", "textit", "textbf", "textsc", "texttt", "textrm", "textsf", "mathrm",
         "textup", "textsl", "mbox", "url", "href", "text", "enquote", "uppercase", "MakeUppercase"}
_SYMBOLS = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
            ",": "\u2009", ";": " ", "!": "", "\\": " "}
_QUOTES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("~", "\u00a0"))
_SPACE = re.compile(r"\s+")


def latex_to_text(value: str) -> str:
    """VALUE with its LaTeX spelled out as Unicode and its grouping braces removed."""
    if "\\" in value:
        value = _ACCENT.sub(_accented, value)
        value = _COMMAND.sub(_command, value)
    if "$" not in value:  # math keeps its own dashes and ties
        for latex, text in _QUOTES:
            value = value.replace(latex, text)
    value = value.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", _SPACE.sub(" ", value).strip())


def _accented(match: re.Match[str]) -> str:
    accent = match.group(1) or match.group(4)
    letter = next(g for g in match.group(2, 3, 5, 6) if g)
    if letter.startswith("\\"):  # (an accent goes on a dotted i: \'\i is í)
        letter = letter[1:] if letter in ("\\i", "\\j") else _LETTERS.get(letter[1:], letter[1:])
    return letter + _ACCENTS[accent]


def _command(match: re.Match[str]) -> str:
    name, symbol = match.group(1), match.group(2)
    if symbol is not None:
        return _SYMBOLS[symbol]
    if name in _LETTERS:
        return _LETTERS[name]
    return "" if name in _FONT else match.group(0)


def split_names(value: str) -> list[str]:
    """A BibTeX name list split at its top-level `and`s."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def parse_name(name: str) -> dict[str, str]:
    """One BibTeX name -> a CSL name: 'von Last, Jr, First', 'Last, First' or 'First von
    Last'; a name wholly in braces ('{World Health Organization}') is a literal."""
    if name.startswith("{") and name.endswith("}") and _top_level(name[1:-1]):
        return {"literal": latex_to_text(name)}
    parts = _split_top(name, ",")
    if len(parts) >= 2:
        family, given = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
    else:
        words = _split_top(name, None)
        if len(words) == 1:
            return {"family": latex_to_text(words[0])}
        cut = next((i for i, w in enumerate(words[:-1]) if i and w[:1].islower()),
                   len(words) - 1)
        family, given, suffix = " ".join(words[cut:]), " ".join(words[:cut]), ""
    found = {"family": latex_to_text(family), "given": latex_to_text(given)}
    if suffix:
        found["suffix"] = latex_to_text(suffix)
    return {k: v for k, v in found.items() if v}


def _top_level(inner: str) -> bool:
    """Whether INNER's braces balance (so the outer pair wraps the whole name)."""
    depth = 0
    for char in inner:
        depth += char == "{"
        depth -= char == "}"
        if depth < 0:
            return False
    return depth == 0


def _split_top(text: str, separator: str | None) -> list[str]:
    """TEXT split at SEPARATOR (None: whitespace) outside braces."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and (char == separator or (separator is None and char.isspace())):
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part] if separator is None else parts
