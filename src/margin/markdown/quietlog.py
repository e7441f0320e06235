"""markdown-it-py's block rules each log a debug message as they are tried: about 550 calls a
note, every one paying for logging's level check (2-3 % of rendering a body) to say nothing.

A margin process never turns those loggers on; where one is on when a parser is made (someone
debugging the library), it is left as it is.
"""

from __future__ import annotations

import logging
from typing import Any

# markdown_it's modules that log on every call of their rule (markdown-it-py 4).
_NOISY = ("blockquote", "code", "fence", "heading", "hr", "html_block", "lheading", "list",
          "paragraph", "reference")


def quiet_block_rules() -> None:
    """The block rules' debug calls made free, unless their logger is on."""
    for name in _NOISY:
        logger = logging.getLogger(f"markdown_it.rules_block.{name}")
        if not logger.isEnabledFor(logging.DEBUG):
            logger.debug = _ignored  # type: ignore[method-assign]


def _ignored(*args: Any, **kwargs: Any) -> None:
    return None
