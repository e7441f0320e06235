"""Render some notes' bodies, exactly as render_bodies() renders them all.

The first build of a session is `margin build`'s own body stage: every core, and the bodies
cache in SITE/.margin-cache/ (so a server started after a build, or a build run after serving,
starts warm). A save then renders its one or two bodies here, in this process, at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from margin.incremental.bodies import render_bodies
from margin.incremental.store import FOLDER, Store
from margin.index.bibliography import Library
from margin.markdown.body import render_body
from margin.markdown.context import body_context
from margin.model import RenderedBody, SiteConfig, SiteIndex
from margin.parallel import default_jobs


def render_some(config: SiteConfig, index: SiteIndex, keys: Iterable[str], *,
                jobs: int | None = None, library: Library | None = None
                ) -> dict[str, RenderedBody]:
    """Bodies for KEYS; all of them goes through the build's stage, with JOBS processes
    (default: every core; 1 once the server's threads run, as forking them is unsafe)."""
    keys = list(keys)
    if not keys:
        return {}
    if len(keys) == len(index.notes):
        store = Store(config.site_dir / FOLDER)
        return render_bodies(index, config, store, default_jobs() if jobs is None else jobs)
    context = body_context(config, index.notes, index.link_targets, library)
    return {key: render_body(index.notes[key], context) for key in keys}
