"""The values handed between pipeline stages.

``Page`` is the one parsed document every stage works on (parse once). ``Metadata`` is what
the metadata stage reads from it. Nodes are keyed by ``node.mem_id`` wherever a dict or set
holds them: comparing ``LexborNode``s with ``==`` serialises both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..model import Access, PaywallEvidence, Removed
from .inventory import Inventory


class LockedPart(NamedTuple):
    """A section the page's JSON-LD marks as not free (``hasPart`` … ``cssSelector``).

    ``elements`` is how many elements the selector matched before cleaning (-1: it does not
    compile), ``words`` the words in them, ``probe`` the start of their text (to tell whether
    it reached the article's text; never output).
    """

    selector: str
    elements: int
    words: int
    probe: str


@dataclass(slots=True)
class Page:
    """A parsed document plus what was read from it before cleaning.

    ``jsonld`` holds the JSON-LD objects of the page (``@graph`` flattened), ``meta`` the
    ``<meta>`` values by lower-cased ``name``/``property``/``itemprop`` (first wins), both
    collected by ``parse`` because ``clean`` removes scripts. ``removed`` collects every
    block a stage takes out, in the order they are taken.
    """

    tree: LexborHTMLParser
    url: str | None
    base_url: str | None
    title_tag: str = ""
    lang: str | None = None
    dir: str | None = None
    canonical: str | None = None
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    removed: list[Removed] = field(default_factory=list)
    #: Read by ``marks`` before ``clean`` removes links and hidden sections: the next page's
    #: address, and the sections the page marks as not free.
    next_page: str | None = None
    locked_parts: tuple[LockedPart, ...] = ()
    #: The elements ``parse``'s one walk listed by tag, for ``clean`` to remove; None once
    #: a site rule's transforms have changed the tree (``clean`` then walks it again).
    inventory: Inventory | None = None
    #: The elements ``clean`` marked with the trace of a form control it removed (an e-mail
    #: field, a button's label), in the order it removed them: the detector looks for
    #: traces under a block by these, without a selector pass.
    traces: list[LexborNode] = field(default_factory=list)

    @property
    def body(self) -> LexborNode | None:
        """The <body> element (Lexbor always creates one for a non-empty document)."""
        return self.tree.body


@dataclass(frozen=True, slots=True)
class Metadata:
    """Document-level facts for the Article (all optional)."""

    title: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    site_name: str | None = None
    lang: str | None = None
    dir: str | None = None
    excerpt: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    #: JSON-LD isAccessibleForFree == false, or another explicit paywall marker.
    paywalled: bool = False
    #: What the page states about access (``metadata.access``); None when it says nothing.
    access: Access | None = None
    #: wordCount the page states for itself, used by the teaser check.
    stated_word_count: int | None = None
    #: Length in characters of the JSON-LD articleBody (only its length is ever used).
    stated_body_chars: int | None = None
    evidence: tuple[PaywallEvidence, ...] = ()
