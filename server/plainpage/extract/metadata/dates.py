"""Date normalisation and lookup for the metadata stage.

``normalize`` turns the many ways pages write a date (ISO 8601 with or without zone, RFC 2822,
"May 3, 2019", "3 May 2019", "03.05.2019", Unix timestamps) into ISO 8601: ``YYYY-MM-DD`` when
the source has no time, ``YYYY-MM-DDTHH:MM:SS[±HH:MM]`` when it has one. Impossible dates
(month 13, 31 April, year 0201) give None rather than a guess. ``find`` reads the published and
modified dates of a page from JSON-LD, ``<meta>`` and, last, ``<time>`` elements.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborNode

from ..page import Page
from .nearby import Around

_MIN_YEAR, _MAX_YEAR = 1900, 2100

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?(?![\d-])",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$")
_SLASHED_YMD = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_DOTTED_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_SLASHED_XYZ = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_TREE_DATES = '[itemprop~="datePublished"], time[datetime], time[pubdate]'
_MAX_TIMES = 10
_TIMESTAMP = re.compile(r"^\d{10}(?:\d{3})?$")
_PUBLISHED_NAME = re.compile(r"published(?:[-_.:]?(?:date|time|at|on))?$|pub[-_]?date$")
_MAX_DATE_LINE = 60  # a longer text is prose that mentions a date, not a dateline
# The label of a modified date; anything else next to the headline is the publication date.
_UPDATED = re.compile(
    r"\b(?:updated|modified|revised|reviewed|edited|aktualisiert|ge(?:ä|ae)ndert"
    r"|mis à jour|mise à jour|actualizado|actualizada|aggiornato|bijgewerkt)\b",
    re.IGNORECASE)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
    # The commonest other spellings on European news sites.
    "januar": 1, "janvier": 1, "enero": 1, "februar": 2, "février": 2, "fevrier": 2,
    "febrero": 2, "märz": 3, "mars": 3, "marzo": 3, "avril": 4, "abril": 4, "mai": 5,
    "mayo": 5, "juni": 6, "juin": 6, "junio": 6, "juli": 7, "juillet": 7, "julio": 7,
    "août": 8, "aout": 8, "agosto": 8, "septembre": 9, "septiembre": 9, "oktober": 10,
    "octobre": 10, "octubre": 10, "novembre": 11, "noviembre": 11, "dezember": 12,
    "décembre": 12, "decembre": 12, "diciembre": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: Every month name and abbreviation ``normalize`` reads, as a regex alternation.
MONTH_RE = _MONTH_RE
# "May 3, 2019", "Sept. 3rd 2019"
_MDY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
# "3 May 2019", "3. Mai 2019", "03 de mayo de 2019"
_DMY = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+)?(\d{{4}})"
    r"(?!\d)", re.IGNORECASE)
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")

# Where a date (or a relative time like "8h") begins in a line of free text such as a byline.
_DATE_IN_TEXT = re.compile(
    rf"\s*(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:{_MONTH_RE})\b"
    rf"|\b(?:{_MONTH_RE})\.?\s+\d{{1,2}}\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b\d+\s*(?:h|hrs?|hours?|min|mins|days?)\b)",
    re.IGNORECASE,
)
# What every match of _DATE_IN_TEXT holds: a digit, or the "day" of a weekday's name.
_DATE_HINT = re.compile(r"\d|day", re.IGNORECASE)
_DIGIT = re.compile(r"\d")

# Where a page states its dates, most specific first. Keys are lower-cased ``<meta>`` names.
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "published_time", "article.published", "parsely-pub-date",
    "sailthru.date", "pubdate", "publishdate", "publish-date", "publish_date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created",
    "dcterms.created", "citation_publication_date", "citation_date", "date",
    "datecreated",
)
_MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time",
    "datemodified", "modified_time", "dc.date.modified", "dcterms.modified",
    "last-modified", "lastmod",
)


def normalize(value: Any) -> str | None:
    """``value`` as an ISO 8601 date or datetime, or None when it holds no possible date."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > 200 or not _DIGIT.search(text):
        return None  # every form read below has a digit (most texts near a headline do not)
    for parse in (_iso, _compact_or_timestamp, _rfc2822, _numeric, _textual):
        found = parse(text)
        if found is not None:
            return found
    return None


def date_start(text: str) -> int | None:
    """Where the first date in ``text`` begins (None when there is none)."""
    if not _DATE_HINT.search(text):  # a cheap scan first: most bylines hold no date
        return None
    m = _DATE_IN_TEXT.search(text)
    return m.start() if m is not None else None


def _iso(text: str) -> str | None:
    m = _ISO.search(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    day_ = _date(year, month, day)
    if day_ is None or hour is None:
        return day_.isoformat() if day_ else None
    return _datetime(day_, int(hour), int(minute), int(second or 0), zone)


def _compact_or_timestamp(text: str) -> str | None:
    m = _COMPACT.match(text)
    if m is not None:
        day_ = _date(*m.group(1, 2, 3))
        if day_ is not None:
            if m.group(4) is None:
                return day_.isoformat()
            return _datetime(day_, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0), None)
    if _TIMESTAMP.match(text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        moment = datetime.fromtimestamp(seconds, UTC)
        if _MIN_YEAR < moment.year <= _MAX_YEAR and moment.year >= 1995:
            return moment.replace(microsecond=0).isoformat()
    return None


def _rfc2822(text: str) -> str | None:
    if not _RFC2822.match(text):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if not _MIN_YEAR <= moment.year <= _MAX_YEAR:
        return None
    return moment.replace(microsecond=0).isoformat()


def _numeric(text: str) -> str | None:
    m = _SLASHED_YMD.search(text)
    if m is not None:
        found = _date(*m.groups())
        return found.isoformat() if found else None
    m = _DOTTED_DMY.search(text)
    if m is not None:
        found = _date(m.group(3), m.group(2), m.group(1))
        return found.isoformat() if found else None
    m = _SLASHED_XYZ.search(text)
    if m is not None:
        first, second, year = (int(g) for g in m.groups())
        # 04/05/2019 could be either order: refuse to guess; 13/05/2019 cannot be US order.
        if first > 12 >= second:
            found = _date(year, second, first)
        elif second > 12 >= first:
            found = _date(year, first, second)
        else:
            return None
        return found.isoformat() if found else None
    return None


def _textual(text: str) -> str | None:
    m = _MDY.search(text)
    if m is not None:
        found = _date(m.group(3), _MONTHS[m.group(1).lower()], m.group(2))
        if found is not None:
            return found.isoformat()
    m = _DMY.search(text)
    if m is not None:
        found = _date(m.group(3), _MONTHS[m.group(2).lower()], m.group(1))
        if found is not None:
            return found.isoformat()
    return None


def _date(year: Any, month: Any, day: Any) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if _MIN_YEAR <= found.year <= _MAX_YEAR else None


def _datetime(day: date, hour: int, minute: int, second: int, zone: str | None) -> str | None:
    if hour > 23 or minute > 59 or second > 60:
        return None
    tz = _zone(zone) if zone else None
    if zone and tz is None:
        return None
    moment = datetime(day.year, day.month, day.day, hour, minute, min(second, 59), tzinfo=tz)
    return moment.isoformat()


@lru_cache(maxsize=64)  # pages name a handful of zones; a timezone is immutable
def _zone(zone: str) -> timezone | None:
    if zone.upper() == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def find(page: Page, meta: dict[str, str], article: dict[str, Any] | None,
         near: Around | None = None) -> tuple[str | None, str | None]:
    """(published, modified) of the page, each ISO 8601 or None.

    ``meta`` is the page's ``<meta>`` map with names normalised by the caller; ``article`` the
    page's main JSON-LD object; ``near`` the texts around the headline. JSON-LD and
    ``<meta>`` are deliberate statements and come first; a ``<time>`` element in the
    article, then a date printed next to the headline, are the last resorts.
    """
    published = modified = None
    if article is not None:
        published = _first(article.get(k) for k in ("datePublished", "dateCreated", "uploadDate"))
        modified = normalize(_scalar(article.get("dateModified")))
    published = published or _first(meta.get(k) for k in _PUBLISHED_META)
    modified = modified or _first(meta.get(k) for k in _MODIFIED_META)
    if published is None:  # a CMS's own name for it: "w-published-date", "published"
        published = _first(v for k, v in meta.items() if _PUBLISHED_NAME.search(k))
    if published is None:
        published = _from_tree(page)
    if near is not None and (published is None or modified is None):
        shown, updated = _from_headline(near)
        published, modified = published or shown, modified or updated
    return published, modified


def _from_headline(near: Around) -> tuple[str | None, str | None]:
    """(published, modified) printed next to the headline: the nearest short text holding a
    date, labelled "Updated …" (or following such a label) for the modified one."""
    published = modified = None
    for item in near.texts():
        if published and modified:
            break
        if len(item.text) > _MAX_DATE_LINE:
            continue
        found = normalize(item.text)
        if found is None:
            continue
        start = date_start(item.text) or 0
        label = item.text[:start] if item.text[:start].strip(" -–·|,:") else item.previous
        if _UPDATED.search(label[-40:]):
            modified = modified or found
        else:
            published = published or found
    return published, modified


def _first(values: Any) -> str | None:
    for value in values:
        if value is None:  # most of the names asked for are absent
            continue
        found = normalize(_scalar(value))
        if found is not None:
            return found
    return None


def _scalar(value: Any) -> Any:
    # JSON-LD sometimes wraps a date in a list or a {"@value": ...} object.
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("@value")
    return value


def _from_tree(page: Page) -> str | None:
    """A date marked up in the page: itemprop=datePublished first, then a <time> inside the
    article, its header or <main> (one selector pass; sidebars' <time>s are passed over)."""
    nodes = page.tree.css(_TREE_DATES)
    for node in nodes:
        if "datePublished" in (node.attributes.get("itemprop") or ""):
            found = _node_date(node)
            if found is not None:
                return found
    for node in nodes[:_MAX_TIMES]:
        if node.tag == "time" and _in_article(node):
            found = _node_date(node)
            if found is not None:
                return found
    return None


def _in_article(node: LexborNode) -> bool:
    if "pubdate" in node.attributes:
        return True
    parent = node.parent
    for _ in range(15):
        if parent is None:
            return False
        if parent.tag in ("article", "header", "main"):
            return True
        parent = parent.parent
    return False


def _node_date(node: LexborNode) -> str | None:
    attrs = node.attributes
    for key in ("datetime", "content", "value"):
        found = normalize(attrs.get(key) or "")
        if found is not None:
            return found
    return normalize(node.text(deep=True)[:200])
