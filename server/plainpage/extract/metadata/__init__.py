"""Metadata stage: title, byline, dates, site name, language, excerpt, image, paywall flags.

Reads only what ``parse`` collected (JSON-LD, ``<meta>``, ``<title>``, ``lang``/``dir``,
canonical) plus a few cheap lookups in the tree; it never changes the tree. Every field takes
the most specific reliable source first: a page's JSON-LD Article states its headline on
purpose, ``og:*`` tags are written for sharing and usually clean, ``<title>`` carries the site's
name and is the last resort before guessing from the page's elements. A stated title (JSON-LD,
og:title) is kept whole, as Readability keeps it; only a ``<title>`` loses the site's name.

The package's parts:

- ``sources``: ``<meta>`` names normalised, the page's main JSON-LD object, value cleaning.
- ``titles``: the title and the site's name.
- ``bylines``: the author's name.
- ``dates``: date normalisation and the published/modified dates.
- ``nearby``: the short texts around the headline (printed bylines and dates).
- ``facts``: language, direction, excerpt, image, canonical URL, word count.
- ``access``: what the page states about who may read it (JSON-LD, content tier).
"""

from __future__ import annotations

from ...options import Options
from ..page import Metadata, Page
from . import access, bylines, dates, facts, nearby, sources, titles


def extract(page: Page, options: Options) -> Metadata:
    """Everything the page says about itself; each field None when nothing reliable says it."""
    meta = sources.normal_meta(page.meta)
    article, strong = sources.main_object(page.jsonld)
    if article is not None:
        article = sources.resolve_refs(article, page.jsonld)
    site = titles.site_name(page, meta, article)
    title = titles.page_title(page, meta, article, strong, site)
    near = nearby.Around(page, title)
    published, modified = dates.find(page, meta, article, near)
    stated = access.statements(page.jsonld, meta)
    lang = facts.language(page, meta, article)
    return Metadata(
        title=title,
        byline=bylines.byline(page, meta, article, site, near),
        published=published,
        modified=modified,
        site_name=site,
        lang=lang,
        dir=facts.direction(page, lang),
        excerpt=facts.excerpt(meta, article),
        image=facts.image(page, meta, article),
        canonical_url=facts.canonical(page, meta),
        paywalled=stated.paywalled,
        access=stated.access,
        stated_word_count=facts.word_count(article) if strong and article else None,
        stated_body_chars=access.body_chars(article) if strong else None,
        evidence=stated.evidence,
    )
