"""A notebook note's page body: its Markdown cells rendered as any note's body is, then each
code cell's placeholder (load/notebooks.py) replaced by the cell's code, highlighted in the
notebook's language, and the outputs the file saved (markdown/cellout.py). The notebook itself
is copied beside the page, offered for download.

The file is read again here (its note holds the Markdown cells only, not the outputs, which may
weigh megabytes); its bytes are the note's digest, so the body cache knows when they change.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from margin import urls
from margin.diagnostics import warning
from margin.load.notebooks import PLACEHOLDERS, NotebookError, language_of, read_notebook, source_of
from margin.markdown.cellout import Outputs
from margin.markdown.context import BodyContext
from margin.markdown.highlight import code_block
from margin.model import AssetFile, Note, RenderedBody

MarkdownRenderer = Callable[[str], RenderedBody]
# An image pasted into a Markdown cell, as load/notebooks.py names it: `attachment:3/x.png`.
_ATTACHED = re.compile(r'src="attachment:(\d+)/([^"]+)"')


def with_cells(note: Note, context: BodyContext, body: RenderedBody,
               render_markdown: MarkdownRenderer) -> RenderedBody:
    """BODY (the Markdown cells' HTML) with the code cells and their outputs in place."""
    path = context.content_dir / note.key
    try:
        data = path.read_bytes()
        notebook = read_notebook(data.decode("utf-8-sig"), validate=False)
    except (OSError, UnicodeDecodeError, NotebookError) as exc:
        problem = warning(note.source, None, f"notebook could not be read again ({exc}); "
                                             "its code cells are left out")
        return replace(body, diagnostics=(*body.diagnostics, problem))
    page_url = context.permalinks.get(note.key, note.url)
    outputs = Outputs(note, context, page_url, render_markdown)
    language = language_of(notebook)
    cells = notebook.get("cells") or []
    lines = _placeholder_lines(note)

    def cell_html(match: Any) -> str:
        number = int(match.group(1))
        if number >= len(cells) or cells[number].get("cell_type") != "code":
            return ""
        outputs.line = lines.get(number)
        return _code_cell(cells[number], language, outputs)

    def attachment(match: Any) -> str:
        number, name = int(match.group(1)), html.unescape(unquote(match.group(2)))
        cell = cells[number] if number < len(cells) else {}
        outputs.line = None
        return outputs.attachment((cell.get("attachments") or {}).get(name), name) \
            or match.group(0)

    cells_html = PLACEHOLDERS.sub(cell_html, body.html)
    if "attachment:" in cells_html:
        cells_html = _ATTACHED.sub(attachment, cells_html)
    diagnostics = [*body.diagnostics, *outputs.diagnostics]
    if hashlib.blake2b(data, digest_size=16).hexdigest() != note.digest:
        # saved again since it was loaded: the next build (or the server's next turn) shows it
        diagnostics.append(warning(note.source, None, "notebook changed while the site was "
                                                      "built; build again to show it"))
    download = AssetFile(path, urls.output_path(urls.relative_to(page_url,
                                                                 posixpath.basename(note.key))))
    return replace(
        body, html=_download_link(context, download) + cells_html,
        assets=(*body.assets, download, *outputs.assets.values()),
        links=tuple(dict.fromkeys((*body.links, *outputs.links))),
        math=body.math + outputs.math,
        diagnostics=tuple(diagnostics),
    )


def _code_cell(cell: dict[str, Any], language: str, outputs: Outputs) -> str:
    """One code cell: `In [3]:` and its code, then its outputs (a cell that was never run
    shows `In [ ]:`); an empty cell with no output shows nothing."""
    code = source_of(cell)
    shown = outputs.render(cell.get("outputs") or [], cell.get("execution_count"))
    if not code.strip() and not shown:
        return ""
    count = cell.get("execution_count")
    prompt = f"In [{count if isinstance(count, int) else ' '}]:"
    parts = ['<div class="nb-cell">\n']
    if code.strip():
        parts.append(f'<div class="nb-input"><div class="nb-prompt">{prompt}</div>\n'
                     f"{code_block(code, language)}</div>\n")
    if shown:
        parts.append(f'<div class="nb-outputs">\n{shown}</div>\n')
    parts.append("</div>\n")
    return "".join(parts)


def _download_link(context: BodyContext, asset: AssetFile) -> str:
    href = html.escape(urls.with_prefix(context.prefix, "/" + asset.path))
    name = html.escape(posixpath.basename(asset.path))
    return (f'<p class="nb-download"><a href="{href}" download="{name}">Download notebook</a> '
            f'<span class="nb-file">({name})</span></p>\n')


def _placeholder_lines(note: Note) -> dict[int, int]:
    """Code cell number -> the file line of its placeholder (where the cell is in the file)."""
    found: dict[int, int] = {}
    for number, line in enumerate(note.body.split("\n")):
        match = PLACEHOLDERS.match(line)
        if match:
            found[int(match.group(1))] = note.body_line + number
    return found


