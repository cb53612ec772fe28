"""Site stage: what the site rule for this page's host says, handed to the other stages.

A rule (``rules/<host>.toml``) may rewrite a few nodes right after parsing, name the
content root, strip blocks with a kind, and give title/author/date selectors. Everything
it does not say is left to the generic stages; a rule whose selectors match nothing
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from selectolax.lexbor import LexborNode

from ..rules import Rule, RuleSet
from ..rules import apply as rule_apply
from .candidates import Choice, lead_figure, page_title
from .metadata.bylines import clean_byline
from .metadata.dates import normalize as normalize_date
from .page import Metadata, Page
from .standfirst import standfirst

#: A removal a rule asks for: node, kind, reason.
Hit = tuple[LexborNode, str, str]


@dataclass(frozen=True, slots=True)
class Site:
    """The matched rule (or None) and what it found on this page."""

    rule: Rule | None = None
    #: Strip hits anywhere in the body; classify drops those inside the article and
    #: reports the others.
    hits: tuple[Hit, ...] = ()


def match(rules: RuleSet | None, url: str | None) -> Rule | None:
    """The rule for the page's host, if any."""
    return rules.match(url) if rules is not None and url else None


def transform(page: Page, rule: Rule | None) -> None:
    """Apply the rule's transforms, before cleaning sees the tree (lazy images, wrappers)."""
    if rule is not None and rule.transform and page.body is not None:
        if rule_apply.transform(page.body, rule):
            page.inventory = None  # parse's lists of elements no longer match the tree


def prepare(page: Page, rule: Rule | None) -> Site:
    """What the rule strips, searched once the tree is clean (no script text to read)."""
    if rule is None or page.body is None:
        return Site(rule)
    return Site(rule, tuple(rule_apply.strips([page.body], rule)))


def choose(page: Page, site: Site) -> Choice | None:
    """The content root the rule's ``body`` selectors name, or None to let candidates choose."""
    if site.rule is None or page.body is None:
        return None
    roots = rule_apply.body_roots(page.body, site.rule)
    if not roots:
        return None
    reason = f"rule {site.rule.name}: body"
    single = len(roots) == 1
    return Choice(root=roots[0], confidence=1.0, extra=tuple(roots[1:]), reasons=(reason,),
                  lead=lead_figure(roots[0]) if single else None,
                  intro=standfirst(roots[0], page_title(page)) if single else None)


def metadata(page: Page, site: Site, meta: Metadata) -> Metadata:
    """``meta`` with the rule's title, author and date where its selectors found them."""
    root = page.tree.root
    if site.rule is None or root is None:
        return meta
    found = rule_apply.metadata(root, site.rule)
    changes: dict[str, str] = {}
    if found.get("title"):
        changes["title"] = found["title"]
    byline = clean_byline(found.get("author"))
    if byline:
        changes["byline"] = byline
    published = normalize_date(found.get("date"))
    if published:
        changes["published"] = published
    return replace(meta, **changes) if changes else meta
