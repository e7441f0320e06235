"""What one build takes from the cache and leaves in it.

  bodies/      rendered note bodies, in packs (incremental/bodycache.py, incremental/packs.py)
  snapshot     the notes made from files and the index's per-note answers, as one pickle
  output-*     the records of the output folder last written (write/previous.py)
  stamp-*      what the last build into that folder read and wrote (incremental/unchanged.py)
  templates    the templates' compiled code and what they read (pages/templates.py,
               pages/dependencies.py), each checked against its template's source when used
  searched/    what Pagefind reads of each page, by its digest (write/searched.py)
  search-shards/  each search shard's folder of those, as Pagefind reads it (write/shardtrees.py)

Each piece is keyed by what it was made from, so a changed configuration or a new margin
simply misses; `--no-cache` (enabled=False) reads and writes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from margin.fingerprint import code_fingerprint, digest
from margin.incremental.store import FOLDER, Pickled, Store
from margin.incremental.unchanged import BuildStamp
from margin.index.memo import IndexMemo
from margin.index.steps import DIRECT, IndexSteps
from margin.load.memo import NoteMemo
from margin.model import SiteConfig
from margin.pages.dependencies import add_parsed_templates, parsed_templates
from margin.pages.templates import add_compiled_code, compiled_code
from margin.parallel import Background
from margin.write.previous import OutputRecords
from margin.write.searched import FOLDER as SEARCHED
from margin.write.searched import SearchedStore

SNAPSHOT = "snapshot"
TEMPLATES = "templates"


def searched_store(site_dir: Path) -> SearchedStore:
    """The pages cut for Pagefind kept in the cache of the site in SITE_DIR."""
    return SearchedStore(site_dir / FOLDER / SEARCHED)


class BuildCache:
    def __init__(self, config: SiteConfig, enabled: bool = True):
        self.store = Store(config.site_dir / FOLDER, enabled)
        self.enabled = enabled
        # Notes depend on the files, the site folder, the permalink patterns and the
        # collections they lie in; the index's answers on the notes alone.
        self.key = digest(code_fingerprint(), str(config.site_dir),
                          sorted(config.permalinks.items()), config.collections)
        self.output = config.output_dir.resolve()
        self._memos: tuple[NoteMemo | None, IndexSteps] | None = None
        self._from_snapshot = False
        self._saving: Background | None = None
        self._templates: tuple[object, object] | None = None  # as read: saved again if not

    @property
    def notes(self) -> NoteMemo | None:
        return self._snapshot()[0]

    @property
    def index(self) -> IndexSteps:
        return self._snapshot()[1]

    def _snapshot(self) -> tuple[NoteMemo | None, IndexSteps]:
        """The memos, read from the snapshot the first time they are wanted."""
        if self._memos is None:
            self._memos = (NoteMemo(), IndexMemo()) if self.enabled else (None, DIRECT)
            found = self.store.get_pickled(SNAPSHOT, keep=True)  # (lives to the end)
            if (isinstance(found, tuple) and len(found) == 3 and found[0] == self.key
                    and isinstance(found[1], NoteMemo) and isinstance(found[2], IndexMemo)):
                self._memos = (found[1], found[2])
                found[1].changed, found[1].moved = 0, False
                self._from_snapshot = True
        return self._memos

    def save_snapshot(self, elsewhere: bool = False) -> None:
        """Keep the notes and index answers when enough changed (after the index stage).
        ELSEWHERE: pickled and written by a forked child while this process goes on (it
        costs a fifth of a second at 4,000 notes); `saved()` waits for it."""
        notes = self.notes
        if notes is None or not (notes.worth_keeping() or not self._from_snapshot):
            return
        if elsewhere:
            self._saving = Background(self._write_snapshot)
        else:
            self._write_snapshot()

    def saved(self) -> None:
        """Wait for a snapshot being written elsewhere, if any."""
        if self._saving is not None:
            self._saving.result()
            self._saving = None

    def _write_snapshot(self) -> None:
        notes, index = self._snapshot()
        self.store.put_pickled(SNAPSHOT, (self.key, notes, index))

    def read_templates(self) -> None:
        """The templates the last build compiled and read, for this one to use as it finds
        their sources unchanged (Jinja's code is for one Jinja and Python: margin's code
        fingerprint covers the first, Jinja checks the second)."""
        found = self.store.get_pickled(TEMPLATES)
        if (isinstance(found, tuple) and len(found) == 3 and found[0] == self.key
                and isinstance(found[1], dict) and isinstance(found[2], dict)):
            add_compiled_code(found[1])
            add_parsed_templates(found[2])
            self._templates = (found[1], found[2])

    def save_templates(self) -> None:
        """Keep the templates this build used, unless they are those it read."""
        used = (compiled_code(), parsed_templates())
        if self.enabled and used[0] and used != self._templates:
            self.store.put_pickled(TEMPLATES, (self.key, *used))

    def last_output(self, keep: bool = False) -> OutputRecords:
        """The records of the last build into this output folder (empty: nothing to reuse).
        KEEP: they live to the end of the build (see collector_paused)."""
        found = self.store.get_pickled(self._name("output"), keep)
        if isinstance(found, OutputRecords) and found.output == self.output:
            return found
        return OutputRecords(self.output)

    def searched(self) -> SearchedStore | None:
        """The pages cut for Pagefind, kept by digest (write/searched.py); None: no cache."""
        if not self.enabled:
            return None
        self.store.ready(self.store.root / SEARCHED)
        return searched_store(self.store.root.parent)

    def output_ahead(self, records: OutputRecords) -> OutputRecords:
        """RECORDS with their bulk (each page's, what the pages read) pickled now, while the
        build waits for Pagefind: saved later with the search index's few records added."""
        if not self.enabled:
            return records
        return replace(records, pages=Pickled(records.pages), engine=Pickled(records.engine),
                       broken=Pickled(records.broken))

    def save_output(self, records: OutputRecords, stamp: BuildStamp,
                    ahead: OutputRecords | None = None) -> None:
        """Keep RECORDS (their bulk as pickled AHEAD, when it was) and the build's STAMP."""
        if self.enabled:
            if ahead is not None:
                records = replace(ahead, search=records.search, bundle=records.bundle)
            self.store.put_pickled(self._name("output"), records)
            self.store.put_pickled(self._name("stamp"), stamp)
            self.save_templates()

    def last_stamp(self, keep: bool = False) -> BuildStamp | None:
        found = self.store.get_pickled(self._name("stamp"), keep)
        return found if isinstance(found, BuildStamp) else None

    def _name(self, kind: str) -> str:
        return f"{kind}-{digest(str(self.output))}"
