"""A code cell's saved outputs as HTML: printed text, errors, and each result in the richest
form margin shows (images, HTML tables, math, Markdown, else plain text).

Images are written as files beside the page, named by their bytes' digest (a notebook saved
again with the same plot leaves the file alone), with their size on the <img>: the size the
notebook asked to show them at (a retina plot's metadata halves its pixels), else their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from margin import urls
from margin.diagnostics import Diagnostic, warning
from margin.markdown.ansi import ansi_html, strip_ansi
from margin.markdown.context import BodyContext
from margin.markdown.htmlsafe import sanitize
from margin.markdown.imagesize import ImageError, data_size
from margin.markdown.math import to_mathml
from margin.model import AssetFile, Note, RenderedBody

_IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
PREFERENCE = ("image/png", "image/jpeg", "image/svg+xml", "text/html", "text/latex",
              "text/markdown", "text/plain")
_DELIMITED = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(.*?)(\$\$|\$|\\\]|\\\))\s*$", re.DOTALL)
_CLOSING = {"$$": "$$", "$": "$", "\\[": "\\]", "\\(": "\\)"}


def text_of(value: Any) -> str:
    """An output's text: saved as one string or as a list of lines."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


@dataclass
class Outputs:
    """The outputs of one notebook's cells, and what they need beyond their HTML."""

    note: Note
    context: BodyContext
    page_url: str
    render_markdown: Callable[[str], RenderedBody]
    line: int | None = None  # the file line of the cell being rendered
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: dict[str, AssetFile] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    math: int = 0

    def render(self, outputs: list[dict[str, Any]], count: Any) -> str:
        parts: list[str] = []
        for output in _merged_streams(outputs):
            kind = output.get("output_type")
            if kind == "stream":
                name = "stderr" if output.get("name") == "stderr" else "stdout"
                text = _overwritten(text_of(output.get("text")))
                parts.append(f'<pre class="nb-output nb-stream nb-{name}">{ansi_html(text)}'
                             "</pre>\n")
            elif kind == "error":
                parts.append(_error(output))
            elif kind in ("execute_result", "display_data"):
                shown = self._rich(output)
                if shown and kind == "execute_result" and isinstance(count, int):
                    shown = f'<div class="nb-prompt nb-out">Out[{count}]:</div>\n{shown}'
                parts.append(f'<div class="nb-output nb-result">\n{shown}</div>\n'
                             if shown else "")
        return "".join(parts)

    def _rich(self, output: dict[str, Any]) -> str:
        """The first form in PREFERENCE the output has and margin can show."""
        data = output.get("data") or {}
        metadata = output.get("metadata") or {}
        for mime in PREFERENCE:
            if mime not in data:
                continue
            value = data[mime]
            if mime in _IMAGES:
                shown = self._image(mime, value, metadata, text_of(data.get("text/plain")))
            elif mime == "text/html":
                shown = f'<div class="nb-html">{sanitize(text_of(value))}</div>\n'
            elif mime == "text/latex":
                shown = self._latex(text_of(value))
            elif mime == "text/markdown":
                shown = self._markdown(text_of(value))
            else:
                shown = f'<pre class="nb-text">{ansi_html(text_of(value))}</pre>\n'
            if shown:
                return shown
        return ""

    def _image(self, mime: str, value: Any, metadata: dict[str, Any], alt: str) -> str:
        shown = self._image_file(mime, value, metadata.get(mime))
        if not shown:
            return ""
        src, sized = shown
        light = isinstance(metadata.get(mime), dict) and \
            metadata[mime].get("needs_background") == "light"
        css = ' class="nb-light"' if light else ""
        alt = "" if alt.startswith("<") else alt.strip()[:200]
        return f'<img src="{src}" alt="{html.escape(alt)}"{sized}{css} loading="lazy">\n'

    def attachment(self, bundle: Any, name: str) -> str:
        """The src (and size) of an image a Markdown cell holds as an attachment: written
        as an output image is; '' when the cell has none of that name."""
        if not isinstance(bundle, dict):
            self._warn(f"attachment {name}: the cell holds no such image")
            return ""
        mime = next((m for m in _IMAGES if m in bundle), None)
        shown = self._image_file(mime, bundle[mime], None) if mime else None
        return f'src="{shown[0]}"{shown[1]}' if shown else ""

    def _image_file(self, mime: str, value: Any, metadata: Any) -> tuple[str, str] | None:
        """Write the image beside the page: its src and its width/height attributes."""
        try:
            data = (text_of(value).encode("utf-8") if mime == "image/svg+xml"
                    else base64.b64decode(text_of(value)))
        except (binascii.Error, ValueError):
            self._warn(f"output image ({mime}) is not valid base64; left out")
            return None
        if not data:
            return None
        name = f"output-{hashlib.blake2b(data, digest_size=8).hexdigest()}.{_IMAGES[mime]}"
        url = urls.relative_to(self.page_url, name)
        asset = AssetFile(self.context.content_dir / self.note.key, urls.output_path(url), data)
        self.assets.setdefault(asset.path, asset)
        size = _shown_size(metadata, data)
        if size is None:
            self._warn(f"output image ({mime}): its size cannot be read; no width/height written")
        sized = f' width="{size[0]}" height="{size[1]}"' if size else ""
        return html.escape(urls.with_prefix(self.context.prefix, url)), sized

    def _latex(self, tex: str) -> str:
        match = _DELIMITED.match(tex)
        if match and _CLOSING[match.group(1)] == match.group(3):
            tex = match.group(2)
        if not tex.strip():
            return ""
        result = to_mathml(tex, display=True, settings=self.context.math)
        if result.error:
            self._warn(f"math in an output: {result.error}")
        else:
            self.math += 1
        return f'<div class="nb-math">{result.html}</div>\n'

    def _markdown(self, text: str) -> str:
        rendered = self.render_markdown(text)
        self.diagnostics += [replace(d, line=self.line) for d in rendered.diagnostics]
        for asset in rendered.assets:
            self.assets.setdefault(asset.path, asset)
        self.links += rendered.links
        self.math += rendered.math
        return f'<div class="nb-markdown">\n{rendered.html}</div>\n'

    def _warn(self, message: str) -> None:
        self.diagnostics.append(warning(self.note.source, self.line, message))


def _error(output: dict[str, Any]) -> str:
    """A raised exception: its traceback as saved (colours dropped), else its name and value."""
    traceback = output.get("traceback")
    lines = [str(line) for line in traceback] if isinstance(traceback, list) else []
    text = strip_ansi("\n".join(lines)) if lines else \
        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
    return f'<pre class="nb-output nb-error">{html.escape(text, quote=False)}</pre>\n'


def _merged_streams(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive prints to one stream as one block, as Jupyter shows them."""
    merged: list[dict[str, Any]] = []
    for output in outputs:
        if not isinstance(output, dict):
            continue
        last = merged[-1] if merged else None
        if (last is not None and output.get("output_type") == "stream"
                and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
            merged[-1] = {**last, "text": text_of(last.get("text")) + text_of(output.get("text"))}
        else:
            merged.append(output)
    return merged


def _overwritten(text: str) -> str:
    """Progress bars redraw their line with a carriage return: keep what was drawn last."""
    if "\r" not in text:
        return text
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


def _shown_size(metadata: Any, data: bytes) -> tuple[int, int] | None:
    """The size the output's metadata asks for (one side: the other in proportion), else
    the image's own."""
    try:
        own: tuple[int, int] | None = data_size(data)
    except ImageError:
        own = None
    asked = metadata if isinstance(metadata, dict) else {}
    width, height = (value if isinstance(value, int) and not isinstance(value, bool)
                     and value > 0 else None for value in (asked.get("width"),
                                                          asked.get("height")))
    if width and height:
        return width, height
    if own and width:
        return width, max(1, round(own[1] * width / own[0]))
    if own and height:
        return max(1, round(own[0] * height / own[1])), height
    return own
