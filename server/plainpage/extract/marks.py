"""Marks stage: what the page points at before ``clean`` removes it, kept on the Page.

- the next page of a multi-page article (``paging.next_page``): ``clean`` removes every
  ``<link>`` and many pagination ``<nav>``s;
- the sections the page's JSON-LD marks as not free (``hasPart`` with ``cssSelector``): how
  many elements each selector matches and how many words they hold, counted while hidden
  sections are still in the tree. Those elements are the part for subscribers; they are
  reported, never revealed or added.
"""

from __future__ import annotations

from selectolax.lexbor import SelectolaxError

from ..rules import Rule
from .metadata.access import locked_selectors
from .page import LockedPart, Page
from .paging import next_page

_PROBE_CHARS = 60


def read(page: Page, rule: Rule | None) -> None:
    """Set ``page.next_page`` and ``page.locked_parts``."""
    page.next_page = next_page(page, rule)
    selectors = locked_selectors(page.jsonld)
    if selectors and page.body is not None:
        page.locked_parts = tuple(_count(page, selector) for selector in selectors)


def _count(page: Page, selector: str) -> LockedPart:
    """What ``selector`` matches in the body, before cleaning."""
    assert page.body is not None
    try:
        nodes = page.body.css(selector)
    except (SelectolaxError, ValueError):
        return LockedPart(selector, -1, 0, "")
    texts = [" ".join(node.text(separator=" ").split()) for node in nodes]
    probe = next((text for text in texts if text), "")[:_PROBE_CHARS]
    return LockedPart(selector, len(nodes), sum(len(t.split()) for t in texts), probe)
