"""The open pages' event streams (Server-Sent Events): a hello when a page connects, then one
event per rebuild, all written by the connection loop's one thread (serve/connections.py).

No stream holds a thread, so any number of pages can be open at once. A write never waits: a
page that stops reading for so long that its socket's buffer fills is dropped, and its browser
reconnects a second later with the epoch its page was served at, so the hello still tells it
to reload if its page changed meanwhile.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from margin.serve.hub import Epoch, ReloadHub

KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies from closing the stream
RETRY = b"retry: 1000\n\n"  # how soon a browser reconnects a dropped stream, in milliseconds
KEEPALIVE = b": keep-alive\n\n"


@dataclass(eq=False)
class Stream:
    """One open page: its socket, its site URL, the last epoch it was told of."""

    sock: socket.socket
    url: str
    seen: int  # the epoch its page was served at, until the hello
    greeted: bool = False


def event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class EventStreams:
    """The streams of the open pages, told of each epoch of HUB; PREFIX() is the site's path
    under which the changed URLs are named, INSTANCE tells a page which server it came from."""

    def __init__(self, hub: ReloadHub, instance: str, prefix: Callable[[], str]):
        self.hub, self.instance, self.prefix = hub, instance, prefix
        self._streams: set[Stream] = set()
        self._new: list[Stream] = []
        self._told = 0  # every greeted stream has been told of this epoch
        self._keepalive_at = time.monotonic() + KEEPALIVE_SECONDS

    def __len__(self) -> int:
        return len(self._streams)

    def add(self, stream: Stream) -> None:
        stream.sock.setblocking(False)
        self._streams.add(stream)
        self._new.append(stream)

    def remove(self, stream: Stream) -> None:
        self._streams.discard(stream)

    def seconds_to_keepalive(self) -> float:
        return self._keepalive_at - time.monotonic()

    def update(self) -> list[Stream]:
        """Greet the new streams, tell every stream of a new epoch, keep idle ones alive; the
        streams that could not take their message (to be closed)."""
        current = self.hub.current
        failed = [s for s in self._new if s in self._streams and not self._greet(s)]
        self._new = []
        if current.number > self._told:
            failed += self._tell(current)
            self._told = current.number
        if time.monotonic() >= self._keepalive_at:
            failed += [s for s in self._streams if not _send(s.sock, KEEPALIVE)]
            self._keepalive_at = time.monotonic() + KEEPALIVE_SECONDS
        return failed

    def hello(self, url: str, seen: int) -> dict:
        """What a page served at epoch SEEN is told when it connects (or asks)."""
        current = self.hub.current
        return {"instance": self.instance, "epoch": current.number,
                "errors": list(current.errors), "reload": self.hub.changed_since(url, seen)}

    def _greet(self, stream: Stream) -> bool:
        hello = self.hello(stream.url, stream.seen)
        stream.seen, stream.greeted = hello["epoch"], True
        return _send(stream.sock, RETRY + event("hello", hello))

    def _tell(self, epoch: Epoch) -> list[Stream]:
        prefix = self.prefix()
        common = {"epoch": epoch.number, "changed": sorted(prefix + u for u in epoch.changed),
                  "everything": epoch.everything, "errors": list(epoch.errors)}
        messages = {reload: event("build", {**common, "reload": reload})
                    for reload in (False, True)}
        failed = []
        for stream in self._streams:
            if stream.seen >= epoch.number:
                continue
            reload = self.hub.changed_since(stream.url, stream.seen)
            stream.seen = epoch.number
            if not _send(stream.sock, messages[reload]):
                failed.append(stream)
        return failed


def _send(sock: socket.socket, data: bytes) -> bool:
    """Write DATA whole without waiting; False if the page is gone or not reading."""
    try:
        return sock.send(data) == len(data)
    except OSError:
        return False
