"""The preview's HTTP side: the output folder served safely, plus the reload event stream.

Only files inside the output folder are ever served: no `..` (however encoded), no backslashes,
no hidden files, no symlink leading out, no directory listings. HTML responses get the reload
script; the files on disk never do.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from margin.serve.connections import ConnectionServer, PooledHandler
from margin.serve.hub import ReloadHub
from margin.serve.streams import EventStreams, Stream

EVENTS = "/__margin__/events"  # an open page's event stream
STATUS = "/__margin__/status"  # the same page's hello, as one answer (client.js)
MAX_PATH_BYTES = 2048  # a longer request path is refused (414); no page has one
MAX_NAME_BYTES = 255  # the longest file name file systems allow: a longer segment is no file
_CLIENT = (Path(__file__).with_name("client.js")).read_text(encoding="utf-8")
_TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + _TEXT, ".htm": "text/html" + _TEXT, ".css": "text/css" + _TEXT,
    ".js": "text/javascript" + _TEXT, ".mjs": "text/javascript" + _TEXT,
    ".json": "application/json", ".map": "application/json", ".xml": "application/xml",
    ".rss": "application/rss+xml", ".atom": "application/atom+xml",
    ".txt": "text/plain" + _TEXT, ".md": "text/plain" + _TEXT, ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".mp4": "video/mp4", ".webm": "video/webm",
    ".wasm": "application/wasm", ".webmanifest": "application/manifest+json",
}


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Found:
    """What a request path names: a file to send, a redirect, or nothing (404)."""

    file: Path | None = None
    redirect: str | None = None


def locate(root: Path, prefix: str, raw_path: str) -> Found:
    """The file under ROOT for a request path, refusing anything that could leave ROOT."""
    if "\\" in raw_path or "\x00" in raw_path:
        return Found()
    path = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
    if "\\" in path or "\x00" in path or not path.startswith("/"):
        return Found()
    if prefix:
        if path in ("/", prefix):
            return Found(redirect=_local(prefix + "/"))
        if not path.startswith(prefix + "/"):
            return Found()
        path = path[len(prefix):]
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") or s.startswith(".") for s in segments):
        return Found()
    if any(len(s.encode()) > MAX_NAME_BYTES for s in segments):
        return Found()  # no file has such a name
    try:
        return _find(root.resolve(), segments, prefix, path.endswith("/"))
    except (OSError, RuntimeError):  # a name too long for the system, a symlink loop
        return Found()


def _find(root: Path, segments: list[str], prefix: str, slash: bool) -> Found:
    resolved = root.joinpath(*segments).resolve()
    if not resolved.is_relative_to(root):
        return Found()  # a symlink leading out of the output folder
    if resolved.is_dir():
        if not slash:
            return Found(redirect=_local(prefix + "/" + "/".join(segments) + "/"))
        index = (resolved / "index.html").resolve()
        if index.is_file() and index.is_relative_to(root):
            return Found(file=index)
        return Found()  # no directory listings
    return Found(file=resolved) if resolved.is_file() else Found()


def _local(path: str) -> str:
    """PATH as a redirect that stays on this server: '//x/' would name the host x."""
    return quote("/" + path.lstrip("/"))


def inject(html: bytes, epoch: int, instance: str) -> bytes:
    """HTML with the reload script before its closing body tag."""
    script = (f'<script data-epoch="{epoch}" data-instance="{instance}">{_CLIENT}</script>\n'
              .encode())
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class PreviewServer(ConnectionServer):
    """Serves ROOT (the output folder) under PREFIX (the base_url's path), with HUB's events."""

    def __init__(self, address: tuple[str, int], root: Path, hub: ReloadHub, *,
                 prefix: str = "", instance: str = "margin", **limits: float):
        self.root, self.hub, self.prefix, self.instance = root, hub, prefix, instance
        super().__init__(address, PreviewHandler, EventStreams(hub, instance, self._prefix),
                         **limits)
        hub.on_publish(self.wake)

    def _prefix(self) -> str:
        return self.prefix


class PreviewHandler(PooledHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "margin-serve"

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows rebuilds, not every request

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path == EVENTS and not head:
            self._events(*self._page(parse_qs(parts.query)))
            return
        if parts.path == STATUS:
            hello = json.dumps(self.server.streams.hello(*self._page(parse_qs(parts.query))))
            self._send(HTTPStatus.OK, hello.encode(), "application/json", head)
            return
        if len(parts.path) > MAX_PATH_BYTES:
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, b"URI too long\n", "text/plain" + _TEXT,
                       head)
            return
        try:
            found = locate(self.server.root, self.server.prefix, parts.path)
        except UnicodeDecodeError:
            found = Found()
        if found.redirect:
            location = found.redirect + (f"?{parts.query}" if parts.query else "")
            self._send(HTTPStatus.FOUND, b"", "text/plain" + _TEXT, head,
                       {"Location": location})
            return
        hub = self.server.hub
        status, file = HTTPStatus.OK, found.file
        with hub.reading():  # waits for a rebuild in progress: never a half-written page
            epoch = hub.current.number
            data = _read(file) if file else None
            if data is None:
                status, file = HTTPStatus.NOT_FOUND, self.server.root / "404.html"
                data = _read(file)
        if data is None:
            self._send(status, b"Not found\n", "text/plain" + _TEXT, head)
            return
        kind = content_type(file)
        if kind.startswith("text/html"):
            data = inject(data, epoch, self.server.instance)
        self._send(status, data, kind, head)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _page(self, query: dict[str, list[str]]) -> tuple[str, int]:
        """The site URL of the page asking, and the epoch it was served at."""
        try:
            seen = int(query.get("epoch", ["0"])[0])
        except ValueError:
            seen = 0
        prefix = self.server.prefix
        page = query.get("page", ["/"])[0]
        return page[len(prefix):] if prefix and page.startswith(prefix + "/") else page, seen

    def _events(self, url: str, seen: int) -> None:
        """An open page's event stream: the headers here, its events from the loop."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.server.adopt(self, Stream(self.connection, url, seen))


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:
        return None
