"""The site-rule schema: the frozen objects a rule file becomes, and the check that builds them.

``validate(data, path, line_of)`` turns one parsed TOML document into a ``Rule`` or raises
``RuleSchemaError`` naming file, line and key (``line_of`` gives the line of a key path:
tomllib keeps no positions). Host patterns are checked with ``hosts.host_problem``; the
format itself is described in rules/README.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from types import MappingProxyType
from typing import Any, NoReturn

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from ..errors import RuleSchemaError
from .hosts import covered, host_problem, url_host

__all__ = [
    "KINDS", "PLACEHOLDER", "Example", "Origin", "Rule", "RuleTest", "Selector", "Strip",
    "StripText", "Transform", "validate",
]

#: What a rule may label a removal as (the boilerplate classes of issue 3).
KINDS = ("appeal", "subscribe", "newsletter", "readmore", "share", "comments", "ad", "other")
TRANSFORM_OPS = ("rename", "unwrap", "attr")
#: Tags ``rename`` may produce: content containers only, never void or active elements.
RENAME_TAGS = frozenset({
    "p", "div", "span", "section", "article", "aside", "blockquote", "figure", "figcaption",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre", "code",
    "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "mark", "q", "cite", "time",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
})
MAX_SELECTOR = 1000  # characters; real selectors are short, and cost grows with length
#: Phrases starting with this are unfinished: ``rules new`` writes them, tests and CI fail them.
PLACEHOLDER = "TODO"
#: Key order of the whole file and of each table: validation and ``fmt`` share it.
TOP_KEYS = ("host", "hosts", "body", "title", "author", "date", "next_page",
            "strip", "strip_text", "transform", "test", "example", "origin")
TABLE_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "strip": ("css", "kind"),
    "strip_text": ("text", "kind", "block"),
    "transform": ("op", "css", "from", "to"),
    "test": ("fixture", "url", "title", "contains", "absent", "removed"),
    "example": ("url", "contains"),
    "origin": ("source", "file", "licence", "untranslated"),
})
SELECTOR_KEYS = ("title", "author", "date", "next_page")
_OP_KEYS = MappingProxyType({"rename": ("op", "css", "to"), "unwrap": ("op", "css"),
                             "attr": ("op", "css", "from", "to")})
_ATTR_RE = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
_FIXTURE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html?$")
_TOML_TYPES = ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "string"),
               (list, "array"), (dict, "table"), ((date, time), "date or time"))


@dataclass(frozen=True, slots=True)
class Selector:
    """A CSS selector; with ``attr`` the value is that attribute, else the element's text."""

    css: str
    attr: str | None = None


@dataclass(frozen=True, slots=True)
class Strip:
    css: str
    kind: str


@dataclass(frozen=True, slots=True)
class StripText:
    """A phrase marking its block as ``kind``; ``block`` (CSS) overrides the default blocks."""

    text: str
    kind: str
    block: str | None = None


@dataclass(frozen=True, slots=True)
class Transform:
    """``op`` is rename (css → ``to`` tag), unwrap (css) or attr (copy ``source`` → ``to``)."""

    op: str
    css: str
    to: str | None = None
    source: str | None = None  # the TOML key is ``from``, a Python keyword


@dataclass(frozen=True, slots=True)
class RuleTest:
    fixture: str
    url: str | None = None
    title: str | None = None
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)  # where the [[test]] starts


@dataclass(frozen=True, slots=True)
class Example:
    url: str
    contains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Origin:
    source: str | None = None
    file: str | None = None
    licence: str | None = None
    untranslated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule file. ``path`` is where it was loaded from ("" when built in code)."""

    host: str
    hosts: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    title: tuple[Selector, ...] = ()
    author: tuple[Selector, ...] = ()
    date: tuple[Selector, ...] = ()
    next_page: tuple[Selector, ...] = ()
    strip: tuple[Strip, ...] = ()
    strip_text: tuple[StripText, ...] = ()
    transform: tuple[Transform, ...] = ()
    tests: tuple[RuleTest, ...] = ()
    examples: tuple[Example, ...] = ()
    origin: Origin | None = None
    path: str = ""

    @property
    def name(self) -> str:
        """The rule's file name, as removal reasons quote it."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1] if self.path else f"{self.host}.toml"

    @property
    def patterns(self) -> tuple[str, ...]:
        """Every host pattern the rule claims: its host, then ``hosts``."""
        return (self.host, *self.hosts)


@dataclass(frozen=True, slots=True)
class _Check:
    """Where errors point: the file and the line finder for its source."""

    path: str
    line_of: Callable[[str], int | None]
    # One parser to compile every selector of the file against (building one costs 7× more).
    probe: LexborHTMLParser = field(default_factory=lambda: LexborHTMLParser("<p></p>"))

    def fail(self, key: str, detail: str) -> NoReturn:
        raise RuleSchemaError(detail, path=self.path, line=self.line_of(key), key=key)

    def known(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for name in table:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.fail(prefix + name, f"unknown key; {hint}allowed: {', '.join(allowed)}")

    def string(self, table: Mapping[str, Any], name: str, prefix: str,
               required: bool = False) -> str | None:
        key, value = prefix + name, table.get(name)
        if value is None:
            if required:
                self.fail(key, "missing (required)")
            return None
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {_toml_type(value)}")
        if not value.strip():
            self.fail(key, "must not be empty")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"expected an array of strings, got {_toml_type(value)}")
        for index, item in enumerate(value):
            self.string({"": item}, "", f"{key}[{index}]", required=True)
        return tuple(value)

    def css(self, value: Any, key: str) -> str:
        css = self.string({"": value}, "", key, required=True)
        assert css is not None
        if len(css) > MAX_SELECTOR:
            self.fail(key, f"selector longer than {MAX_SELECTOR} characters")
        try:
            self.probe.css_first(css)
        except (SelectolaxError, ValueError) as exc:
            self.fail(key, f"selector does not compile: {css!r} ({exc})")
        return css

    def tables(self, value: Any, key: str) -> list[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(key, f"expected [[{key}]] tables, got {_toml_type(value)}")
        return value

    def choice(self, value: str | None, key: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value


def _toml_type(value: Any) -> str:
    return next((name for kind, name in _TOML_TYPES if isinstance(value, kind)), "value")


def validate(data: Mapping[str, Any], path: str,
             line_of: Callable[[str], int | None] = lambda _key: None) -> Rule:
    """Build a Rule from a parsed rule file; ``path``'s name must be ``<host>.toml``.

    ``line_of`` maps a key path such as ``strip[1].css`` to its line in the source.
    """
    check = _Check(path, line_of)
    check.known(data, TOP_KEYS, "")
    host = _host(check, data, path)
    hosts = _hosts(check, data.get("hosts"), host)
    body = tuple(check.css(css, f"body[{i}]")
                 for i, css in enumerate(check.strings(data.get("body"), "body")))
    selectors = {name: _selectors(check, data.get(name), name) for name in SELECTOR_KEYS}
    strips = tuple(_strip(check, item, f"strip[{i}]")
                   for i, item in enumerate(check.tables(data.get("strip"), "strip")))
    texts = tuple(_strip_text(check, item, f"strip_text[{i}]")
                  for i, item in enumerate(check.tables(data.get("strip_text"), "strip_text")))
    ops = tuple(_transform(check, item, f"transform[{i}]")
                for i, item in enumerate(check.tables(data.get("transform"), "transform")))
    patterns = frozenset((host, *hosts))
    tests = tuple(_test(check, item, f"test[{i}]", patterns)
                  for i, item in enumerate(check.tables(data.get("test"), "test")))
    examples = tuple(_example(check, item, f"example[{i}]")
                     for i, item in enumerate(check.tables(data.get("example"), "example")))
    return Rule(host=host, hosts=hosts, body=body, strip=strips, strip_text=texts,
                transform=ops, tests=tests, examples=examples,
                origin=_origin(check, data.get("origin")), path=path, **selectors)


def _host(check: _Check, data: Mapping[str, Any], path: str) -> str:
    host = check.string(data, "host", "", required=True)
    assert host is not None
    problem = host_problem(host, wildcard=False)
    if problem:
        check.fail("host", problem)
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".toml")
    if path and host != stem:
        check.fail("host", f"{host!r} must equal the file name without .toml ({stem!r})")
    return host


def _hosts(check: _Check, value: Any, host: str) -> tuple[str, ...]:
    hosts = check.strings(value, "hosts")
    for index, pattern in enumerate(hosts):
        key = f"hosts[{index}]"
        problem = host_problem(pattern, wildcard=True)
        if problem:
            check.fail(key, problem)
        if pattern == host or pattern in hosts[:index]:
            check.fail(key, f"{pattern!r} is listed twice")
    return hosts


def _selectors(check: _Check, value: Any, key: str) -> tuple[Selector, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail(key, f"expected an array of selectors, got {_toml_type(value)}")
    found = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if isinstance(item, dict):
            check.known(item, ("css", "attr"), where + ".")
            css = check.css(item.get("css"), where + ".css")
            attr = check.string(item, "attr", where + ".", required=True)
            if not _ATTR_RE.match(attr or ""):
                check.fail(where + ".attr", f"{attr!r} is not an attribute name")
            found.append(Selector(css, attr))
        else:
            found.append(Selector(check.css(item, where)))
    return tuple(found)


def _strip(check: _Check, item: Mapping[str, Any], key: str) -> Strip:
    check.known(item, TABLE_KEYS["strip"], key + ".")
    css = check.css(item.get("css"), key + ".css")
    kind = check.choice(check.string(item, "kind", key + ".", required=True), key + ".kind", KINDS)
    return Strip(css, kind)


def _strip_text(check: _Check, item: Mapping[str, Any], key: str) -> StripText:
    check.known(item, TABLE_KEYS["strip_text"], key + ".")
    text = check.string(item, "text", key + ".", required=True)
    kind = check.choice(check.string(item, "kind", key + ".", required=True), key + ".kind", KINDS)
    block = check.css(item["block"], key + ".block") if "block" in item else None
    assert text is not None
    return StripText(" ".join(text.split()), kind, block)


def _transform(check: _Check, item: Mapping[str, Any], key: str) -> Transform:
    op = check.choice(check.string(item, "op", key + ".", required=True), key + ".op",
                      TRANSFORM_OPS)
    check.known(item, _OP_KEYS[op], key + ".")
    css = check.css(item.get("css"), key + ".css")
    to = check.string(item, "to", key + ".", required=op != "unwrap")
    source = check.string(item, "from", key + ".", required=op == "attr")
    if op == "rename" and to not in RENAME_TAGS:
        check.fail(key + ".to", f"{to!r} is not a tag rename may produce; "
                                f"allowed: {', '.join(sorted(RENAME_TAGS))}")
    for name, value in (("from", source), ("to", to)) if op == "attr" else ():
        if not _ATTR_RE.match(value or "") or (name == "to" and value.lower().startswith("on")):
            check.fail(f"{key}.{name}", f"{value!r} is not an attribute name rules may use "
                                        "(event handlers, on…, cannot be written)")
    return Transform(op, css, to, source)


def _test(check: _Check, item: Mapping[str, Any], key: str,
          patterns: frozenset[str]) -> RuleTest:
    check.known(item, TABLE_KEYS["test"], key + ".")
    fixture = check.string(item, "fixture", key + ".", required=True)
    if not _FIXTURE_RE.match(fixture or ""):
        check.fail(key + ".fixture", f"{fixture!r} must be a plain file name ending in .html")
    url = _url(check, item, key)
    if url is not None and not covered(patterns, url_host(url) or ""):
        check.fail(key + ".url", f"the host of {url!r} is not covered by this rule's hosts")
    removed = check.strings(item.get("removed"), key + ".removed")
    for index, kind in enumerate(removed):
        check.choice(kind, f"{key}.removed[{index}]", KINDS)
    assert fixture is not None
    return RuleTest(fixture, url, check.string(item, "title", key + "."),
                    check.strings(item.get("contains"), key + ".contains"),
                    check.strings(item.get("absent"), key + ".absent"), removed,
                    line=check.line_of(key))


def _url(check: _Check, item: Mapping[str, Any], key: str, required: bool = False) -> str | None:
    url = check.string(item, "url", key + ".", required=required)
    if url is not None and (not url.startswith(("http://", "https://")) or not url_host(url)):
        check.fail(key + ".url", f"{url!r} is not an absolute http(s) address")
    return url


def _example(check: _Check, item: Mapping[str, Any], key: str) -> Example:
    check.known(item, TABLE_KEYS["example"], key + ".")
    url = _url(check, item, key, required=True)
    assert url is not None
    return Example(url, check.strings(item.get("contains"), key + ".contains"))


def _origin(check: _Check, value: Any) -> Origin | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check.fail("origin", f"expected an [origin] table, got {_toml_type(value)}")
    check.known(value, TABLE_KEYS["origin"], "origin.")
    fields_ = {name: check.string(value, name, "origin.") for name in ("source", "file", "licence")}
    return Origin(**fields_, untranslated=check.strings(value.get("untranslated"),
                                                         "origin.untranslated"))
