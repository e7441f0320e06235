"""Rendered bodies kept between builds, each reused only while everything it read is unchanged.

A body is a pure function of its note, the BodyContext and the files it looked at. The entry's
key covers the note's text and fields, the context's fixed part (folders, base_url, title) and
margin's code. The rest of the context is the whole site (every permalink, every wikilink
name), and keying on all of it would make one new note re-render every body; so instead each
render is watched, and the entry records the questions the body asked and the answers it got:
the permalinks it looked up, the wikilink names it resolved, the files it checked (with their
size and modification time). On the next build the questions are asked again; the entry is
used only if every answer is the same. A changed note thus re-renders exactly the bodies that
link to it by a name whose answer changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from margin.fingerprint import code_fingerprint, digest
from margin.incremental.entries import (
    HEAD_GUESS,
    Dependencies,
    Entry,
    Signature,
    head_size,
    load_entry,
)
from margin.incremental.packs import Packs
from margin.incremental.store import Store
from margin.markdown.body import render_body
from margin.markdown.context import BodyContext, FileProbe
from margin.markdown.filefinder import FileNames
from margin.markdown.notebib import still_cited
from margin.model import Note

KIND = "bodies"


def signature(path: str | Path) -> Signature:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)


def render_watched(note: Note, context: BodyContext) -> Entry:
    """Render NOTE's body, noting every question it asks of CONTEXT."""
    watch = _Watch()
    watched = replace(
        context,
        permalinks=_WatchedUrls(context.permalinks, watch),
        link_targets=(None if context.link_targets is None
                      else _WatchedTargets(context.link_targets, watch)),
        files=_WatchedFiles(watch),
        notes=_WatchedNotes(context.notes, watch),
    )
    body = render_body(note, watched)  # type: ignore[arg-type]  # a Mapping serves as the dict
    needs = watch.dependencies()
    if body.cited:
        files = dict.fromkeys(f for found, _, _ in body.cited for f in found)
        needs = replace(needs, bibliographies=tuple(
            (str(context.site_dir / f), signature(context.site_dir / f)) for f in files))
    return Entry(body, needs)


class BodyCache:
    """Bodies by note and context; STORE may be disabled (--no-cache), making every lookup miss."""

    def __init__(self, store: Store, context: BodyContext):
        self.packs = Packs(store, KIND)
        self.context = context
        # (the collections say which tool's habits a body is read by; math, its macros)
        self.fixed = digest(code_fingerprint(), str(context.site_dir), str(context.output_dir),
                            str(context.theme_dir), context.base_url, context.site_title,
                            repr(context.collections), context.math.digest,
                            context.citations.digest)
        self._every_url: str | None = None
        self._every_name: str | None = None
        self._folders: dict[str, dict[str, Signature]] = {}  # collection root -> its folders
        self.used: set[str] = set()  # keys of the entries this build read or wrote

    def key(self, note: Note) -> str:
        """NOTE's text stands in the key by its file's digest (a note made from a file has
        one), so 4,000 bodies need not be hashed again on every build."""
        text = note.digest or hashlib.blake2b(note.body.encode("utf-8", "surrogatepass"),
                                              digest_size=16).hexdigest()
        parts = (self.fixed, note.key, note.source, note.url, note.title, note.body_line, text)
        return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"),
                               digest_size=16).hexdigest()

    def get(self, key: str, html: bool = True,
            standin: Callable[[str], Any] | None = None, packed: bool = False) -> Entry | None:
        """The cached entry under KEY when every answer its body depended on still holds;
        without HTML (for one read back later), it is read faster: the body's HTML is then
        STANDIN(the entry's digest), or empty. PACKED: the body is left a PackedBody where
        it can be (see model.KeptBodies)."""
        payload = self.packs.get(key) if html else self._head(key)
        if payload is None:
            return None
        entry = load_entry(payload, html, standin(self.digest(key)) if standin else "", packed)
        if entry is None or not self.holds(entry.needs) or (
                entry.body.cited and not still_cited(entry.body.cited, self.context)):
            return None
        self.used.add(key)
        return entry

    def _head(self, key: str) -> bytes | None:
        """The head of KEY's entry, not its HTML (load_entry checks it)."""
        start = self.packs.get_start(key, HEAD_GUESS)
        if start is None or len(start) >= head_size(start):
            return start
        return self.packs.get_start(key, head_size(start))

    def digest(self, key: str) -> str:
        """The digest of the entry get(KEY) gave: it stands for the body in page inputs."""
        return self.packs.digest(key)

    def put(self, key: str, payload: bytes, digest: str) -> bool:
        """Keep a rendered entry (already pickled by dump_entry, with its digest); False when
        it could not be written."""
        self.used.add(key)
        return self.packs.add(key, payload, digest)

    def holds(self, needs: Dependencies) -> bool:
        context = self.context
        urls = context.permalinks
        for key, url in needs.urls:
            if urls.get(key) != url:
                return False
        targets = context.link_targets
        if needs.names and targets is None:
            return False
        for name, keys in needs.names:
            if targets.resolve(*name).keys != keys:
                return False
        if needs.every_url and needs.every_url != self.every_url():
            return False
        if needs.every_name and needs.every_name != self.every_name():
            return False
        for (root, name), found in needs.by_name:
            if context.file_names.named(name, root) != found:
                return False
        notes = context.notes
        for key, seen in needs.notes:
            note = notes.get(key)
            if (None if note is None else embed_print(note)) != seen:
                return False
        return all(signature(path) == seen for path, seen in needs.files)

    def looked_at(self, needs: Dependencies) -> dict[str, Signature]:
        """The files a body depends on, for the build's stamp (incremental/unchanged.py): those it
        read, and the folders its searches by name went through (a file added to one may
        answer it), each listed once a build."""
        found = dict(needs.files)
        found.update(needs.bibliographies)
        for (root, _), _ in needs.by_name:
            if root not in self._folders:
                self._folders[root] = {str(folder): signature(folder)
                                       for folder in self.context.file_names.folders(root)}
            found.update(self._folders[root])
        return found

    def settled(self, needs: Dependencies) -> Dependencies:
        """NEEDS as an entry keeps them: `every_url`/`every_name` flags become the digests
        they were taken at (now)."""
        if not (needs.every_url is True or needs.every_name is True):
            return needs
        return replace(needs,
                       every_url=self.every_url() if needs.every_url is True else needs.every_url,
                       every_name=(self.every_name() if needs.every_name is True
                                   else needs.every_name))

    def every_url(self) -> str:
        if self._every_url is None:
            self._every_url = digest(sorted(self.context.permalinks.items()))
        return self._every_url

    def every_name(self) -> str:
        if self._every_name is None:
            names = getattr(self.context.link_targets, "names", None) or {}
            self._every_name = digest(sorted(names.items()))
        return self._every_name

    def close(self) -> None:
        """Write what this build rendered; forget entries it did not use once they outweigh
        those it did (a site built two ways, say with and without drafts, keeps both sets,
        but never grows old)."""
        self.packs.close(self.used)

    def add_only(self) -> None:
        """Write what was put, dropping nothing: for a caller that put entries without
        looking up the others in use (the live server as it stops)."""
        self.packs.close(None)




@dataclass
class _Watch:
    urls: dict[str, str | None] = field(default_factory=dict)
    every_url: bool = False
    names: dict[tuple[str, str | None], tuple[str, ...]] = field(default_factory=dict)
    every_name: bool = False
    files: dict[str, Signature] = field(default_factory=dict)
    notes: dict[str, str | None] = field(default_factory=dict)
    by_name: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def dependencies(self) -> Dependencies:
        return Dependencies(tuple(self.urls.items()), self.every_url, tuple(self.names.items()),
                            self.every_name, tuple(self.files.items()), tuple(self.notes.items()),
                            tuple(self.by_name.items()))


def embed_print(note: Note) -> str:
    """All of NOTE that another note embedding it shows: its text, title, URL and place."""
    text = note.digest or hashlib.blake2b(note.body.encode("utf-8", "surrogatepass"),
                                          digest_size=16).hexdigest()
    return digest(note.key, note.source, note.url, note.title, note.body_line, text)


class _WatchedNotes(Mapping[str, Note]):
    """The notes, noting each one read (a note embedded in the body)."""

    def __init__(self, notes: Mapping[str, Note], watch: _Watch):
        self._notes, self._watch = notes, watch

    def __getitem__(self, key: str) -> Note:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        note = self._notes.get(key)
        self._watch.notes[key] = None if note is None else embed_print(note)
        return default if note is None else note

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a body reads notes one by one, each noted")

    def __len__(self) -> int:
        return len(self._notes)


class _WatchedUrls(Mapping[str, str]):
    """The permalinks, noting each one looked up (and whether all of them were read)."""

    def __init__(self, urls: Mapping[str, str], watch: _Watch):
        self._urls, self._watch = urls, watch

    def __getitem__(self, key: str) -> str:
        url = self._urls.get(key)
        self._watch.urls[key] = url
        if url is None:
            raise KeyError(key)
        return url

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        url = self._urls.get(key)
        self._watch.urls[key] = url
        return default if url is None else url

    def __iter__(self) -> Iterator[str]:
        self._watch.every_url = True
        return iter(self._urls)

    def __len__(self) -> int:
        self._watch.every_url = True
        return len(self._urls)

    def items(self):  # type: ignore[override]
        self._watch.every_url = True
        return self._urls.items()

    def keys(self):  # type: ignore[override]
        self._watch.every_url = True
        return self._urls.keys()

    def values(self):  # type: ignore[override]
        self._watch.every_url = True
        return self._urls.values()


class _WatchedTargets:
    """The wikilink name table, noting each name resolved."""

    def __init__(self, targets: Any, watch: _Watch):
        self._targets, self._watch = targets, watch

    def resolve(self, target: str, folder: str | None = None) -> Any:
        answer = self._targets.resolve(target, folder)
        self._watch.names[(target, folder)] = answer.keys
        return answer

    def __getattr__(self, name: str) -> Any:
        self._watch.every_name = True  # anything else reads the table as a whole
        return getattr(self._targets, name)


class _WatchedFiles(FileProbe):
    def __init__(self, watch: _Watch):
        self._watch = watch

    def is_file(self, path: Path) -> bool:
        seen = signature(path)
        self._watch.files[str(path)] = seen
        return seen is not None and stat.S_ISREG(seen[0])

    def named(self, names: FileNames, name: str, root: str) -> tuple[str, ...]:
        found = names.named(name, root)
        self._watch.by_name[(root, name)] = found
        return found
