"""Canonical formatting of rule files: one way to write each rule, so diffs show only changes.

``dumps`` is a small TOML writer for exactly the rule schema (no writer dependency): keys in
the schema's order, arrays of tables after the top-level keys, ``[origin]`` last, strings
quoted the same way every time. ``format_file`` keeps a file's leading ``#`` comment block;
comments anywhere else are dropped (TOML parsers do not keep them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .load import parse_source, read_source
from .schema import TABLE_KEYS, TOP_KEYS

__all__ = ["dumps", "format_file", "header_comments", "quote"]

_WIDTH = 100  # longest line before an array is written one item per line
_INDENT = "    "
_ARRAYS_OF_TABLES = ("strip", "strip_text", "transform", "test", "example")
_INLINE_KEYS = ("css", "attr")  # the {css, attr} selector tables
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def dumps(data: Mapping[str, Any]) -> str:
    """The canonical TOML text of a rule's data (as ``tomllib`` reads it); ends with a newline.

    Raises ValueError for keys outside the schema or values TOML rules never hold.
    """
    _known(data, TOP_KEYS, "")
    top = [_pair(key, data[key]) for key in TOP_KEYS
           if key in data and key not in _ARRAYS_OF_TABLES and key != "origin"]
    sections = ["\n".join(top)] if top else []
    for key in _ARRAYS_OF_TABLES:
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            raise ValueError(f"{key}: expected a list of tables")
        sections.extend(_table(f"[[{key}]]", item, key) for item in items)
    if "origin" in data:
        if not isinstance(data["origin"], Mapping):
            raise ValueError("origin: expected a table")
        sections.append(_table("[origin]", data["origin"], "origin"))
    return "\n\n".join(sections) + "\n"


def format_file(path: str | Path) -> str:
    """The canonical text of a rule file; raises RuleError (unchanged file) when it is broken."""
    source = read_source(path)
    _rule, data = parse_source(source, str(path))
    header = header_comments(source)
    body = dumps(data)
    return f"{header}\n\n{body}" if header else body


def header_comments(source: str) -> str:
    """The ``#`` comment block at the top of a file (blank lines inside it kept), or ""."""
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        lines.append(stripped)
    return "\n".join(lines).strip("\n")


def _known(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = [key for key in table if key not in allowed]
    if unknown:
        raise ValueError(f"{where}unknown key(s): {', '.join(map(str, unknown))}")


def _table(header: str, table: Mapping[str, Any], name: str) -> str:
    _known(table, TABLE_KEYS[name], f"{name}: ")
    pairs = [_pair(key, table[key]) for key in TABLE_KEYS[name] if key in table]
    return "\n".join([header, *pairs])


def _pair(key: str, value: Any) -> str:
    if not isinstance(value, list):
        return f"{key} = {_scalar(value)}"
    items = [_scalar(item) for item in value]
    one_line = f"{key} = [{', '.join(items)}]"
    if len(one_line) <= _WIDTH or len(items) < 2:
        return one_line
    return "\n".join([f"{key} = [", *(f"{_INDENT}{item}," for item in items), "]"])


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Mapping):  # an inline {css, attr} selector
        _known(value, _INLINE_KEYS, "selector: ")
        pairs = [f"{key} = {quote(value[key])}" for key in _INLINE_KEYS if key in value]
        return "{ " + ", ".join(pairs) + " }"
    raise ValueError(f"rule files hold strings, not {type(value).__name__}: {value!r}")


def quote(text: str) -> str:
    """``text`` as a TOML string: "basic" when it needs no escapes, 'literal' when that avoids
    escaping quotes and backslashes (CSS attribute selectors), else basic with escapes."""
    if not isinstance(text, str):
        raise ValueError(f"expected a string, got {type(text).__name__}")
    plain = not any(_needs_escape(char) for char in text)
    if plain and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if plain and "'" not in text:
        return f"'{text}'"
    return '"' + "".join(_escape(char) for char in text) + '"'


def _needs_escape(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04X}" if _needs_escape(char) else char
