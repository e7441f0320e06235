"""The link check of a build that changed a few pages: only those pages are checked again.

A page's broken links follow from its own links and ids, the site's files, the ids of the
pages it links into, and its note (which names the line of each broken link). While the
site has the same files and no page's ids changed, a page with the same links whose note is
unchanged has the broken links the last build found on it: only the other pages are read
again. Anything else, or no record of the last build's findings, checks every page.
"""

from __future__ import annotations

from collections.abc import Mapping

from margin.diagnostics import Diagnostic
from margin.linkcheck import CheckedPage, broken_by_page
from margin.model import Note
from margin.pages.drawing import PageRecord
from margin.write.previous import OutputRecords

Broken = dict[str, tuple[Diagnostic, ...]]  # page path -> its broken links (pages with any)


def check_again(pages: Mapping[str, PageRecord], files: set[str], notes: Mapping[str, Note],
                prefix: str, last: OutputRecords | None, changed_sources: set[str],
                verify: bool = False) -> Broken:
    """The broken links of every page of PAGES (FILES: every path of the site), the last
    build's findings taken for the pages that did not change (CHANGED_SOURCES: the files
    read anew since, site-relative). VERIFY: check every page too, and fail if they differ."""
    checked = [CheckedPage(path, record.owner, record.links)
               for path, record in pages.items() if record.links is not None]
    only = _changed_pages(pages, files, notes, last, changed_sources) if last else None
    found = broken_by_page(checked, files, notes, prefix, only)
    if only is None or last is None or last.broken is None:
        return found
    kept = {path: problems for path, problems in last.broken.items()
            if path not in only and path in pages}
    broken = {path: kept.get(path) or found[path] for path in pages
              if path in kept or path in found}
    if verify and broken != broken_by_page(checked, files, notes, prefix):
        raise AssertionError("the broken links taken from the last build differ")
    return broken


def _changed_pages(pages: Mapping[str, PageRecord], files: set[str], notes: Mapping[str, Note],
                   last: OutputRecords, changed_sources: set[str]) -> set[str] | None:
    """The pages to check again; None: all of them."""
    if last.broken is None or files != last.pages.keys() | last.assets.keys():
        return None
    only: set[str] = set()
    for path, record in pages.items():
        before = last.pages[path]
        if record is before or record.links is None:
            continue  # (kept unplanned: its links, and all it was made from, are the same)
        if before.links is None or record.links.joined_ids != before.links.joined_ids:
            return None  # a #fragment into it, from anywhere, may break or mend
        note = notes.get(record.owner)
        if record.links != before.links or (note is not None and note.source in changed_sources):
            only.add(path)
    return only
