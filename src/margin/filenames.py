"""Whether a page's output path can be a file at all: every part of it must fit in one file
name. A URL comes from notes (a permalink, a slug, a tag, a DOI), so a part too long or holding
a NUL byte is the note's error, found when the page is planned (`margin check` too), not a
"File name too long" from the disk halfway through writing the site."""

from __future__ import annotations

NAME_BYTES = 255  # the most a file name may take on Linux, macOS and Windows file systems
# (margin writes a page under a longer name first: serve's 'index.html.margin-tmp')
TEMPORARY_SUFFIX = len(".margin-tmp")
MAX_PART_BYTES = NAME_BYTES - TEMPORARY_SUFFIX


def unfit(path: str) -> str | None:
    """Why output PATH ('a/b/index.html') cannot be written as a file, or None when it can."""
    if "\0" in path:
        return "it holds a NUL byte, which no file name may"
    if len(path) <= MAX_PART_BYTES // 4 or len(path.encode("utf-8", "surrogateescape")
                                               ) <= MAX_PART_BYTES:
        return None  # (every page of most sites: the whole path would fit in one name)
    for part in path.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > MAX_PART_BYTES:
            return (f"its part '{shortened(part, 24)}' is {size} bytes long; a file name takes "
                    f"at most {MAX_PART_BYTES}")
    return None


def shortened(text: str, most: int = 60) -> str:
    """TEXT for a one-line message: at most MOST characters, NUL bytes shown as \\0."""
    text = text.replace("\0", "\\0")
    return text if len(text) <= most else text[:most - 1] + "…"
