"""Every note's body as HTML: cached bodies whose inputs still hold, the rest rendered on every
core. The result is the same, byte for byte, whatever the cache held and however many jobs ran
(tests/test_build_speed.py compares whole sites built each way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from markupsafe import Markup

from margin.cache.store import Store
from margin.model import RenderedBody, SiteConfig, SiteIndex
from margin.parallel import fork_imap, fork_map
from margin.render.bodycache import (
    BodyCache,
    Entry,
    Signature,
    dump_entry,
    load_entry,
    render_watched,
)
from margin.render.context import body_context
from margin.render.markdown import render_body

Progress = Callable[[int], None]
PARALLEL_FROM = 16  # fewer bodies than this are rendered here: forking would cost more


def render_bodies(index: SiteIndex, config: SiteConfig, store: Store | None = None,
                  jobs: int = 1, progress: Callable[[int], Progress] | None = None,
                  looked_at: dict[str, Signature] | None = None) -> dict[str, RenderedBody]:
    """Note key -> RenderedBody, in the index's order. PROGRESS(total) is called once the
    bodies to render are known and returns the callback told as each one is done. LOOKED_AT,
    with a cache, receives every file the bodies depend on, with its signature."""
    looked_at = {} if looked_at is None else looked_at
    context = body_context(config, index)
    if store is None or not store.enabled:
        keys = list(index.notes)
        tick = progress(len(keys)) if progress else None
        rendered = fork_map(lambda key: as_markup(render_body(index.notes[key], context)), keys,
                            jobs if len(keys) >= PARALLEL_FROM else 1, tick)
        return dict(zip(keys, rendered, strict=True))

    cache = BodyCache(store, context)
    found: dict[str, RenderedBody] = {}
    missing: list[tuple[str, str]] = []  # (note key, cache key)
    for key, note in index.notes.items():
        cache_key = cache.key(note)
        kept = cache.get(cache_key)
        if kept is None:
            missing.append((key, cache_key))
        else:
            found[key] = as_markup(kept.body)
            looked_at.update(kept.needs.files)

    def render_and_keep(item: tuple[str, str]) -> bytes:  # in a worker: the cache file is
        key, cache_key = item                             # written there, in parallel
        entry = render_watched(index.notes[key], context)
        payload = dump_entry(Entry(as_markup(entry.body), entry.needs), cache)
        cache.put(cache_key, payload)
        return payload

    tick = progress(len(missing)) if progress else None
    jobs = jobs if len(missing) >= PARALLEL_FROM else 1
    for number, payload in fork_imap(render_and_keep, missing, jobs, tick):  # one at a time:
        key, cache_key = missing[number]  # the pickled bodies never all sit in memory at once
        entry = load_entry(payload)
        assert entry is not None  # made by dump_entry a moment ago
        found[key] = entry.body
        looked_at.update(entry.needs.files)
        cache.used.add(cache_key)
    cache.prune()
    return {key: found[key] for key in index.notes}


def as_markup(body: RenderedBody) -> RenderedBody:
    """BODY with its HTML as Markup (the same text): templates take it as it is, where a str
    would be copied into a Markup for every note's view (render/views.py)."""
    if isinstance(body.html, Markup):
        return body
    return replace(body, html=Markup(body.html))
