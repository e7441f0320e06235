"""Render one note body the way a build does, in a throwaway site, and parse the HTML.

    body = render_note(tmp_path, "Some *text*", files={"assets/x.png": png(10, 20)})
    body.soup.find("img")["width"] == "10"
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bs4 import BeautifulSoup

from margin.markdown.body import render_unguarded
from margin.markdown.context import BodyContext
from margin.model import Note, RenderedBody


@dataclass
class Rendered:
    result: RenderedBody

    @cached_property
    def soup(self) -> BeautifulSoup:
        """Parsed when asked for: raw HTML passed through from a note (`<div><![x`) can be
        more than Python's HTML parser accepts, and the property tests never ask."""
        return BeautifulSoup(self.result.html, "html.parser")

    @property
    def html(self) -> str:
        return self.result.html

    @property
    def warnings(self) -> list[str]:
        return [str(d) for d in self.result.diagnostics]

    def text(self) -> str:
        """The visible text outside code and math."""
        soup = BeautifulSoup(self.result.html, "html.parser")
        for hidden in soup.find_all(["code", "pre", "math"]):
            hidden.decompose()
        return soup.get_text()


def render_note(site: Path, body: str, *, files: dict[str, bytes | str] | None = None,
                key: str = "notes/n.md", url: str = "/notes/n/", title: str = "N",
                base_url: str = "", body_line: int = 1,
                permalinks: dict[str, str] | None = None, dedent: bool = True) -> Rendered:
    """Render BODY as the note content/KEY at URL; FILES are written under the site first."""
    for relative, content in (files or {}).items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (site / "content").mkdir(parents=True, exist_ok=True)
    links = {key: url, **(permalinks or {})}
    context = BodyContext(site_dir=site, output_dir=site / "_site", base_url=base_url,
                          site_title="The Site", permalinks=links)
    text = textwrap.dedent(body).lstrip("\n") if dedent else body
    note = Note(key=key, source=f"content/{key}", title=title, body=text, body_line=body_line,
                section=key.split("/")[0], slug="n", url=url)
    result = render_unguarded(note, context)
    return Rendered(result)


def png(width: int, height: int) -> bytes:
    """A real, tiny PNG of the given size (one grey row repeated)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b"\x3b"


def jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    """SOI, an optional EXIF orientation, a baseline frame header, EOI: enough to be sized."""
    parts = [b"\xff\xd8", b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"]
    if orientation is not None:
        tiff = (b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 1)
                + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\0\0\0\0")
        exif = b"Exif\0\0" + tiff
        parts.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    parts.append(b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame)
    parts.append(b"\xff\xd9")
    return b"".join(parts)


def webp(width: int, height: int, kind: str = "VP8X") -> bytes:
    if kind == "VP8X":
        data = b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    elif kind == "VP8L":
        bits = (width - 1) | ((height - 1) << 14)
        data = b"\x2f" + bits.to_bytes(4, "little")
    else:  # lossy VP8
        data = b"\0\0\0" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    chunk = kind.encode().ljust(4) + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk
