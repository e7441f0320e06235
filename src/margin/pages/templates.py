"""The Jinja environment: the site's templates/ first, then the built-in theme's, file by file."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from margin import urls
from margin.model import SiteConfig


class TemplateProblem(Exception):
    """A template that is missing or broken, said as `file:line: reason`."""

    def __init__(self, path: str, line: int | None, reason: str):
        super().__init__(reason)
        self.path, self.line, self.reason = path, line, reason


REMEMBERED_URLS = 100_000  # answers the URL filters keep before starting afresh


def environment(config: SiteConfig, reload: bool = True) -> jinja2.Environment:
    """The site's Jinja environment. RELOAD: whether a template in use is checked for edits
    each time it is used (one `stat` per template per page); `margin build` reads each file
    once, as it fingerprints pages against the templates as they were when it started."""
    folders = [config.templates_dir]
    if config.theme_dir:
        folders.append(config.theme_dir / "templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=reload,
        bytecode_cache=_COMPILED.setdefault(config.base_url, _CompiledHere()),
    )
    env.template_class = _PlainEscaped
    prefix = urls.prefix_of(config.base_url)
    env.filters["url"] = _remembered(lambda url: urls.with_prefix(prefix, url))
    env.filters["absolute_url"] = _remembered(lambda url: urls.absolute(config.base_url, url))
    env.filters["date"] = format_date
    env.filters["iso_date"] = lambda value: value.strftime("%Y-%m-%d") if value else ""
    return env


class _CompiledHere(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, by template file and a checksum of
    its source (Jinja checks it): the live server, with a new environment on each save,
    compiles a template again only once it was edited. Jinja folds filters over constants
    into the code (`'/x' | url`), so the code is kept apart for each base URL, the only
    setting the filters read."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self.used: set[str] = set()  # the keys loaded or compiled in this process

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # (dropped by Jinja if the source changed)
            self.used.add(bucket.key)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        self.used.add(bucket.key)


_COMPILED: dict[str, _CompiledHere] = {}  # base_url -> its templates' code


def compiled_code() -> dict[str, dict[str, bytes]]:
    """The code of the templates this process used (base URL -> Jinja's key -> code): what
    `margin build` keeps for the next one (incremental/build.py), which would otherwise compile
    them all again (a tenth of a second). Jinja checks each against its template's source."""
    return {base: {key: kept._code[key] for key in kept.used}
            for base, kept in _COMPILED.items() if kept.used}


def add_compiled_code(found: dict[str, dict[str, bytes]]) -> None:
    """Code compiled_code() gave in another process, for templates not compiled here yet."""
    for base, code in found.items():
        kept = _COMPILED.setdefault(base, _CompiledHere())
        for key, value in code.items():
            kept._code.setdefault(key, value)


class _PlainEscaped(jinja2.Template):
    """A template whose `{{ value }}`s are escaped to plain text rather than to Markup: Jinja
    only joins them into the page, and making a Markup of each of a page's hundred-odd values
    took a fifth of drawing it. Compiled templates look `escape` up in their own namespace,
    and that is the only place it is called: for output, where autoescaping is on. (Jinja
    makes every template, compiled or loaded, through this hook; tests/test_template_escaping
    checks that it still does.)"""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: MutableMapping[str, Any],
                        *args: Any, **kwargs: Any) -> jinja2.Template:
        namespace["escape"] = escaped
        return super()._from_namespace(environment, namespace, *args, **kwargs)


def escaped(value: Any) -> str:
    """str(markupsafe.escape(VALUE)), without the Markup."""
    if type(value) is not str:
        html = getattr(value, "__html__", None)
        if html is not None:
            return str(html())
        value = str(value)
    if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return value  # most values: nothing to escape


def _remembered(convert: Callable[[str], str]) -> Callable[[Any], str]:
    """CONVERT(str(value)), each answer kept: every page asks for the same few URLs (the
    stylesheets, the navigation, the tags) and quoting them is most of a filter's work."""
    answers: dict[str, str] = {}

    def remembered(value: Any) -> str:
        text = str(value)
        found = answers.get(text)
        if found is None:
            if len(answers) >= REMEMBERED_URLS:
                answers.clear()
            found = answers[text] = convert(text)
        return found

    return remembered


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
