"""A page's Server-Sent Events stream as the tests read it: the events, in order, as they come."""

from __future__ import annotations

import json
import socket
import threading


class EventStream:
    """A page's event stream, read on a thread so a test can wait for the next event."""

    def __init__(self, port: int, epoch: int, page: str):
        self.events: list[tuple[str, dict]] = []
        self._arrived = threading.Condition()
        self.conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.conn.sendall(f"GET /__margin__/events?epoch={epoch}&page={page} HTTP/1.1\r\n"
                          "Host: x\r\n\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        try:
            while chunk := self.conn.recv(4096):
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in block.decode().splitlines()
                                  if ": " in line and not line.startswith(":"))
                    if "event" in fields:
                        with self._arrived:
                            self.events.append((fields["event"], json.loads(fields["data"])))
                            self._arrived.notify_all()
        except OSError:
            return

    def next(self, count: int, timeout: float = 5) -> tuple[str, dict]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.events) >= count, timeout), self.events
            return self.events[count - 1]

    def close(self) -> None:
        self.conn.close()
