"""Following a multi-page article's ``next_page`` on the server (``GET``/``POST {"url"}``).

Each further page goes through the same guarded fetcher, fetch quota and limits as the first
(the ``load`` callable the service hands in), only on the same site (``same_site``), at most
``max_pages`` pages in all, never twice (a ``seen`` set, redirects included), and only while
the request's page budget lasts. The library joins the pages (``plainpage.extract.join``).
A page that cannot be fetched or read ends the article there: the pages before it are kept
and ``pages_note`` says what happened; the request itself never fails for it. A posted
document is never followed: its ``next_page`` is reported and nothing is fetched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from ..errors import PlainpageError
from ..extract.join import join
from ..model import Article
from .problems import Problem

__all__ = ["Load", "follow", "same_site"]

#: Fetch and extract one page: ``url`` → (its Article, the URL it ended at after redirects).
Load = Callable[[str], tuple[Article, str]]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def follow(first: Article, first_url: str, load: Load, *, max_pages: int, deadline: float,
           words_per_minute: int) -> Article:
    """``first`` joined with the pages its ``next_page`` chain leads to.

    ``deadline`` is a ``time.monotonic()`` value after which no further page is fetched.
    """
    pages, urls = [first], [first_url]
    seen = {_key(first_url), _key(first.url or first_url)}
    following, note = first.next_page, None
    while following is not None:
        number = len(pages) + 1
        note = _refusal(following, first_url, seen, number, max_pages, deadline)
        if note is not None:
            if _key(following) in seen:
                following = None  # a link back to a joined page: there is nothing more
            break
        try:
            article, final = load(following)
        except (PlainpageError, Problem) as exc:
            note = f"page {number} ({_shown(following)}) was not joined: {exc}"
            break
        seen.update({_key(following), _key(final)})
        if not same_site(first_url, final):
            note = f"page {number} redirected to another site ({_shown(final)}); not joined"
            break
        pages.append(article)
        urls.append(final)
        following = article.next_page
    return join(pages, urls, next_page=following, note=note,
                words_per_minute=words_per_minute)


def _refusal(url: str, first_url: str, seen: set[str], number: int, max_pages: int,
             deadline: float) -> str | None:
    """Why page ``number`` at ``url`` is not fetched, or None to fetch it."""
    if _key(url) in seen:
        return f"page {number - 1} links back to a page already joined ({_shown(url)})"
    if number > max_pages:
        return f"stopped after {max_pages} pages (the service's page limit)"
    if not same_site(first_url, url):
        return f"the next page is on another site ({_shown(url)}); not fetched"
    if time.monotonic() >= deadline:
        return f"stopped at page {number}: the time for further pages was spent"
    return None


def same_site(first: str, other: str) -> bool:
    """Whether ``other`` is on the same site as ``first``: http(s), the same host once a
    leading ``www.`` is dropped, the same port, and no step down from https to http.

    A conservative stand-in for "same registrable domain" that needs no Public Suffix List
    (no such package is a dependency): it never accepts another registrable domain, and it
    refuses sibling hosts (``news.example.com`` → ``example.com``), which multi-page
    articles do not use.
    """
    try:
        a, b = urlsplit(first), urlsplit(other)
        port_a, port_b = _port(a.scheme, a.port), _port(b.scheme, b.port)
    except ValueError:  # a malformed port or bracket
        return False
    if b.scheme not in _DEFAULT_PORTS or (a.scheme, b.scheme) == ("https", "http"):
        return False
    # http → https is the same site when both use their scheme's default port.
    ports_match = port_a == port_b if a.scheme == b.scheme else (
        port_a == _DEFAULT_PORTS.get(a.scheme) and port_b == _DEFAULT_PORTS[b.scheme])
    host_a, host_b = (a.hostname or "").rstrip("."), (b.hostname or "").rstrip(".")
    return ports_match and bool(host_a) and \
        host_a.removeprefix("www.") == host_b.removeprefix("www.")


def _port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else _DEFAULT_PORTS.get(scheme)


def _key(url: str) -> str:
    """A URL as the seen set compares it: without its fragment."""
    return url.split("#", 1)[0]


def _shown(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "…"
