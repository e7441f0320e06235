"""What the page stage asks of the live server's memory between renders, as interfaces: the
stage reads them, `incremental/` (viewmemo.py, pagecache.py) implements them, and the page
stage never imports it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import jinja2

from margin.diagnostics import Diagnostic
from margin.model import OutputFile, SiteConfig, SiteIndex

Generated = list[tuple[str, str, tuple[str, ...]]]  # (url, template, sources) of each page


class ViewMemory(Protocol):
    """Note views and derived values kept from render to render (incremental/viewmemo.py)."""

    generated: Generated | None  # the generated pages of the last full plan
    carry: Callable[..., bool]
    carry_generated: Callable[..., bool]

    def view(self, key: str, inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any: ...

    def derived(self, inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any: ...

    def unchanged(self, key: str, template: str) -> bool: ...

    def generated_unchanged(self) -> bool: ...

    def shown(self, key: str, template: str, views: tuple[Any, ...]) -> None: ...


class PageMemory(Protocol):
    """Pages kept by the fingerprint of their inputs (incremental/pagecache.py)."""

    @property
    def views(self) -> ViewMemory: ...

    def begin(self, config: SiteConfig, index: SiteIndex, site: Any) -> jinja2.Environment: ...

    def draw(self, page: Any, env: jinja2.Environment, config: SiteConfig, site: Any,
             draw: Callable[..., tuple[OutputFile | None, Diagnostic | None]]
             ) -> tuple[OutputFile | None, Diagnostic | None]: ...

    def carried(self) -> list[OutputFile]: ...

    def end(self, urls: set[str]) -> None: ...

    def memo(self, name: str) -> dict[str, Any]: ...
