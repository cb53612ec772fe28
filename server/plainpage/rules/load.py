"""Reading rule files and directories, and picking the rule for a URL.

``load_file`` raises on a broken file; ``load_dir`` never does: each broken file lands in
``RuleSet.problems`` and the others load, so one bad rule cannot take the service down.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import RuleError, RuleSchemaError, RuleSyntaxError
from .hosts import url_host
from .schema import PLACEHOLDER, Rule, RuleTest, validate

__all__ = ["KeyLines", "RuleSet", "load_dir", "load_file", "match", "parse_source",
           "read_source", "repo_problems"]

MAX_RULE_BYTES = 1_000_000  # a rule file is a few hundred bytes; anything huge is a mistake
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Loaded rules, the problems met while loading, and a version of the files' content.

    ``problems`` holds ``(path, message)``; the message is the full one-line error.
    ``RuleSet(rules=(rule,))`` is a valid set of one rule.
    """

    rules: tuple[Rule, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()
    version: str = ""
    _exact: Mapping[str, Rule] = field(init=False, repr=False, compare=False, hash=False)
    _wild: Mapping[str, Rule] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        exact: dict[str, Rule] = {}
        wild: dict[str, Rule] = {}
        for rule in self.rules:  # the first rule claiming a pattern keeps it
            for pattern in rule.patterns:
                if pattern.startswith("*."):
                    wild.setdefault(pattern[2:], rule)
                else:
                    exact.setdefault(pattern, rule)
        object.__setattr__(self, "_exact", MappingProxyType(exact))
        object.__setattr__(self, "_wild", MappingProxyType(wild))

    def __reduce__(self) -> tuple[type[RuleSet], tuple[Any, ...]]:
        # The lookup tables are rebuilt on load, so a set can go to worker processes.
        return (RuleSet, (self.rules, self.problems, self.version))

    def match(self, url: str | None) -> Rule | None:
        """The rule for ``url``'s host: exact, then without ``www.``, then the longest wildcard."""
        host = url_host(url)
        if host is None:
            return None
        rule = self._exact.get(host)
        if rule is None and host.startswith("www."):
            rule = self._exact.get(host[4:])
        labels = host.split(".")
        # Suffixes from the longest down, so the most specific *.domain wins.
        for start in range(1, len(labels)):
            if rule is not None:
                break
            rule = self._wild.get(".".join(labels[start:]))
        return rule


def match(ruleset: RuleSet, url: str | None) -> Rule | None:
    """The rule of ``ruleset`` for ``url``, or None (see ``RuleSet.match``)."""
    return ruleset.match(url)


class KeyLines:
    """Line numbers (1-based) of table headers and keys in TOML source, by key path.

    Paths look like ``host``, ``strip[1]``, ``strip[1].css``, ``origin.licence``. A path not
    found falls back to its parent (``author[1].css`` → ``author``), which is where the value
    starts: good enough to send a contributor to the right line.
    """

    _HEADER = re.compile(r'^\s*(\[\[?)\s*([A-Za-z0-9_."-]+?)\s*\]\]?\s*(?:#.*)?$')
    _KEY = re.compile(r'^\s*(?:"([^"]+)"|\'([^\']+)\'|([A-Za-z0-9_.-]+))\s*=')
    _PARENT = re.compile(r"(?:\.[^.\[\]]+|\[\d+\])$")

    def __init__(self, source: str) -> None:
        self._source = source
        self._found: dict[str, int] | None = None  # scanned on first use: most files need none

    def line(self, key: str) -> int:
        """The line of ``key`` or of its nearest parent found; 1 (the file) if none is."""
        if self._found is None:
            self._found = self._scan(self._source)
        while key:
            if key in self._found:
                return self._found[key]
            key = self._PARENT.sub("", key) if self._PARENT.search(key) else ""
        return 1  # a missing top-level key: point at the file

    @classmethod
    def _scan(cls, source: str) -> dict[str, int]:
        found: dict[str, int] = {}
        counts: dict[str, int] = {}
        prefix, in_string = "", False
        for number, text in enumerate(source.splitlines(), start=1):
            odd = (text.count('"""') + text.count("'''")) % 2 == 1
            if in_string:  # inside a multi-line string: its lines are not keys
                in_string = not odd
                continue
            in_string = odd  # this line opens one (after its key, handled below)
            header = cls._HEADER.match(text)
            if header:
                name = header.group(2).replace('"', "")
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    name = f"{name}[{counts[name]}]"
                prefix = name
                found.setdefault(prefix, number)
            elif key := cls._KEY.match(text):
                name = next(part for part in key.groups() if part)
                found.setdefault(f"{prefix}.{name}" if prefix else name, number)
        return found


def read_source(path: str | Path) -> str:
    """A rule file's text; RuleError when it cannot be read, is too big or is not UTF-8."""
    return _decode(_read_bytes(Path(path)), str(path))


def parse_source(source: str, path: str) -> tuple[Rule, dict[str, Any]]:
    """The validated Rule and the raw TOML data of one rule file's text."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_AT.search(message)
        line = int(found.group(1)) if found else max(1, len(source.splitlines()))
        detail = _TOML_AT.sub(f" (column {found.group(2)})", message) if found else message
        raise RuleSyntaxError(f"not valid TOML: {detail}", path=path, line=line) from None
    return validate(data, path, KeyLines(source).line), data


def load_file(path: str | Path) -> Rule:
    """Load and validate one rule file; raises RuleSyntaxError / RuleSchemaError / RuleError."""
    return parse_source(read_source(path), str(path))[0]


def load_dir(path: str | Path) -> RuleSet:
    """Every ``*.toml`` in ``path`` (not recursive); broken files become problems, never raise."""
    folder = Path(path)
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".toml" and p.is_file())
    except OSError as exc:
        return RuleSet(problems=((str(folder), f"{folder}: cannot read: {exc.strerror}"),))
    digest = hashlib.sha256()
    rules: list[Rule] = []
    problems: list[tuple[str, str]] = []
    lines: dict[str, KeyLines] = {}
    for file in files:
        try:
            raw = _read_bytes(file)
            digest.update(b"%s\0%d\0%s" % (file.name.encode(), len(raw), raw))
            source = _decode(raw, str(file))
            rules.append(parse_source(source, str(file))[0])
            lines[str(file)] = KeyLines(source)
        except RuleError as exc:
            problems.append((str(file), str(exc)))
    kept, clashes = _without_clashes(rules, lines)
    return RuleSet(tuple(kept), tuple(problems + clashes), digest.hexdigest()[:12])


def _without_clashes(rules: Iterable[Rule], lines: Mapping[str, KeyLines]
                     ) -> tuple[list[Rule], list[tuple[str, str]]]:
    """Rules whose extra ``hosts`` collide with another file are reported and dropped.

    A file always owns its own host (file names are unique); extra hosts go first come,
    first served in file-name order.
    """
    rules = list(rules)
    claimed = {rule.host: rule for rule in rules}
    kept, problems = [], []
    for rule in rules:
        clash = _first_clash(rule, claimed)
        if clash is None:
            claimed.update(dict.fromkeys(rule.hosts, rule))
            kept.append(rule)
            continue
        index, other = clash
        key = f"hosts[{index}]"
        error = RuleSchemaError(f"{rule.hosts[index]!r} is already claimed by {other.name}",
                                path=rule.path, line=lines[rule.path].line(key), key=key)
        problems.append((rule.path, str(error)))
        del claimed[rule.host]
    return kept, problems


def _first_clash(rule: Rule, claimed: Mapping[str, Rule]) -> tuple[int, Rule] | None:
    for index, pattern in enumerate(rule.hosts):
        # "www.x.com" in another file's hosts belongs to x.com.toml: www. always matches.
        if pattern.startswith("www.") and pattern[4:] in claimed:
            pattern = pattern[4:]
        owner = claimed.get(pattern)
        if owner is not None and owner is not rule:
            return index, owner
    return None


def repo_problems(ruleset: RuleSet, rules_dir: str | Path) -> list[tuple[str, str]]:
    """What CI adds for the repository's rules/: a [[test]] each, fixtures present, no TODOs."""
    fixtures = Path(rules_dir) / "fixtures"
    problems = []
    for rule in ruleset.rules:
        found = [(f"test[{index}].{key}", detail) for index, test in enumerate(rule.tests)
                 for key, detail in _test_problems(test, fixtures / rule.host)]
        if not rule.tests:
            found.append(("test", "no [[test]]: every rule in the repository needs one "
                                  "(see rules/README.md)"))
        line_of = _line_finder(rule.path) if found else None
        for key, detail in found:
            line = line_of(key) if line_of else None
            error = RuleSchemaError(detail, path=rule.path, line=line, key=key)
            problems.append((rule.path, str(error)))
    return problems


def _line_finder(path: str) -> Callable[[str], int | None] | None:
    try:
        return KeyLines(read_source(path)).line
    except RuleError:  # the file changed or vanished since it was loaded
        return None


def _test_problems(test: RuleTest, fixtures: Path) -> list[tuple[str, str]]:
    found = []
    if not (fixtures / test.fixture).is_file():
        found.append(("fixture", f"fixture not found: {fixtures / test.fixture}"))
    for key in ("contains", "absent"):
        for index, phrase in enumerate(getattr(test, key)):
            if phrase.startswith(PLACEHOLDER):
                found.append((f"{key}[{index}]", f"placeholder not replaced: {phrase!r}"))
    return found


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RULE_BYTES + 1)
    except OSError as exc:
        raise RuleError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if len(raw) > MAX_RULE_BYTES:
        raise RuleError(f"larger than {MAX_RULE_BYTES} bytes", path=str(path))
    return raw


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RuleSyntaxError("not UTF-8 text", path=path, line=line) from None
