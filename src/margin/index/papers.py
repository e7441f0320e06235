"""Papers a note cites: arXiv ids and DOIs found in its links, its text and its front matter."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from margin.index.text import code_free_lines, passage_around
from margin.model import Citation, Note

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.-]+/\d{7}"
_ARXIV = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|\barxiv:\s?)({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?(?:\.pdf)?",
    re.IGNORECASE,
)
_DOI = re.compile(r"(?:doi\.org/|\bdoi:\s?)(10\.\d{4,9}/[^\s\"<>\])]+[^\s\"<>\]).,;:])",
                  re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.({_ARXIV_NEW})$")
_LINK = re.compile(r"\[([^\[\]]+)\]\(\s*<?([^()\[\]\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_TRAILING_ASIDE = re.compile(r"\s*[\(\[][^)\]]*[\)\]]\s*$")


def paper_ids(text: str) -> list[str]:
    """Every paper id in TEXT, in order of appearance, without repeats."""
    found: dict[str, int] = {}
    for match in _ARXIV.finditer(text):
        found.setdefault(f"arxiv:{match.group(1).lower()}", match.start())
    for match in _DOI.finditer(text):
        doi = match.group(1).lower()
        arxiv = _ARXIV_DOI.match(doi)  # arXiv's own DOIs name the same paper as its id
        found.setdefault(f"arxiv:{arxiv.group(1)}" if arxiv else f"doi:{doi}", match.start())
    return [paper for paper, _ in sorted(found.items(), key=lambda item: item[1])]


def citations(note: Note) -> list[Citation]:
    """The papers NOTE cites, once each, at their first mention (front matter first)."""
    seen: dict[str, Citation] = {}
    for value in _front_matter_papers(note):
        for paper in paper_ids(value):
            seen.setdefault(paper, Citation(paper, note.key, note.body_line, note.summary))
    if not _may_cite(note.body):
        return list(seen.values())
    lines = code_free_lines(note.body)
    source = note.body.split("\n")
    for number, line in enumerate(lines):
        if not _may_cite(line):
            continue  # most lines name no paper: skip the regular expressions
        link_texts, link_starts = {}, {}
        for match in _LINK.finditer(line):
            for paper in paper_ids(match.group(2)):
                link_texts.setdefault(paper, match.group(1).strip())
                link_starts.setdefault(paper, match.start())
        for paper in paper_ids(line):
            # (a context marks a paper cited by a link at the link: its URL is not shown)
            column = link_starts.get(paper, _position(line, paper))
            text = link_texts.get(paper, "")
            if paper in seen:
                if text and not seen[paper].link_text:
                    old = seen[paper]
                    seen[paper] = Citation(paper, note.key, old.line, old.context, text)
                continue
            context = passage_around(source, lines, number, column)
            seen[paper] = Citation(paper, note.key, note.body_line + number, context, text)
    return list(seen.values())


def _may_cite(text: str) -> bool:
    """Whether TEXT can hold an arXiv id or a DOI: both patterns need one of these words."""
    lowered = text.lower()
    return "arxiv" in lowered or "doi" in lowered


def _front_matter_papers(note: Note) -> list[str]:
    values = []
    for key in ("paper", "papers", "arxiv", "doi"):
        value = note.extra.get(key)
        if isinstance(value, str | int | float):
            values.append(f"doi:{value}" if key == "doi" else f"arxiv:{value}" if key == "arxiv"
                          else str(value))
        elif isinstance(value, list):
            values.extend(str(v) for v in value if isinstance(v, str | int | float))
    return values


def _position(line: str, paper: str) -> int:
    bare = paper.split(":", 1)[1]
    found = line.lower().find(bare)
    return max(found, 0)


def paper_title(paper: str, cited: list[Citation], declared: dict[str, str]) -> str:
    """Front matter `paper_title`, else the link text most used for the paper, else its id.

    Link texts are compared without a trailing aside, so 'Title' and 'Title (Continued)'
    count as the same text.
    """
    if paper in declared:
        return declared[paper]
    texts = Counter(_TRAILING_ASIDE.sub("", c.link_text).strip() for c in cited if c.link_text)
    texts.pop("", None)
    if not texts:
        return paper_label(paper)
    best = max(texts.items(), key=lambda item: (item[1], -len(item[0]), item[0]))
    return best[0]


def paper_label(paper: str) -> str:
    kind, bare = paper.split(":", 1)
    return f"arXiv:{bare}" if kind == "arxiv" else f"DOI {bare}"


def paper_link(paper: str) -> str:
    kind, bare = paper.split(":", 1)
    return f"https://arxiv.org/abs/{bare}" if kind == "arxiv" else f"https://doi.org/{bare}"


def paper_slug(paper: str) -> str:
    """The paper page's folder: 'arxiv:2501.09223' -> '2501.09223', DOIs keep their slash."""
    kind, bare = paper.split(":", 1)
    return bare if kind == "arxiv" else f"doi/{bare}"


def declared_titles(notes: list[Note]) -> dict[str, str]:
    """`paper_title` from notes whose front matter names exactly one paper."""
    declared: dict[str, str] = {}
    for note in notes:
        title = note.extra.get("paper_title")
        if not (isinstance(title, str) and title.strip()):
            continue
        papers = [p for value in _front_matter_papers(note) for p in paper_ids(value)]
        if len(papers) == 1:
            declared.setdefault(papers[0], title.strip())
    return declared


def group(cited: list[Citation]) -> dict[str, list[Citation]]:
    by_paper: dict[str, list[Citation]] = defaultdict(list)
    for citation in cited:
        by_paper[citation.paper].append(citation)
    return by_paper
