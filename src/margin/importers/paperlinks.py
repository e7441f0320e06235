"""The paper links of a review: arXiv and DOI links as canonical URLs, and the lines that are
nothing but a link to a paper (the "closing link" many reviews end with)."""

from __future__ import annotations

import re

_LINK = r"(?:<https?://[^>\s]+>|\[[^\]\n]*\]\([^)\s]*\)|https?://\S++)"
# The decoration before the link holds no `[` or `<` (where a link starts) and gives nothing
# back, nor does the URL or the decoration after it: a line is read once, not once per `[`
# (a line of 32,000 `[` took 19 s).
LINK_ONLY = re.compile(rf"^(?:[^\w\[<]|_)*+(?:[A-Za-z][A-Za-z ]{{0,24}}:\s*)?{_LINK}[\W_]*+$")
PAPER_HOSTS = re.compile(
    r"arxiv\.org|doi\.org|\bdoi:|openreview\.net|aclanthology\.org|biorxiv\.org|"
    r"proceedings\.|papers\.nips\.cc|semanticscholar\.org|\.pdf\b|\bpaper\b|\barxiv:", re.I
)
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<url>(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?)"
    r"|\barxiv:\s?(?P<text>\d{4}\.\d{4,5}(?:v\d+)?)", re.I
)
_DOI = re.compile(r"(?:doi\.org/|\bdoi:\s?)(?P<doi>10\.\d{4,9}/[^\s<>\"\])]+)", re.I)

# A headerless review must be more than a sign-off after the link: at least this much text.


def papers_in(lines: list[str]) -> tuple[str, ...]:
    """The arXiv and DOI links in LINES as canonical URLs, the closing link's first, no repeats."""
    closing = next((line for line in reversed(lines)
                    if LINK_ONLY.match(line.strip()) and PAPER_HOSTS.search(line)), None)
    found: list[str] = []
    for line in ([closing] if closing else []) + lines:
        for url in _paper_urls(line):
            if url not in found:
                found.append(url)
    return tuple(found)


def _paper_urls(line: str) -> list[str]:
    found = [(m.start(), f"https://arxiv.org/abs/{m['url'] or m['text']}")
             for m in _ARXIV.finditer(line)]
    found += [(m.start(), f"https://doi.org/{m['doi'].rstrip('.,;:')}")
              for m in _DOI.finditer(line)]
    return [url for _, url in sorted(found)]
