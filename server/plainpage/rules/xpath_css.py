"""CSS building blocks for the XPath translator: selector parts, positions, safe strings.

Leaf module of ``plainpage.rules.xpath`` (no translator logic, no imports from it).
"""

from __future__ import annotations

import math
import re

from plainpage.rules.xpath_parse import BinOp, Call, Expr, Number

__all__ = [
    "Alt", "MAX_ALTERNATIVES", "NeverMatches", "Part", "Sel", "Tail", "Untranslatable", "and_alts",
    "attr_selector", "css_name", "css_string", "is_positional", "limit", "limit_sels",
    "position", "position_refusal", "position_test", "render",
]

MAX_ALTERNATIVES = 32
_NAME_RE = re.compile(r"[a-z_][a-z0-9_\-]*")
# Attributes whose values CSS matches case-insensitively in HTML documents (HTML spec,
# "case-sensitivity of selectors"; Lexbor follows it). XPath compares exactly, hence " s".
_CI_ATTRS = frozenset("""accept accept-charset align alink axis bgcolor charset checked clear
    codetype color compact declare defer dir direction disabled enctype face frame hreflang
    http-equiv lang language link media method multiple nohref noresize noshade nowrap readonly
    rel rev rules scope scrolling selected shape target text type valign valuetype vlink""".split())
_COMBINATORS = {" ": " ", ">": " > ", "~": " ~ ", "+": " + "}
Part = tuple[str, str, str]      # (combinator, tag, suffix): one compound selector
Sel = tuple[Part, ...]
Alt = tuple[str, str]            # (tag, suffix) that one predicate alternative adds
Tail = tuple[str, str] | None    # None, ("attr", name) or ("text", "")


class Untranslatable(Exception):
    """This XPath has no CSS with the same meaning; the message says why."""


def render(sel: Sel, *, relative: bool) -> str:
    """CSS text for one alternative; ``relative`` keeps a leading combinator (for :has)."""
    out: list[str] = []
    for i, (comb, tag, suffix) in enumerate(sel):
        if i:
            out.append(_COMBINATORS[comb])
        elif relative and comb in (">", "~", "+"):     # a top-level first part has none
            out.append(comb + " ")
        # "*" before a leading pseudo-class: Lexbor 1.0.2 mis-walks ancestors for compounds
        # such as ":has(> b) section" (stops after the first ancestor that fails)
        out.append((tag or ("" if suffix[:1] == "[" else "*")) + suffix)
    return "".join(out)


class NeverMatches(Untranslatable):
    """A name test no HTML document can satisfy: the step or test is simply false."""


def css_name(name: str, what: str) -> str:
    if not _NAME_RE.fullmatch(name.lower()):
        raise Untranslatable(f"{what} name {name!r} is namespaced or not a plain CSS name")
    if name != name.lower():
        # HTML parsers lower-case element and attribute names, so XPath's case-sensitive
        # test for "itemProp" is false everywhere (CSS would match it: not the same meaning)
        raise NeverMatches(f"{what} name {name!r} never matches: HTML names are lower case")
    return name


def position_refusal(axis: str, at_doc: bool, tag: str) -> str:
    """Why a position predicate has no CSS form on this step ("" when it has one)."""
    if axis != "child":
        return f"position on the {axis}:: axis"
    if at_doc and not tag:
        # the root element's position: Lexbor counts the doctype as a sibling in nth-child
        return "position of * right below the document"
    return ""


def is_positional(pred: Expr) -> bool:
    if isinstance(pred, Number):
        return True
    if isinstance(pred, Call):
        return pred.name == "last" and not pred.args
    return isinstance(pred, BinOp) and pred.op in ("-", "+") and is_positional(pred.left)


def _nth(tag: str) -> tuple[str, str]:
    return ("nth-of-type", "nth-last-of-type") if tag else ("nth-child", "nth-last-child")


def position(pred: Expr, tag: str) -> str:
    """A number-valued first predicate: [3], [last()], [last()-1]."""
    if isinstance(pred, Number):
        if pred.value != int(pred.value) or pred.value < 1:
            raise Untranslatable("position that can never match")
        return f":{_nth(tag)[0]}({int(pred.value)})"
    from_end = _last_offset(pred)
    if from_end is None:
        raise Untranslatable("position arithmetic other than last()-n")
    return f":{_nth(tag)[1]}({from_end})"


def _last_offset(expr: Expr) -> int | None:
    """1 for last(), k+1 for last()-k; None for anything else."""
    if isinstance(expr, Call) and expr.name == "last" and not expr.args:
        return 1
    if isinstance(expr, BinOp) and expr.op == "-" and isinstance(expr.right, Number) \
            and _last_offset(expr.left) == 1 and expr.right.value == int(expr.right.value) >= 0:
        return int(expr.right.value) + 1
    return None


def position_test(op: str, other: Expr, tag: str) -> list[Alt]:
    """``position() op other`` where other is a number or last()-k."""
    if (from_end := _last_offset(other)) is not None and op in ("=", "!="):
        pseudo = f":{_nth(tag)[1]}({from_end})"
        return [("", pseudo if op == "=" else f":not({pseudo})")]
    if not isinstance(other, Number):
        raise Untranslatable("position() compared with a computed value")
    n, nth = other.value, _nth(tag)[0]
    if op == "!=":
        return [("", f":not(:{nth}({int(n)}))")] if n == int(n) and n >= 1 else [("", "")]
    if op == "=" and (n != int(n) or n < 1):
        return []
    low, high = {"=": (n, n), "<": (1, math.ceil(n) - 1), "<=": (1, math.floor(n)),
                 ">": (math.floor(n) + 1, math.inf), ">=": (math.ceil(n), math.inf)}[op]
    low = max(low, 1)
    if low > high:
        return []
    if high == math.inf:
        return [("", "" if low <= 1 else f":{nth}(n+{int(low)})")]
    upper = f":{nth}(-n+{int(high)})"
    return [("", upper if low <= 1 else f":{nth}(n+{int(low)}){upper}")]


# -- alternatives and CSS text ---------------------------------------------------------------

def limit_sels(out: list[Sel]) -> list[Sel]:
    if len(out) > MAX_ALTERNATIVES:
        raise Untranslatable(f"more than {MAX_ALTERNATIVES} alternatives")
    return out


def and_alts(left: list[Alt], right: list[Alt]) -> list[Alt]:
    out = []
    for a in left:
        for b in right:
            if not (a[0] and b[0] and a[0] != b[0]):     # div AND self::p never matches
                out.append((a[0] or b[0], a[1] + b[1]))
    return limit(out)


def limit(alts: list[Alt]) -> list[Alt]:
    if len(alts) > MAX_ALTERNATIVES:
        raise Untranslatable(f"more than {MAX_ALTERNATIVES} alternatives")
    return alts


def css_string(value: str) -> str:
    """A double-quoted CSS string for any text (quotes, backslashes, control characters)."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def attr_selector(name: str, op: str, value: str) -> str:
    """``[name op "value"]``, as case-sensitive as XPath."""
    flag = " s" if name in _CI_ATTRS else ""
    return f"[{name}{op}{css_string(value)}{flag}]"
