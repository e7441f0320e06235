"""The Jekyll and Hugo leftovers in ported notes, translated before Markdown parsing.

Not a template engine: a fixed list of forms with one obvious meaning each (site paths, page
links, highlight blocks, figures). Code is never touched — fenced blocks and inline code spans
keep their braces — except that `{% raw %}`/`{% endraw %}` markers are dropped wherever they
are, as Jekyll drops them. Anything else that looks like Liquid or a shortcode is left as text
with a warning. Every replacement keeps the line count, so later file:line reports stay true.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from margin import urls
from margin.diagnostics import Diagnostic, warning
from margin.index.links import IMAGE_SUFFIXES
from margin.load.collections import collection_of
from margin.markdown import shortcodes
from margin.markdown.codetags import CLOSING, OPENING
from margin.markdown.context import BodyContext
from margin.model import Note

_END_COMMENT = re.compile(r"\{%-?\s*endcomment\s*-?%\}")
_RAW = re.compile(r"\{%-?\s*(raw|endraw)\s*-?%\}")
_FENCE_OPEN = re.compile(r"^[ \t>]*(`{3,}(?=[^`]*$)|~{3,})")  # also inside blockquotes
# One pattern for all three forms, tried left to right: Hugo shortcodes, Liquid output, tags.
_TEMPLATE = re.compile(
    shortcodes.PATTERN + r"|\{\{-?\s*(?P<expr>[^\n{}]*?)\s*-?\}\}"
    r"|\{%-?\s*(?P<tag>[A-Za-z_]\w*)(?P<tag_args>[^\n]*?)-?%\}"
    r"|(?P<sc_stray>\{\{[<%])"  # none of the above: a shortcode that never closes
)
# What a Liquid output expression must look like before we call it Liquid at all: TeX such as
# `x^{{a}}` or `\frac{{n}}{2}` has double braces too, and is none of our business.
_LIQUID_EXPR = re.compile(
    r"^(?:'[^']*'|\"[^\"]*\"|[A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\]]*\])+)(?:\s*\|.*)?$"
)
# `{{ content }}`: a lone variable is Liquid only when spaced as Liquid is (TeX writes `{{a}}`).
_BARE_VARIABLE = re.compile(r"^\{\{-?\s+[A-Za-z_][\w-]*\s+-?\}\}$")


@dataclass
class _Edits:
    """Replacements and protected spans, both in the original text's coordinates."""

    text: str
    replacements: list[tuple[int, int, str]] = field(default_factory=list)
    protected: list[tuple[int, int]] = field(default_factory=list)

    def protect(self, start: int, end: int) -> None:
        self.protected.append((start, end))

    def replace(self, start: int, end: int, new: str) -> None:
        self.replacements.append((start, end, new))

    def take(self, start: int, end: int, new: str) -> None:
        """TEXT[start:end] becomes NEW, keeping its line breaks; what is in it is left alone."""
        self.replace(start, end, new + "\n" * self.text.count("\n", start, end))
        self.protect(start, end)

    def is_protected(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.protected)

    def apply(self) -> str:
        out, last = [], 0
        for start, end, new in sorted(self.replacements):
            if start < last:
                continue  # overlapping edits cannot happen by construction; be safe anyway
            out.append(self.text[last:start])
            out.append(new)
            last = end
        out.append(self.text[last:])
        return "".join(out)


def has_templates(body: str) -> bool:
    return "{{" in body or "{%" in body


def translate(body: str, note: Note, context: BodyContext,
              indented_code: Iterable[tuple[int, int]] = ()) -> tuple[str, list[Diagnostic]]:
    """BODY with the known Jekyll/Hugo forms replaced; warnings for the unknown ones.

    INDENTED_CODE: the (first, end) body lines of indented code blocks, which only a Markdown
    parser can tell from list continuations; fences and code spans are found here.
    """
    if not has_templates(body):
        return body, []
    problems: list[Diagnostic] = []
    starts = [0] + [m.end() for m in re.finditer("\n", body)] + [len(body) + 1]

    def warn(position: int, message: str) -> None:  # (the line by halving: a note may warn
        line = bisect.bisect_right(starts, position) - 1  # at every character)
        problems.append(warning(note.source, note.body_line + line,
                                " ".join(message.splitlines())))  # a tag may span lines

    edits = _Edits(body)
    for first, end in indented_code:
        edits.protect(starts[min(first, len(starts) - 1)], starts[min(end, len(starts) - 1)] - 1)
    _raw_regions(edits, warn)
    _fences(edits, warn)
    _code_spans(edits)
    resolver = _Resolver(note, context)
    hugo = shortcodes.Shortcodes(body, resolver, warn, edits.take)
    for match in _TEMPLATE.finditer(body):
        start, end = match.span()
        if edits.is_protected(start, end):
            continue
        if match.group("sc_stray"):
            warn(start, f"a shortcode opened here never closes; left as text: {match.group(0)}")
            continue
        if match.group("sc") or match.group("cm"):
            new = hugo.translate(match)
        elif match.group("tag"):
            new = _tag(match, resolver, lambda m, p=start: warn(p, m), edits)
        else:
            expression = match.group("expr").strip()
            if not _LIQUID_EXPR.match(expression):
                if _BARE_VARIABLE.match(match.group(0)):
                    warn(start, f"unsupported Liquid expression left as text: {match.group(0)}")
                continue
            new = resolver.output(expression)
            if new is None:
                warn(start, f"unsupported Liquid expression left as text: {match.group(0)}")
        if new is not None:  # (a shortcode's arguments may run over lines: keep them)
            edits.replace(start, end, new + "\n" * body.count("\n", start, end))
    return edits.apply(), problems


def _raw_regions(edits: _Edits, warn: Callable[[int, str], None]) -> None:
    """`{% raw %}...{% endraw %}`: markers dropped, what is between left exactly as written."""
    opened: re.Match[str] | None = None
    for match in _RAW.finditer(edits.text):
        if match.group(1) == "raw" and opened is None:
            opened = match
        elif match.group(1) == "endraw" and opened is not None:
            edits.replace(*opened.span(), "")
            edits.replace(*match.span(), "")
            edits.protect(opened.start(), match.end())
            opened = None
        else:
            warn(match.start(), f"unmatched {match.group(0)} left as text")
            edits.protect(*match.span())
    if opened is not None:
        warn(opened.start(), f"{opened.group(0)} without {{% endraw %}} left as text")
        edits.protect(*opened.span())


def _fences(edits: _Edits, warn: Callable[[int, str], None]) -> None:
    """Protect fenced code, and highlight blocks (markdown/codetags.py parses them as code)."""
    text = edits.text
    offset = 0
    fence: tuple[str, int, int] | None = None  # char, length, start offset
    highlight: tuple[int, int] | None = None  # the opening tag's span
    for line in text.split("\n"):
        end = offset + len(line)
        stripped = line.lstrip(" \t>")
        if fence is not None:
            char, length, start = fence
            run = len(stripped) - len(stripped.lstrip(char))
            if run >= length and not stripped[run:].strip():
                edits.protect(start, end)
                fence = None
        elif highlight is not None:
            closing = CLOSING.search(line)
            if closing:
                edits.protect(highlight[0], offset + closing.end())
                highlight = None
        else:
            opening = _FENCE_OPEN.match(line)
            tag = OPENING.match(line, len(line) - len(stripped))
            if opening:
                marker = opening.group(1)
                fence = (marker[0], len(marker), offset)
            elif tag and not edits.is_protected(offset, end):
                closing = CLOSING.search(line, tag.end())
                if closing:
                    edits.protect(offset, offset + closing.end())
                else:
                    highlight = (offset + tag.start(), offset + tag.end())
        offset = end + 1
    if fence is not None:
        edits.protect(fence[2], len(text))
    if highlight is not None:
        warn(highlight[0], "highlight block without its closing tag left as text")
        edits.protect(*highlight)


def _code_spans(edits: _Edits) -> None:
    """Protect inline code: a backtick run up to the next run of the same length."""
    text = edits.text
    runs = [m.span() for m in re.finditer(r"`+", text) if not edits.is_protected(*m.span())]
    index = 0
    while index < len(runs):
        start, end = runs[index]
        width = end - start
        closing = next((j for j in range(index + 1, len(runs))
                        if runs[j][1] - runs[j][0] == width), None)
        if closing is not None and not re.search(r"\n[ \t]*\n", text[end:runs[closing][0]]):
            edits.protect(start, runs[closing][1])
            index = closing + 1
        else:
            index += 1


class _Resolver:
    """Answers for one note: site paths, note URLs by source path, titles."""

    def __init__(self, note: Note, context: BodyContext):
        self.note, self.context = note, context

    def output(self, expression: str) -> str | None:
        """`{{ value | filter | ... }}` -> text, or None when not one of ours."""
        value, *filters = [part.strip() for part in _split_pipes(expression)]
        result = self.value(value)
        for name in filters:
            if result is None:
                return None
            if name == "relative_url":
                result = self.prefixed(result)
            elif name == "absolute_url":
                path = result if result.startswith("/") else "/" + result
                result = urls.absolute(self.context.base_url, path) if self.context.base_url \
                    else self.prefixed(path)
            else:
                return None
        return result

    def value(self, name: str) -> str | None:
        if name[:1] in "'\"" and name[-1:] == name[:1] and len(name) >= 2:
            return name[1:-1]
        known = {
            "site.baseurl": self.context.prefix,
            "site.url": self.context.origin,
            "site.title": self.context.site_title,
            "page.title": self.note.title,
            "page.url": self.note.url,
        }
        return known.get(name)

    def prefixed(self, path: str) -> str:
        path = path if path.startswith(("/", "#")) or "://" in path else "/" + path
        return urls.with_prefix(self.context.prefix, path) if path.startswith("/") else path

    def note_url(self, path: str) -> str | None:
        """A note's URL from its source path, as Jekyll's link tag or Hugo's ref names it."""
        path, _, fragment = path.strip().partition("#")
        path = path.lstrip("/").removeprefix("content/")
        keys = self.context.permalinks
        found = None
        candidates = [path, path + ".md", posixpath.normpath(
            posixpath.join(posixpath.dirname(self.note.key), path))]
        collection = collection_of(self.context.collections, self.note.key)
        if collection is not None:  # a Hugo ref names a path under the site's content/
            inside = posixpath.join(collection.notes_root, path)
            candidates += [inside, inside + ".md", posixpath.join(inside, "index.md"),
                           posixpath.join(inside, "_index.md")]
        for candidate in candidates:
            if candidate in keys:
                found = keys[candidate]
                break
        if found is None and path:
            stem = posixpath.splitext(posixpath.basename(path))[0]
            matches = [k for k in keys if posixpath.splitext(posixpath.basename(k))[0] == stem]
            if len(matches) == 1:
                found = keys[matches[0]]
        if found is None:
            return None
        return self.prefixed(found) + (f"#{fragment}" if fragment else "")

    def post_url(self, name: str) -> str | None:
        """`{% post_url 2025-02-08-slug %}` or `{% post_url folder/2025-02-08-slug %}`."""
        name = name.strip().removesuffix(".md")
        for key, url in self.context.permalinks.items():
            stem = posixpath.splitext(key)[0]
            if stem == name or stem.endswith("/" + name):
                return self.prefixed(url)
        return None

    def site_file(self, path: str) -> str | None:
        relative = path.strip().lstrip("/")
        target = (self.context.site_dir / relative).resolve()
        if (relative and self.context.files.is_file(target)
                and target.is_relative_to(self.context.site_dir.resolve())):
            return self.prefixed("/" + relative)
        return None


def _split_pipes(expression: str) -> list[str]:
    parts, current, quote = [], [], ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_IMAGE_ARGS = ("url", "img", "image", "src", "file", "path")
_CAPTION_ARGS = ("caption", "title", "text", "description", "alt")


def _included_image(args: str) -> str | None:
    """`{% include image.html url="/assets/x.png" caption="…" %}`: the blog's own include is
    not here, but the image it draws is plain from its arguments; drawn as a figure."""
    _, named = shortcodes.arguments(args)
    source = next((named[k] for k in _IMAGE_ARGS
                   if named.get(k, "").lower().endswith(IMAGE_SUFFIXES)), None)
    if source is None:
        return None
    caption = next((named[k] for k in _CAPTION_ARGS if named.get(k)), "")
    return shortcodes.figure({"src": source, "caption": caption,
                              "alt": named.get("alt", caption)})


def _tag(match: re.Match[str], resolver: _Resolver, warn: Callable[[str], None],
         edits: _Edits) -> str | None:
    """A tag's replacement. What Jekyll would have drawn from elsewhere (an include, a loop) is
    left out with a warning, as is a link to nothing: a reader never sees `{% %}`."""
    name, args = match.group("tag"), match.group("tag_args").strip()
    written = match.group(0)
    if name == "link":
        found = resolver.note_url(args) or resolver.site_file(args)
        if found is None:
            warn(f"{written}: no note or file at '{args}'; left out")
        return found or ""
    if name == "post_url":
        found = resolver.post_url(args)
        if found is None:
            warn(f"{written}: no post named '{args}'; left out")
        return found or ""
    if name in ("raw", "endraw"):
        return None  # already handled, or reported as unmatched
    if name == "include":
        drawn = _included_image(args)
        if drawn is not None:
            return drawn
    if name == "comment":
        closing = _END_COMMENT.search(edits.text, match.end())
        if closing is not None:
            edits.take(match.start(), closing.end(), "")
            return None
    warn(f"unsupported Liquid tag left out: {written}")
    return ""
