"""The Jinja environment: the site's templates/ first, then the built-in theme's, file by file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2

from margin import urls
from margin.model import SiteConfig


class TemplateProblem(Exception):
    """A template that is missing or broken, said as `file:line: reason`."""

    def __init__(self, path: str, line: int | None, reason: str):
        super().__init__(reason)
        self.path, self.line, self.reason = path, line, reason


def environment(config: SiteConfig) -> jinja2.Environment:
    folders = [config.templates_dir]
    if config.theme_dir:
        folders.append(config.theme_dir / "templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    prefix = urls.prefix_of(config.base_url)
    env.filters["url"] = lambda url: urls.with_prefix(prefix, str(url))
    env.filters["absolute_url"] = lambda url: urls.absolute(config.base_url, str(url))
    env.filters["date"] = format_date
    env.filters["iso_date"] = lambda value: value.strftime("%Y-%m-%d") if value else ""
    return env


def format_date(value: datetime | None, style: str = "long") -> str:
    """'8 February 2025' (long), '8 Feb 2025' (short) or '2025-02-08' (iso)."""
    if value is None:
        return ""
    if style == "short":
        return f"{value.day} {value:%b %Y}"
    if style == "iso":
        return f"{value:%Y-%m-%d}"
    return f"{value.day} {value:%B %Y}"


def site_templates(config: SiteConfig) -> set[str]:
    """Names of the site's own templates (layouts are looked up only among these)."""
    root = config.templates_dir
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*.html")}


def describe(config: SiteConfig, exc: Exception) -> TemplateProblem:
    """A Jinja exception as a one-line problem naming the template file and line."""
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateProblem("", None, f"template not found: {exc.name}")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _display(config, exc.filename)
        return TemplateProblem(where, exc.lineno, f"template: {exc.message}")
    frame = _innermost_template_frame(exc)
    if frame:
        return TemplateProblem(_display(config, frame[0]), frame[1], f"template: {exc}")
    return TemplateProblem("", None, f"template: {exc}")


def _innermost_template_frame(exc: Exception) -> tuple[str, int] | None:
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") and Path(filename).is_file():
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _display(config: SiteConfig, filename: str | None) -> str:
    if not filename:
        return ""
    path = Path(filename).resolve()
    if path.is_relative_to(config.site_dir):
        return path.relative_to(config.site_dir).as_posix()
    if config.theme_dir and path.is_relative_to(config.theme_dir):
        return "(theme) " + path.relative_to(config.theme_dir).as_posix()
    return filename
