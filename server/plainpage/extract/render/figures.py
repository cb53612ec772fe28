"""Image handlers of the render walk: ``<figure>``, ``<img>``, ``<picture>``, ``<noscript>``.

Each is a plain function ``(walker, node)`` that the walk's dispatch table calls. A figure
with an image becomes one figure block per distinct image, its caption kept with the
(last) image and never emitted as body text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selectolax.lexbor import LexborNode

from ..measure import tag_id
from . import blocks, media

if TYPE_CHECKING:
    from .walk import Walker

__all__ = ["figure", "img", "noscript", "picture"]

Found = tuple[str, str, str]  # (src, alt, size attributes)

_NOSCRIPT_PROSE = 200  # characters; the same line clean draws for keeping a <noscript>
_IMG, _FIGCAPTION = tag_id("img"), tag_id("figcaption")
_MAX_STATIC_ID = 4096  # Lexbor's own tag ids are small; a custom element's is per document


def figure(w: Walker, node: LexborNode) -> None:
    w.flush()
    found = _images(w, node) if w.images else []
    if not found:
        _without_image(w, node)
        return
    caption_node = next((sub for sub in node.traverse() if sub.tag_id == _FIGCAPTION), None)
    caption = w.capture(caption_node) if caption_node is not None else None
    last = len(found) - 1
    for i, (src, alt, size) in enumerate(found):  # a gallery: the caption goes last
        _emit(w, src, alt, size, caption if i == last else None)


def _images(w: Walker, node: LexborNode) -> list[Found]:
    """Each distinct image of a figure. A <noscript> copy is the page's own rendering
    without scripts: it is the fallback for script images that show nothing, and it wins
    over ones that name no real source (a bare ``src``, often a blurred preview)."""
    shown: list[Found] = []
    fallback: list[Found] = []
    seen: set[str] = set()
    lazy = False
    for image in _image_nodes(node, amp=True):
        if w.drops and image.mem_id in w.drops:
            continue
        attrs = image.attributes
        parent = image.parent
        ptag = parent.tag if parent is not None else ""
        src = media.source(attrs, w.urls, parent if ptag == "picture" else None)
        if src and src not in seen and not media.tiny(attrs):
            seen.add(src)
            entry = (src, attrs.get("alt") or "", media.size_attrs(attrs))
            (fallback if ptag == "noscript" else shown).append(entry)
            lazy = lazy or (ptag != "noscript" and media.names_lazy_source(attrs))
    return shown if lazy or not fallback else fallback


def _image_nodes(node: LexborNode, amp: bool = False) -> list[LexborNode]:
    """``node.css("img")`` (with ``amp``: ``"img, amp-img"``) by a walk: on a figure-sized
    subtree it costs a fraction of a css() call, which parses its selector anew each time.
    (The figure walks below stand for css_first/css the same way.)"""
    found = []
    for sub in node.traverse():
        tid = sub.tag_id
        if tid == _IMG or (amp and tid > _MAX_STATIC_ID and sub.tag == "amp-img"):
            found.append(sub)
    return found


def _without_image(w: Walker, node: LexborNode) -> None:
    """A figure holding a table, a quote or an embed: its caption is kept only when
    something else of the figure was rendered."""
    if w.too_deep(node):
        return
    before, caption = len(w.out), None
    w.depth += 1  # figures nested in figures never pass through children()
    for child in node.iter(include_text=True):
        if child.tag == "figcaption":
            caption = child
        else:
            w.visit(child)
    w.depth -= 1
    w.flush()
    if caption is not None and len(w.out) > before:
        w.block(caption)


def img(w: Walker, node: LexborNode) -> None:
    attrs = node.attributes
    if media.is_emoji(attrs):  # stands for a character: keep it in the sentence
        w.para.add(attrs.get("alt") or "")
        return
    if not w.images or media.tiny(attrs):
        return
    src = media.source(attrs, w.urls)
    if src:
        _place(w, src, attrs)


def picture(w: Walker, node: LexborNode) -> None:
    if not w.images:
        return
    images = _image_nodes(node)
    attrs = images[0].attributes if images else {}
    src = media.source(attrs, w.urls, node)
    if src and not media.tiny(attrs):
        _place(w, src, attrs)


def _place(w: Walker, src: str, attrs: dict[str, str | None]) -> None:
    """An image of its own (a figure block), or one inside a table cell or caption, where
    it stays in the line: flags, icons and thumbnails are part of a table's data."""
    alt = " ".join((attrs.get("alt") or "").split())
    if w.kind == "cell":
        # No text: an image is not body text (figures are left out of ``text`` too).
        w.para.add_mark("", blocks.image_markdown(src, alt),
                        blocks.image_html(src, alt, media.size_attrs(attrs)))
        return
    w.flush()
    _emit(w, src, alt, media.size_attrs(attrs), None)
    w.fig_bare = not media.names_lazy_source(attrs)


def noscript(w: Walker, node: LexborNode) -> None:
    """Lexbor parses <noscript> content as markup (scripting is off), so its images are
    elements: take them, unless a (lazy) image just before already stood for them.
    Long prose is the page itself, written for script-less readers (clean keeps it for
    that); short text is a "please enable JavaScript" note: skipped."""
    if len(node.text()) >= _NOSCRIPT_PROSE:
        w.block(node)
        return
    if not w.images:
        return
    images = _image_nodes(node)
    if w.out is w.fig_out and len(w.out) == w.fig_len and not w.para.has_text:
        # The image just before is the script's copy of this one. Unless it named its
        # real source (data-src, srcset), it may be a blurred preview: the noscript
        # original takes its place.
        attrs = images[0].attributes if len(images) == 1 and w.fig_bare else {}
        src = media.source(attrs, w.urls) if attrs else None
        if src and not media.tiny(attrs):
            last = w.out.pop()
            _emit(w, src, attrs.get("alt") or last.alt, media.size_attrs(attrs), None)
        return
    for image in images:
        img(w, image)


def _emit(w: Walker, src: str, alt: str, size: str,
          caption: tuple[str, str, str] | None) -> None:
    out = w.out
    last = out[-1] if out else None
    if last is not None and last.type == "figure" and last.src == src:
        return  # the same image twice in a row (a lazy copy and its fallback)
    out.append(blocks.figure(src, alt, size, caption))
    w.fig_out, w.fig_len, w.fig_bare = out, len(out), False
