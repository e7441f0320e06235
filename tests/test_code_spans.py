"""The code-element patterns of linkcheck.py and pages/seo.py are written to be passed over
fast; they must take out exactly what the plain `<(...)\\b.*?</\\1>` takes out, and the first
image a link preview shows must be the one the plain reading finds."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from margin import linkcheck
from margin.markdown import facts as seo

PLAIN_PAGE_CODE = re.compile(rb"<(pre|code|script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
PLAIN_BODY_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.IGNORECASE | re.DOTALL)

_PIECES = ["<pre>", "</pre>", "<PRE class=x>", "</Pre>", "<code>", "</code>", "</CODE>",
           "</code >", "<codex>", "</codex>", "<script>", "</script>", "<style>", "</STYLE>",
           "<pres>", "<p>", "</p>", "<", ">", "/", " ", "\n", "x", "é",
           '<img src="/a.png">', "<IMG SRC='/b.svg'>", '<img alt="x" src="data:x">',
           '<img src="//c.png">', '<img src="/d.png?x=1">', '<img src="https://e.org/f.jpg">',
           "<img", ' src="/g.png">', '<img src="/blog/h.png">', "&amp;", '"', "'"]


def plain_first_image(body_html: str, prefix: str) -> str:
    for match in seo._IMG.finditer(PLAIN_BODY_CODE.sub("", body_html)):
        src = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        src = src.strip()
        path = src.split("?", 1)[0].split("#", 1)[0]
        if not re.match(r"^(?:https?://|/)", src, re.IGNORECASE) or src.startswith("//") \
                or path.lower().endswith(".svg"):
            continue
        if prefix and (src == prefix or src.startswith(prefix + "/")):
            src = src[len(prefix):] or "/"
        return src
    return ""


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.sampled_from(["", "/blog"]))
def test_code_is_taken_out_and_the_first_image_found_as_plainly(pieces, prefix):
    text = "".join(pieces)
    data = text.encode()
    assert linkcheck._CODE.sub(b"", data) == PLAIN_PAGE_CODE.sub(b"", data)
    assert seo._CODE.sub("", text) == PLAIN_BODY_CODE.sub("", text)
    assert seo.first_image(text, prefix) == plain_first_image(text, prefix)


_LINK_PIECES = [b" ", b"\t", b"href", b"HREF", b"src", b"id", b"name", b"=", b'"', b"'", b"/a/",
                b"//cdn/x", b"/", b"#f", b"?q", b"mailto:x", b"a:b", b"1a:b", b"x", b"&amp;",
                b"\0", b"<pre>", b"</pre>", b"<a", b">", b"\xc3\xa9"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINK_PIECES), max_size=40))
def test_targets_and_ids_read_fast_are_the_plain_ones_whatever_they_hold(pieces):
    data = b"".join(pieces)
    assert linkcheck.page_links(data) == linkcheck.read_plainly(data)
