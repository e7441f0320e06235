"""What the browsers are told: each finished rebuild is an epoch, with the URLs it changed and
the site's errors, which the open pages' event streams pass on (serve/streams.py).

The hub also holds the gate between rebuilds and requests: a request that arrives while a
rebuild writes waits for it, so no page is ever read half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Epoch:
    """One finished rebuild."""

    number: int
    changed: frozenset[str] = frozenset()  # site URLs ('/a/b/', '/assets/x.css') written or removed
    errors: tuple[str, ...] = ()  # the site's errors after this rebuild, one line each
    everything: bool = False  # every open page should reload (e.g. an image or script changed)


@dataclass
class _State:
    epoch: Epoch = field(default_factory=lambda: Epoch(0))
    changed_at: dict[str, int] = field(default_factory=dict)  # URL -> epoch it last changed
    everything_at: int = 0


class ReloadHub:
    """Epochs for the browsers, and the readers/writer gate for the output folder."""

    def __init__(self) -> None:
        self._state = _State()
        self._epochs = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._gate = threading.Condition()
        self._readers = 0
        self._writing = False

    # -- epochs ------------------------------------------------------------------------------

    @property
    def current(self) -> Epoch:
        with self._epochs:
            return self._state.epoch

    def publish(self, changed: Iterable[str], errors: Iterable[str], everything: bool = False
                ) -> Epoch:
        """Announce a finished rebuild to every waiting page."""
        with self._epochs:
            state = self._state
            epoch = Epoch(state.epoch.number + 1, frozenset(changed), tuple(errors), everything)
            for url in epoch.changed:
                state.changed_at[url] = epoch.number
            if everything:
                state.everything_at = epoch.number
            state.epoch = epoch
        for listener in self._listeners:
            listener()
        return epoch

    def changed_since(self, url: str, number: int) -> bool:
        """Whether the page at URL changed after epoch NUMBER (it was served then)."""
        with self._epochs:
            state = self._state
            return state.changed_at.get(url, 0) > number or state.everything_at > number

    def on_publish(self, listener: Callable[[], None]) -> None:
        """Call LISTENER after each publish (it must not block: the rebuild's thread runs it)."""
        self._listeners.append(listener)

    # -- the gate ----------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Held while a request reads the output folder; waits for a rebuild in progress."""
        with self._gate:
            self._gate.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._gate:
                self._readers -= 1
                self._gate.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held by a rebuild from its start to its last write; new requests wait."""
        with self._gate:
            self._gate.wait_for(lambda: not self._writing)
            self._writing = True
            self._gate.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._gate:
                self._writing = False
                self._gate.notify_all()
