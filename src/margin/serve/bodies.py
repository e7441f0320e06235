"""Render some notes' bodies, exactly as render_bodies() renders all of them."""

from __future__ import annotations

from collections.abc import Iterable

from margin.model import RenderedBody, SiteConfig, SiteIndex
from margin.render.context import body_context
from margin.render.markdown import render_body


def render_some(config: SiteConfig, index: SiteIndex, keys: Iterable[str]
                ) -> dict[str, RenderedBody]:
    keys = list(keys)
    if not keys:
        return {}
    context = body_context(config, index)
    return {key: render_body(index.notes[key], context) for key in keys}
