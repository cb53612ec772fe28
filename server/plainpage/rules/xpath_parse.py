"""A small XPath 1.0 tokenizer and recursive-descent parser (the grammar of the spec, §3).

It only builds a tree; ``plainpage.rules.xpath`` decides what of it has a CSS form. Input comes
from third-party rule files, so the parser is bounded (length, nesting) and reports every
problem as ``XPathSyntaxError`` instead of letting Python errors escape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BinOp", "Call", "Expr", "Filter", "Literal", "Neg", "Number", "Path", "Step", "Union",
    "Var", "XPathSyntaxError", "parse",
]

MAX_LENGTH = 4000
MAX_NESTING = 40

_TOKEN_RE = re.compile(r"""
    (?P<str>"[^"]*"|'[^']*')
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<op>//|::|\.\.|!=|<=|>=|[/\[\]()@,|=<>*+\-.$])
  | (?P<name>[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?)
""", re.VERBOSE)
_SPACE_RE = re.compile(r"\s*")
_AXES = frozenset({
    "ancestor", "ancestor-or-self", "attribute", "child", "descendant", "descendant-or-self",
    "following", "following-sibling", "namespace", "parent", "preceding", "preceding-sibling",
    "self",
})
_NODE_TYPES = frozenset({"node", "text", "comment", "processing-instruction"})
_REL_OPS = ("<", ">", "<=", ">=")


class XPathSyntaxError(ValueError):
    """The expression is not XPath 1.0 (or is too long or too deeply nested to bother)."""


@dataclass(frozen=True, slots=True)
class Step:
    axis: str                       # full axis name: child, attribute, descendant-or-self …
    test: str                       # a name, "*", or a node type such as "text()"
    preds: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Path:
    absolute: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Filter:
    """``primary[pred]…`` optionally followed by ``/rest`` (e.g. ``(//a)[1]``)."""
    primary: Expr
    preds: tuple[Expr, ...]
    rest: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class Union:
    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str                         # or and = != < > <= >= + - * div mod
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Literal:
    value: str


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Var:
    name: str


Expr = Path | Filter | Union | BinOp | Neg | Call | Literal | Number | Var

_DESC = Step("descendant-or-self", "node()")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = _SPACE_RE.match(text, 0).end()  # type: ignore[union-attr]
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            raise XPathSyntaxError(f"unexpected character {text[pos]!r} at {pos}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = _SPACE_RE.match(text, m.end()).end()  # type: ignore[union-attr]
    return tokens


def parse(text: str) -> Expr:
    """Parse one XPath 1.0 expression; raises XPathSyntaxError."""
    if len(text) > MAX_LENGTH:
        raise XPathSyntaxError(f"longer than {MAX_LENGTH} characters")
    parser = _Parser(_tokenize(text))
    if not parser.tokens:
        raise XPathSyntaxError("empty expression")
    expr = parser.expr()
    if parser.pos < len(parser.tokens):
        raise XPathSyntaxError(f"unexpected {parser.peek()[1]!r} after a complete expression")
    return expr


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> tuple[str, str]:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def at(self, *values: str, kind: str = "op") -> bool:
        k, v = self.peek()
        return k == kind and v in values

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end":
            raise XPathSyntaxError("unexpected end of expression")
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        kind, got = self.take()
        if kind != "op" or got != value:
            raise XPathSyntaxError(f"expected {value!r}, found {got!r}")

    # -- expressions (lowest to highest precedence) --------------------------------------
    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise XPathSyntaxError(f"nested deeper than {MAX_NESTING} levels")
        try:
            return self._binary(0)
        finally:
            self.depth -= 1

    _LEVELS: tuple[tuple[tuple[str, ...], str], ...] = (
        (("or",), "name"), (("and",), "name"), (("=", "!="), "op"), (_REL_OPS, "op"),
        (("+", "-"), "op"), (("*",), "op"),
    )

    def _binary(self, level: int) -> Expr:
        if level == len(self._LEVELS):
            return self._unary()
        ops, kind = self._LEVELS[level]
        left = self._binary(level + 1)
        while True:
            if self.at(*ops, kind=kind) or (level == 5 and self.at("div", "mod", kind="name")):
                op = self.take()[1]
                left = BinOp(op, left, self._binary(level + 1))
            else:
                return left

    def _unary(self) -> Expr:
        negations = 0
        while self.at("-"):
            self.take()
            negations += 1
        if negations:
            inner = self._unary()
            return Neg(inner) if negations % 2 else Neg(Neg(inner))
        parts = [self._path_expr()]
        while self.at("|"):
            self.take()
            parts.append(self._path_expr())
        return parts[0] if len(parts) == 1 else Union(tuple(parts))

    def _path_expr(self) -> Expr:
        if self._starts_location_path():
            return self._location_path()
        primary = self._primary()
        preds = self._predicates()
        rest: list[Step] = []
        while self.at("/", "//"):
            if self.take()[1] == "//":
                rest.append(_DESC)
            rest.append(self._step())
        if not preds and not rest:
            return primary
        return Filter(primary, preds, tuple(rest))

    def _starts_location_path(self) -> bool:
        kind, value = self.peek()
        if kind == "op":
            return value in ("/", "//", ".", "..", "@", "*")
        if kind != "name":
            return False
        nxt = self.peek(1)
        if nxt == ("op", "("):
            return value in _NODE_TYPES      # text() is a step; other names are functions
        return True

    def _primary(self) -> Expr:
        kind, value = self.take()
        if kind == "str":
            return Literal(value[1:-1])
        if kind == "num":
            return Number(float(value))
        if (kind, value) == ("op", "$"):
            return Var(self._name())
        if (kind, value) == ("op", "("):
            inner = self.expr()
            self.expect(")")
            return inner
        if kind == "name" and self.at("("):
            return self._call(value)
        raise XPathSyntaxError(f"unexpected {value!r}")

    def _call(self, name: str) -> Call:
        self.expect("(")
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.expr())
            while self.at(","):
                self.take()
                args.append(self.expr())
        self.expect(")")
        return Call(name, tuple(args))

    def _name(self) -> str:
        kind, value = self.take()
        if kind != "name":
            raise XPathSyntaxError(f"expected a name, found {value!r}")
        return value

    # -- location paths ------------------------------------------------------------------
    def _location_path(self) -> Path:
        steps: list[Step] = []
        absolute = self.at("/", "//")
        if absolute:
            if self.take()[1] == "//":
                steps.append(_DESC)
            elif not self._starts_step():
                return Path(True, ())           # "/" alone: the document node
        steps.append(self._step())
        while self.at("/", "//"):
            if self.take()[1] == "//":
                steps.append(_DESC)
            steps.append(self._step())
        return Path(absolute, tuple(steps))

    def _starts_step(self) -> bool:
        kind, value = self.peek()
        return kind == "name" or (kind == "op" and value in (".", "..", "@", "*"))

    def _step(self) -> Step:
        if self.at("."):
            self.take()
            return Step("self", "node()")
        if self.at(".."):
            self.take()
            return Step("parent", "node()")
        axis = "child"
        if self.at("@"):
            self.take()
            axis = "attribute"
        elif self.peek()[0] == "name" and self.peek(1) == ("op", "::"):
            axis = self.take()[1]
            self.take()
            if axis not in _AXES:
                raise XPathSyntaxError(f"unknown axis {axis!r}")
        return Step(axis, self._node_test(), self._predicates())

    def _node_test(self) -> str:
        if self.at("*"):
            self.take()
            return "*"
        name = self._name()
        if name in _NODE_TYPES and self.at("("):
            self.take()
            if name == "processing-instruction" and self.peek()[0] == "str":
                self.take()
            self.expect(")")
            return name + "()"
        return name

    def _predicates(self) -> tuple[Expr, ...]:
        preds: list[Expr] = []
        while self.at("["):
            self.take()
            preds.append(self.expr())
            self.expect("]")
        return tuple(preds)
