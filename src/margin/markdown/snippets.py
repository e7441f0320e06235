"""Snippets of a note shown elsewhere: list summaries, backlink and paper-page contexts.

Every snippet is made from parsed Markdown, never cut from the source: it comes in two forms,
HTML (math as MathML, code as <code>, emphasis kept, links as their text) for pages, and text
(math as readable Unicode, markdown/mathtext.py) for meta descriptions and feed summaries. Never
TeX, never both. Sentences end at `.`, `!` or `?` in plain text only (not inside a link's text,
code or math) and not after an abbreviation such as "et al." or "e.g.".
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from markdown_it.token import Token

from margin.index.papers import paper_ids
from margin.index.text import MARK

CONTEXT_LIMIT = 280
# A sentence's end: its stop (group 1) and the space after, before what can start a sentence.
_SENTENCE_END = re.compile(r"([.!?][\"”’)]*)\s+(?=[^\sa-z])")
# A word that ends an abbreviation, right before its `.` (not the end of a longer word).
_ABBREVIATION = re.compile(r"(?<![^\W\d_])(?:et al|e\.g|i\.e|figs?|eqs?|vs|cf|sec|ch|no|approx"
                           r"|resp|refs?|thm|def|prop|dr|prof)\Z", re.IGNORECASE)
_UNFINISHED = " \n,.;:—-"  # what a cut snippet does not end with before its ellipsis
_TYPE = attrgetter("type")
_LINKING = frozenset({"link_open", "citation"})  # where a note or a paper may be linked
_TAGS = {"em_open": "em", "strong_open": "strong", "s_open": "del",
         "em_close": "em", "strong_close": "strong", "s_close": "del"}


@dataclass(frozen=True)
class Snippet:
    html: str
    text: str


class Atom(NamedTuple):
    """A piece of a snippet: plain text (where a sentence may end), fixed text (code, math, a
    link's text: never split), or an opening or closing tag (no text). (A tuple: a body's
    snippets make about 150 of them a note, and a frozen dataclass's are slow to make.)"""

    kind: str  # "text", "fixed", "open", "close" or "link" (where a link starts: its target)
    text: str
    html: str | None = None  # None: the text, escaped (worked out only for what is shown)
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
            atoms.append(Atom("fixed" if in_link else "text", content))
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
            atoms.append(Atom("fixed", text))
        elif kind == "citation" and "text" in child.meta:  # (markdown/citations.py)
            if child.meta.get("papers"):
                atoms.append(Atom("link", "", "", "cite:" + " ".join(child.meta["papers"])))
            atoms.append(Atom("fixed", child.meta["text"]))
    return atoms


def sentence_with_mark(atoms: list[Atom], limit: int = CONTEXT_LIMIT) -> Snippet:
    """The sentence of ATOMS holding MARK (the first when none does), without the mark."""
    paragraph = Paragraph(atoms)
    return paragraph.sentence_at(paragraph.text.find(MARK), limit)


class Paragraph:
    """A paragraph's atoms, its text and where its sentences end, worked out once for all the
    sentences taken from it."""

    def __init__(self, atoms: list[Atom]):
        self.atoms = atoms
        self.text = "".join(atom.text for atom in atoms)
        plain = _plain_spans(atoms)
        # (where a sentence ends, where the next starts), for each end in plain text
        self.ends = [(match.end(1), match.end()) for match in _SENTENCE_END.finditer(self.text)
                     if _in_spans(plain, match.start(1))
                     and not _abbreviated(self.text, match.start(1))]

    def sentence_at(self, at: int, limit: int = CONTEXT_LIMIT) -> Snippet:
        """The sentence holding the offset AT of the text (the first when AT < 0)."""
        view, ends = self.text, self.ends
        after = 0 if at < 0 else bisect.bisect_right(ends, at, key=_next_start)
        start = ends[after - 1][1] if after else 0
        end = ends[after][0] if after < len(ends) else len(view)
        lead: list[Atom] = []
        if at - start > limit * 2 // 3:  # a long sentence: start near the mark, at a word
            space = view.find(" ", at - limit // 2, at)
            if space > start:
                start, lead = space + 1, [Atom("fixed", "… ", "… ")]
        return shortened(lead + _sliced(self.atoms, start, end), limit)


def _next_start(end: tuple[int, int]) -> int:
    return end[1]


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
                kept.append(Atom("text", head))
            cut = True
            break
        kept.append(atom if text == atom.text else Atom(
            atom.kind, text, None if atom.html is None else atom.html.replace(MARK, ""), atom.tag))
        length += len(text)
    if cut:
        while kept and kept[-1].kind == "text" and not kept[-1].text.strip(_UNFINISHED):
            kept.pop()
        if kept and kept[-1].kind == "text":
            last = kept[-1].text.rstrip(_UNFINISHED)
            kept[-1] = Atom("text", last)
        kept.append(Atom("ellipsis", "…", "…"))
    return _joined(_balanced(kept))


def _plain_spans(atoms: list[Atom]) -> list[tuple[int, int]]:
    spans, position = [], 0
    for atom in atoms:
        if atom.kind == "text":
            spans.append((position, position + len(atom.text)))
        position += len(atom.text)
    return spans


def _in_spans(spans: list[tuple[int, int]], at: int) -> bool:
    found = bisect.bisect_right(spans, at, key=_span_start)  # spans starting at or before AT
    return found > 0 and at < spans[found - 1][1]


def _span_start(span: tuple[int, int]) -> int:
    return span[0]


def _abbreviated(view: str, stop: int) -> bool:
    """Whether the `.` at STOP ends an abbreviation ("et al.", "e.g.") in VIEW."""
    return view[stop] == "." and _ABBREVIATION.search(view, max(0, stop - 8), stop) is not None


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
            atom = Atom("text", piece)
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
    markup = " ".join("".join(html.escape(atom.text) if atom.html is None else atom.html
                              for atom in atoms).split())
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
        if not cites and _LINKING.isdisjoint(map(_TYPE, children)):  # most, looked at quickly
            continue
        if not cites and not any((child.type == "link_open" and child.meta.get("note"))
                                 or (child.type == "citation" and child.meta.get("papers"))
                                 for child in children):
            continue
        atoms = atoms_of(children)
        paragraph: Paragraph | None = None
        for spot, at in _spots(atoms, cites):
            if spot not in found:
                paragraph = paragraph or Paragraph(atoms)
                found[spot] = paragraph.sentence_at(at)
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
            elif kind == "cite":  # a citation of bibliography entries that are papers
                spots.extend((paper, offset) for paper in target.split())
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
