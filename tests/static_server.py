"""A site built from a few files and served as a plain static host would, for browser tests
that look at pages rather than at the preview server."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import run_margin


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the standard library's own parameter names
        pass


@contextmanager
def built_and_served(root: Path, files: dict[str, str],
                     handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """FILES written into ROOT, `margin build` run there, its _site/ served: the base URL."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    code, _, err = run_margin("build", root, "--quiet")
    assert code == 0, err
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(root / "_site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
