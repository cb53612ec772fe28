"""What a page states about who may read it: JSON-LD ``isAccessibleForFree`` (on the article,
and on the ``hasPart`` sections it marks with a ``cssSelector``) and the Open Graph
``article:content_tier`` tag (``free``, ``metered``, ``locked``).

Statements only: nothing here reads the article's text (the teaser check, the server's HTTP
status and the verdict are ``extract.paywall``'s). ``articleBody`` is measured, never read
into the article: a page that withholds text from readers must not have it filled in from
its own metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...model import Access, PaywallEvidence
from .sources import ARTICLE_TYPES, PAGE_TYPES, types_of, with_main_entities

_TIERS = ("free", "metered", "locked")
_MAX_SELECTOR = 200  # a section's selector is short; a long one is not worth compiling
_SCHEMA_PREFIX = re.compile(r"^https?://schema\.org/", re.IGNORECASE)
_TYPE_PATH = re.compile(r"[/:#]")


@dataclass(frozen=True, slots=True)
class Statements:
    """The page's own word on access: ``paywalled`` when it says some of it is not free."""

    paywalled: bool = False
    access: Access | None = None
    evidence: tuple[PaywallEvidence, ...] = ()


def statements(objects: list[dict[str, Any]], meta: dict[str, str]) -> Statements:
    """The access statements of the JSON-LD ``objects`` and the ``<meta>`` tags."""
    evidence: list[PaywallEvidence] = []
    free = not_free = False
    for obj in _described(objects):
        name = _type_name(obj)
        flag = flag_of(obj.get("isAccessibleForFree"))
        if flag is not None:
            free, not_free = free or flag, not_free or not flag
            evidence.append(PaywallEvidence(
                "json-ld", f"{name} isAccessibleForFree={str(flag).lower()}"))
        for selector in _locked(obj):
            not_free = True
            evidence.append(PaywallEvidence(
                "json-ld", f"{name} hasPart isAccessibleForFree=false, cssSelector {selector}"))
    tier = (meta.get("article:content_tier") or "").strip().lower()
    if tier in _TIERS:
        evidence.append(PaywallEvidence("meta", f"article:content_tier={tier}"))
    paywalled = not_free or tier in ("metered", "locked")
    access: Access | None = None
    if tier == "metered":  # Google asks metered sites to say isAccessibleForFree=false too
        access = "metered"
    elif paywalled:
        access = "subscriber"
    elif free or tier == "free":
        access = "free"
    return Statements(paywalled, access, tuple(dict.fromkeys(evidence)))


def locked_selectors(objects: list[dict[str, Any]]) -> tuple[str, ...]:
    """The ``cssSelector``s of the sections the page marks as not free, each once."""
    found = (selector for obj in _described(objects) for selector in _locked(obj))
    return tuple(dict.fromkeys(found))


def body_chars(article: dict[str, Any] | None) -> int | None:
    """The length of the JSON-LD ``articleBody`` (whitespace collapsed); its text is never
    used, only how long the page says the article is."""
    body = (article or {}).get("articleBody")
    if not isinstance(body, str):
        return None
    return len(" ".join(body.split())) or None


def flag_of(value: Any) -> bool | None:
    """A schema.org Boolean: ``true``/``false``, ``"False"``, ``"https://schema.org/True"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = _SCHEMA_PREFIX.sub("", value.strip()).lower()
        return {"true": True, "false": False}.get(word)
    return None


def _described(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects that describe the page or its article (not its publisher or author)."""
    return [obj for obj in with_main_entities(objects)
            if types_of(obj) & (ARTICLE_TYPES | PAGE_TYPES)]


def _locked(obj: dict[str, Any]) -> list[str]:
    parts = obj.get("hasPart")
    found = []
    for part in parts if isinstance(parts, list) else [parts]:
        if not isinstance(part, dict) or flag_of(part.get("isAccessibleForFree")) is not False:
            continue
        raw = part.get("cssSelector")
        for selector in raw if isinstance(raw, list) else [raw]:
            if isinstance(selector, str) and 0 < len(selector.strip()) <= _MAX_SELECTOR:
                found.append(" ".join(selector.split()))
    return found


def _type_name(obj: dict[str, Any]) -> str:
    raw = obj.get("@type")
    name = raw[0] if isinstance(raw, list) and raw else raw
    return _TYPE_PATH.split(name)[-1] if isinstance(name, str) and name else "object"
