"""Render some notes' bodies, exactly as the build's body stage (incremental/bodies.py) does.

The first build of a session is `margin build`'s own body stage: every core, and the bodies
cache in SITE/.margin-cache/ (so a server started after a build, or a build run after serving,
starts warm). A save then renders its one or two bodies here, in this process, at once.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field

from margin.incremental.bodies import BodyRendering
from margin.incremental.bodytext import BodyShelf
from margin.incremental.store import FOLDER, Store
from margin.index.bibliography import Library
from margin.markdown.body import render_body
from margin.markdown.context import body_context
from margin.model import RenderedBody, SiteConfig, SiteIndex
from margin.parallel import default_jobs


@dataclass
class Rendered:
    """Bodies by note key, and a digest of each (what the pages drawn from it are kept by:
    incremental/engine.py). SHELF: where the HTML of bodies rendered by the build's stage
    is read back from (incremental/bodytext.py), to be closed once they are dropped."""

    bodies: dict[str, RenderedBody] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    shelf: BodyShelf | None = None


def render_some(config: SiteConfig, index: SiteIndex, keys: Iterable[str], *,
                jobs: int | None = None, library: Library | None = None) -> Rendered:
    """Bodies for KEYS. All of them go through the build's stage, with JOBS processes
    (default: every core; 1 once the server's threads run, as forking them is unsafe): they
    are the build's bodies, as its pages are fingerprinted from them (their HTML shelved, their
    cache entries' digests)."""
    keys = list(keys)
    if not keys:
        return Rendered()
    if len(keys) == len(index.notes):
        store = Store(config.site_dir / FOLDER)
        context = body_context(config, index.notes, index.link_targets)
        rendering = BodyRendering(index.notes, context, store,
                                  default_jobs() if jobs is None else jobs, shelve=True)
        bodies = rendering.result()
        return Rendered(bodies, {key: rendering.digests.get(key) or body_digest(body)
                                 for key, body in bodies.items()}, rendering.shelf)
    context = body_context(config, index.notes, index.link_targets, library)
    bodies = {key: render_body(index.notes[key], context) for key in keys}
    return Rendered(bodies, {key: body_digest(body) for key, body in bodies.items()})


def body_digest(body: RenderedBody) -> str:
    """A digest of everything BODY holds (a body rendered here has no cache entry)."""
    return "live-" + hashlib.blake2b(pickle.dumps(body, protocol=5), digest_size=16).hexdigest()
