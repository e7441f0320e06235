"""Images in a note body, Markdown and raw HTML alike, and the figures they make.

Every local image gets its resolved `src`, its file's true `width`/`height` (an author's own
width alone keeps the file's proportions), `loading="lazy"` and `decoding="async"`; the file
is copied when the asset stage would not. A paragraph holding only an image (or a linked
image) becomes `<figure>` with a `<figcaption>` from the title, else the alt text. Raw HTML
figure blocks (`<div><img ...><p>caption</p></div>`) are kept as written, their `<img>`
resolved the same way.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from margin.markdown import htmltags
from margin.markdown.images import ImageInfo, image_info
from margin.markdown.state import BodyState, inline_children

_PIXELS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")
_IMAGE_HOLDERS = frozenset({"image", "html_inline"})
_FIGURE_PARTS = ("image", "link_open", "link_close")


def resolve_images(tokens: list[Token], state: BodyState) -> None:
    """Fix every image: Markdown image tokens, and <img> tags in raw HTML."""
    for token in tokens:
        if token.type == "html_block" and token.map is not None:
            first = token.map[0]
            token.content = htmltags.rewrite_images(
                token.content, lambda attrs, offset, f=first: _fix_tag(attrs, state, f + offset))
    for _, _, child, line in inline_children(tokens, _IMAGE_HOLDERS):
        if child.type == "image":
            attrs = list(child.attrs.items())
            fixed = _fix_attributes(attrs, state, line)
            child.attrs = dict(fixed)
        elif child.type == "html_inline":
            child.content = htmltags.rewrite_images(
                child.content,
                lambda attrs, offset, f=line: _fix_tag(attrs, state,
                                                       None if f is None else f + offset))


def _fix_tag(attributes: htmltags.Attributes, state: BodyState, line: int | None
             ) -> htmltags.Attributes:
    return _fix_attributes(attributes, state, line)


def _fix_attributes(attributes: htmltags.Attributes, state: BodyState, line: int | None
                    ) -> htmltags.Attributes:
    src = htmltags.get(attributes, "src")
    if src is None:
        return attributes
    info = image_info(src, state.note, state.context)
    if info.problem:
        state.warn(line, info.problem)
    if info.located is None:
        return attributes  # remote, or missing: left exactly as written
    attributes = htmltags.put(attributes, "src", info.src)
    if info.located.copy:
        asset = info.located.asset()
        state.assets.setdefault(asset.path, asset)
    state.images.append(str(info.located.path))
    attributes = _sized(attributes, info)
    for name, value in (("loading", "lazy"), ("decoding", "async")):
        if htmltags.get(attributes, name) is None:
            attributes = htmltags.put(attributes, name, value)
    return attributes


def _sized(attributes: htmltags.Attributes, info: ImageInfo) -> htmltags.Attributes:
    """The file's width and height, unless the author set them (one side: keep proportions)."""
    if info.size is None:
        return attributes
    true_width, true_height = info.size
    width = _pixels(htmltags.get(attributes, "width"))
    height = _pixels(htmltags.get(attributes, "height"))
    written_width, written_height = htmltags.get(attributes, "width"), htmltags.get(
        attributes, "height")
    if written_width is not None and written_height is not None:
        return attributes
    if written_width is not None:
        if width is None:
            return attributes
        return htmltags.put(attributes, "height", str(round(width * true_height / true_width)))
    if written_height is not None:
        if height is None:
            return attributes
        return htmltags.put(attributes, "width", str(round(height * true_width / true_height)))
    attributes = htmltags.put(attributes, "width", str(true_width))
    return htmltags.put(attributes, "height", str(true_height))


def _pixels(value: str | None) -> float | None:
    match = _PIXELS.match(value or "")
    return float(match.group(1)) if match and float(match.group(1)) > 0 else None


def make_figures(tokens: list[Token]) -> None:
    """A paragraph of one image (maybe linked) -> <figure> with <figcaption>."""
    for index, token in enumerate(tokens):
        if token.type != "paragraph_open" or index + 2 >= len(tokens):
            continue
        inline = tokens[index + 1]
        image = _lone_image(inline.children or [])
        if image is None:
            continue
        caption = _caption(image)
        token.tag, tokens[index + 2].tag = "figure", "figure"
        token.hidden = tokens[index + 2].hidden = False  # tight lists hide <p>, not <figure>
        if caption:
            inline.children = [*(inline.children or []),
                               Token("html_inline", "", 0, content="<figcaption>"),
                               *caption,
                               Token("html_inline", "", 0, content="</figcaption>")]


def _lone_image(children: list[Token]) -> Token | None:
    """The image of a paragraph that shows nothing else (blank text aside), maybe linked."""
    shown: list[Token] = []
    for child in children:  # most paragraphs start with words: give up at the first
        if child.type == "text" and not child.content.strip():
            continue
        if child.type not in _FIGURE_PARTS or len(shown) == 3:
            return None
        shown.append(child)
    return _image_of(shown)


def _image_of(children: list[Token]) -> Token | None:
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    if (len(children) == 3 and children[0].type == "link_open" and children[1].type == "image"
            and children[2].type == "link_close"):
        return children[1]
    return None


def _caption(image: Token) -> list[Token]:
    title = str(image.attrGet("title") or "").strip()
    if title:
        return [Token("text", "", 0, content=title)]
    return [c.copy() for c in image.children or []]
