"""Assemble the Article from what the stages produced."""

from __future__ import annotations

import math
from dataclasses import replace

from ..model import Article, Removed
from ..options import Options
from .candidates import Choice
from .classify import Decision
from .page import Metadata, Page
from .paywall import decide
from .render import Rendered
from .strings import word_count

_EXCERPT_CHARS = 300


def assemble(page: Page, meta: Metadata, rendered: Rendered, choice: Choice,
             decision: Decision, options: Options) -> Article:
    """Join metadata, renderings and the removal report into one Article."""
    text = rendered.text
    words = word_count(text)
    confidence = choice.confidence if text else 0.0
    verdict = decide(page, meta, text)
    return Article(
        url=page.url,
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        modified=meta.modified,
        site_name=meta.site_name,
        lang=meta.lang,
        dir=meta.dir,
        excerpt=meta.excerpt or _first_paragraph(text),
        standfirst=_standfirst(choice, text),
        image=meta.image,
        canonical_url=meta.canonical_url,
        text=text,
        markdown=rendered.markdown,
        html=rendered.html,
        blocks=rendered.blocks,
        removed=_withhold_hidden(decision.removed) if verdict.paywalled else decision.removed,
        paywalled=verdict.paywalled,
        access=verdict.access,
        paywall_evidence=verdict.evidence,
        next_page=page.next_page,
        word_count=words,
        reading_minutes=reading_minutes(words, options.words_per_minute),
        confidence=confidence,
    )


def _withhold_hidden(removed: tuple[Removed, ...]) -> tuple[Removed, ...]:
    """On a paywalled page, hidden elements are often the locked part of the article: the
    report names them but does not show what the page hides from its readers."""
    return tuple(
        replace(item, text="", reason=f"{item.reason}; text withheld: the page is paywalled")
        if item.kind == "hidden" else item
        for item in removed)


def reading_minutes(words: int, per_minute: int) -> int:
    """Whole minutes to read ``words`` at ``per_minute`` (0 for no text)."""
    return math.ceil(words / per_minute) if words else 0


def empty_article(url: str | None) -> Article:
    """The result for a document with nothing in it."""
    return Article(url=url)


def _standfirst(choice: Choice, text: str) -> str | None:
    if choice.intro is None:
        return None
    found = " ".join(choice.intro.text(separator=" ").split())
    return found if found and found not in text else None


def _first_paragraph(text: str) -> str | None:
    first = text.split("\n\n", 1)[0].strip()
    if not first:
        return None
    if len(first) <= _EXCERPT_CHARS:
        return first
    cut = first[:_EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + "…"
