"""The next page of a multi-page article: where it is, never what is on it (nothing here
fetches).

A site rule's ``next_page`` selectors are trusted: a person wrote them for that site. A
page's own ``<link rel="next">`` is taken only when its address continues this page's
(``/story`` → ``/story/2``, ``/story?page=2`` → ``?page=3``): blog engines also put the
*next post* there, which is another article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from ..rules import Rule
from ..rules import apply as rule_apply
from .page import Page
from .urls import join

__all__ = ["continues", "next_page"]

# A page number at the end of a path: /2, /page/2, -2, _2, ,2 (after the extension is cut).
_NUMBERED = re.compile(r"^(.*?)(?:/|[-_,])(?:(?:page|seite|pagina|pag|p)[-_/]?)?(\d{1,3})$",
                       re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cfm)$", re.IGNORECASE)
_PAGE_PARAMS = frozenset({"page", "pg", "paged", "pagenum", "pagina", "seite", "strona"})
_MAX_PAGE = 50  # a number above this is an id, not a page of an article


def next_page(page: Page, rule: Rule | None) -> str | None:
    """The absolute http(s) address of the next page, or None.

    Run before ``clean``: pagination links often sit in a ``<nav>``, and clean removes every
    ``<link>``.
    """
    root = page.tree.root
    if root is None:
        return None
    if rule is not None and rule.next_page:
        found = _absolute(page, rule_apply.next_page(root, rule))
        if found:
            return found
    here = page.url or page.canonical
    for attrs in _head_links(page):
        if "next" in (attrs.get("rel") or "").lower().split():
            found = _absolute(page, attrs.get("href"))
            return found if found and here and continues(here, found) else None
    return None


def _head_links(page: Page) -> Iterator[dict[str, str | None]]:
    """The attributes of the ``link[rel][href]``s in <head> that may be a "next" link, in
    order: from the links ``parse``'s walk listed when the tree is still as it was parsed
    (no <svg> in <head>, so ``[href]`` is a plain ``href``), else from the selector."""
    if page.inventory is not None:
        for node in page.inventory.links[:page.inventory.head_links]:
            # Most are stylesheets, icons and preloads: a ``rel`` without "next" in it
            # (needed for it to be among its words) rules a link out at the cost of one
            # lookup, not of the dict of all its attributes.
            rel = node.attrs.get("rel")
            if not rel or "next" not in rel.lower():
                continue
            attrs = node.attributes
            if "href" in attrs:
                yield attrs
        return
    head = page.tree.head
    for node in head.css("link[rel][href]") if head is not None else ():
        yield node.attributes


def _absolute(page: Page, href: str | None) -> str | None:
    """``href`` resolved against the page's base, if it is http(s) and not the page itself."""
    if not href or not href.strip():
        return None
    url = join(page.base_url, href.strip())
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    if page.url and _without_fragment(url) == _without_fragment(page.url):
        return None
    return url


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def continues(current: str, following: str) -> bool:
    """Whether ``following`` is the next numbered page of the article at ``current``: same
    host, same path and query but for a page number that goes up by one (from none to 1 or 2).
    """
    try:
        here, there = urlsplit(current), urlsplit(following)
    except ValueError:
        return False
    if (here.hostname or "").removeprefix("www.") != (there.hostname or "").removeprefix("www."):
        return False
    query = _query_step(here.query, there.query)
    if query is None:
        return False
    if query == "next":  # ?page=2: the path stays
        return _bare(here.path) == _bare(there.path)
    found = _NUMBERED.match(_bare(there.path))
    if not found or int(found.group(2)) > _MAX_PAGE:
        return False
    base, number = found.group(1), int(found.group(2))
    return any(base == known and _step(before, number) for known, before in _readings(here.path))


def _bare(path: str) -> str:
    return _EXTENSION.sub("", path.rstrip("/"))


def _readings(path: str) -> list[tuple[str, int | None]]:
    """The current path as an article without a page number, and, when it ends in a small
    number, as that page of the article (``/covid-19`` may be either)."""
    bare = _bare(path)
    found = _NUMBERED.match(bare)
    readings: list[tuple[str, int | None]] = [(bare, None)]
    if found and int(found.group(2)) <= _MAX_PAGE:
        readings.append((found.group(1), int(found.group(2))))
    return readings


def _step(before: int | None, after: int | None) -> bool:
    if after is None:
        return False
    return after in (1, 2) if before is None else after == before + 1


def _query_step(before: str, after: str) -> str | None:
    """``same`` when the queries match, ``next`` when only a page parameter goes one up,
    None when anything else changes."""
    old, new = dict(parse_qsl(before)), dict(parse_qsl(after))
    if old == new:
        return "same"
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    if len(changed) != 1:
        return None
    key = changed.pop()
    value = new.get(key, "")
    if key.lower() not in _PAGE_PARAMS or not value.isdigit() or key not in new:
        return None
    before_value = old.get(key)
    before_number = int(before_value) if before_value and before_value.isdigit() else None
    return "next" if _step(before_number, int(value)) else None
