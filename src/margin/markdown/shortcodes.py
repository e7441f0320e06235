"""Hugo shortcodes in ported notes: the built-ins as Hugo draws them, the rest as their text.

`{{< name args >}}` and `{{% name args %}}` alike, anywhere on a line, self-closing (`/>`) or
paired with `{{< /name >}}`, with positional or named (`key="value"`) arguments. The
built-ins a blog uses become what Hugo would have shown (figure, ref/relref, param, gist,
youtube, vimeo, tweet/x, instagram; highlight is a code block, markdown/codetags.py), and the
themes' `katex`/`math` pairs are math, a `mermaid` pair its code. Any other
shortcode is dropped and its inner text kept, with a warning: its template is the blog's own
and not here, but the words between its tags are the author's. A comment, `{{</* x */>}}`,
shows the shortcode as written, as Hugo shows it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from margin.model import Note

# Group names shared with liquid.py's one pattern for every template form.
PATTERN = (
    r"\{\{(?P<cm>[<%])/\*(?P<cm_body>[^\n]*?)\*/[>%]\}\}"
    r"|\{\{(?P<sc>[<%])\s*(?P<sc_close>/?)\s*(?P<sc_name>[\w./-]+)"
    r"(?P<sc_args>(?:[^\n{}]|\n(?![ \t]*\n))*?)\s*[>%]\}\}"  # over lines, not a blank one
)
_ARG = re.compile(
    r"(?:(?P<key>[\w-]+)\s*=\s*)?(?:\"(?P<dq>[^\"]*)\"|`(?P<bq>[^`]*)`|'(?P<sq>[^']*)'"
    r"|(?P<bare>[^\s\"'`]+))")
_HIDDEN = frozenset({"comment"})  # paired shortcodes whose inner text Hugo never shows
_DIAGRAMS = frozenset({"mermaid"})
_MATH = frozenset({"katex", "math", "mathjax"})  # themes' shortcodes around TeX (Hugo Book)


class Resolver(Protocol):
    note: Note

    def note_url(self, path: str) -> str | None: ...


def arguments(text: str) -> tuple[list[str], dict[str, str]]:
    """`"a b" c key="v"` -> (['a b', 'c'], {'key': 'v'})."""
    positional, named = [], {}
    for match in _ARG.finditer(text):
        value = next(v for v in match.group("dq", "bq", "sq", "bare") if v is not None)
        if match.group("key"):
            named[match.group("key").lower()] = value
        else:
            positional.append(value)
    return positional, named


class Shortcodes:
    """Translates one body's shortcodes in order, pairing closing tags with their openings."""

    def __init__(self, text: str, resolver: Resolver, warn: Callable[[int, str], None],
                 take: Callable[[int, int, str], None]):
        self.text, self.resolver, self.warn, self.take = text, resolver, warn, take
        self.open: Counter[str] = Counter()

    def translate(self, match: re.Match[str]) -> str | None:
        """The replacement for MATCH (a PATTERN match), or None to leave it as written."""
        if match.group("cm"):
            closer = ">" if match.group("cm") == "<" else "%"
            return "{{" + match.group("cm") + match.group("cm_body") + closer + "}}"
        start, name = match.start(), match.group("sc_name").lower()
        written = match.group(0)
        if match.group("sc_close"):
            if self.open[name] > 0:
                self.open[name] -= 1
                return ""
            self.warn(start, f"closing shortcode without its opening one dropped: {written}")
            return ""
        args = match.group("sc_args").strip()
        self_closing = args.endswith("/")
        positional, named = arguments(args.removesuffix("/"))
        closing = None if self_closing else self._closing(name, match.end())
        if closing is not None:
            if name in _HIDDEN:
                self.take(start, closing.end(), "")
                return None
            if name in _MATH:
                self.take(start, closing.end(), _math(self.text[match.end():closing.start()],
                                                      positional, named))
                return None
            if name in _DIAGRAMS:  # drawn by the theme's script: shown as the code it is
                code = html.escape(self.text[match.end():closing.start()].strip("\n"), quote=False)
                self.take(start, closing.end(),
                          f'<pre><code class="language-{name}">{code}</code></pre>')
                return None
            if name == "highlight":  # inside a line (codetags.py has those that start one)
                code = html.escape(self.text[match.end():closing.start()], quote=False)
                language = html.escape(positional[0] if positional else "", quote=True)
                self.take(start, closing.end(), f'<code class="language-{language}">{code}</code>')
                return None
            self.open[name] += 1
        if name in _MATH and closing is None:
            return ""  # `{{< katex >}}` alone turns KaTeX on for the page (Blowfish, Congo)
        drawn = self._builtin(name, positional, named, written, start)
        if drawn is not None:
            return drawn
        what = "its inner text shown" if closing is not None else "left out"
        self.warn(start, f"unsupported Hugo shortcode '{name}' ({what}): {written}")
        return ""

    def _closing(self, name: str, after: int) -> re.Match[str] | None:
        closing = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}", re.IGNORECASE)
        return closing.search(self.text, after)

    def _builtin(self, name: str, positional: list[str], named: dict[str, str], written: str,
                 start: int) -> str | None:
        first = named.get("id") or (positional[0] if positional else "")
        if name in ("ref", "relref"):
            target = named.get("path") or first
            if target.startswith("#"):
                return target  # a heading of this very note
            found = self.resolver.note_url(target)
            if found is None:
                self.warn(start, f"{written}: no note at '{target}'; its text is left out")
                return ""
            return found
        if name == "figure":
            return figure(named)
        if name == "param":
            return self._param(named.get("name") or first, written, start)
        if name in _EMBEDS:
            if not first:
                self.warn(start, f"{written}: names no {name} to show; left out")
                return ""
            return _EMBEDS[name](positional, named, first)
        return None

    def _param(self, key: str, written: str, start: int) -> str:
        note = self.resolver.note
        value: Any = {"title": note.title, "date": note.date and note.date.date().isoformat()}
        value = value.get(key.lower()) if key.lower() in value else _dotted(note.extra, key)
        if value is None:
            self.warn(start, f"{written}: no front matter value '{key}'; left out")
            return ""
        return html.escape(str(value), quote=False)


def _dotted(data: Any, key: str) -> Any:
    for part in key.removeprefix("params.").split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part, data.get(part.lower()))
    return data if isinstance(data, str | int | float) else None


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(value, quote=True)}"'


def _math(tex: str, positional: list[str], named: dict[str, str]) -> str:
    """A math shortcode's TeX as the dollars margin reads: display when it says so
    (`display=true`, Hugo Book) or its tags stand on lines of their own around it."""
    display = named.get("display", "").lower() in ("true", "1", "yes") or "display" in positional
    if display or (tex.startswith("\n") and tex.rstrip(" \t").endswith("\n")):
        return f"$$\n{tex.strip()}\n$$"
    return f"${tex.strip()}$" if tex.strip() else ""


def figure(named: dict[str, str]) -> str:
    """Hugo's figure shortcode as one line of HTML; its <img> is resolved like any other."""
    image = "<img" + _attr("src", named.get("src", ""))
    image += _attr("alt", named.get("alt", named.get("caption", named.get("title", ""))))
    for name in ("width", "height"):
        if name in named:
            image += _attr(name, named[name])
    image += ">"
    if named.get("link"):
        image = f'<a{_attr("href", named["link"])}>{image}</a>'
    caption = ""
    if named.get("title"):
        caption += f"<strong>{html.escape(named['title'])}</strong> "
    caption += html.escape(named.get("caption", ""))
    drawn = "<figure" + (_attr("class", named["class"]) if named.get("class") else "") + ">"
    drawn += image
    if caption.strip():
        drawn += f"<figcaption>{caption.strip()}</figcaption>"
    return drawn + "</figure>"


def _video(source: str, title: str) -> str:
    return (f'<div class="embed video"><iframe{_attr("src", source)}{_attr("title", title)}'
            ' loading="lazy" allowfullscreen></iframe></div>')


def _youtube(positional: list[str], named: dict[str, str], first: str) -> str:
    return _video(f"https://www.youtube-nocookie.com/embed/{first}",
                  named.get("title", "YouTube video"))


def _vimeo(positional: list[str], named: dict[str, str], first: str) -> str:
    return _video(f"https://player.vimeo.com/video/{first}", named.get("title", "Vimeo video"))


def _gist(positional: list[str], named: dict[str, str], first: str) -> str:
    """Hugo embeds GitHub's script; the link under it is what a reader without scripts gets."""
    user = named.get("user") or first
    gist = named.get("id") or (positional[1] if len(positional) > 1 else "")
    file = named.get("file") or (positional[2] if len(positional) > 2 else "")
    page = f"https://gist.github.com/{user}/{gist}"
    script = page + ".js" + (f"?file={file}" if file else "")
    return (f'<div class="embed gist"><script{_attr("src", script)}></script>'
            f'<noscript><a{_attr("href", page)}>gist {html.escape(user)}/{html.escape(gist)}'
            "</a></noscript></div>")


def _tweet(positional: list[str], named: dict[str, str], first: str) -> str:
    """Hugo asks X for the post's HTML at build time; a build here stays offline: a link."""
    user = named.get("user", "")
    post = named.get("id") or (positional[-1] if positional else "")
    href = f"https://x.com/{user or 'i/web'}/status/{post}"
    text = f"Post by @{user}" if user else "A post on X"
    return f'<blockquote class="embed tweet"><a{_attr("href", href)}>{html.escape(text)}</a>' \
        "</blockquote>"


def _instagram(positional: list[str], named: dict[str, str], first: str) -> str:
    href = f"https://www.instagram.com/p/{first}/"
    return f'<blockquote class="embed instagram"><a{_attr("href", href)}>An Instagram post</a>' \
        "</blockquote>"


_EMBEDS: dict[str, Callable[[list[str], dict[str, str], str], str]] = {
    "youtube": _youtube, "vimeo": _vimeo, "gist": _gist, "tweet": _tweet, "x": _tweet,
    "instagram": _instagram,
}
