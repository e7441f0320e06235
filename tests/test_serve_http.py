"""The preview's HTTP side, in-process, with a fake builder: a test that writes the output folder
and announces epochs on the hub, as the real rebuild does."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from margin.serve.http import PreviewServer
from margin.serve.hub import ReloadHub
from sse_client import EventStream

PAGE = ("<!doctype html><html><head><title>{title}</title></head>"
        "<body><h1>{title}</h1></body></html>")


class FakeBuilder:
    """Writes pages into the output folder under the hub's gate, then publishes an epoch."""

    def __init__(self, root: Path, hub: ReloadHub):
        self.root, self.hub = root, hub

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def rebuild(self, pages: dict[str, str], errors: tuple[str, ...] = ()) -> None:
        with self.hub.writing():
            for relative, text in pages.items():
                self.write(relative, text)
        changed = ["/" + p.removesuffix("index.html") for p in pages]
        self.hub.publish(changed, errors)


class Served:
    def __init__(self, tmp_path: Path, prefix: str = "", **limits: float):
        self.secret = tmp_path / "secret.txt"
        self.secret.write_text("SECRET")
        self.root = tmp_path / "out"
        self.hub = ReloadHub()
        self.builder = FakeBuilder(self.root, self.hub)
        for relative, data in {
            ".margin-output": "marker",
            "index.html": PAGE.format(title="Home"),
            "a/index.html": PAGE.format(title="Page A"),
            "b/index.html": PAGE.format(title="Page B"),
            "404.html": PAGE.format(title="Not here"),
            "empty/.keep": "",
            "assets/site.css": "body { color: black }",
            "assets/app.js": "console.log(1)",
            "assets/pixel.png": b"\x89PNG\r\n\x1a\n",
            "assets/photo.jpg": b"\xff\xd8\xff",
            "assets/font.woff2": b"wOF2",
            "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "feed.xml": "<feed/>",
            "search.json": "{}",
            "robots.txt": "User-agent: *",
        }.items():
            self.builder.write(relative, data)
        self.server = PreviewServer(("127.0.0.1", 0), self.root, self.hub, prefix=prefix,
                                    instance="test", **limits)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.02})
        self.thread.start()

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """A raw request: the path goes out exactly as written (no client-side clean-up)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
            conn.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                         .encode("latin-1"))
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body

    def events(self, epoch: int, page: str) -> EventStream:
        return EventStream(self.port, epoch, page)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(tmp_path):
    running = Served(tmp_path)
    yield running
    running.close()


def text_of(body: bytes) -> str:
    return BeautifulSoup(body, "html.parser").h1.get_text()


@pytest.mark.parametrize(("path", "kind"), [
    ("/", "text/html; charset=utf-8"),
    ("/a/", "text/html; charset=utf-8"),
    ("/a/index.html", "text/html; charset=utf-8"),
    ("/assets/site.css", "text/css; charset=utf-8"),
    ("/assets/app.js", "text/javascript; charset=utf-8"),
    ("/assets/pixel.png", "image/png"),
    ("/assets/photo.jpg", "image/jpeg"),
    ("/assets/font.woff2", "font/woff2"),
    ("/assets/logo.svg", "image/svg+xml"),
    ("/feed.xml", "application/xml"),
    ("/search.json", "application/json"),
    ("/robots.txt", "text/plain; charset=utf-8"),
])
def test_files_are_served_with_their_content_type(served, path, kind):
    status, headers, _ = served.get(path)
    assert (status, headers["content-type"]) == (200, kind)
    assert headers["x-content-type-options"] == "nosniff"


def test_a_folder_url_serves_its_index_and_a_bare_one_redirects_to_the_slash(served):
    status, _, body = served.get("/a/")
    assert (status, text_of(body)) == (200, "Page A")
    status, headers, _ = served.get("/a?x=1")
    assert (status, headers["location"]) == (302, "/a/?x=1")


def test_a_missing_page_gets_the_sites_404_page_with_status_404(served):
    status, headers, body = served.get("/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert text_of(body) == "Not here"


def test_without_a_404_page_a_plain_not_found(served):
    (served.root / "404.html").unlink()
    status, headers, body = served.get("/nothing")
    assert (status, headers["content-type"], body) == (404, "text/plain; charset=utf-8",
                                                       b"Not found\n")


def test_a_folder_without_index_is_not_listed(served):
    status, _, body = served.get("/empty/")
    assert status == 404
    assert b".keep" not in body and text_of(body) == "Not here"


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/a/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/a/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "/%00/../secret.txt",
    "/.margin-output",
    "/%2emargin-output",
])
def test_path_traversal_and_hidden_files_are_refused(served, path):
    status, _, body = served.get(path)
    assert status == 404
    assert b"SECRET" not in body and b"marker" not in body


def test_a_symlink_leading_out_of_the_output_is_refused_and_one_inside_is_followed(served):
    (served.root / "leak.txt").symlink_to(served.secret)
    (served.root / "leak-dir").symlink_to(served.secret.parent)
    (served.root / "alias").symlink_to(served.root / "a")
    assert served.get("/leak.txt")[0] == 404
    assert served.get("/leak-dir/secret.txt")[0] == 404
    status, _, body = served.get("/alias/")
    assert (status, text_of(body)) == (200, "Page A")


def test_the_reload_script_is_added_to_served_html_only_never_to_the_files(served):
    _, _, body = served.get("/a/")
    scripts = BeautifulSoup(body, "html.parser").find_all("script")
    assert [s["data-epoch"] for s in scripts] == ["0"]
    assert "/__margin__/events" in scripts[0].string
    assert b"__margin__" not in (served.root / "a/index.html").read_bytes()
    _, _, css = served.get("/assets/site.css")
    assert css == b"body { color: black }"
    _, _, missing = served.get("/gone/")
    assert b"/__margin__/events" in missing


def test_head_sends_the_headers_without_the_body(served):
    status, headers, body = served.get("/a/", method="HEAD")
    assert status == 200 and int(headers["content-length"]) > 0 and body == b""


def test_other_methods_are_not_allowed(served):
    assert served.get("/a/", method="POST")[0] == 501


def test_a_rebuild_sends_reload_to_the_changed_page_only(served):
    on_a, on_b = served.events(0, "/a/"), served.events(0, "/b/")
    assert on_a.next(1) == ("hello", {"instance": "test", "epoch": 0, "errors": [],
                                      "reload": False})
    on_b.next(1)
    served.builder.rebuild({"a/index.html": PAGE.format(title="Page A, edited")})
    name, data = on_a.next(2)
    assert (name, data["reload"], data["changed"]) == ("build", True, ["/a/"])
    assert on_b.next(2)[1]["reload"] is False
    assert text_of(served.get("/a/")[2]) == "Page A, edited"
    on_a.close(), on_b.close()


def test_errors_reach_open_pages_and_clear_on_the_next_good_build(served):
    stream = served.events(0, "/a/")
    stream.next(1)
    served.builder.rebuild({}, errors=("error: content/a.md:2: front matter: bad",))
    assert stream.next(2)[1]["errors"] == ["error: content/a.md:2: front matter: bad"]
    late = served.events(served.hub.current.number, "/b/")
    assert late.next(1)[1]["errors"] == ["error: content/a.md:2: front matter: bad"]
    served.builder.rebuild({"a/index.html": PAGE.format(title="Fixed")})
    assert stream.next(3)[1]["errors"] == []
    stream.close(), late.close()


def test_a_page_that_changed_while_loading_reloads_as_soon_as_it_connects(served):
    served.builder.rebuild({"a/index.html": PAGE.format(title="Newer")})
    stream = served.events(0, "/a/")  # served at epoch 0, connecting after epoch 1
    assert stream.next(1)[1]["reload"] is True
    stream.close()


def test_a_request_during_a_rebuild_waits_for_it(served):
    results: list[bytes] = []
    release = threading.Event()

    def rebuild():
        with served.hub.writing():
            served.builder.write("a/index.html", "<html><body><h1>half")
            release.wait(5)
            served.builder.write("a/index.html", PAGE.format(title="Whole"))

    writer = threading.Thread(target=rebuild)
    writer.start()
    time.sleep(0.05)
    reader = threading.Thread(target=lambda: results.append(served.get("/a/")[2]))
    reader.start()
    time.sleep(0.3)
    assert results == []  # still waiting
    release.set()
    writer.join(), reader.join(5)
    assert text_of(results[0]) == "Whole"


def test_a_base_url_prefix_is_served_under_its_path(tmp_path):
    served = Served(tmp_path, prefix="/blog")
    try:
        assert served.get("/")[:2][0] == 302 and served.get("/")[1]["location"] == "/blog/"
        status, _, body = served.get("/blog/a/")
        assert (status, text_of(body)) == (200, "Page A")
        assert served.get("/a/")[0] == 404
    finally:
        served.close()


def test_a_path_segment_longer_than_any_file_name_is_not_found(served):
    for path in ("/" + "a" * 300, "/a/" + "%C3%A9" * 200 + "/", "/" + "%41" * 300):
        status, _, body = served.get(path)
        assert (status, text_of(body)) == (404, "Not here"), path


def test_a_path_longer_than_any_page_is_refused_as_too_long(served):
    assert served.get("/ab" * 1000)[0] == 414


@pytest.mark.parametrize("path", ["/%2f%2fassets", "/%2F%2Fassets", "//assets", "///assets"])
def test_a_redirect_always_stays_on_this_server(served, path):
    status, headers, _ = served.get(path)
    assert (status, headers["location"]) == (302, "/assets/")  # '//assets/': the host 'assets'


def test_a_redirect_under_a_prefix_stays_on_this_server(tmp_path):
    served = Served(tmp_path, prefix="/blog")
    try:
        assert served.get("/blog/%2f%2fassets")[1]["location"] == "/blog/assets/"
    finally:
        served.close()


def test_a_page_can_ask_once_what_its_stream_would_say_first(served):
    served.builder.rebuild({"a/index.html": PAGE.format(title="Newer")})
    status, headers, body = served.get("/__margin__/status?epoch=0&page=/a/")
    assert (status, headers["content-type"]) == (200, "application/json")
    assert json.loads(body) == {"instance": "test", "epoch": 1, "errors": [], "reload": True}
    assert json.loads(served.get("/__margin__/status?epoch=0&page=/b/")[2])["reload"] is False
