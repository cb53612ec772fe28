"""Footnotes for the render walk: references in the text and the back-links of the notes.

A footnote reference is a superscript link to a place on the same page (``<sup><a
href="#fn1">1</a></sup>``, or the link around the ``<sup>``). Left as it is, its number
glues onto the word before it ("1897" + "1" reads "18971"), so it becomes "[1]" in text,
a link labelled "[1]" in Markdown and stays a superscript link in HTML. The notes
themselves are an ordinary list; their "↩" links back to the reference are navigation,
not text, and are left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborNode

from . import markdown as md
from .sanitize import LINK_REL, escape_attr, escape_text, md_url

if TYPE_CHECKING:
    from .walk import Walker

__all__ = ["is_backlink", "reference", "sup"]

# What a reference shows: a number, a letter or a mark, maybe in brackets ("1", "[2]", "*").
_LABEL = re.compile(r"\[?[\w*†‡§]{1,4}\]?")
# Link texts that only point back up the page: "↩", "↩︎" (with a variation selector), "↑".
_BACK_SIGNS = frozenset({"\u21a9", "\u21a9\ufe0e", "\u21a9\ufe0f", "\u2191", "\u2934",
                         "\u2b06", "\u2b06\ufe0f", "^"})


def sup(w: Walker, node: LexborNode, marks: tuple[tuple[str, str, str], ...]) -> None:
    """A ``<sup>``: a footnote reference, or ordinary superscript (``marks``)."""
    link = _only_child(node)
    if link is not None and link.tag == "a":
        raw = link.attributes.get("href") or ""
        label = _label(link)
        if raw.startswith("#") and label:
            reference(w, raw, label)
            return
    w.formatted(node, marks)


def reference(w: Walker, raw: str, label: str) -> None:
    """Add a footnote reference to ``label``'s note at ``raw`` (a "#…" href)."""
    shown = label if label.startswith("[") else f"[{label}]"
    href = w.urls.link(raw) if w.links else None
    if href is None:
        w.para.add_mark(shown, md.escape(shown), f"<sup>{escape_text(label)}</sup>")
        return
    w.para.add_mark(shown, f"[{md.escape(shown)}]({md_url(href)})",
                    f'<sup><a href="{escape_attr(href)}" rel="{LINK_REL}">'
                    f"{escape_text(label)}</a></sup>")


def linked_sup(node: LexborNode) -> str | None:
    """The label of a ``<a href="#…"><sup>1</sup></a>`` reference, else None."""
    inner = _only_child(node)
    if inner is None or inner.tag != "sup" or inner.first_child is None:
        return None
    return _label(inner)


def is_backlink(node: LexborNode, text: str) -> bool:
    """Whether a "#…" link only leads back to a footnote's reference."""
    role = node.attributes.get("role") or ""
    return role == "doc-backlink" or text.strip() in _BACK_SIGNS


def _only_child(node: LexborNode) -> LexborNode | None:
    """The one element inside ``node`` when nothing but whitespace surrounds it."""
    found = None
    child = node.first_child
    while child is not None:
        if child.is_element_node:
            if found is not None:
                return None
            found = child
        elif child.is_text_node and (child.text_content or "").strip():
            return None
        child = child.next
    return found


def _label(node: LexborNode) -> str | None:
    text = " ".join(node.text(deep=True).split())
    return text if _LABEL.fullmatch(text) else None
