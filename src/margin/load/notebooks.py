"""A Jupyter notebook (.ipynb) read as a note: its metadata as front matter, its Markdown cells
as the body. No kernel is ever run; the outputs saved in the file are what the page shows.

The body keeps the file's line numbers: each Markdown cell's lines stand on the lines where the
file holds them (as Jupyter saves a notebook, one line of a cell per line of JSON), so that
every later problem (a broken link, bad math) names the line of the .ipynb. A code cell stands
in the body as a placeholder comment, which markdown/notebook.py replaces with the cell's code
and outputs; the index and the link checker read the Markdown cells only, as for a .md note.

nbformat (which validates against Jupyter's own schema and upgrades version 3 files) is
imported only when a site has a notebook: it costs more to import than a small site to build.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any

from margin.load import frontmatter

NOTEBOOK_SUFFIX = ".ipynb"
PLACEHOLDER = "<!--margin-notebook-cell:{number}:{nonce}-->"
PLACEHOLDERS = re.compile(r"<!--margin-notebook-cell:(\d+):([0-9a-f]+)-->\n?")
# Notebook metadata read as front matter; other keys (kernelspec, widget state...) stay out
# of the note, whose `extra` templates see and every worker process receives.
FRONT_MATTER_KEYS = frozenset({
    "title", "date", "updated", "tags", "categories", "slug", "permalink", "draft",
    "description", "summary", "aliases", "author", "authors", "subtitle", "template",
})
ATTACHMENT = re.compile(r"attachment:([^\s()<>\"'/]+)")
_COLON = re.compile(r"\s*:")
_LIST_OPENING = re.compile(r'"source"\s*:\s*\[[ \t]*(\n)?')


class NotebookError(Exception):
    """The file is no notebook margin can read: LINE (or None) and what is wrong."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def is_notebook(key: str) -> bool:
    return key.endswith(NOTEBOOK_SUFFIX)


def read_notebook(text: str, validate: bool = True) -> dict[str, Any]:
    """The notebook in TEXT as nbformat 4 (version 3 upgraded), checked against Jupyter's
    schema when VALIDATE (a file already checked at load is read again without)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
                            ) from None
    except RecursionError:
        raise NotebookError(None, "not valid JSON: nested too deeply") from None
    version = data.get("nbformat") if isinstance(data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError(1, "not a Jupyter notebook (no 'nbformat' version number)")
    if version not in (3, 4):
        raise NotebookError(_line_of(text, '"nbformat"'), f"nbformat version {version} is not "
                            "supported (margin reads version 4, and 3 which it upgrades)")
    import nbformat  # (here: only sites with notebooks pay for importing it)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat warns of what it repairs; it is not ours
        try:
            if version == 3:  # nbformat's reader joins its lines before it upgrades it
                notebook = nbformat.reads(text, as_version=4)
            else:
                notebook = nbformat.from_dict(data)
                if validate:
                    nbformat.validate(notebook)
        except nbformat.ValidationError as exc:
            path = list(getattr(exc, "absolute_path", ()))
            where = "/".join(str(part) for part in path)
            message = str(getattr(exc, "message", exc)).split("\n")[0]
            raise NotebookError(_cell_line(text, path), f"not a valid notebook: {message}"
                                + (f" (at {where})" if where else "")) from None
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise NotebookError(None, f"not a valid notebook ({type(exc).__name__}: {exc})"
                                ) from None
    return notebook


def source_of(cell: dict[str, Any]) -> str:
    """A cell's source: saved as one string or as a list of lines."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def language_of(notebook: dict[str, Any]) -> str:
    """The language its code cells are in: the kernel's language, else language_info's."""
    metadata = notebook.get("metadata") or {}
    for holder, key in (("language_info", "name"), ("kernelspec", "language")):
        value = (metadata.get(holder) or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return ""


def front_matter(notebook: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """What the notebook says about itself: its metadata's title, tags, date..., overridden by
    a Quarto/Jupytext front matter (`---` YAML) in a first raw cell. Returns those values and
    the index of that raw cell (None when there is none): it is no part of the body."""
    metadata = notebook.get("metadata") or {}
    meta = {k: v for k, v in metadata.items() if k in FRONT_MATTER_KEYS and v is not None}
    cells = notebook.get("cells") or []
    if cells and cells[0].get("cell_type") == "raw":
        text = source_of(cells[0])
        if text.lstrip().startswith(("---", "+++")):
            part = frontmatter.split(text.lstrip())
            meta.update(frontmatter.parse(part))
            return meta, 0
    return meta, None


def body_of(notebook: dict[str, Any], text: str, nonce: str, skipped: int | None) -> str:
    """The Markdown cells, each on its file lines where the file allows, with a placeholder
    for each code cell (raw cells are for other converters, and not shown)."""
    cells = notebook.get("cells") or []
    starts = _cell_lines(text, cells)
    lines: list[str] = []
    for number, cell in enumerate(cells):
        kind = cell.get("cell_type")
        if number == skipped or kind not in ("markdown", "code"):
            continue
        if kind == "markdown":
            content = _own_attachments(source_of(cell), cell, number).split("\n")
        else:
            content = [PLACEHOLDER.format(number=number, nonce=nonce)]
        wanted = starts[number] - 1 if starts else 0  # 0-based line of the body
        lines += [""] * max(wanted - len(lines), 1 if lines else 0)
        lines += content
    return "\n".join(lines) + "\n"


def _own_attachments(text: str, cell: dict[str, Any], number: int) -> str:
    """`attachment:image.png` (an image pasted into a Markdown cell, saved in the cell) made
    `attachment:3/image.png`: cells often name theirs alike, and the renderer finds it so."""
    attachments = cell.get("attachments")
    if not isinstance(attachments, dict) or "attachment:" not in text:
        return text
    return ATTACHMENT.sub(lambda match: f"attachment:{number}/{match.group(1)}"
                          if match.group(1) in attachments else match.group(0), text)


def _cell_lines(text: str, cells: list[dict[str, Any]]) -> list[int] | None:
    """For each cell, the file line (1-based) where its body lines belong: a Markdown cell's
    first source line, a code cell's `"cell_type"` line. None when the file is not laid out
    as one key per line (hand-written or minified): the body is then laid out in order."""
    found = _key_positions(text, '"cell_type"')
    if len(found) != len(cells):
        return None
    starts: list[int] = []
    line, counted = 1, 0
    for number, (position, cell) in enumerate(zip(found, cells, strict=True)):
        line += text.count("\n", counted, position)
        counted = position
        start = line
        if cell.get("cell_type") == "markdown":
            end = found[number + 1] if number + 1 < len(found) else len(text)
            source = next(iter(_key_positions(text, '"source"', position, end)), None)
            if source is not None:
                start = line + text.count("\n", position, source)
                opening = _LIST_OPENING.match(text, source)
                if opening and opening.group(1):  # `"source": [` then one line each
                    start += 1
        starts.append(start)
    return starts


def _key_positions(text: str, key: str, start: int = 0, end: int | None = None) -> list[int]:
    """Where KEY stands as an object's key in the JSON TEXT[start:end] (a string holding
    it would have its quotes escaped). Found by str.find: a notebook may weigh 50 MB."""
    end = len(text) if end is None else end
    found = []
    at = text.find(key, start, end)
    while at >= 0:
        if text[at - 1] != "\\" and _COLON.match(text, at + len(key)):
            found.append(at)
        at = text.find(key, at + 1, end)
    return found


def _cell_line(text: str, path: list[Any]) -> int | None:
    """The file line of the cell a schema error's PATH (['cells', 3, ...]) points into."""
    if len(path) < 2 or path[0] != "cells" or not isinstance(path[1], int):
        return None
    found = _key_positions(text, '"cell_type"')
    if path[1] >= len(found):
        return None
    return text.count("\n", 0, found[path[1]]) + 1


def _line_of(text: str, key: str) -> int | None:
    position = text.find(key)
    return None if position < 0 else text.count("\n", 0, position) + 1
