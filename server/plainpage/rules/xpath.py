"""Translate the XPath 1.0 that site rules use into CSS with exactly the same meaning.

``translate(xpath)`` returns a ``Translation``: a CSS selector list, or the reason there is
none. It never guesses: each construct either maps to CSS that selects the same elements of an
HTML document or is refused with a reason. Deliberate choices:

* class/id tests become attribute selectors (``[class~="x"]``, ``[id="x"]``), not ``.x``/``#x``:
  in quirks-mode pages Lexbor (like browsers) matches ``.x``/``#x`` case-insensitively, and
  XPath never does.
* attributes whose values HTML compares case-insensitively in CSS (``rel``, ``type`` …) get
  the ``s`` flag, for the same reason.
* HTML parsers lower-case element and attribute names, so an XPath test for ``@itemProp`` is
  false on every page: it is translated as false (``[@a or @itemProp]`` → ``[a]``), never as
  the case-insensitive CSS ``[itemProp]``.
* reverse axes become ``:has()``: ``//time/parent::div`` → ``div:has(> time)``, and
  ``preceding-sibling::`` → ``:has(~ …)``; a position on them (``ancestor::div[1]``) is refused.
* value expressions (title/author/date, ``value=True``) may end in ``/@attr`` (read that
  attribute) or ``/text()`` (read as the element's text: an approximation, told in ``note``).

Known limit of exactness: class-token tests (``~=``) also split on form feeds, which XPath's
normalize-space() does not. Evidence: tests/test_rules_xpath.py runs lxml and Lexbor side by
side on the same trees. Parsing is in ``xpath_parse``, selector building in ``xpath_emit`` and
``xpath_css``.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from plainpage.rules.xpath_css import NeverMatches
from plainpage.rules.xpath_emit import Tail, Untranslatable, render, walk
from plainpage.rules.xpath_parse import (
    BinOp,
    Call,
    Expr,
    Filter,
    Path,
    Union,
    XPathSyntaxError,
    parse,
)

__all__ = ["Translation", "translate"]


@dataclass(frozen=True, slots=True)
class Translation:
    """The result of translating one XPath expression."""

    xpath: str
    css: str = ""                # CSS selector list; "" when untranslatable
    attr: str = ""               # value expressions: attribute to read ("" = element text)
    reason: str = ""             # why there is no CSS (set exactly when css is "")
    note: str = ""               # an approximation that was made, if any
    reads: str = "element"       # what the XPath selected: "element", "attribute" or "text"

    @property
    def ok(self) -> bool:
        return bool(self.css)


def translate(xpath: str, *, value: bool = False) -> Translation:
    """CSS for an XPath that selects elements; with ``value`` the XPath may instead end in an
    attribute (``/@content``) or a text node, as title/author/date expressions do."""
    try:
        selectors, tail, note = _top(parse(xpath.strip()), value)
    except XPathSyntaxError as exc:
        return Translation(xpath, reason=f"not valid XPath 1.0: {exc}")
    except Untranslatable as exc:
        return Translation(xpath, reason=str(exc))
    css = ", ".join(dict.fromkeys(selectors))
    if not compiles(css):
        return Translation(xpath, reason=f"produced CSS that selectolax rejects: {css}")
    attr = tail[1] if tail is not None and tail[0] == "attr" else ""
    reads = "element" if tail is None else ("attribute" if attr else "text")
    return Translation(xpath, css=css, attr=attr, note=note, reads=reads)


def compiles(css: str) -> bool:
    """Whether Lexbor accepts the selector (the same check rule loading makes)."""
    try:
        LexborHTMLParser("<p></p>").css_first(css)
    except Exception:  # selectolax signals a bad selector with a bare exception type
        return False
    return True


def _top(expr: Expr, value: bool) -> tuple[list[str], Tail, str]:
    note = ""
    if value and isinstance(expr, Call) and expr.name in ("string", "normalize-space") \
            and len(expr.args) == 1:
        note = f"{expr.name}() read as the first match's text or attribute"
        expr = expr.args[0]
    branches = list(expr.parts) if isinstance(expr, Union) else [expr]
    selectors: list[str] = []
    tails: set[Tail] = set()
    never = "can never match"
    for branch in branches:
        if not isinstance(branch, Path):
            raise Untranslatable(_not_a_path(branch))
        if not branch.absolute and branch.steps and branch.steps[0].axis == "child":
            raise Untranslatable("relative path at the top (only the root element could match)")
        try:
            sels, tail = walk(branch.steps, from_doc=True)
        except NeverMatches as exc:      # this branch selects nothing; a union may go on
            never = f"can never match: {exc}"
            continue
        selectors += [render(sel, relative=False) for sel in sels]
        if sels:
            tails.add(tail)
    if not selectors:
        upper = sorted(_upper_case_names(expr))
        if upper and never == "can never match":
            never += f": HTML names are lower case, so {', '.join(upper)} never matches"
        raise Untranslatable(never)
    if len(tails) > 1:
        raise Untranslatable("union mixes elements, text and different attributes")
    tail = tails.pop()
    if tail is not None and not value:
        raise Untranslatable("selects attributes or text, not elements")
    if tail == ("text", ""):
        note = note or "text() read as the element's text"
    return selectors, tail, note


def _upper_case_names(expr: Expr) -> set[str]:
    """Element and attribute names with capitals anywhere in ``expr`` (for the reason text)."""
    found: set[str] = set()
    todo: list[Expr] = [expr]
    while todo:
        part = todo.pop()
        steps = part.steps if isinstance(part, Path) else part.rest \
            if isinstance(part, Filter) else ()
        for step in steps:
            if step.test != step.test.lower() and not step.test.endswith("()"):
                found.add(("@" if step.axis == "attribute" else "") + step.test)
            todo += step.preds
        if isinstance(part, Union):
            todo += part.parts
        elif isinstance(part, Call):
            todo += part.args
        elif isinstance(part, BinOp):
            todo += (part.left, part.right)
        elif isinstance(part, Filter):
            todo += (part.primary, *part.preds)
    return found


def _not_a_path(expr: Expr) -> str:
    if isinstance(expr, Filter):
        return "position or filter over a whole node-set, e.g. (//x)[1]"
    if isinstance(expr, Call):
        return f"function {expr.name}() returns a string or number, not elements"
    return "not a location path (returns a string, number or boolean)"
