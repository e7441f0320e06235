"""Watch the site's folders and hand over the changed paths in batches.

Editors save in bursts (a temporary file, a rename, a chmod; or several files at once), so
paths are collected until the folders have been quiet for a moment, then given to the rebuild
as one batch: saves in quick succession give one rebuild. (watchdog may hand over a rename up
to half a second late, while it pairs its two halves: an editor's scratch file then comes alone
first, a batch that rebuilds nothing.) Paths that change while a rebuild runs are kept for the
next one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_SECONDS = 0.01  # a burst of events ends after this much silence (an editor's save
# is a write, maybe a rename and a chmod, within a millisecond or two)
LONGEST_WAIT = 0.5  # ... or after this long, however busy the folders are


class Watcher(FileSystemEventHandler):
    """Calls ON_BATCH(paths) from its own thread after each quiet spell."""

    def __init__(self, on_batch: Callable[[set[Path]], None], *,
                 quiet: float = QUIET_SECONDS, longest: float = LONGEST_WAIT):
        self.on_batch, self.quiet, self.longest = on_batch, quiet, longest
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._stopped = False
        self._wake = threading.Condition()
        self._observer = Observer()
        self._worker = threading.Thread(target=self._run, name="margin-rebuild", daemon=True)
        self._watched: dict[Path, bool] = {}  # folder -> recursively
        self._wanted: set[Path] = set()  # folders to watch once they exist

    def watch(self, folders: Iterable[Path], files: Iterable[Path] = ()) -> None:
        """Watch FOLDERS recursively (from the moment they exist) and the folders holding FILES
        (not recursively)."""
        folders = {f.resolve() for f in folders}
        for parent in {f.resolve().parent for f in files} | {f.parent for f in folders}:
            if parent.is_dir() and not self._covered(parent):
                self._observer.schedule(self, str(parent), recursive=False)
                self._watched[parent] = False
        self._wanted |= folders
        for folder in sorted(folders, key=lambda f: len(f.parts)):
            self._watch_folder(folder)

    def _watch_folder(self, folder: Path) -> None:
        if folder.is_dir() and not self._covered(folder, recursive=True):
            self._observer.schedule(self, str(folder), recursive=True)
            self._watched[folder] = True

    def _covered(self, folder: Path, recursive: bool = False) -> bool:
        if self._watched.get(folder) is True or (folder in self._watched and not recursive):
            return True
        return any(on and folder.is_relative_to(w) for w, on in self._watched.items())

    def start(self) -> None:
        self._observer.start()
        self._worker.start()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        if self._worker.is_alive():
            self._observer.stop()
            self._observer.join(timeout=2)
            self._worker.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own times: its files report for themselves
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", ""))
                 if p]
        for path in paths:
            if path in self._wanted and event.is_directory and path.is_dir():
                self._watched.pop(path, None)  # created (again): watch what it will hold
                self._watch_folder(path)
        self.add(paths)

    def add(self, paths: Iterable[Path]) -> None:
        """Note changed paths (the watchdog thread calls this; tests may too)."""
        now = time.monotonic()
        with self._wake:
            if not self._pending:
                self._first = now
            self._pending.update(paths)
            self._last = now
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._stopped or self._pending)
                if self._stopped:
                    return
                while not self._stopped:
                    now = time.monotonic()
                    due = min(self._last + self.quiet, self._first + self.longest)
                    if now >= due:
                        break
                    self._wake.wait(due - now)
                if self._stopped:
                    return
                batch, self._pending = self._pending, set()
            self.on_batch(batch)
