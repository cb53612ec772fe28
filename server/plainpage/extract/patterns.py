"""Every regex, tag set and class/id token group of the extractor, compiled once.

Class/id tokens are matched once per distinct attribute string (see ``class_weight``), never
once per node: a regex per node costs more than the parse on a big page.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _alt(tokens: tuple[str, ...]) -> str:
    """Join tokens into a regex alternation; an empty group would match everything."""
    if not tokens:
        raise ValueError("empty token group")
    return "|".join(tokens)


# Class/id words of containers that usually hold the article (Readability's "positive").
POSITIVE_TOKENS = (
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post",
    "text", "blog", "story", "prose", "markdown", "rich-?text", "articlebody", "column",
)
# Class/id words of containers that usually hold something else (Readability's "negative",
# plus the boilerplate families plainpage reports).
NEGATIVE_TOKENS = (
    r"\bads?\b", "adsense", "advert", "banner", "combx", "comment",
    "contact", "footer", "foot", "gdpr", "masthead", "outbrain", "taboola", "promo",
    "related", "scroll", "share", "sharing", "shoutbox", "sidebar", "skyscraper", "sponsor",
    "shopping", "widget", "nav", "menu", "breadcrumb", "cookie", "consent", "newsletter",
    "subscri", "donat", "popup", "modal", "social", r"\btags?\b", "tagcloud", "recommend",
    "most-?read", "most-?popular", "trending", "signup", "sign-up", "login", "paywall",
    "teaser", "byline", "author-?bio", "disqus", "pagination", "pager", "toolbar",
)
# Class/id words strong enough to drop a block inside the article on their own (the
# scoring words above also include layout words such as "widget" that page builders put
# on everything).
DROP_TOKENS = (
    r"\bads?\b", "advert", "sponsor", "promo", "outbrain", "taboola", "share", "sharing",
    "social", "related", "recommend", "newsletter", "subscri", "donat", "cookie", "consent",
    "comment", "disqus", "breadcrumb", "pagination", "pager", "author-?bio", "most-?read",
    "most-?popular", "trending", "popup", "modal", "signup", "sign-up", "paywall",
    r"\btags?\b", "tagcloud", "sidebar", r"\bmenu\b", r"\bnav\b", "navbar", "navigation",
    "feedback", r"(?<![a-z])meta(?![a-z])", "byline", "dateline",
    r"(?<![a-z])(?:post|entry|article|thread)[-_]?info", r"reply[-_]?(?:box|form|link)",
    r"log-?in", "signin", "sign-in",
)
DROP_RE = re.compile(_alt(DROP_TOKENS), re.I)
# The text of a comment or forum post ("comment-body", "comment_content"): on a forum it
# is the content, so the "comment" token alone must not drop it.
CONTENT_RE = re.compile(r"comment\w*?[-_](?:body|content|text|message)", re.I)
POSITIVE_RE = re.compile(_alt(POSITIVE_TOKENS), re.I)
NEGATIVE_RE = re.compile(_alt(NEGATIVE_TOKENS), re.I)

# Containers that are page furniture by their tag or landmark role.
FURNITURE_TAGS = frozenset({"nav", "aside", "footer"})
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                             "menu", "menubar", "dialog", "alert", "alertdialog"})

# schema.org types of a page that is one article (JSON-LD @type).
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle",
    "AnalysisNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle",
    "BackgroundNewsArticle", "LiveBlogPosting", "SocialMediaPosting", "Review", "Recipe",
})

HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# Punctuation that separates clauses in the scripts the corpora use (Readability's commas).
COMMAS = (",", "，", "、", "،", "؛", "；")


@lru_cache(maxsize=4096)
def is_drop_class(class_and_id: str) -> bool:
    """True when a class/id string names a boilerplate block (share, related, ad …)."""
    return bool(class_and_id) and DROP_RE.search(class_and_id) is not None


@lru_cache(maxsize=4096)
def is_content_class(class_and_id: str) -> bool:
    """True when a class/id string also names content ("comment-body", "post-content")."""
    return bool(class_and_id) and CONTENT_RE.search(class_and_id) is not None


@lru_cache(maxsize=4096)
def class_weight(class_and_id: str) -> int:
    """Readability's class weight (+25 / -25) for one distinct ``class + " " + id`` string."""
    if not class_and_id:
        return 0
    weight = 0
    if NEGATIVE_RE.search(class_and_id):
        weight -= 25
    if POSITIVE_RE.search(class_and_id):
        weight += 25
    return weight
