"""Dates as notes write them: YAML dates, Jekyll's '2025-02-08 10:30:00 +0100', ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime

import yaml
from yaml.constructor import SafeConstructor

_JEKYLL_ZONE = re.compile(r"\s*([+-]\d{2}):?(\d{2})$")
_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


def parse_date(value: object) -> datetime | None:
    """A datetime (wall-clock time as written, zone dropped) or None when VALUE is no date."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1]
    text = _JEKYLL_ZONE.sub(r"\1:\2", text) if re.search(r"\d[ T]\d", text) else text
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def split_file_date(stem: str) -> tuple[datetime | None, str]:
    """'2025-02-08-week' -> (2025-02-08, 'week'); a stem without a valid date prefix is kept."""
    match = _FILE_DATE.match(stem)
    if not match:
        return None, stem
    try:
        day = datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None, stem
    return day, match.group(4)


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, except that a timestamp naming no real moment (2024-02-30, month 13,
    year 0, hour 25) stays the text it was: the note's date check then names the file, line and
    value, where PyYAML would raise from deep inside the parser."""


def _timestamp_or_text(loader: SafeConstructor, node: yaml.ScalarNode) -> object:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
