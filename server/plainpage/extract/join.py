"""Join the pages of a multi-page article into one Article.

The first page gives the title and every other piece of metadata; the blocks of all pages
follow one another and are rendered again as one text, Markdown and HTML (``render.
from_blocks``, the same code a single page goes through). Removals and paywall evidence of
later pages are kept with their page number. Fetching the pages is not done here: the
service follows ``next_page`` and hands the pages in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import Access, Article, PaywallEvidence
from .assemble import reading_minutes
from .render import from_blocks
from .strings import word_count

__all__ = ["join"]

# From the most to the least restrictive: the joined article reports the strictest stated.
_ACCESS_ORDER: tuple[Access, ...] = ("subscriber", "metered", "free")


def join(pages: Sequence[Article], urls: Sequence[str], *, next_page: str | None = None,
         note: str | None = None, words_per_minute: int = 230) -> Article:
    """One Article from ``pages`` (in reading order) fetched from ``urls``.

    ``next_page`` is the page not joined (the limit was reached or its fetch failed), and
    ``note`` says why; both None when the last page was joined.
    """
    if not pages:
        raise ValueError("join needs at least one page")
    first, later = pages[0], pages[1:]
    if not later:
        return replace(first, next_page=next_page, pages_note=note)
    rendered = from_blocks([block for page in pages for block in page.blocks])
    words = word_count(rendered.text)  # (as assemble counts a single page's)
    return replace(
        first,
        text=rendered.text, markdown=rendered.markdown, html=rendered.html,
        blocks=rendered.blocks,
        removed=first.removed + tuple(
            replace(item, reason=f"page {number}: {item.reason}")
            for number, page in enumerate(later, start=2) for item in page.removed),
        **_paywall(first, later),
        next_page=next_page, pages=tuple(urls), pages_note=note,
        word_count=words, reading_minutes=reading_minutes(words, words_per_minute),
        confidence=min(page.confidence for page in pages),
    )


def _paywall(first: Article, later: Sequence[Article]) -> dict[str, object]:
    """Paywall fields of the joined article.

    A later page's teaser evidence is left out: the length a page states is the whole
    article's, which no single later page holds.
    """
    evidence: list[PaywallEvidence] = list(first.paywall_evidence)
    paywalled = first.paywalled
    for number, page in enumerate(later, start=2):
        stated = [item for item in page.paywall_evidence if item.source != "teaser"]
        evidence.extend(PaywallEvidence(item.source, f"page {number}: {item.detail}")
                        for item in stated)
        paywalled = paywalled or (page.paywalled and bool(stated))
    said = {page.access for page in (first, *later)}
    access = next((level for level in _ACCESS_ORDER if level in said), None)
    return {"paywalled": paywalled, "access": access, "paywall_evidence": tuple(evidence)}
