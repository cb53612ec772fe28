"""Class/id names of kinds of block the boilerplate classes do not cover.

- *About the poster*: the panel beside a forum post or comment (the poster's title, join
  date and post count, badges, signature) and an author's bio box under an article.
- *A button*: a link or box styled as one ("Sign up", "Learn more", "Add to cart").
- *A caption*: a caption, credit or reading time outside a figure (notes about the text).
- *A figure's parts*: the words an image's box uses about its caption or share buttons.

Matched once per distinct class/id string (cached), as ``patterns.is_drop_class`` is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ..patterns import Tokens

_POSTER = Tokens((
    "usertitle", "user-title", "userextras", "user-extras", "signature", "flair",
    "author-bio", "authorbio", "author__bio", "author_bio", "author-info", "author__info",
    "author_info", "authorinfo", "author-box", "authorbox", "author__box", "about-author",
    "about-the-author", "author-description", "author__description", "author-details",
    "author__details", "author-card", "author__card", "author-profile", "author__profile",
))
_BUTTON = Tokens(("button",), ("btn", "cta"))
# Captions and credits outside a figure, and the reading-time line ("5 min read"):
# notes about the text, not the text.
_CAPTION = Tokens(("caption", "credit", "readingtime", "reading-time", "reading_time",
                   "read-time", "readtime"))


@lru_cache(maxsize=4096)
def names_kind(class_and_id: str) -> Literal["poster", "button", "caption"] | None:
    """What a class/id string names, of the kinds above (in their order), if any.

    Each group is searched only when a substring all its tokens share occurs: most class
    strings hold none, and a few scans in C settle them without the group's long list.
    """
    if not class_and_id:
        return None
    lowered = class_and_id.lower()
    if ("user" in lowered or "author" in lowered or "signature" in lowered
            or "flair" in lowered) and _POSTER.search(lowered):
        return "poster"
    if ("button" in lowered or "btn" in lowered or "cta" in lowered) \
            and _BUTTON.search(lowered):
        return "button"
    if ("caption" in lowered or "credit" in lowered or "read" in lowered) \
            and _CAPTION.search(lowered):
        return "caption"
    return None


# Class words a <figure> carries about its own parts ("has-caption", "fig--has-shares"):
# they describe the figure's caption or share buttons, not a boilerplate block. An image's
# own box says "caption" too ("wp-caption", "tr-caption-container").
_FIGURE_PARTS_RE = re.compile(r"\S*(?:caption|credit|share|sharing|social)\S*", re.IGNORECASE)
_CAPTION_RE = re.compile(r"\S*(?:caption|credit)\S*", re.IGNORECASE)
# The test for those words: without the \S* around them a search is linear (a leading \S*
# makes it retry at every character of a long class string).
_FIGURE_PARTS_TEST = re.compile("caption|credit|share|sharing|social", re.IGNORECASE)


@lru_cache(maxsize=4096)
def names_figure_parts(class_and_id: str) -> bool:
    """True when a class/id string has a word about a figure's own parts (a
    case-insensitive search costs microseconds, and most blocks of a page ask)."""
    return _FIGURE_PARTS_TEST.search(class_and_id) is not None


def without_figure_parts(class_and_id: str, figure: bool) -> str:
    """The class/id string without those words (a <figure>'s) or its caption words (an
    image box's), for judging the rest of its names."""
    return (_FIGURE_PARTS_RE if figure else _CAPTION_RE).sub(" ", class_and_id).strip()
