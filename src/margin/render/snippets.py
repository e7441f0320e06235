"""Snippets of a note shown elsewhere: list summaries, backlink and paper-page contexts.

Every snippet is made from parsed Markdown, never cut from the source: it comes in two forms,
HTML (math as MathML, code as <code>, emphasis kept, links as their text) for pages, and text
(math as readable Unicode, render/mathtext.py) for meta descriptions and feed summaries. Never
TeX, never both. Sentences end at `.`, `!` or `?` in plain text only (not inside a link's text,
code or math) and not after an abbreviation such as "et al." or "e.g.".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from margin.index.papers import paper_ids
from margin.index.text import MARK

CONTEXT_LIMIT = 280
# A sentence's end: its stop (group 1) and the space after, before what can start a sentence.
_SENTENCE_END = re.compile(r"([.!?][\"”’)]*)\s+(?=[^\sa-z])")
_ABBREVIATIONS = ("et al", "e.g", "i.e", "fig", "figs", "eq", "eqs", "vs", "cf", "sec", "ch",
                  "no", "approx", "resp", "ref", "refs", "thm", "def", "prop", "dr", "prof")
_UNFINISHED = " \n,.;:—-"  # what a cut snippet does not end with before its ellipsis
_TAGS = {"em_open": "em", "strong_open": "strong", "s_open": "del",
         "em_close": "em", "strong_close": "strong", "s_close": "del"}


@dataclass(frozen=True)
class Snippet:
    html: str
    text: str


@dataclass(frozen=True)
class Atom:
    """A piece of a snippet: plain text (where a sentence may end), fixed text (code, math, a
    link's text: never split), or an opening or closing tag (no text)."""

    kind: str  # "text", "fixed", "open" or "close"
    text: str
    html: str
    tag: str = ""


def atoms_of(children: list[Token]) -> list[Atom]:
    """The pieces of an inline token's CHILDREN (math already typeset, its meta holding
    "mathml" and "text"); images, raw HTML, footnote marks and anchors are left out."""
    atoms: list[Atom] = []
    in_link = 0
    for child in children:
        if child.meta and child.meta.get("anchor"):
            break  # a heading's anchor link: the heading's words are all before it
        kind = child.type
        if kind in ("text", "text_special"):
            content = child.content
            atoms.append(Atom("fixed" if in_link else "text", content, html.escape(content)))
        elif kind in ("softbreak", "hardbreak"):
            atoms.append(Atom("text", " ", " "))
        elif kind == "code_inline":
            atoms.append(Atom("fixed", child.content,
                               f"<code>{html.escape(child.content)}</code>"))
        elif kind.startswith("math"):
            mathml = child.meta.get("mathml") or html.escape(child.content)
            atoms.append(Atom("fixed", child.meta.get("text", child.content), mathml))
        elif kind in _TAGS:
            tag = _TAGS[kind]
            closing = kind.endswith("_close")
            atoms.append(Atom("close" if closing else "open", "",
                               f"</{tag}>" if closing else f"<{tag}>", tag))
        elif kind == "link_open":
            in_link += 1
            note = child.meta.get("note") if child.meta else None
            atoms.append(Atom("link", "", "", f"note:{note}" if note else
                               f"href:{child.attrGet('href') or ''}"))
        elif kind == "link_close":
            in_link = max(0, in_link - 1)
        elif kind == "html_inline" and child.meta and "text" in child.meta:
            text = child.meta["text"]  # a broken wikilink: its words
            atoms.append(Atom("fixed", text, html.escape(text)))
    return atoms


def sentence_with_mark(atoms: list[Atom], limit: int = CONTEXT_LIMIT) -> Snippet:
    """The sentence of ATOMS holding MARK (the first when none does), without the mark."""
    return sentence_at(atoms, "".join(atom.text for atom in atoms).find(MARK), limit)


def sentence_at(atoms: list[Atom], at: int, limit: int = CONTEXT_LIMIT) -> Snippet:
    """The sentence of ATOMS holding the offset AT of their text (the first when AT < 0)."""
    view = "".join(atom.text for atom in atoms)
    start, end = 0, len(view)
    for match in _sentence_ends(atoms, view):
        if at < 0 or match.start(1) < at:
            if at < 0:
                end = match.end(1)
                break
            start = match.end()
        else:
            end = match.end(1)
            break
    lead: list[Atom] = []
    if at - start > limit * 2 // 3:  # a long sentence: start near the mark, at a word
        space = view.find(" ", at - limit // 2, at)
        if space > start:
            start, lead = space + 1, [Atom("fixed", "… ", "… ")]
    return shortened(lead + _sliced(atoms, start, end), limit)


def shortened(atoms: list[Atom], limit: int | None) -> Snippet:
    """ATOMS as a snippet (whitespace collapsed), cut at a word before LIMIT characters of text
    with an ellipsis, its tags balanced."""
    kept: list[Atom] = []
    length, cut = 0, False
    for atom in atoms:
        text = atom.text.replace(MARK, "")
        if limit is not None and length + len(text) > limit and atom.text.strip():
            if atom.kind == "text":
                head = text[: limit - length].rsplit(" ", 1)[0] if " " in text[
                    : limit - length] else ""
                kept.append(Atom("text", head, html.escape(head)))
            cut = True
            break
        kept.append(atom if text == atom.text else
                    Atom(atom.kind, text, atom.html.replace(MARK, ""), atom.tag))
        length += len(text)
    if cut:
        while kept and kept[-1].kind == "text" and not kept[-1].text.strip(_UNFINISHED):
            kept.pop()
        if kept and kept[-1].kind == "text":
            last = kept[-1].text.rstrip(_UNFINISHED)
            kept[-1] = Atom("text", last, html.escape(last))
        kept.append(Atom("ellipsis", "…", "…"))
    return _joined(_balanced(kept))


def _sentence_ends(atoms: list[Atom], view: str) -> Iterator[re.Match[str]]:
    """The sentence ends in VIEW (the atoms' text joined) that fall in plain text."""
    plain = _plain_spans(atoms)
    for match in _SENTENCE_END.finditer(view):
        stop = match.start(1)
        if not _in_spans(plain, stop) or _abbreviated(view, stop):
            continue
        yield match


def _plain_spans(atoms: list[Atom]) -> list[tuple[int, int]]:
    spans, position = [], 0
    for atom in atoms:
        if atom.kind == "text":
            spans.append((position, position + len(atom.text)))
        position += len(atom.text)
    return spans


def _in_spans(spans: list[tuple[int, int]], at: int) -> bool:
    low, high = 0, len(spans)
    while low < high:  # the last span starting at or before AT
        middle = (low + high) // 2
        if spans[middle][0] <= at:
            low = middle + 1
        else:
            high = middle
    return low > 0 and at < spans[low - 1][1]


def _abbreviated(view: str, stop: int) -> bool:
    """Whether the `.` at STOP ends an abbreviation or an initial ("J. Smith") in VIEW."""
    if view[stop] != ".":
        return False
    before = view[max(0, stop - 8): stop].lower()
    for word in _ABBREVIATIONS:
        if before.endswith(word) and (len(before) == len(word) or not before[-len(word) - 1]
                                      .isalpha()):
            return True
    return False


def _sliced(atoms: list[Atom], start: int, end: int) -> list[Atom]:
    """The atoms between the text offsets START and END (each in plain text or at an edge)."""
    kept, position = [], 0
    for atom in atoms:
        after = position + len(atom.text)
        if atom.text and (after <= start or position >= end):
            position = after
            continue
        if not atom.text and not start <= position <= end:
            continue
        if atom.kind == "text" and (position < start or after > end):
            piece = atom.text[max(start - position, 0): end - position]
            atom = Atom("text", piece, html.escape(piece))
        kept.append(atom)
        position = after
    return kept


def _balanced(atoms: list[Atom]) -> list[Atom]:
    """ATOMS less the closing tags of elements opened before them, with the elements they open
    but do not close closed at the end."""
    kept: list[Atom] = []
    open_tags: list[str] = []
    for atom in atoms:
        if atom.kind == "close":
            if atom.tag not in open_tags:
                continue
            while open_tags and open_tags[-1] != atom.tag:
                kept.append(Atom("close", "", f"</{open_tags.pop()}>"))
            open_tags.pop()
        elif atom.kind == "open":
            open_tags.append(atom.tag)
        kept.append(atom)
    kept.extend(Atom("close", "", f"</{tag}>") for tag in reversed(open_tags))
    return kept


def _joined(atoms: list[Atom]) -> Snippet:
    text = " ".join("".join(atom.text for atom in atoms).split())
    markup = " ".join("".join(atom.html for atom in atoms).split())
    return Snippet(markup, text)


def contexts_of(tokens: list[Token]) -> tuple[tuple[str, str, str], ...]:
    """The sentence around each note a body links to and each paper it cites, at the first
    mention, from its parsed paragraphs (math typeset): (note key or paper id, HTML, text).
    What the notes' backlinks and the paper pages show, at no cost of parsing again."""
    found: dict[str, Snippet] = {}
    for token in tokens:
        children = token.children
        if token.type != "inline" or not children:
            continue
        cites = _may_cite(token.content)
        if not cites and not any(child.type == "link_open" and child.meta.get("note")
                                 for child in children):
            continue
        atoms = atoms_of(children)
        for spot, at in _spots(atoms, cites):
            if spot not in found:
                found[spot] = sentence_at(atoms, at)
    return tuple((spot, snippet.html, snippet.text) for spot, snippet in found.items())


def _spots(atoms: list[Atom], cites: bool) -> list[tuple[str, int]]:
    """Where in ATOMS' text each linked note (by key) and, when CITES, each cited paper (by
    id: in a link's URL, else in the text) is mentioned, in order."""
    spots, offset = [], 0
    for atom in atoms:
        if atom.kind == "link":
            kind, _, target = atom.tag.partition(":")
            if kind == "note":
                spots.append((target, offset))
            elif cites:
                spots.extend((paper, offset) for paper in paper_ids(target))
        offset += len(atom.text)
    if cites:
        view = "".join(atom.text for atom in atoms)
        lowered = view.lower()
        for paper in paper_ids(view):
            spots.append((paper, max(lowered.find(paper.partition(":")[2]), 0)))
    return spots


def _may_cite(text: str) -> bool:
    lowered = text.lower()
    return "arxiv" in lowered or "doi" in lowered
