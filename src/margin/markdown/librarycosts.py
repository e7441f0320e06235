"""What markdown-it-py spends on every rule it tries and every token it makes, for what margin
never uses: about 4 % of rendering a body, all in calls that change nothing.

- Its block rules each log a debug message as they are tried (about 550 calls a note), each
  paying for logging's level check to say nothing. A margin process never turns those loggers
  on; one that is on when a parser is made (someone debugging the library) is left as it is.
- Its Token is a dataclass whose generated `__init__` fills the two dicts from factories and then
  calls `__post_init__` to convert attrs given as a list (about 650 tokens a note). Tokens are
  made here the same way, with the conversion only where attrs are given; should a version of
  the library change the class, its own `__init__` stays (tests/test_library_costs.py).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from markdown_it.token import Token, convert_attrs

# markdown_it's modules that log on every call of their rule (markdown-it-py 4).
_NOISY = ("blockquote", "code", "fence", "heading", "hr", "html_block", "lheading", "list",
          "paragraph", "reference")
# Token's fields and their defaults as _made_token knows them (None: made by a factory).
_FIELDS = (("type", dataclasses.MISSING), ("tag", dataclasses.MISSING),
           ("nesting", dataclasses.MISSING), ("attrs", None), ("map", None), ("level", 0),
           ("children", None), ("content", ""), ("markup", ""), ("info", ""), ("meta", None),
           ("block", False), ("hidden", False))
LIBRARY_TOKEN_INIT = Token.__init__
_ABSENT: Any = object()


def trim_library_costs() -> None:
    """Both, once per process (again is harmless)."""
    _quiet_block_rules()
    if _token_as_known():
        Token.__init__ = _made_token  # type: ignore[method-assign]


def _quiet_block_rules() -> None:
    for name in _NOISY:
        logger = logging.getLogger(f"markdown_it.rules_block.{name}")
        if not logger.isEnabledFor(logging.DEBUG):
            logger.debug = _ignored  # type: ignore[method-assign]


def _ignored(*args: Any, **kwargs: Any) -> None:
    return None


def _token_as_known() -> bool:
    """Whether Token is the dataclass _made_token makes, as markdown-it-py 3 and 4 have it."""
    if not dataclasses.is_dataclass(Token) or Token.__post_init__.__code__.co_names != (
            "convert_attrs", "attrs"):
        return False
    fields = tuple((field.name, None if field.default_factory is dict else field.default)
                   for field in dataclasses.fields(Token))
    return fields == _FIELDS


def _made_token(self: Token, type: str, tag: str, nesting: Any, attrs: Any = _ABSENT,
                map: Any = None, level: int = 0, children: Any = None, content: str = "",
                markup: str = "", info: str = "", meta: Any = _ABSENT, block: bool = False,
                hidden: bool = False) -> None:
    """Token's own __init__ and __post_init__, in one call."""
    self.type = type
    self.tag = tag
    self.nesting = nesting
    self.attrs = {} if attrs is _ABSENT else convert_attrs(attrs)
    self.map = map
    self.level = level
    self.children = children
    self.content = content
    self.markup = markup
    self.info = info
    self.meta = {} if meta is _ABSENT else meta
    self.block = block
    self.hidden = hidden
