"""The one slug function: readable, URL-safe, never empty, and kind to non-Latin scripts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into ASCII but every reader would transliterate.
_FOLDS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "ı": "i",
        "&": " and ", "@": " at ",
    }
)
_SEPARATORS = re.compile(r"[\s_\-–—/\\.:;,+=|~]+")
_DROPPED = re.compile(r"[^\w-]", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


def slugify(text: str, fallback: str = "untitled") -> str:
    """Lower-case words joined by '-': accents and ligatures folded, other scripts kept.

    'Ça va? Œuvres & co' -> 'ca-va-oeuvres-and-co'; '注意力机制' stays '注意力机制'.
    """
    text = _ascii_folded(text) if text.isascii() else _folded(text)
    text = _SEPARATORS.sub("-", text)
    text = _DROPPED.sub("", text)
    text = _DASHES.sub("-", text).strip("-")
    return (text if text.isascii() else unicodedata.normalize("NFC", text)) or fallback


def _folded(text: str) -> str:
    """Compatibility forms, ligatures and accents folded ('ﬁ', 'ß', 'é'), in lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLDS)
    return "".join(map(_fold_accent, text)).lower()


def _ascii_folded(text: str) -> str:
    """_folded for ASCII TEXT (most headings), which NFKC and accent folding leave as it is."""
    return text.translate(_FOLDS).lower()


@lru_cache(maxsize=4096)
def _fold_accent(char: str) -> str:
    """'é' -> 'e', but 'が' stays 'が': only accents on ASCII letters are dropped."""
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isascii() and base.isalpha() else char


def humanize(stem: str) -> str:
    """A file name as a title: 'llm-study_notes' -> 'Llm study notes'."""
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem
