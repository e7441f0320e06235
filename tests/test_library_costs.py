"""markdown-it-py's per-call costs margin does without (markdown/librarycosts.py) must change
nothing: tokens made the quick way equal the library's own, and a debug logger turned on
still logs."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from margin.markdown import librarycosts

HEADING_LOGGER = "markdown_it.rules_block.heading"

TOKEN_ARGUMENTS = [
    (("text", "", 0), {}),
    (("link_open", "a", 1), {"attrs": {"href": "x"}}),
    (("link_open", "a", 1), {"attrs": [["href", "x"], ["title", "t"]]}),
    (("image", "img", 0), {"attrs": None, "meta": None}),
    (("fence", "code", 0), {"map": [1, 3], "level": 2, "children": [], "content": "x = 1\n",
                            "markup": "```", "info": "python", "meta": {"k": 1},
                            "block": True, "hidden": True}),
]


def fields(token: Token) -> dict:
    return {field.name: getattr(token, field.name) for field in dataclasses.fields(Token)}


def library_token(*args, **kwargs) -> Token:
    token = object.__new__(Token)
    librarycosts.LIBRARY_TOKEN_INIT(token, *args, **kwargs)
    return token


def test_tokens_are_made_the_quick_way_with_this_markdown_it_py():
    librarycosts.trim_library_costs()
    assert Token.__init__ is librarycosts._made_token


@pytest.mark.parametrize(("args", "kwargs"), TOKEN_ARGUMENTS)
def test_a_token_made_quickly_equals_the_librarys_own(args, kwargs):
    librarycosts.trim_library_costs()
    quick, own = Token(*args, **kwargs), library_token(*args, **kwargs)
    assert fields(quick) == fields(own)
    assert type(quick.attrs) is dict and type(quick.meta) is type(own.meta)


def test_tokens_made_quickly_hold_their_own_dicts():
    librarycosts.trim_library_costs()
    first, second = Token("text", "", 0), Token("text", "", 0)
    first.attrs["a"] = "1"
    first.meta["b"] = 2
    assert second.attrs == {} and second.meta == {}
    assert first.copy(content="y").attrs == {"a": "1"}


def test_a_block_rule_logger_turned_on_still_logs(monkeypatch, caplog):
    logger = logging.getLogger(HEADING_LOGGER)
    monkeypatch.delitem(vars(logger), "debug", raising=False)  # as a fresh process has it
    caplog.set_level(logging.DEBUG, logger=HEADING_LOGGER)
    librarycosts.trim_library_costs()
    MarkdownIt("commonmark").parse("# A heading\n")
    assert any(record.getMessage().startswith("entering heading")
               for record in caplog.records if record.name == HEADING_LOGGER)


def test_a_block_rule_logger_left_off_costs_no_logging(monkeypatch):
    logger = logging.getLogger(HEADING_LOGGER)
    monkeypatch.delitem(vars(logger), "debug", raising=False)
    monkeypatch.setattr(logger, "level", logging.INFO)
    logger.manager._clear_cache()
    calls: list[str] = []
    monkeypatch.setattr(logging.Logger, "isEnabledFor",
                        lambda self, level: calls.append(self.name) or False)
    librarycosts.trim_library_costs()
    calls.clear()
    MarkdownIt("commonmark").parse("# A heading\n\nA paragraph.\n")
    assert HEADING_LOGGER not in calls
