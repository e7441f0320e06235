"""Run one function over many items on every core: forked worker processes.

Forking (Linux, macOS) lets a worker start with everything the parent already holds (the
index, the parsed templates), so only the items' results travel back through a pipe. Work is
dealt out in small chunks, each to the first process free to take it; a worker that fails
or dies costs only speed: whatever
it did not send back is done again in this process, so the results are those a plain loop
would give. Where forking is not available, it is that plain loop.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from margin.collector import frozen_for_fork
from margin.orphans import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_JOB = 8  # more chunks than workers keeps them all busy till the end
MAX_CHUNK = 64


def default_jobs() -> int:
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(work: Callable[[T], R], items: Sequence[T], jobs: int,
             progress: Callable[[int], None] | None = None) -> list[R]:
    """[work(item) for item in items], spread over JOBS processes; PROGRESS(n) as n finish."""
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for index, result in fork_imap(work, items, jobs, progress):
        results[index] = result
    return results


def fork_imap(work: Callable[[T], R], items: Sequence[T], jobs: int,
              progress: Callable[[int], None] | None = None, share: bool = False
              ) -> Iterator[tuple[int, R]]:
    """(index, work(items[index])) for every item, in the order they are finished: the caller
    can use each result and let it go (a site's pages need not all be in memory at once).
    The workers are forked at once, so this process can do something else while they work
    (another thread of it reading the results; or none, for as long as a pipe holds them).
    SHARE: this process does a worker's part, between reading the others' results, when it
    has nothing else to do meanwhile: the same cores busy, one process (and the memory it
    would copy from this one) fewer."""
    total = len(items)
    jobs = min(jobs, total)
    if jobs <= 1 or not can_fork():
        return _here(work, items, range(total), progress)
    size = max(1, min(MAX_CHUNK, total // (jobs * CHUNKS_PER_JOB)))
    chunks = [range(start, min(start + size, total)) for start in range(0, total, size)]
    context = multiprocessing.get_context("fork")
    claims = _Claims(context, len(chunks))
    workers = _forked(context, work, items, chunks, claims, jobs - 1 if share else jobs)
    return _gathered(work, items, chunks, workers, progress, claims if share else None)


class _Claims:
    """Chunk numbers dealt out one at a time to whichever process asks first (a counter
    shared with the forked workers): a worker with cheap items takes more of them."""

    def __init__(self, context: Any, total: int):
        self._next = context.RawValue("q", 0)
        self._lock = context.Lock()
        self.total = total

    def claim(self) -> int | None:
        with self._lock:
            number = self._next.value
            if number >= self.total:
                return None
            self._next.value = number + 1
        return number


def _gathered(work: Callable[[T], R], items: Sequence[T], chunks: list[range],
              workers: list[tuple[multiprocessing.process.BaseProcess, Connection]],
              progress: Callable[[int], None] | None, claims: _Claims | None
              ) -> Iterator[tuple[int, R]]:
    """The workers' results as they come and (with CLAIMS: sharing their work) chunks this
    process claims, done one item at a time while no result waits: a worker blocked on a
    full pipe would idle."""
    done: set[int] = set()  # chunks received or claimed here
    mine: list[int] = []  # the items of the chunk claimed here left to do, last first

    def has_own() -> bool:
        if not mine and claims is not None:
            number = claims.claim()
            if number is not None:
                done.add(number)
                mine.extend(reversed(chunks[number]))
        return bool(mine)

    for received in _received(workers, polling=has_own):
        if received is None:
            index = mine.pop()
            yield index, work(items[index])
            if progress:
                progress(1)
            continue
        number, values = received
        done.add(number)
        yield from zip(chunks[number], values, strict=True)
        if progress:
            progress(len(values))
    yield from _here(work, items, mine[::-1], progress)
    for number in range(len(chunks)):  # not claimed, or claimed by a worker that failed
        if number not in done:
            yield from _here(work, items, chunks[number], progress)


def _here(work: Callable[[T], R], items: Sequence[T], indexes: Sequence[int],
          progress: Callable[[int], None] | None) -> Iterator[tuple[int, R]]:
    for index in indexes:
        yield index, work(items[index])
        if progress:
            progress(1)


def _forked(context: Any, work: Callable[[T], R], items: Sequence[T], chunks: list[range],
            claims: _Claims, count: int
            ) -> list[tuple[multiprocessing.process.BaseProcess, Connection]]:
    """COUNT workers, each doing the chunks it claims, and the pipes their results come by."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else a child flushes the parent's buffered text a second time
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    with frozen_for_fork():
        for _ in range(count):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(work, items, chunks, claims.claim,
                                                          writer, os.getpid()), daemon=True)
            process.start()
            writer.close()
            workers.append((process, reader))
    return workers


def _received(workers: list[tuple[multiprocessing.process.BaseProcess, Connection]],
              polling: Callable[[], bool] = lambda: False) -> Iterator[tuple[int, list] | None]:
    """(chunk number, results) for every chunk a worker finished; None when none has and
    POLLING() says not to wait for one."""
    open_readers = [reader for _, reader in workers]
    try:
        while open_readers:
            ready = wait(open_readers, timeout=0 if polling() else None)
            if not ready:
                yield None
            for reader in ready:
                try:
                    number, values = reader.recv()
                except (EOFError, OSError):
                    open_readers.remove(reader)  # finished, or died: what is missing is redone
                    continue
                if values is not None:
                    yield number, values
    finally:
        for process, reader in workers:
            if reader in open_readers:  # the caller stopped early (an error): stop the worker
                process.kill()
            reader.close()
            process.join()


class Background:
    """WORK() done in a forked child while this process goes on with something else;
    `result()` waits for it (or, without fork, or if the child fails, does it here)."""

    def __init__(self, work: Callable[[], R]):
        self.work = work
        self._process: multiprocessing.process.BaseProcess | None = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            self._reader, writer = context.Pipe(duplex=False)
            with frozen_for_fork():
                once = iter([0])
                self._process = context.Process(
                    target=_work, args=(lambda _: work(), [None], [range(1)],
                                        lambda: next(once, None), writer, os.getpid()),
                    daemon=True)
                self._process.start()
            writer.close()

    def result(self) -> R:
        if self._process is None:
            return self.work()
        try:
            _, values = self._reader.recv()
        except (EOFError, OSError):
            values = None
        finally:
            self._reader.close()
            self._process.join()
        return values[0] if values is not None else self.work()


def _work(work: Callable[[T], R], items: Sequence[T], chunks: list[range],
          claim: Callable[[], int | None], writer: Connection, parent: int) -> None:
    """In a worker: do the chunks it claims, sending each chunk's results (None when one
    failed); killed with PARENT, should that die first."""
    die_with_parent(parent)
    try:
        while (number := claim()) is not None:
            try:
                values: list[R] | None = [work(items[index]) for index in chunks[number]]
            except Exception:  # redone in the parent, where the error can surface properly
                values = None
            try:
                writer.send((number, values))
            except Exception:  # a result that does not pickle: redone in the parent too
                writer.send((number, None))
    finally:
        writer.close()
