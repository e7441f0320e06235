"""What rendering one note's body needs from the rest of the site, gathered once per build.

A small frozen value rather than the whole SiteIndex, so that a body's HTML depends only on
the note, this value and the files it points at: it can be pickled to worker processes and its
fingerprint can key a cache of rendered bodies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from margin import urls
from margin.index.bibliography import Library
from margin.markdown.filefinder import FileNames
from margin.markdown.math import MathSettings
from margin.model import CitationSettings, Collection, Note, SiteConfig


class FileProbe:
    """How the renderer asks whether a file exists: one door, so the body cache can note every
    file a body's HTML depends on (incremental/bodycache.py), found or not."""

    def is_file(self, path: Path) -> bool:
        return path.is_file()

    def named(self, names: FileNames, name: str, root: str) -> tuple[str, ...]:
        """The files called NAME under content/ROOT (FileNames.named)."""
        return names.named(name, root)


@dataclass(frozen=True)
class BodyContext:
    site_dir: Path
    output_dir: Path
    theme_dir: Path | None = None
    base_url: str = ""
    site_title: str = ""
    permalinks: dict[str, str] = field(default_factory=dict)  # note key -> root-relative URL
    link_targets: Any = None  # index.links.LinkTargets, for [[wikilinks]]; None when absent
    collections: tuple[Collection, ...] = ()  # foreign sites under content/ (SiteConfig's)
    math: MathSettings = field(default_factory=MathSettings)  # macros, preamble files' digest
    citations: CitationSettings = field(default_factory=CitationSettings)
    # Every note by key, for `![[note]]` (markdown/transclusion.py): the body cache notes each
    # one read, so, like the files, it stays out of the fingerprint.
    notes: Mapping[str, Note] = field(default_factory=dict, compare=False)
    files: FileProbe = field(default_factory=FileProbe, compare=False)
    file_names: FileNames = field(default=None, compare=False)  # type: ignore[assignment]
    # The bibliography files, each read when first cited from (a body records the entries it
    # read: RenderedBody.cited)
    library: Library = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.file_names is None:  # listed when first asked, once per build
            object.__setattr__(self, "file_names", FileNames(self.content_dir))
        if self.library is None:
            object.__setattr__(self, "library", Library(self.site_dir))

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def prefix(self) -> str:
        """The base_url's path ('/blog'), put before every root-relative URL written."""
        return urls.prefix_of(self.base_url)

    @property
    def origin(self) -> str:
        """'https://x.github.io' for Jekyll's `site.url`; '' without a base_url."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    def asset_roots(self) -> tuple[Path, ...]:
        """Folders copied to /assets/ by the asset stage: the site's, then the theme's."""
        roots = [self.site_dir / "assets"]
        if self.theme_dir is not None:
            roots.append(self.theme_dir / "assets")
        return tuple(roots)

    def fingerprint(self) -> str:
        """Changes whenever anything here could change a rendered body."""
        parts = [str(self.site_dir), str(self.output_dir), str(self.theme_dir), self.base_url,
                 self.site_title, repr(self.collections), self.math.digest,
                 self.citations.digest,
                 *sorted(f"{k}={v}" for k, v in self.permalinks.items())]
        names = getattr(self.link_targets, "names", None)  # wikilink names -> keys
        if isinstance(names, dict):
            parts += sorted(f"{name}={','.join(keys)}" for name, keys in names.items())
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def body_context(config: SiteConfig, notes: Mapping[str, Note], link_targets: Any = None,
                 library: Library | None = None) -> BodyContext:
    """From the NOTES that keep their URLs (SiteIndex.notes) and their LINK_TARGETS; LIBRARY,
    the bibliography files read so far (the live server keeps them between saves)."""
    return BodyContext(
        site_dir=config.site_dir,
        output_dir=config.output_dir,
        theme_dir=config.theme_dir,
        base_url=config.base_url,
        site_title=config.title,
        permalinks={key: note.url for key, note in notes.items()},
        link_targets=link_targets,
        collections=config.collections,
        math=config.math or MathSettings(),
        citations=config.citations,
        notes=notes,
        library=library,  # type: ignore[arg-type]  # (None: a new one)
    )
