"""The CSS emitter behind ``plainpage.rules.xpath``: location paths and predicates → selectors.

A path becomes a list of alternative complex selectors (``or`` is distributed into a selector
list); a predicate becomes alternatives of (tag, suffix) to add to the step's compound selector.
Whatever has no exact CSS form raises ``Untranslatable`` with a short reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plainpage.rules.xpath_css import (
    Alt,
    NeverMatches,
    Part,
    Sel,
    Tail,
    Untranslatable,
    and_alts,
    attr_selector,
    css_name,
    is_positional,
    limit,
    limit_sels,
    position,
    position_refusal,
    position_test,
    render,
)
from plainpage.rules.xpath_parse import BinOp, Call, Expr, Literal, Number, Path, Step, Union

__all__ = ["TEXT_REASON", "Untranslatable", "render", "walk"]

TEXT_REASON = "condition on text content (CSS cannot test text)"
_XML_SPACE = frozenset(" \t\r\n\f")   # with \f: CSS splits tokens on it too
_REVERSE = frozenset({"parent", "ancestor", "preceding-sibling"})
_FLIP = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}


# -- location paths ----------------------------------------------------------------------------

def walk(steps: tuple[Step, ...], *, from_doc: bool) -> tuple[list[Sel], Tail]:
    """Selectors for a path (alternatives) and what its last step reads."""
    sels: list[Sel] = [()]
    pending = ">"                    # combinator before the next element step
    for i, step in enumerate(steps):
        if step.axis == "descendant-or-self" and step.test == "node()" and not step.preds:
            pending = " "
            continue
        if step.axis == "attribute" or step.test == "text()":
            return sels, _tail(step, last=i == len(steps) - 1, pending=pending)
        if step.axis == "self":
            sels = _self_step(sels, step, pending)
            continue
        if step.axis in _REVERSE:
            sels = _reverse_step(sels, step, pending, from_doc)
            continue
        sels = _element_step(sels, step, pending, from_doc)
        pending = ">"
    if pending == " ":
        raise Untranslatable("path ends in //")
    if sels == [()] and from_doc:
        raise Untranslatable("selects the document node, not elements")
    return sels, None


def _tail(step: Step, *, last: bool, pending: str) -> Tail:
    if not last or step.preds or step.axis not in ("child", "attribute"):
        raise Untranslatable("attribute or text() step that is not the last, plain step")
    if step.test == "text()":
        return ("text", "")
    if pending != ">":
        raise Untranslatable("//@attribute reads attributes of every descendant")
    return ("attr", css_name(step.test, "attribute"))


def _element_step(sels: list[Sel], step: Step, pending: str, from_doc: bool) -> list[Sel]:
    at_doc = from_doc and sels == [()]
    comb = _combinator(step.axis, pending, at_doc)
    if step.test.endswith("()"):
        raise Untranslatable(f"node test {step.test} also selects text or comments")
    tag = "" if step.test == "*" else css_name(step.test, "element")
    preds, first = list(step.preds), ""
    if preds and comb == "~" and not tag and preds[0] == Number(1.0):
        comb, preds = "+", preds[1:]        # following-sibling::*[1] is the next element
    elif preds and is_positional(preds[0]):
        if reason := position_refusal(step.axis, at_doc, tag):
            raise Untranslatable(reason)
        first = position(preds.pop(0), tag)
    alts: list[Alt] = [(tag, (":root" if at_doc and comb == ">" else "") + first)]
    for k, pred in enumerate(preds):
        no_position = position_refusal(step.axis, at_doc, tag) if k == 0 and not first else \
            "position() outside a step's first predicate"
        alts = and_alts(alts, condition(pred, no_position=no_position, tag=tag))
    return _extend(sels, [(comb, t, s) for t, s in alts])


def _self_step(sels: list[Sel], step: Step, pending: str) -> list[Sel]:
    if step.test == "node()" and not step.preds and pending == ">":
        return sels                          # "." changes nothing
    if sels == [()] or pending != ">":
        raise Untranslatable("self:: step that does not follow an element step")
    alts = _step_alts(step, "", "position() on a self:: step")
    out: list[Sel] = []
    for sel in sels:
        comb, tag, suffix = sel[-1]
        out += [sel[:-1] + ((comb, *m),) for m in and_alts([(tag, suffix)], alts)]
    return limit_sels(out)


def _reverse_step(sels: list[Sel], step: Step, pending: str, from_doc: bool) -> list[Sel]:
    """parent::, preceding-sibling:: and ancestor:: as :has() on the element they start from:
    ``//time/parent::div`` is ``div:has(> time)``."""
    if pending != ">" or not from_doc or sels == [()]:
        raise Untranslatable(f"{step.axis}:: step after // or inside a condition")
    out: list[Sel] = []
    for sel in sels:
        comb, tag, suffix = sel[-1]
        rest, start = sel[:-1], render((("", tag, suffix),), relative=False)
        if comb not in (" ", ">") or (comb == ">" and not rest):
            raise Untranslatable(f"{step.axis}:: from the root or from a sibling step")
        if step.axis == "preceding-sibling":
            sibling = "+" if step.test == "*" and step.preds[:1] == (Number(1.0),) else "~"
            preds = step.preds[1:] if sibling == "+" else step.preds
            alts = _step_alts(Step(step.axis, step.test, preds), f":has({sibling} {start})",
                              "position on the preceding-sibling:: axis")
            out += [rest + ((comb, t, s),) for t, s in alts]
            continue
        if step.axis == "ancestor" and rest:
            raise Untranslatable("ancestor:: of a step that is not the first")
        inner = f":has({start})" if step.axis == "ancestor" else f":has(> {start})"
        alts = _step_alts(step, inner, f"position on the {step.axis}:: axis")
        if rest:                             # the parent is the previous step's element …
            c, t0, s0 = rest[-1]
            out += [rest[:-1] + ((c, *m),) for m in and_alts([(t0, s0)], alts)]
        if comb == " ":                      # … or any element below it (or anywhere, at //)
            out += [rest + ((" ", t, s),) for t, s in alts]
    return limit_sels(out)


def _step_alts(step: Step, suffix: str, no_position: str) -> list[Alt]:
    """The (tag, suffix) alternatives of a step's node test and predicates."""
    if step.test.endswith("()") and step.test != "node()":
        raise Untranslatable(f"node test {step.test} on the {step.axis}:: axis")
    if step.preds and is_positional(step.preds[0]):
        raise Untranslatable(no_position)
    tag = "" if step.test in ("*", "node()") else css_name(step.test, "element")
    alts: list[Alt] = [(tag, suffix)]
    for pred in step.preds:
        alts = and_alts(alts, condition(pred, no_position=no_position, tag=tag))
    return alts


def _combinator(axis: str, pending: str, at_doc: bool) -> str:
    if axis == "child":
        return pending
    if axis == "descendant":
        return " "
    if axis == "following-sibling" and pending == ">" and not at_doc:
        return "~"
    raise Untranslatable(f"axis {axis}:: has no CSS form (CSS only selects down and forward)")


def _extend(sels: list[Sel], parts: list[Part]) -> list[Sel]:
    return limit_sels([sel + (part,) for sel in sels for part in parts])


# -- conditions ----------------------------------------------------------------------------------

def condition(expr: Expr, *, no_position: str, tag: str) -> list[Alt]:
    """The alternatives (an OR of ANDs) that a boolean predicate adds to a compound selector.
    ``no_position``: why position()/last() have no CSS form here ("" if they have one)."""
    if isinstance(expr, BinOp):
        if expr.op in ("or", "and"):
            left = condition(expr.left, no_position=no_position, tag=tag)
            right = condition(expr.right, no_position=no_position, tag=tag)
            return limit(left + right) if expr.op == "or" else and_alts(left, right)
        if expr.op in _FLIP:
            return _false_if_never(_comparison, expr, no_position=no_position, tag=tag)
        raise Untranslatable("arithmetic inside a condition")
    if isinstance(expr, Call):
        return _call(expr, no_position=no_position, tag=tag)
    if isinstance(expr, Path):
        return _false_if_never(_exists, expr)
    if isinstance(expr, Union) and all(isinstance(p, Path) for p in expr.parts):
        return limit([alt for p in expr.parts for alt in _false_if_never(_exists, p)])
    if isinstance(expr, Literal):
        return [("", "")] if expr.value else []
    if isinstance(expr, Number) or is_positional(expr):
        raise Untranslatable("position after another predicate or inside a condition")
    raise Untranslatable("a value used as a condition")


def _call(call: Call, *, no_position: str, tag: str) -> list[Alt]:
    name, args = call.name, call.args
    if name == "not" and len(args) == 1:
        return _negate(condition(args[0], no_position=no_position, tag=tag))
    if name == "boolean" and len(args) == 1:
        return condition(args[0], no_position=no_position, tag=tag)
    if name in ("true", "false") and not args:
        return [("", "")] if name == "true" else []
    if name in ("contains", "starts-with") and len(args) == 2:
        if args[1] == Literal(""):
            return [("", "")]            # every string contains and starts with ""
        return _false_if_never(_string_test, name, args[0], args[1])
    if name in ("position", "last"):
        raise Untranslatable(f"{name}() outside a step's first predicate")
    if name in ("string", "normalize-space", "string-length") and (not args or _is_text(args[0])):
        raise Untranslatable(TEXT_REASON)
    raise Untranslatable(f"function {name}() has no CSS form")


def _false_if_never(test: Callable[..., list[Alt]], *args: Any, **kwargs: Any) -> list[Alt]:
    """Run a leaf test; a name no HTML document has makes the test false (no alternative)."""
    try:
        return test(*args, **kwargs)
    except NeverMatches:
        return []


def _negate(alts: list[Alt]) -> list[Alt]:
    if not alts:
        return [("", "")]
    if ("", "") in alts:
        return []
    return [("", "".join(f":not({tag}{suffix})" for tag, suffix in alts))]


def _string_test(name: str, subject: Expr, needle: Expr) -> list[Alt]:
    if not isinstance(needle, Literal):
        raise Untranslatable(f"{name}() with a computed second argument")
    if (attr := _attr_of(subject)) is not None:
        return [("", attr_selector(attr, "*=" if name == "contains" else "^=", needle.value))]
    if name == "contains" and (attr := _token_idiom(subject)) is not None:
        word = needle.value
        inner = word[1:-1] if len(word) >= 3 and word[0] == word[-1] == " " else ""
        if inner and not _XML_SPACE & set(inner):
            return [("", attr_selector(attr, "~=", inner))]
        if word and not _XML_SPACE & set(word):
            # no space in the needle: padding and normalising cannot matter, plain substring
            return [("", attr_selector(attr, "*=", word))]
        raise Untranslatable("class-token test for something other than one word")
    if _is_text(subject):
        raise Untranslatable(TEXT_REASON)
    raise Untranslatable(f"{name}() on something other than an attribute of the element")


def _comparison(expr: BinOp, *, no_position: str, tag: str) -> list[Alt]:
    op, left, right = expr.op, expr.left, expr.right
    for a, b, o in ((left, right, op), (right, left, _FLIP[op])):
        if isinstance(a, Call) and a.name == "position" and not a.args:
            if no_position:
                raise Untranslatable(no_position)
            return position_test(o, b, tag)
    path, other = (left, right) if isinstance(right, Literal | Number) else (right, left)
    if isinstance(other, Number) or op not in ("=", "!="):
        raise Untranslatable("numeric comparison")
    if not isinstance(other, Literal) or not isinstance(path, Path):
        if _is_text(path) or _is_text(other):
            raise Untranslatable(TEXT_REASON)
        raise Untranslatable("comparison of computed values")
    if (attr := _attr_of(path)) is not None:
        return [("", _equals(attr, op, other.value))]
    return _exists(path, compare=(op, other.value))


def _equals(attr: str, op: str, value: str) -> str:
    sel = attr_selector(attr, "=", value)
    return sel if op == "=" else f"[{attr}]:not({sel})"   # XPath !=: exists and differs


def _exists(path: Path, compare: tuple[str, str] | None = None) -> list[Alt]:
    """A relative path as a condition: the element has such a descendant/sibling (:has)."""
    if path.absolute:
        raise Untranslatable("absolute path inside a condition (tests the whole document)")
    steps = path.steps
    if len(steps) == 1 and steps[0].axis == "self" and not steps[0].preds and compare is None:
        test = steps[0].test
        if test in ("*", "node()"):
            return [("", "")]
        if not test.endswith("()"):
            return [(css_name(test, "element"), "")]
    if _is_text(path):
        raise Untranslatable(TEXT_REASON)
    sels, tail = walk(steps, from_doc=False)
    if tail is None and compare is not None:
        raise Untranslatable(TEXT_REASON)   # an element's string value is its text
    extra = ""
    if tail is not None:
        extra = _equals(tail[1], *compare) if compare else f"[{tail[1]}]"
    if sels == [()]:
        return [("", extra)]
    alts = []
    for sel in sels:
        comb, tg, sfx = sel[-1]
        alts.append(("", f":has({render(sel[:-1] + ((comb, tg, sfx + extra),), relative=True)})"))
    return limit(alts)


def _attr_of(expr: Expr) -> str | None:
    """``@name`` (or ``./@name``) → name."""
    if not isinstance(expr, Path) or expr.absolute:
        return None
    steps = [s for s in expr.steps if s != Step("self", "node()")]
    if len(steps) == 1 and steps[0].axis == "attribute" and not steps[0].preds:
        if steps[0].test == "*":
            raise Untranslatable("@* (any attribute) has no CSS form")
        return css_name(steps[0].test, "attribute")
    return None


def _token_idiom(expr: Expr) -> str | None:
    """``concat(' ', normalize-space(@a), ' ')`` → a (the class-token idiom)."""
    if not (isinstance(expr, Call) and expr.name == "concat" and len(expr.args) == 3):
        return None
    first, middle, last = expr.args
    if first != Literal(" ") or last != Literal(" ") or not isinstance(middle, Call) \
            or middle.name != "normalize-space" or len(middle.args) != 1:
        return None
    return _attr_of(middle.args[0])


def _is_text(expr: Expr) -> bool:
    """``.``, ``text()``, ``x/text()`` or ``normalize-space(.)``-style text access."""
    if isinstance(expr, Call):
        return expr.name in ("string", "normalize-space", "concat", "translate") and \
            (not expr.args or any(_is_text(a) for a in expr.args))
    if not isinstance(expr, Path) or not expr.steps:
        return False
    last = expr.steps[-1]
    return last.test == "text()" or (last.axis == "self" and last.test == "node()")


# -- alternatives and CSS text ---------------------------------------------------------------
