"""Every regex, tag set and class/id token group of the extractor, compiled once.

Class/id tokens are matched once per distinct attribute string (see ``class_weight``), never
once per node: a regex per node costs more than the parse on a big page.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")


class Tokens:
    """A group of class/id words, matched against a lower-cased class/id string.

    ``parts`` match anywhere ("subscri" in "subscribe-box"), as substring tests that run in
    C; ``words`` match whole words only ("ad" in "ad-slot", not in "header"). A regex
    alternation of fifty case-insensitive words costs 25–75 µs per search in Python's
    engine, more than parsing a small page.
    """

    __slots__ = ("parts", "words")

    def __init__(self, parts: tuple[str, ...], words: tuple[str, ...] = ()) -> None:
        if not parts and not words:  # an empty group would silently match nothing
            raise ValueError("empty token group")
        self.parts, self.words = parts, frozenset(words)

    def search(self, lowered: str) -> bool:
        """True when any token occurs in ``lowered`` (already lower-cased)."""
        for part in self.parts:
            if part in lowered:
                return True
        return bool(self.words) and not self.words.isdisjoint(_WORD_SPLIT_RE.split(lowered))


# Class/id words of containers that usually hold the article (Readability's "positive").
POSITIVE_TOKENS = (
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post",
    "text", "blog", "story", "prose", "markdown", "articlebody", "column",
)
# Class/id words of containers that usually hold something else (Readability's "negative",
# plus the boilerplate families plainpage reports).
NEGATIVE_WORDS = ("ad", "ads", "tag", "tags")
NEGATIVE_TOKENS = (
    "adsense", "advert", "banner", "combx", "comment",
    "contact", "footer", "foot", "gdpr", "masthead", "outbrain", "taboola", "promo",
    "related", "scroll", "share", "sharing", "shoutbox", "sidebar", "skyscraper", "sponsor",
    "shopping", "widget", "nav", "menu", "breadcrumb", "cookie", "consent", "newsletter",
    "subscri", "donat", "popup", "modal", "social", "tagcloud", "recommend",
    "most-read", "mostread", "most-popular", "mostpopular", "trending", "signup", "sign-up",
    "login", "paywall", "teaser", "byline", "author-bio", "authorbio", "disqus", "pagination",
    "pager", "toolbar",
)
# Class/id words strong enough to drop a block inside the article on their own (the
# scoring words above also include layout words such as "widget" that page builders put
# on everything).
DROP_WORDS = ("ad", "ads", "tag", "tags", "menu", "nav", "meta")
DROP_TOKENS = (
    "advert", "sponsor", "promo", "outbrain", "taboola", "share", "sharing",
    "social", "related", "recommend", "newsletter", "subscri", "donat", "cookie", "consent",
    "comment", "disqus", "breadcrumb", "pagination", "pager", "author-bio", "authorbio",
    "most-read", "mostread", "most-popular", "mostpopular", "trending", "popup", "modal",
    "signup", "sign-up", "paywall",
    "tagcloud", "sidebar", "navbar", "navigation", "feedback", "byline", "dateline",
    "post-info", "post_info", "postinfo", "entry-info", "entry_info", "article-info",
    "article_info", "thread-info", "thread_info", "reply-box", "reply_box", "replybox",
    "reply-form", "reply_form", "reply-link", "reply_link", "login", "recommand", "empfehl",
    # Captions and credits outside a <figure>: the figure's own <figcaption> is kept.
    "caption", "credit", "log-in", "signin", "sign-in",
)
DROP = Tokens(DROP_TOKENS, DROP_WORDS)
# The text of a comment or forum post ("comment-body", "comment_content"): on a forum it
# is the content, so the "comment" token alone must not drop it.
CONTENT_RE = re.compile(r"comment\w*?[-_](?:body|content|text|message)")
POSITIVE = Tokens(POSITIVE_TOKENS)
NEGATIVE = Tokens(NEGATIVE_TOKENS, NEGATIVE_WORDS)

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
    return bool(class_and_id) and DROP.search(class_and_id.lower())


@lru_cache(maxsize=4096)
def is_content_class(class_and_id: str) -> bool:
    """True when a class/id string also names content ("comment-body", "post-content")."""
    return bool(class_and_id) and CONTENT_RE.search(class_and_id.lower()) is not None


@lru_cache(maxsize=4096)
def class_weight(class_and_id: str) -> int:
    """Readability's class weight (+25 / -25) for one distinct ``class + " " + id`` string."""
    if not class_and_id:
        return 0
    weight = 0
    lowered = class_and_id.lower()
    if NEGATIVE.search(lowered):
        weight -= 25
    if POSITIVE.search(lowered):
        weight += 25
    return weight
