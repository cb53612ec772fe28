"""The one Python walk over a freshly parsed document: the elements ``parse`` and ``clean``
look for by tag, listed in document order.

Every ``tree.tags``/``css``/``strip_tags`` call is a pass over the whole document in C
(about 11 µs on a median page, 15 for a selector), and the two stages asked for some twenty
of them (a meta, base, title, canonical link and JSON-LD pass; one per silent tag, the
``<noscript>``s, five form controls). One Python walk that sorts the elements by tag id
costs about seven (80 µs): a Python step per node is dearer than C's, but it is one pass.

The lists mirror what those calls found: tags are matched by tag id, as ``tags`` and
``strip_tags`` do and as a CSS type selector does in every namespace (an ``<svg>``'s
``<style>`` included); a ``<template>``'s content is not walked, as none of them walks it.

The walk is made in C (``_walks.elements``, see ``cwalks``) where it is bound and lists a
probe page as the walk here does: it makes node objects only for the elements it lists,
the walk in Python one for every element (tests/test_inventory.py holds the two alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .cwalks import WALKS, agrees, table
from .measure import tag_id

#: Never readable text: ``clean`` removes these without a report.
SILENT = (
    "script", "style", "template", "link", "meta", "iframe", "object", "embed", "canvas",
    "svg", "audio", "video", "map", "dialog",
)
#: Form controls: labels like "Subscribe" or "Search", never article prose.
CONTROLS = ("input", "select", "textarea", "button", "option")

_SCRIPT, _META, _LINK = tag_id("script"), tag_id("meta"), tag_id("link")
_BASE, _TITLE, _HEAD = tag_id("base"), tag_id("title"), tag_id("head")
_NOSCRIPT = tag_id("noscript")
_SILENT_IDS = frozenset(tag_id(tag) for tag in SILENT)
_CONTROL_IDS = frozenset(tag_id(tag) for tag in CONTROLS)
# What the walk keeps before <body> (the head) and inside it (a <title> in <body> is an
# icon's, never ``head > title``).
_HEAD_WANTED = _SILENT_IDS | {_BASE, _TITLE}
_BODY_WANTED = _SILENT_IDS | _CONTROL_IDS | {_BASE, _NOSCRIPT}


@dataclass(slots=True)
class Inventory:
    """The elements of one walk, each list in document order."""

    scripts: list[LexborNode] = field(default_factory=list)
    metas: list[LexborNode] = field(default_factory=list)
    links: list[LexborNode] = field(default_factory=list)
    #: How many of ``links`` are in <head> (they come first).
    head_links: int = 0
    #: The other silent elements (styles, embeds, svg, …).
    silent: list[LexborNode] = field(default_factory=list)
    bases: list[LexborNode] = field(default_factory=list)
    #: The first <title> whose parent is <head> (``head > title``), if any.
    head_title: LexborNode | None = None
    #: <noscript>s and form controls inside <body>.
    noscripts: list[LexborNode] = field(default_factory=list)
    controls: list[LexborNode] = field(default_factory=list)


def take(tree: LexborHTMLParser, *, in_c: bool = True) -> Inventory:
    """List the elements ``parse`` and ``clean`` need, in one pass over ``tree``. ``in_c``:
    with the walk in C when it is at hand (the tests compare the two)."""
    root = tree.root
    if root is None:
        return Inventory()
    if in_c and IN_C:
        return _take_in_c(tree, root)
    inventory = Inventory()
    # The list each wanted tag goes to (the kinds that share one keep document order).
    lists = dict.fromkeys(_SILENT_IDS, inventory.silent)
    lists.update(dict.fromkeys(_CONTROL_IDS, inventory.controls))
    lists.update({_SCRIPT: inventory.scripts, _META: inventory.metas, _LINK: inventory.links,
                  _BASE: inventory.bases, _NOSCRIPT: inventory.noscripts})
    body = tree.body
    body_id = body.mem_id if body is not None else None
    nodes = root.traverse()
    # Local names: the loops run once per element, and a local is the cheapest lookup.
    head_wanted, body_wanted = _HEAD_WANTED, _BODY_WANTED
    for node in nodes:  # up to <body>: the <head>
        tag = node.tag_id
        if tag in head_wanted:
            if tag != _TITLE:
                lists[tag].append(node)
            elif inventory.head_title is None and _in_head(node):
                inventory.head_title = node
        elif node.mem_id == body_id:
            break
    inventory.head_links = len(inventory.links)
    for node in nodes:  # the rest of the document is <body>'s
        tag = node.tag_id
        if tag in body_wanted:
            lists[tag].append(node)
    return inventory


def _in_head(node: LexborNode) -> bool:
    parent = node.parent
    return parent is not None and parent.tag_id == _HEAD


# The C walk's lists, in this order; each tag's number in them (1 for the first) before
# <body> and after it. A tag in two sets goes where ``take``'s ``lists`` puts it.
_LISTS = ("scripts", "metas", "links", "silent", "bases", "noscripts", "controls", "titles")
_SPECIAL = {_SCRIPT: 1, _META: 2, _LINK: 3, _BASE: 5, _NOSCRIPT: 6, _TITLE: 8}
_HEAD_TABLE = table({tag: _SPECIAL.get(tag, 4) for tag in _HEAD_WANTED})
_BODY_TABLE = table({tag: _SPECIAL.get(tag, 4 if tag in _SILENT_IDS else 7)
                     for tag in _BODY_WANTED})


def _take_in_c(tree: LexborHTMLParser, root: LexborNode) -> Inventory:
    body = tree.body
    found, at_body = WALKS.elements(root.mem_id, tree, body.mem_id if body is not None else 0,
                                    _HEAD_TABLE, _BODY_TABLE, len(_LISTS))
    scripts, metas, links, silent, bases, noscripts, controls, titles = found
    head_links = at_body[_LISTS.index("links")]
    return Inventory(scripts, metas, links, len(links) if head_links is None else head_links,
                     silent, bases, next((title for title in titles if _in_head(title)), None),
                     noscripts, controls)


# The probe: every list, before and after <body>, and the turns of the walk (a <title> out
# of <head>, a <template>'s content, foreign content, elements after </body>).
_PROBE = (
    "<html><head><title>T</title><meta name=a content=b><link rel=canonical href=/c><base "
    "href=/><script>s</script><style>p{}</style><noscript><link href=n></noscript></head>"
    "<body><svg><title>icon</title><style>s</style></svg><p>text<button>b</button><input>"
    "<select><option>o</select><textarea></textarea></p><noscript><img></noscript>"
    "<template><script>t</script><input></template><iframe></iframe><meta name=m><link "
    "href=b><base href=/b><video><source></video></body></html><script>after</script>"
)


def _listed(inventory: Inventory) -> list[object]:
    """The inventory's lists, head title and head link count, to compare two walks by."""
    return [getattr(inventory, name) for name in _LISTS if name != "titles"] + [
        inventory.head_title, inventory.head_links]


#: Whether ``take`` walks in C: it is bound and lists the probe as the walk here does.
IN_C = agrees(_PROBE, lambda tree, _: _listed(_take_in_c(tree, tree.root)),
              lambda tree, _: _listed(take(tree, in_c=False)))
