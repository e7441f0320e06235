"""`margin serve`: watch, rebuild only what changed, reload the browser (see preview.py)."""

from __future__ import annotations

from margin.serve.preview import Preview, serve

__all__ = ["Preview", "serve"]
