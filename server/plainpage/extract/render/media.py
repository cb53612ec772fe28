"""Image sources for the render stage: lazy-loading attributes, srcset, ``<picture>``.

Pages defer images in many ways: a placeholder ``src`` with the real URL in ``data-src``
(or one of its cousins), a ``srcset`` only, a ``<picture>`` whose ``<source>`` carries the
candidates. ``source`` picks the one real, absolute http(s) URL, or None.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .sanitize import Urls

__all__ = ["is_emoji", "names_lazy_source", "size_attrs", "source", "tiny"]

# Attributes lazy loaders put the real URL in; they win over ``src``, which is then
# usually a placeholder (a data: GIF, a spacer, a blurred preview).
_LAZY = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-url",
         "data-actualsrc", "data-hi-res-src", "data-full-src", "data-echo")
_SRCSETS = ("data-srcset", "data-lazy-srcset", "srcset")
_LAZY_OR_SRCSET = _LAZY + _SRCSETS
_PLACEHOLDER_HINTS = ("spacer", "blank.", "pixel.", "placeholder", "transparent.", "1x1",
                      "lazy", "loading.")


def source(attrs: dict[str, str | None], urls: Urls,
           picture: LexborNode | None = None) -> str | None:
    """The best absolute URL for an ``<img>`` with these attributes, or None.

    In order: a lazy loader's attribute, the largest ``srcset`` candidate, a ``src`` that
    does not look like a placeholder, the ``<picture>``'s sources, any non-data ``src``.
    """
    for name in _LAZY:
        value = attrs.get(name)
        if value and not value.startswith("data:") and ("/" in value or "." in value):
            url = urls.image(value.split()[0])
            if url:
                return url
    for name in _SRCSETS:  # the largest candidate beats the default-sized src
        value = attrs.get(name)
        url = urls.image(largest(value)) if value else None
        if url:
            return url
    src = attrs.get("src")
    if src and not src.startswith("data:") and not _placeholder(src):
        url = urls.image(src)
        if url:
            return url
    if picture is not None:
        return _from_sources(picture, urls)
    return urls.image(src) if src and not src.startswith("data:") else None


def names_lazy_source(attrs: dict[str, str | None]) -> bool:
    """Whether an ``<img>`` names its real image in a lazy loader's attribute or a srcset
    (then a ``<noscript>`` copy beside it adds nothing); a bare ``src`` may be a blurred
    preview the script swaps out."""
    return any(attrs.get(name) for name in _LAZY_OR_SRCSET)


def _from_sources(picture: LexborNode, urls: Urls) -> str | None:
    """The largest candidate of the first ``<source>`` of a ``<picture>`` that has one;
    sources meant only for narrow screens (``media`` with a max-width and no min-width)
    are passed over, the ``<img>`` stands for the wide view."""
    for child in picture.iter():
        if child.tag != "source":
            continue
        attrs = child.attributes
        media = (attrs.get("media") or "").lower()
        if "max-width" in media and "min-width" not in media:
            continue
        for name in _SRCSETS:
            url = urls.image(largest(attrs.get(name)))
            if url:
                return url
    return None


def _placeholder(src: str) -> bool:
    low = src.lower()
    return any(hint in low for hint in _PLACEHOLDER_HINTS)


def largest(srcset: str | None) -> str | None:
    """The URL of the widest (or densest) candidate in a ``srcset`` value.

    Follows the HTML rule that a URL runs to the next whitespace and that a trailing
    comma ends a candidate, so URLs with commas inside (CDN resize options) survive.
    """
    if not srcset:
        return None
    best, best_size = None, -1.0
    tokens = srcset.split()
    i = 0
    while i < len(tokens):
        url, i = tokens[i], i + 1
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        elif i < len(tokens):
            descriptor, rest = tokens[i].partition(",")[::2]
            i += 1
            if rest:
                tokens.insert(i, rest)  # "100w,next.jpg": the next URL was glued on
        size = _size(descriptor)
        if url and not url.startswith("data:") and size > best_size:
            best, best_size = url, size
    return best


def _size(descriptor: str) -> float:
    if descriptor[-1:] in ("w", "x"):
        try:
            return float(descriptor[:-1])
        except ValueError:
            return 0.0
    return 0.0 if descriptor else 1.0


def _dimension(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().removesuffix("px")
    return int(value) if value.isdigit() and len(value) < 6 else None


def tiny(attrs: dict[str, str | None]) -> bool:
    """A tracking pixel or spacer: declared 1 or 2 px in either dimension, or 0 in every
    dimension it declares (a lone ``height="0"`` beside a real width means "auto")."""
    width, height = attrs.get("width"), attrs.get("height")
    if not (width or height):
        return False  # nothing declared (most images)
    declared = [size for size in (_dimension(width), _dimension(height)) if size is not None]
    return any(0 < size <= 2 for size in declared) or (bool(declared) and not any(declared))


def size_attrs(attrs: dict[str, str | None]) -> str:
    """Validated ``width``/``height`` attribute text for the output ``<img>``."""
    out = ""
    for name in ("width", "height"):
        size = _dimension(attrs.get(name))
        if size:
            out += f' {name}="{size}"'
    return out


def is_emoji(attrs: dict[str, str | None]) -> bool:
    """An image that stands for a character (emoji, smiley): its alt text goes inline."""
    cls = attrs.get("class")
    return bool(cls) and ("emoji" in cls or "smiley" in cls)
