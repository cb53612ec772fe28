"""Classify stage: decide which blocks inside the content root are not the article.

Pure: returns the ``mem_id``s render must skip and the ``Removed`` report for each; the
tree is not changed. Nothing is dropped silently: every skipped block with text is reported
with its kind, the signals that fired and a CSS path (siblings outside the chosen article,
which were never part of it, are the exception).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from ...model import Removed
from ...options import Options
from ..budget import Budget
from ..candidates import Choice, declares_article
from ..clean import Pending
from ..measure import contains, link_chars, walk_up
from ..page import Page
from ..patterns import FURNITURE_ROLES, FURNITURE_TAGS, is_content_class, is_drop_class
from ..selectors import class_and_id, css_path, describe, names_of
from ..signals import Signals
from .detector import class_kind, detect
from .drops import Found, within_budget
from .names import names_figure_parts, names_kind, without_figure_parts

# Blocks the link-density test looks at: lists and generic containers, not paragraphs.
_LINKY_TAGS = "ul, ol, div, section, table, dl"
# Blocks judged by their tag, landmark role or class/id names.
_CANDIDATE_SELECTOR = "nav, aside, footer, form, [role], [class], [id]"
# A block holding more than this share of the root's text is not dropped by class alone,
# unless it holds no prose at all or is the comment section of an article.
_MAX_SHARE = 0.25
_LINKY_DENSITY = 0.5  # a block whose text is at least half links is a link list
_AROUND_CHARS = 600  # neighbours of the article searched for boilerplate to report …
_AROUND_SIBLINGS = 2  # … the nearest this many on each side …
_AROUND_LEVELS = 4  # … of the article and of its ancestors up to this many levels
_INFOBOX_CHARS = 200  # an <aside> with this much prose …
_INFOBOX_LINKS = 0.3  # … and fewer links than this is a callout, not furniture
_ARTICLE_PROSE = 200  # prose outside comment sections that makes the root an article
_REPEATED = 3  # this many same-class siblings are a pattern (posts, cards), not extras
_DATELINE_LABEL_WORDS = 2  # "Updated:", "Published on" before a date on its own line
_FIGURE_LEVELS = 4  # how far up a caption's span is looked at for its figure
_CTA_CHARS = 24  # a button's label is a few words ("Get started", "Add to cart")
# What follows a headline inside a <title>: " | Site", " - Site", ": subtitle" …
_SEPARATED_RE = re.compile(r"\s*[|\-–—:·•»]\s")

#: A removal a site rule asks for: node, kind, reason.
Hit = tuple[LexborNode, str, str]


@dataclass(frozen=True, slots=True)
class Decision:
    """What classify decided: nodes to skip when rendering, and the report."""

    drops: frozenset[int]
    removed: tuple[Removed, ...]


def classify(page: Page, choice: Choice, sig: Signals, options: Options,  # noqa: PLR0913
             pending: list[Pending], ruled: Sequence[Hit] = (), *,
             budget: Budget | None = None) -> Decision:
    """Find boilerplate inside the chosen roots: what the site rule strips, what the
    generic detector calls appeals, nags and read-more lines, furniture and link lists.
    Rule strips and detected boilerplate outside the roots are reported too. ``budget``
    is ticked in the link-list pass, the one loop here that grows with elements × depth."""
    root = choice.root
    if root is None:
        return Decision(frozenset(), ())
    roots = (root, *choice.extra)
    # Whether a node is a root or lies under one, remembered for every node walked
    # through (the removals clean reports sit side by side).
    known = {r.mem_id: True for r in roots}
    removed = [p.removed for p in pending if walk_up(p.parent, known, _never, False)]
    root_chars = max(1, sum(sig.text_size(r) for r in roots))
    inside = [hit for hit in ruled if walk_up(hit[0], known, _never, False)]
    found: list[Found] = [(node, (kind, reason)) for node, kind, reason in inside]
    # On a page that says it is one article and holds one outside its comment sections,
    # the comments are never the content, however long the thread (on other pages posts
    # may be the content: forums).
    article = (declares_article(page)
               and sig.good_chars(root, plain=True) >= _ARTICLE_PROSE)
    for each in roots:
        if options.clean_boilerplate:
            found += detect(each, page.traces)
        found += _furniture(each, root_chars, sig, options, article)
        found += _link_lists(each, root_chars, sig, budget or Budget(0))
    found += _title_heading(page, root)
    found = _keep_repeated(_unique(found), root_chars, sig)
    forced = {node.mem_id for node, _, _ in inside}
    if article:
        forced.update(node.mem_id for node, verdict in found
                      if _beside_article(node, verdict, sig))
    drops = set(choice.exclude)
    for node, (kind, reason), text in within_budget(found, roots, root_chars, forced):
        drops.add(node.mem_id)
        if text:
            removed.append(Removed(kind=kind, text=text, reason=reason,  # type: ignore[arg-type]
                                   selector=css_path(node)))
    removed += _outside(page, roots, ruled, inside, options, sig)
    return Decision(frozenset(drops), tuple(removed))


def _never(node: LexborNode, tag: str) -> bool | None:
    """``walk_up``'s verdict when only the nodes it already knows (the roots) decide."""
    return None


def _outside(page: Page, roots: tuple[LexborNode, ...], ruled: Sequence[Hit],
             inside: list[Hit], options: Options, sig: Signals) -> list[Removed]:
    """Boilerplate around the article (a header's donation banner, a newsletter box under
    it): not in the text anyway, but the reader is told it was there."""
    taken = {node.mem_id for node, _, _ in inside}
    hits = [(node, kind, reason) for node, kind, reason in ruled if node.mem_id not in taken]
    if options.clean_boilerplate and page.body is not None:
        ruled_nodes = [node for node, _, _ in ruled]
        around = _around(page.body, roots[0], sig, page.traces)
        hits += [(node, kind, reason) for node, (kind, reason) in around
                 if not any(contains(node, hit) or contains(hit, node) for hit in ruled_nodes)]
    report = []
    seen: set[int] = set()
    for node, kind, reason in hits:
        text = " ".join(node.text(separator=" ").split())
        if text and node.mem_id not in seen:
            seen.add(node.mem_id)
            report.append(Removed(kind=kind, text=text, reason=reason,  # type: ignore[arg-type]
                                  selector=css_path(node)))
    return report


def _around(body: LexborNode, root: LexborNode, sig: Signals,
            traces: Sequence[LexborNode]) -> list[Found]:
    """Boilerplate in the small blocks beside the article and beside each of its ancestors
    (a banner in the header, a box after the article). Big neighbours (menus, sidebars,
    footers) are not searched: the cost would be the whole page's text."""
    found: list[Found] = []
    current = root
    for _ in range(_AROUND_LEVELS):
        parent = current.parent
        if parent is None or current.mem_id == body.mem_id:
            break
        for node in _neighbours(current):
            # a measured neighbour (a ranked candidate) over the bound needs no text():
            # its non-space characters alone exceed it
            if sig.sizes.get(node.mem_id, 0) > _AROUND_CHARS:
                continue
            text = node.text()
            # one with no text but white space (an image, an empty slot) holds no cue word
            if len(text) <= _AROUND_CHARS and text and not text.isspace():
                found += detect(node, traces, inclusive=True)
        current = parent
    return found


def _neighbours(child: LexborNode) -> list[LexborNode]:
    """The ``_AROUND_SIBLINGS`` siblings nearest to ``child`` on each side that are not
    text nodes (what ``parent.iter()`` lists), stepped to instead of listing them all."""
    return _siblings(child, "prev")[::-1] + _siblings(child, "next")


def _siblings(child: LexborNode, step: str) -> list[LexborNode]:
    found: list[LexborNode] = []
    node = getattr(child, step)
    while node is not None and len(found) < _AROUND_SIBLINGS:
        if not node.is_text_node:
            found.append(node)
        node = getattr(node, step)
    return found


def _unique(found: list[Found]) -> list[Found]:
    """One verdict per node (the first): a share bar is both a class match and a link list."""
    seen: set[int] = set()
    unique = []
    for item in found:
        if item[0].mem_id not in seen:
            seen.add(item[0].mem_id)
            unique.append(item)
    return unique


def _keep_repeated(found: list[Found], root_chars: int, sig: Signals) -> list[Found]:
    """Leave out blocks that repeat (same parent, same class) and together hold a large
    part of the root: a forum's posts, a listing's cards, not a page's stray extras."""
    if len(found) < _REPEATED:
        return found  # too few to repeat
    groups: dict[tuple[int, str], list[Found]] = {}
    for item in found:
        node = item[0]
        parent = node.parent
        key = (parent.mem_id if parent is not None else 0, node.attrs.get("class") or "")
        groups.setdefault(key, []).append(item)
    keep: set[int] = set()
    for (_, classes), items in groups.items():
        if len(items) >= _REPEATED and classes:
            if sum(sig.text_size(node) for node, _ in items) > _MAX_SHARE * root_chars:
                keep.update(node.mem_id for node, _ in items)
    return [item for item in found if item[0].mem_id not in keep]


def _beside_article(node: LexborNode, verdict: tuple[str, str], sig: Signals) -> bool:
    """A comments section by its class (negative weight): on an article's page never part
    of the article, however long the thread."""
    return verdict[0] == "comments" and sig.weight(node) < 0


def _furniture(root: LexborNode, root_chars: int, sig: Signals, options: Options,
               article: bool) -> list[Found]:
    found = []
    last = None
    for node in root.css(_CANDIDATE_SELECTOR):
        key = node.mem_id
        if key == last:  # Lexbor returns a node once per matching selector, in a row
            continue
        last = key
        tag = node.tag or ""
        verdict = (_dateline(node) if tag == "time" and article
                   else _furniture_verdict(node, tag, options.clean_boilerplate, sig))
        # A big block may be content its class misnames; one without a line of prose (a
        # list of related links) cannot be.
        if verdict is None or (sig.text_size(node) > _MAX_SHARE * root_chars
                               and sig.good_chars(node) > 0
                               and not (article and _beside_article(node, verdict, sig))):
            continue
        found.append((node, verdict))
    return found


def _furniture_verdict(node: LexborNode, tag: str, by_class: bool,
                       sig: Signals) -> tuple[str, str] | None:
    if tag in FURNITURE_TAGS:
        parent = node.parent
        if tag == "footer" and parent is not None and parent.tag in ("blockquote", "figure"):
            return None  # a quote's attribution, a figure's credit
        if tag == "aside" and _is_infobox(node, sig):
            return None
        return "nav", f"<{tag}> element"
    if tag == "form":
        return "noise", "form (buttons and fields, not text)"
    attrs = node.attributes  # one dict for role, class and id (a missing attrs key is slow)
    role = attrs.get("role")
    if role and role.strip().lower() in FURNITURE_ROLES:
        return "nav", f"role={role.strip().lower()}"
    if not by_class:
        return None
    names, kind, drop = _class_names(attrs.get("class"), attrs.get("id"))
    if kind is None and not drop:
        # nothing in _class_verdict can fire (most candidates, so no call for them):
        # leaving out a figure's words never makes a drop class
        return None
    return _class_verdict(node, tag, names, kind, sig)


def _class_verdict(node: LexborNode, tag: str, names: str, kind: str | None,
                   sig: Signals) -> tuple[str, str] | None:
    """What a block's class/id names (``names_kind``: ``kind``) make it, if anything to
    leave out."""
    if kind == "button" and sig.text_size(node) <= _CTA_CHARS:
        return "other", f"a prompt styled as a button ({describe(node)})"
    if tag in ("a", "span", "em", "strong", "b", "i", "h1", "h2", "h3", "h4", "li"):
        if tag == "span" and kind == "caption" and not _in_figure(node):
            return "other", f"a caption or credit outside a figure ({describe(node)})"
        return None
    parent = node.parent
    if tag == "figcaption" or (parent is not None and parent.tag == "figure"):
        return None  # a figure's caption belongs to the figure block
    if names_figure_parts(names) and node.css_first("img, picture") is not None:
        # An image's own box; a figure whose image a script has yet to load stays judged
        # by its class (its caption alone is not the article's text).
        names = without_figure_parts(names, tag == "figure")
    if kind == "poster":
        return "other", f"class/id names the poster's or author's details ({describe(node)})"
    if is_drop_class(names) and not is_content_class(names):
        reason = f"class/id names a non-article block ({describe(node)})"
        return class_kind(names) or "other", reason
    return None


@lru_cache(maxsize=4096)
def _class_names(classes: str | None, ident: str | None) -> tuple[str, str | None, bool]:
    """A block's class/id string (``names_of``) with its ``names_kind`` and
    ``is_drop_class``: one cache look-up for the blocks (most of them) whose names make
    them nothing."""
    names = names_of({"class": classes, "id": ident}).strip()
    return names, names_kind(names), is_drop_class(names)


def _in_figure(node: LexborNode) -> bool:
    """True when ``node`` lies in a <figure> or <figcaption> (a few levels up at most):
    the figure block renders its own caption and credit."""
    parent = node.parent
    for _ in range(_FIGURE_LEVELS):
        if parent is None:
            return False
        if parent.tag in ("figure", "figcaption"):
            return True
        parent = parent.parent
    return False


def _dateline(time: LexborNode) -> tuple[str, str] | None:
    """A date standing alone on its line (with at most a label: "Updated:") in an
    article: the dateline, which the page's metadata carries. (Only a <time> with a
    class, id or role is looked at: the class pass visits those anyway.)"""
    parent = time.parent
    if parent is None:
        return None
    own = len(time.text().split())
    if not own or len(parent.text().split()) - own > _DATELINE_LABEL_WORDS:
        return None
    return "other", "a date on its own line (the dateline)"


def _is_infobox(aside: LexborNode, sig: Signals) -> bool:
    """An <aside> inside the article that holds prose (a callout, a box of advice), not
    links: it is part of what the author wrote. Boxes with boilerplate words in their
    text or class were caught before this by the detector and the class test."""
    size = sig.text_size(aside)
    if size < _INFOBOX_CHARS or is_drop_class(class_and_id(aside).strip()):
        return False
    return min(1.0, link_chars(aside) / size) < _INFOBOX_LINKS  # link_density


def _title_heading(page: Page, root: LexborNode) -> list[Found]:
    """The article's own headline at the top of the root: it is the title, not body text."""
    heading = root.css_first("h1, h2")
    if heading is None:
        return []
    text = " ".join(heading.text().split())
    if not text or not _is_title(page, text.rstrip("¶#§ ")):
        return []
    return [(heading, ("other", "repeats the page title (kept as title)"))]


def _is_title(page: Page, text: str) -> bool:
    names = [page.title_tag, page.meta.get("og:title", ""), page.meta.get("twitter:title", "")]
    names += [str(obj.get("headline", "")) for obj in page.jsonld[:8]]
    folded = text.casefold()
    return any(name and (name.casefold() == folded or _SEPARATED_RE.match(
        name.casefold(), len(folded)) is not None and name.casefold().startswith(folded))
        for name in names)


def _link_lists(root: LexborNode, root_chars: int, sig: Signals, budget: Budget
                ) -> list[Found]:
    found = []
    nodes = root.css(_LINKY_TAGS)
    # sized inside out (a parent adds up its children's sizes), read in document order
    sizes = [sig.text_size(node) for node in reversed(nodes)]
    for node, chars in zip(nodes, reversed(sizes), strict=True):
        budget.tick("classify")  # link_chars walks the whole subtree: deep pages cost
        if not chars or chars > _MAX_SHARE * root_chars:
            continue
        density = min(1.0, link_chars(node) / chars)  # link_density, its size known
        if density >= _LINKY_DENSITY:
            found.append((node, ("nav", f"link list (link density {density:.2f})")))
    return found
