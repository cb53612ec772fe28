"""The paywall verdict: ``paywalled``, ``access`` and the evidence for both.

Three kinds of evidence, none of them a guess from wording (phrase lists flag newsletter
boxes as paywalls):

- what the page states (``metadata.access``): JSON-LD ``isAccessibleForFree`` on the article
  or on ``hasPart`` sections, and ``article:content_tier``; with the sections' selectors
  counted in the page (``marks``);
- what the server answered: 401, 402 or 403 with an article page (``with_status``, called by
  the service, which alone knows the status);
- a teaser check: the text is much shorter than the length the page states for its article
  (JSON-LD ``wordCount``, else the length of ``articleBody``). ``articleBody`` is only
  measured: text the page does not show is never filled in from it.

plainpage reports access; it never works around it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Access, Article, PaywallEvidence
from .page import LockedPart, Metadata, Page

__all__ = ["Verdict", "decide", "with_status"]

_TEASER_SHARE = 0.5       # under half the stated length is a teaser, not a loose count
_TEASER_MIN_WORDS = 150   # a short piece's count is too rough to compare
_TEASER_MIN_CHARS = 1000
_UNSPACED_CHARS_PER_WORD = 12  # scripts without spaces between words (CJK, Thai)
_STATUS = {401: "401 Unauthorized (a login)", 402: "402 Payment Required",
           403: "403 Forbidden"}


@dataclass(frozen=True, slots=True)
class Verdict:
    paywalled: bool = False
    access: Access | None = None
    evidence: tuple[PaywallEvidence, ...] = ()


def decide(page: Page, meta: Metadata, text: str) -> Verdict:
    """The verdict for one extracted page from its statements, marks and text."""
    flat = " ".join(text.split()) if page.locked_parts else ""
    evidence = list(meta.evidence) + [_part(part, flat) for part in page.locked_parts]
    # Skipped when the article goes on on another page: this one holds only part of it.
    teaser = None if page.next_page else _teaser(meta, text)
    paywalled = meta.paywalled
    if teaser is not None:
        evidence.append(teaser)
        paywalled = paywalled or meta.access != "free"
    return Verdict(paywalled, meta.access, tuple(evidence))


def _part(part: LockedPart, flat_text: str) -> PaywallEvidence:
    """What the page's selector for its part for subscribers found, and whether that text
    is in the article: the page sent it (the reader sees what the page holds, no more)."""
    if part.elements < 0:
        found = "is not a selector plainpage can read"
    elif part.elements == 0:
        found = "matches nothing in this page"
    else:
        where = ("its text is in the article (the page sent it)"
                 if part.probe and part.probe in flat_text else "its text is not in the article")
        plural = "s" if part.elements > 1 else ""
        found = (f"matches {part.elements} element{plural} with {part.words} words, "
                 f"the part for subscribers; {where}")
    return PaywallEvidence("json-ld", f"cssSelector {part.selector} {found}")


def _teaser(meta: Metadata, text: str) -> PaywallEvidence | None:
    """Evidence that ``text`` is a teaser of a longer article, or None."""
    if not (meta.stated_word_count or meta.stated_body_chars):
        return None  # the page states no length to compare with (most pages)
    tokens = text.split()  # split once: the character count below joins the same words
    words = len(tokens)
    if not words:
        return None  # nothing found is an extraction problem, not a teaser
    stated = meta.stated_word_count
    spaced = len(text) <= words * _UNSPACED_CHARS_PER_WORD
    if stated and stated >= _TEASER_MIN_WORDS and spaced:
        if words < stated * _TEASER_SHARE:
            return PaywallEvidence(
                "teaser", f"{words} words here; the page states {stated} (JSON-LD wordCount)")
        return None
    body = meta.stated_body_chars
    chars = len(" ".join(tokens))
    if body and body >= _TEASER_MIN_CHARS and chars < body * _TEASER_SHARE:
        return PaywallEvidence("teaser", f"{chars} characters of text here; the page's "
                                         f"JSON-LD articleBody has {body}")
    return None


def with_status(article: Article, status: int) -> Article | None:
    """``article`` marked paywalled by the server's 401/402/403, or None when the page is not
    an article (a login form, a bot check): then the status is the answer, not the page.

    An article page states something about itself that error pages do not: access
    statements or a publication date.
    """
    if status not in _STATUS:
        return None
    stated = any(item.source in ("json-ld", "meta") for item in article.paywall_evidence)
    if not article.text or not (stated or article.published):
        return None
    access: Access = "metered" if article.access == "metered" else "subscriber"
    evidence = PaywallEvidence("http", f"the site answered {_STATUS[status]}")
    return replace(article, paywalled=True, access=access,
                   paywall_evidence=(*article.paywall_evidence, evidence))
