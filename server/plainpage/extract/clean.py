"""Clean stage: remove what is never article content. Changes the tree in place.

Scripts, styles and embedded objects go silently (they are not text a reader sees). Hidden
elements and form controls that carry text are recorded as pending removals: whether they
are reported depends on whether they sat inside the content the later stages choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..model import Removed
from ..options import Options
from .cwalks import WALKS, agrees
from .inventory import Inventory, take
from .measure import TEXT_ID, first_tag, tag_id
from .page import Page
from .patterns import HIDDEN_STYLE_RE, Tokens
from .selectors import css_path, describe

#: Attributes clean leaves on the parent of a removed e-mail field and button.
EMAIL_TRACE = "data-plainpage-email"
BUTTON_TRACE = "data-plainpage-button"
_NOSCRIPT_KEEP_CHARS = 200
_IMG = tag_id("img")
_LENGTH_WALK = 300  # nodes walked for the page's text length before asking for all of it
_REVEALED_SHARE = 0.5
_BUTTON_TEXT_CHARS = 30
# Class names of the visually-hidden pattern: text a screen reader announces and a reader
# never sees ("Skip to content", "opens in a new tab", carousel instructions).
_SCREEN_READER_ONLY = ("sr-only", "visually-hidden", "visuallyhidden", "screen-reader",
                       "screenreader", "a11y-hidden")
# An attribute test: (name, needle, fold): ``[name]`` when the needle is None, else
# ``[name*="needle"]``, or ``[name*="needle" i]`` with fold. Lexbor lists an element once
# for each test of a selector list it passes; the C walk (``_walks.flagged``) lists the
# same, and both lists are read in one walk there, without a node object per element.
Test = tuple[str, str | None, bool]
_HIDDEN: tuple[Test, ...] = (("hidden", None, False), ("style", "none", True),
                             ("style", "hidden", True))
# The screen-reader classes found by three substrings: each ``[class*=…]`` test is a pass
# over the document (0.03 ms) for Lexbor, so the six are picked out of these few matches in
# Python. Lexbor compares attribute values case-sensitively, as ``in`` does.
_SCREEN_READER: tuple[Test, ...] = (("class", "sr-only", False), ("class", "hidden", False),
                                    ("class", "screen", False))
# Class words of tab panels and accordion or FAQ bodies (whole words: "collapsed" menus
# are not among them).
_PANEL = Tokens(("tab-pane", "tab-panel", "tab-content"),
               ("tabpanel", "accordion", "collapse", "faq", "answer"))


@dataclass(slots=True)
class Pending:
    """A removal whose report waits for the content root (kept when it lay inside it).

    The node itself is gone; ``leaf`` describes it and ``parent`` still stands, so the CSS
    path is built only for the removals that end up reported. (Not frozen: a frozen
    dataclass sets each field through ``object.__setattr__``, 2.5 µs a removal against
    0.4; nothing changes one after it is made.)
    """

    parent: LexborNode
    leaf: str
    kind: str
    text: str
    reason: str

    @property
    def removed(self) -> Removed:
        """The report entry, with the CSS path of the removed node."""
        selector = self.leaf if "#" in self.leaf else (
            css_path(self.parent, levels=3) + " > " + self.leaf).removeprefix(" > ")
        return Removed(kind=self.kind, text=self.text, reason=self.reason,  # type: ignore[arg-type]
                       selector=selector)


def clean(page: Page, options: Options) -> list[Pending]:
    """Strip non-content elements from ``page.tree``; return removals to report later."""
    body = page.body
    if body is None:
        return []
    inventory = page.inventory if page.inventory is not None else take(page.tree)
    page.inventory = None  # its nodes are going
    _drop_silent(inventory)
    _drop_textless_noscript(_attached(inventory.noscripts))
    pending: list[Pending] = []
    flagged, screen_reader = _flagged(body, page.tree)
    hidden = [node for node in flagged if _is_hidden(node)]
    if hidden:
        # Pages that hide everything until a script reveals it (anti-flicker wrappers):
        # a hidden block with most of the page's text is the page, not a hidden extra.
        sizes = [len(node.text()) for node in hidden]
        most = _REVEALED_SHARE * _text_length(body, max(sizes) / _REVEALED_SHARE)
        hidden = [node for node, size in zip(hidden, sizes, strict=True) if size < most]
    for node in outermost(hidden):
        _record(node, "hidden", "hidden element (hidden attribute or display:none)", pending)
    for node in outermost(_screen_reader_only(screen_reader)):
        _record(node, "hidden", "text for screen readers only (visually hidden)", pending)
    for node in outermost(_attached(inventory.controls)):
        if node.tag == "button" and len(node.text()) >= _BUTTON_TEXT_CHARS:
            continue  # an accordion's question, not a "Subscribe" button
        marked = _leave_trace(node)
        if marked is not None:
            page.traces.append(marked)
        _record(node, "noise", "form control", pending)
    return pending


def _drop_silent(inventory: Inventory) -> None:
    """Remove scripts, styles, embeds (``inventory.SILENT``): ``tree.strip_tags`` from the walk's
    lists, without its walk per tag. One inside another is already gone with it."""
    for nodes in (inventory.scripts, inventory.metas, inventory.links, inventory.silent):
        for node in nodes:
            if node.parent is not None:
                node.decompose()


def _attached(nodes: list[LexborNode]) -> list[LexborNode]:
    """The ``nodes`` still in the tree. ``decompose`` detaches every node under the one it
    removes (each loses its parent), so this is what a selector run now would find of them."""
    return [node for node in nodes if node.parent is not None]


def _text_length(body: LexborNode, enough: float) -> int:
    """``len(body.text())``, or a part of it already over ``enough`` (the hidden blocks
    are a sliver of most pages: the first text nodes settle it without the whole text).
    The walk gives up after a few hundred nodes: a Python step costs more than C's."""
    length = 0
    for steps, node in enumerate(body.traverse(include_text=True)):
        if node.tag_id == TEXT_ID:
            length += len(node.text_content or "")
            if length > enough:
                return length
        if steps == _LENGTH_WALK:
            break
    else:
        return length  # the whole body walked: the exact length
    return len(body.text())


def _flagged(body: LexborNode, tree: LexborHTMLParser
             ) -> tuple[list[LexborNode], list[LexborNode]]:
    """What ``body.css`` lists of the hidden and of the screen-reader tests."""
    if FLAGGED_IN_C and body.parser is tree:
        hidden, screen_reader = WALKS.flagged(body.mem_id, tree, _C_TESTS)
        return hidden, screen_reader
    return body.css(_selector(_HIDDEN)), body.css(_selector(_SCREEN_READER))


def _selector(tests: tuple[Test, ...]) -> str:
    return ", ".join(f"[{name}]" if needle is None else
                     f'[{name}*="{needle}"{" i" if fold else ""}]' for name, needle, fold in tests)


def _screen_reader_only(candidates: list[LexborNode]) -> list[LexborNode]:
    """What ``body.css`` of the six ``[class*=…]`` tests returns, from what it lists of the
    three (``candidates``): Lexbor lists a node once per test it passes (one after the
    other), so a node is repeated as often here."""
    found: list[LexborNode] = []
    last = None
    for node in candidates:
        if node.mem_id == last:  # the same node again, for another of the three
            continue
        last = node.mem_id
        classes = node.attrs.get("class") or ""
        found += [node] * sum(name in classes for name in _SCREEN_READER_ONLY)
    return found


def _leave_trace(control: LexborNode) -> LexborNode | None:
    """Mark the control's parent with what the control was (an e-mail field, a button's
    label): the boilerplate detector reads it, as the control itself goes. Returns the
    parent it marked, if any."""
    parent = control.parent
    if parent is None:
        return None
    attrs = control.attributes
    if control.tag == "input":
        kind = (attrs.get("type") or "").lower()
        if kind == "email" or "mail" in (attrs.get("name") or "").lower():
            parent.attrs[EMAIL_TRACE] = "1"
            return parent
        if kind in ("submit", "button") and attrs.get("value"):
            parent.attrs[BUTTON_TRACE] = (attrs.get("value") or "")[:_BUTTON_TEXT_CHARS]
            return parent
    elif control.tag == "button":
        label = " ".join(control.text().split())
        if label:
            parent.attrs[BUTTON_TRACE] = label
            return parent
    return None


def outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """The nodes that have no ancestor among ``nodes`` (safe to decompose one by one)."""
    if len(nodes) < 2:
        return nodes
    ids = {node.mem_id for node in nodes}
    # Every ancestor walked through is remembered as under one of ``nodes`` or not, so
    # side-by-side nodes (a form's controls) stop where their paths meet.
    under: dict[int, bool] = {}
    keep = []
    for node in nodes:
        path = []
        found = False
        parent = node.parent
        while parent is not None:
            key = parent.mem_id
            if key in ids:
                found = True
                break
            known = under.get(key)
            if known is not None:
                found = known
                break
            path.append(key)
            parent = parent.parent
        for key in path:
            under[key] = found
        if not found:
            keep.append(node)
    return keep


def _is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if _is_panel(attrs):
        return False
    if "hidden" in attrs:
        # hidden="until-found" is collapsed text a reader can open (FAQ answers).
        return (attrs.get("hidden") or "").strip().lower() != "until-found"
    style = attrs.get("style")
    return bool(style and HIDDEN_STYLE_RE.search(style))


def _is_panel(attrs: dict[str, str | None]) -> bool:
    """A tab panel or a collapsed accordion or FAQ answer: hidden until the reader opens
    it with one click, and part of the page's content (product details, service FAQs)."""
    if (attrs.get("role") or "").strip().lower() == "tabpanel":
        return True
    names = attrs.get("class")
    return bool(names) and _names_panel(names)


@lru_cache(maxsize=4096)
def _names_panel(names: str) -> bool:
    return _PANEL.search(names.lower())


def _drop_textless_noscript(noscripts: list[LexborNode]) -> None:
    # Lexbor parses <noscript> content as markup. Keep it where it rescues an image or
    # holds the page itself (apps that render their content for script-less readers);
    # drop the "please enable JavaScript" notes.
    for node in outermost(noscripts):
        if first_tag(node, _IMG) is None and len(node.text()) < _NOSCRIPT_KEEP_CHARS:
            node.decompose()


def _record(node: LexborNode, kind: str, reason: str, pending: list[Pending]) -> None:
    parent = node.parent
    if parent is None:
        return
    text = " ".join(node.text(separator=" ").split())
    if text:
        pending.append(Pending(parent, describe(node), kind, text, reason))
    node.decompose()


_C_TESTS = tuple(tuple((name.encode(), needle and needle.encode(), fold)
                       for name, needle, fold in tests) for tests in (_HIDDEN, _SCREEN_READER))
# The probe: each test passed and failed (case, an empty value, svg), some twice.
_PROBE = (
    "<body><div hidden style='display:NONE;visibility:hidden'><p class='sr-only hidden "
    "screen'>x</p></div><svg class=hidden><g style=none></g></svg><div HIDDEN=''></div>"
    "<span class='SR-ONLY Hidden' style=''>y</span><i class=screen-reader-text></i></body>"
)


#: Whether ``_flagged`` reads the attributes in C: the walk is bound and lists the probe as
#: Lexbor's selectors do.
FLAGGED_IN_C = agrees(
    _PROBE, lambda tree, body: WALKS.flagged(body.mem_id, tree, _C_TESTS),
    lambda _, body: [body.css(_selector(_HIDDEN)), body.css(_selector(_SCREEN_READER))])
