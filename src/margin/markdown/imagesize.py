"""An image's true width and height from its header: PNG, JPEG, GIF, WebP, and SVG's size.

Pure Python reading a few hundred bytes, so every <img> can carry width and height (no layout
jump while pages load) without a dependency on an imaging library. Anything that is not a
readable image raises ImageError with a reason a person can act on.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from typing import BinaryIO

_HEAD = 64 * 1024
_SVG_TAG = re.compile(rb"<svg\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


class ImageError(Exception):
    """The file is no image we can size; the message says why."""


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) in CSS pixels as a browser would show the file at its natural size."""
    try:
        with path.open("rb") as stream:
            return _size(stream, path.suffix.lower() == ".svg")
    except OSError as exc:
        raise ImageError(f"cannot read: {exc.strerror or exc}") from None


def data_size(data: bytes) -> tuple[int, int]:
    """image_size() of an image held in memory (a notebook's output)."""
    return _size(io.BytesIO(data), False)


def _size(stream: BinaryIO, named_svg: bool) -> tuple[int, int]:
    head = stream.read(_HEAD)
    if head.startswith(b"\xff\xd8"):
        return _jpeg(stream)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(head)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _checked(*struct.unpack("<HH", _need(head, 6, 4, "GIF")), "GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head.startswith(b"version https://git-lfs"):
        raise ImageError("a Git LFS pointer, not the image (run `git lfs pull`)")
    if _SVG_TAG.search(head) and (named_svg or b"<svg" in head[:1024]):
        return _svg(head)
    if not head:
        raise ImageError("empty file")
    raise ImageError(f"not an image margin can read ({_describe(head)})")


def _need(data: bytes, start: int, length: int, kind: str) -> bytes:
    if len(data) < start + length:
        raise ImageError(f"truncated {kind} file")
    return data[start:start + length]


def _checked(width: int, height: int, kind: str) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise ImageError(f"{kind} header gives no size")
    return width, height


def _png(head: bytes) -> tuple[int, int]:
    if _need(head, 12, 4, "PNG") != b"IHDR":
        raise ImageError("damaged PNG file (no IHDR chunk)")
    return _checked(*struct.unpack(">II", _need(head, 16, 8, "PNG")), "PNG")


def _webp(head: bytes) -> tuple[int, int]:
    chunk = _need(head, 12, 4, "WebP")
    if chunk == b"VP8X":
        data = _need(head, 24, 6, "WebP")
        width = int.from_bytes(data[0:3], "little") + 1
        height = int.from_bytes(data[3:6], "little") + 1
        return _checked(width, height, "WebP")
    if chunk == b"VP8 ":
        if _need(head, 23, 3, "WebP") != b"\x9d\x01\x2a":
            raise ImageError("damaged WebP file")
        width, height = struct.unpack("<HH", _need(head, 26, 4, "WebP"))
        return _checked(width & 0x3FFF, height & 0x3FFF, "WebP")
    if chunk == b"VP8L":
        data = _need(head, 20, 5, "WebP")
        if data[0] != 0x2F:
            raise ImageError("damaged WebP file")
        bits = int.from_bytes(data[1:5], "little")
        return _checked((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP")
    raise ImageError("WebP file of an unknown kind")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(stream: BinaryIO) -> tuple[int, int]:
    """Walk the segments to the frame header; EXIF orientation 5-8 swaps the sides shown."""
    stream.seek(2)
    swapped = False
    while True:
        byte = stream.read(1)
        if byte != b"\xff":
            if not byte:
                break
            raise ImageError("damaged JPEG file")
        marker = stream.read(1)
        while marker == b"\xff":  # fill bytes
            marker = stream.read(1)
        if not marker:
            break
        code = marker[0]
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
            continue
        if code in (0xD9, 0xDA):
            break  # end of image, or scan data before any frame header
        raw_length = stream.read(2)
        if len(raw_length) < 2:
            break
        length = struct.unpack(">H", raw_length)[0] - 2
        if code in _SOF or code == 0xE1:
            segment = stream.read(length)
            if code == 0xE1 and segment.startswith(b"Exif\0\0"):
                swapped = _exif_orientation(segment[6:]) in (5, 6, 7, 8)
            elif code in _SOF and len(segment) >= 5:
                height, width = struct.unpack(">HH", segment[1:5])
                width, height = _checked(width, height, "JPEG")
                return (height, width) if swapped else (width, height)
        else:
            stream.seek(length, 1)
    raise ImageError("truncated JPEG file (no frame header)")


def _exif_orientation(tiff: bytes) -> int:
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    order = "<" if tiff[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset + 2 > len(tiff):
        return 1
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for index in range(count):
        entry = tiff[offset + 2 + index * 12: offset + 14 + index * 12]
        if len(entry) < 12:
            break
        tag = struct.unpack(order + "H", entry[:2])[0]
        if tag == 0x0112:
            return struct.unpack(order + "H", entry[8:10])[0]
    return 1


def _svg(head: bytes) -> tuple[int, int]:
    """width/height in px when the root gives them, else the viewBox's size."""
    match = _SVG_TAG.search(head)
    assert match is not None
    attributes = {m.group(1).decode("ascii", "replace").lower():
                  (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace")
                  for m in _ATTRIBUTE.finditer(match.group(1))}
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    box = [float(n) for n in re.findall(r"-?[0-9]*\.?[0-9]+(?:e-?\d+)?",
                                        attributes.get("viewbox", ""))]
    if width and height:
        return round(width), round(height)
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        ratio = box[3] / box[2]
        if width:
            return round(width), max(1, round(width * ratio))
        if height:
            return max(1, round(height / ratio)), round(height)
        return max(1, round(box[2])), max(1, round(box[3]))
    raise ImageError("SVG without a viewBox or a width and height in px")


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) if match and float(match.group(1)) > 0 else None


def _describe(head: bytes) -> str:
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("ascii", "replace")
        return f"an ISO media file, brand '{brand}'" if brand not in ("avif", "avis") \
            else "AVIF is not supported yet"
    if head.startswith((b"\x1aE\xdf\xa3",)):
        return "a WebM/Matroska video"
    if head.startswith((b"BM",)):
        return "a BMP image"
    if head.startswith((b"II*\0", b"MM\0*")):
        return "a TIFF image"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    return "unknown format"
