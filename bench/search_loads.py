#!/usr/bin/env python3
"""What the browser loads to answer one search on a built site: the files under /pagefind/ and
their bytes (as sent, uncompressed by the server), for the search page's first load and then
for the query. A benchmark, not a test: run it on bench/run.py's corpora after a build.

    .venv/bin/python bench/search_loads.py SITE/_site [--words benchmark,lemma]

Uses Debian's chromium (/usr/bin/chromium) through Playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
TYPING_PAUSE = 0.2  # search.js waits this long after a key before it searches
DONE = "document.getElementById('search-status').textContent.includes('match')"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the standard library's own parameter names
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--words", default="benchmark,lemma")
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(options.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    shards = len(list(options.output.glob("pagefind/*/pagefind-entry.json")))
    print(f"{options.output}: {shards} shards")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for word in options.words.split(","):
                _measure(browser, base, word, options.output)
            browser.close()
    finally:
        server.shutdown()
    return 0


def _measure(browser, base: str, word: str, output: Path) -> None:
    """One fresh page (no browser cache): the search page, then WORD typed."""
    context = browser.new_context()
    page = context.new_page()
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto(f"{base}/search/")
    page.locator("#search-input").wait_for(timeout=30000)
    page.wait_for_load_state("networkidle")
    before = len(loaded)
    start = time.perf_counter()
    page.locator("#search-input").fill(word)
    page.wait_for_function(DONE, timeout=60000, polling=10)
    answered = time.perf_counter() - start - TYPING_PAUSE
    page.wait_for_load_state("networkidle")
    status = page.evaluate("document.getElementById('search-status').textContent")
    for label, urls in (("page load", loaded[:before]), (f"query {word!r}", loaded[before:])):
        files = [u.split(base, 1)[1].split("?")[0] for u in urls if "/pagefind/" in u]
        size = sum((output / f.lstrip("/")).stat().st_size for f in files
                   if (output / f.lstrip("/")).is_file())
        print(f"  {label}: {len(files)} files, {size / 1024:.0f} KiB under /pagefind/"
              + (f" ({status.strip()}, drawn {answered * 1000:.0f} ms after the page's "
                 f"{TYPING_PAUSE * 1000:.0f} ms pause for typing)"
                 if label != "page load" else ""))
        kinds: dict[str, list[int]] = {}
        for f in files:
            kind = Path(f).suffix or Path(f).name
            sizes = kinds.setdefault(kind, [0, 0])
            sizes[0] += 1
            sizes[1] += (output / f.lstrip("/")).stat().st_size
        print("    " + ", ".join(f"{kind} {n} ({size / 1024:.0f} KiB)"
                                  for kind, (n, size) in sorted(kinds.items())))
    context.close()


if __name__ == "__main__":
    raise SystemExit(main())
