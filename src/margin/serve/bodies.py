"""Render some notes' bodies, exactly as the build's body stage (incremental/bodies.py) does.

The first build of a session is `margin build`'s own body stage: every core, and the bodies
cache in SITE/.margin-cache/ (so a server started after a build, or a build run after serving,
starts warm). A save then renders its one or two bodies here, in this process, at once,
watched as the build watches them: each comes with the cache entry the build would have made
of it, which the server adds to the cache when it stops (serve/handover.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from margin.incremental.bodies import BodyRendering, as_markup
from margin.incremental.bodycache import BodyCache, render_watched
from margin.incremental.bodytext import BodyShelf
from margin.incremental.entries import Dependencies, Entry, dump_entry, entry_digest
from margin.incremental.store import FOLDER, Store
from margin.index.bibliography import Library
from margin.markdown.context import body_context
from margin.model import RenderedBody, SiteConfig, SiteIndex
from margin.parallel import default_jobs


@dataclass(frozen=True)
class Unstored:
    """A body's cache entry not yet in the cache: its key there, the entry, pickled, and its
    digest."""

    key: str
    payload: bytes
    digest: str


@dataclass
class Rendered:
    """Bodies by note key, and a digest of each (what the pages drawn from it are kept by,
    incremental/engine.py), what each asked of the site, and the cache entries of those
    rendered here (the others are in the cache). SHELF: where the HTML of bodies
    rendered by the build's stage is read back from (incremental/bodytext.py), to be closed
    once they are dropped."""

    bodies: dict[str, RenderedBody] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    needs: dict[str, Dependencies] = field(default_factory=dict)
    unstored: dict[str, Unstored] = field(default_factory=dict)
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
    store = Store(config.site_dir / FOLDER)
    if len(keys) == len(index.notes):
        context = body_context(config, index.notes, index.link_targets)
        rendering = BodyRendering(index.notes, context, store,
                                  default_jobs() if jobs is None else jobs, shelve=True)
        bodies = dict(rendering.result())  # (every body made: the server changes them)
        return Rendered(bodies, rendering.digests, rendering.needs, shelf=rendering.shelf)
    context = body_context(config, index.notes, index.link_targets, library)
    cache = BodyCache(store, context)  # (for its keys and digests: nothing is read or kept)
    done = Rendered()
    for key in keys:
        entry = render_watched(index.notes[key], context)
        payload = dump_entry(Entry(as_markup(entry.body), entry.needs), cache)
        done.bodies[key] = entry.body
        digest = entry_digest(payload)
        # Not the entry's digest: pages are fingerprinted from this body's HTML, not from
        # the entry (a build's bodies read from the cache), so the engine must not take the
        # two for the same body.
        done.digests[key] = "live-" + digest
        done.needs[key] = cache.settled(entry.needs)
        done.unstored[key] = Unstored(cache.key(index.notes[key]), payload, digest)
    return done
