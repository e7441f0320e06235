"""The preview's connections: one thread watches every socket, a fixed pool of workers answers.

A thread per connection (http.server's ThreadingHTTPServer) lets every idle keep-alive
connection and every open page's event stream hold a thread for as long as it stays open, and
its listen backlog of 5 drops a browser's burst of connections. Here one thread (the loop)
waits on all sockets at once: a connection goes to a worker only when a request begins to
arrive and comes back after the response; an event stream never holds a worker (the loop
writes its events, serve/streams.py). Idle connections close after a while, and a worker waits
only so long for a slow client, so nothing a client does can use up the pool.
"""

from __future__ import annotations

import contextlib
import queue
import selectors
import socket
import sys
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler

from margin.serve.streams import EventStreams, Stream

BACKLOG = 1024  # a page's assets and many tabs reloading at once: the kernel holds them all
WORKERS = 8  # answers are short (a file read); more threads only contend for the GIL
IDLE_SECONDS = 30.0  # a keep-alive connection without a request for this long is closed
REQUEST_SECONDS = 10.0  # the longest a worker waits for the rest of a request, or a reader
MAX_IDLE = 512  # beyond this many idle connections the longest idle is closed

_LISTEN, _WAKE = "listen", "wake"


class PooledHandler(BaseHTTPRequestHandler):
    """A request handler that lives as long as its connection and answers one request at a
    time (BaseHTTPRequestHandler answers them all in a loop, holding its thread)."""

    server: ConnectionServer
    disable_nagle_algorithm = True  # headers and body go out as two writes: don't delay one
    detached = False  # the connection became an event stream: the loop owns it now

    def setup(self) -> None:
        self.timeout = self.server.request_seconds  # setup() applies it to the socket
        super().setup()

    def handle(self) -> None:
        pass  # the pool calls answer() whenever a request arrives

    def finish(self) -> None:
        pass  # the connection outlives the constructor

    def answer(self) -> bool:
        """Answer the request that arrived (and any sent right behind it); whether the
        connection stays open for another."""
        while True:
            self.close_connection = True
            self.handle_one_request()
            self.wfile.flush()
            if self.close_connection or self.detached or not self._more_waiting():
                return not self.close_connection and not self.detached

    def _more_waiting(self) -> bool:
        """Whether a pipelined request already sits in the read buffer (the loop's selector
        cannot see it there)."""
        sock = self.connection
        sock.setblocking(False)
        try:
            return bool(self.rfile.peek(1))
        except (BlockingIOError, OSError, ValueError):
            return False
        finally:
            sock.settimeout(self.timeout)

    def close(self) -> None:
        for file in (self.wfile, self.rfile):
            with contextlib.suppress(OSError):  # the client already went away
                file.close()
        _close(self.connection)


class ConnectionServer:
    """Serves HANDLER_CLASS's requests on ADDRESS, and EVENT_STREAMS' streams. The port is bound
    at once, so a taken port fails before anything else starts; serve_forever() serves."""

    def __init__(self, address: tuple[str, int], handler_class: type[PooledHandler],
                 streams: EventStreams, *, workers: int = WORKERS,
                 idle_seconds: float = IDLE_SECONDS, request_seconds: float = REQUEST_SECONDS):
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.create_server(address, family=family, backlog=BACKLOG)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()
        self.handler_class, self.streams = handler_class, streams
        self.idle_seconds, self.request_seconds = idle_seconds, request_seconds
        self._workers = workers
        self._selector = selectors.DefaultSelector()
        self._idle: OrderedDict[int, tuple[PooledHandler, float]] = OrderedDict()  # fd -> since
        self._returned: queue.SimpleQueue[PooledHandler] = queue.SimpleQueue()
        self._adopted: queue.SimpleQueue[Stream] = queue.SimpleQueue()
        self._work: queue.SimpleQueue[PooledHandler | None] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        for end in (self._wake_reader, self._wake_writer):
            end.setblocking(False)
        self._stopping = False
        self._stopped = threading.Event()
        self._running = False

    # -- the public side (socketserver's names) ----------------------------------------------

    def serve_forever(self, poll_interval: float = 1.0) -> None:
        """Run the loop until shutdown(); POLL_INTERVAL bounds how late idle timeouts run."""
        self._running = True
        threads = [threading.Thread(target=self._work_on, name=f"margin-http-{n}", daemon=True)
                   for n in range(self._workers)]
        for thread in threads:
            thread.start()
        self._selector.register(self.socket, selectors.EVENT_READ, _LISTEN)
        self._selector.register(self._wake_reader, selectors.EVENT_READ, _WAKE)
        try:
            while not self._stopping:
                try:
                    self._turn(poll_interval)
                except Exception as exc:  # a bug in margin: say it, keep serving
                    print(f"margin: internal error in the server: {type(exc).__name__}: {exc}",
                          file=sys.stderr, flush=True)
                    time.sleep(0.05)
        finally:
            for _ in threads:
                self._work.put(None)
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serve_forever() and wait for it."""
        self._stopping = True
        self.wake()
        if self._running:
            self._stopped.wait()

    def server_close(self) -> None:
        """Close the port and every connection."""
        _close(self.socket)
        self._take_back()  # connections a worker finished with as the loop stopped
        for key in list(self._selector.get_map().values()):
            if isinstance(key.data, PooledHandler):
                key.data.close()
            elif isinstance(key.data, Stream):
                _close(key.data.sock)
        self._selector.close()
        _close(self._wake_reader), _close(self._wake_writer)

    def wake(self) -> None:
        """Have the loop look at its queues and the streams now (any thread may call this)."""
        with contextlib.suppress(OSError):  # already awake (the buffer is full), or closed
            self._wake_writer.send(b"!")

    def adopt(self, handler: PooledHandler, stream: Stream) -> None:
        """Called by a worker: HANDLER's connection is now STREAM, written by the loop."""
        handler.detached = True
        self._adopted.put(stream)
        self.wake()

    # -- the loop ----------------------------------------------------------------------------

    def _turn(self, poll_interval: float) -> None:
        timeout = min(poll_interval, self.idle_seconds / 2, self.streams.seconds_to_keepalive())
        for key, _ in self._selector.select(max(timeout, 0.0)):
            if key.data is _LISTEN:
                self._accept()
            elif key.data is _WAKE:
                _drain(self._wake_reader)
            elif isinstance(key.data, PooledHandler):
                self._dispatch(key.data)
            else:
                self._end_stream(key.data)  # a page's stream is readable: the page went away
        self._take_back()
        for stream in self.streams.update():  # greet new pages, tell them all of a rebuild
            self._end_stream(stream)
        self._close_idle(time.monotonic())

    def _accept(self) -> None:
        while True:
            try:
                sock, address = self.socket.accept()
            except BlockingIOError:
                return
            except OSError:  # out of file descriptors: make room, take the rest next turn
                if not self._close_oldest_idle():
                    time.sleep(0.05)
                return
            try:
                handler = self.handler_class(sock, address, self)
            except OSError:
                _close(sock)
                continue
            self._idle_wait(handler)

    def _idle_wait(self, handler: PooledHandler) -> None:
        fd = handler.connection.fileno()
        self._selector.register(handler.connection, selectors.EVENT_READ, handler)
        self._idle[fd] = (handler, time.monotonic())
        if len(self._idle) > MAX_IDLE:
            self._close_oldest_idle()

    def _dispatch(self, handler: PooledHandler) -> None:
        self._selector.unregister(handler.connection)
        self._idle.pop(handler.connection.fileno(), None)
        self._work.put(handler)

    def _take_back(self) -> None:
        while True:
            try:
                handler = self._returned.get_nowait()
            except queue.Empty:
                break
            self._idle_wait(handler)
        while True:
            try:
                stream = self._adopted.get_nowait()
            except queue.Empty:
                return
            self._selector.register(stream.sock, selectors.EVENT_READ, stream)
            self.streams.add(stream)

    def _end_stream(self, stream: Stream) -> None:
        self.streams.remove(stream)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(stream.sock)
        _close(stream.sock)

    def _close_idle(self, now: float) -> None:
        while self._idle:
            _, since = next(iter(self._idle.values()))
            if now - since < self.idle_seconds:
                return
            self._close_oldest_idle()

    def _close_oldest_idle(self) -> bool:
        if not self._idle:
            return False
        _, (handler, _) = self._idle.popitem(last=False)
        self._selector.unregister(handler.connection)
        handler.close()
        return True

    # -- a worker ----------------------------------------------------------------------------

    def _work_on(self) -> None:
        while (handler := self._work.get()) is not None:
            keep = False
            try:
                keep = handler.answer()
            except OSError:
                pass  # the client went away or stalled: nothing to say
            except Exception as exc:  # a bug in margin: one line, and the server goes on
                print(f"margin: internal error answering a request: {type(exc).__name__}: "
                      f"{exc}", file=sys.stderr, flush=True)
            if keep and not self._stopping:
                self._returned.put(handler)
                self.wake()
            elif not handler.detached:
                handler.close()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass
