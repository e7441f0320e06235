"""The preview server under what breaks servers: bursts of connections, many open pages, idle and
half-sent connections, clients leaving mid-answer, hostile paths, a failing search index."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest

from margin.serve.http import PreviewServer
from margin.serve.hub import ReloadHub
from sse_client import EventStream
from test_serve_http import PAGE, Served, text_of


@pytest.fixture
def served(tmp_path):
    running = Served(tmp_path, idle_seconds=1.0, request_seconds=0.5)
    yield running
    running.close()


def ask(port: int, path: str = "/a/") -> bytes:
    """A whole GET exchange on a fresh connection; the raw answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


def one_answer(conn: socket.socket) -> bytes:
    """The body of the next response on a kept-alive connection (read no further)."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = conn.recv(1)
        assert byte, f"closed by the server after {head!r}"
        head += byte
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        assert chunk, "closed by the server mid-body"
        body += chunk
    return body


def closed_by_server(conn: socket.socket, within: float) -> bool:
    conn.settimeout(within)
    try:
        return conn.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_burst_of_connections_is_held_by_the_backlog_not_dropped(tmp_path):
    (tmp_path / "index.html").write_text(PAGE.format(title="Home"))
    server = PreviewServer(("127.0.0.1", 0), tmp_path, ReloadHub(), instance="test")
    port = server.server_address[1]
    connecting: list[float] = []  # seconds each connection took to be made
    answers: list[bytes] = []

    def client() -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            connecting.append(time.monotonic() - started)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answers.append(conn.makefile("rb").read())

    clients = [threading.Thread(target=client) for _ in range(150)]
    for thread in clients:
        thread.start()
    time.sleep(0.3)  # all 150 connect before the server accepts any
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    loop.start()
    try:
        for thread in clients:
            thread.join(10)
    finally:
        server.shutdown(), server.server_close()
    # A connection the kernel refuses for want of room is tried again only a second later.
    assert len(connecting) == 150 and max(connecting) < 0.5, sorted(connecting)[-5:]
    assert len(answers) == 150 and all(a.startswith(b"HTTP/1.1 200 ") for a in answers)


def test_a_hundred_pages_opened_at_once_all_receive_the_next_build(served):
    streams: list[EventStream] = []
    together = threading.Barrier(100)

    def open_page() -> None:
        together.wait(5)
        streams.append(served.events(0, "/a/"))

    openers = [threading.Thread(target=open_page) for _ in range(100)]
    started = time.monotonic()
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(10)
    assert len(streams) == 100
    for stream in streams:  # a dropped connection is retried only after a second or more
        assert stream.next(1, timeout=max(0.1, started + 2 - time.monotonic()))[0] == "hello"
    served.builder.rebuild({"a/index.html": PAGE.format(title="Edited")})
    for stream in streams:
        name, data = stream.next(2)
        assert (name, data["reload"]) == ("build", True)
        stream.close()


def test_open_pages_and_idle_connections_hold_no_thread_and_requests_still_pass(served):
    assert text_of(ask(served.port).partition(b"\r\n\r\n")[2]) == "Page A"  # the pool is up
    threads = threading.active_count()
    streams = [served.events(0, "/b/") for _ in range(100)]
    idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(200)]
    for stream in streams:
        stream.next(1)
    started = time.monotonic()
    assert text_of(ask(served.port).partition(b"\r\n\r\n")[2]) == "Page A"
    assert time.monotonic() - started < 1.0
    assert threading.active_count() - threads <= 100  # the test's own stream readers
    for conn in idle:
        conn.close()
    for stream in streams:
        stream.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout(served):
    with socket.create_connection(("127.0.0.1", served.port)) as conn:
        conn.sendall(b"GET /a/ HTTP/1.1\r\nHost: x\r\n\r\n")  # keep-alive
        assert text_of(one_answer(conn)) == "Page A"
        assert closed_by_server(conn, within=3.0)


def test_a_half_sent_request_is_dropped_after_the_request_timeout(served):
    with socket.create_connection(("127.0.0.1", served.port)) as conn:
        conn.sendall(b"GET /a/ HTTP/1.1\r\nHo")
        started = time.monotonic()
        assert closed_by_server(conn, within=3.0)
        assert time.monotonic() - started < 2.0
    assert b"Page A" in ask(served.port)


def test_a_client_leaving_mid_answer_prints_nothing(served, capfd):
    served.builder.write("big.bin", b"x" * (16 << 20))
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", served.port)) as conn:
            conn.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.recv(1024)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.5)
    assert b"Page A" in ask(served.port)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_kept_alive_connection_answers_each_request_and_two_sent_at_once(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as conn:
        conn.sendall(b"GET /a/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert text_of(one_answer(conn)) == "Page A"
        time.sleep(0.2)  # back with the loop, waiting for the next request
        conn.sendall(b"GET /b/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert text_of(one_answer(conn)) == "Page B"
        conn.sendall(b"GET /a/ HTTP/1.1\r\nHost: x\r\n\r\nGET /b/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert [text_of(one_answer(conn)) for _ in range(2)] == ["Page A", "Page B"]
