"""Canonical formatting: fixed key order, round-trips through tomllib, idempotent."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plainpage import RuleError
from plainpage.rules import load_file
from plainpage.rules.fmt import dumps, format_file, quote
from tests.test_rules_schema import FULL

SCRAMBLED = """\
# Rule for example.com.
#
# Keep this header.

body = ["article"]
host = "example.com"

[[test]]
removed = ["appeal"]   # a comment that goes
fixture = "page.html"

[origin]
file = "example.com.txt"
source = "ftr-site-config"

[[strip]]
kind = "appeal"
css = 'div[data-x="y"]'

[[strip_text]]
text = "it's \\"quoted\\"\\tand\\\\back"
kind = "other"

# a comment between tables
[[strip]]
kind = "share"
css = ".share"
"""


def test_scrambled_file_comes_out_in_canonical_order(tmp_path: Path) -> None:
    path = tmp_path / "example.com.toml"
    path.write_text(SCRAMBLED, encoding="utf-8")
    assert format_file(path) == """\
# Rule for example.com.
#
# Keep this header.

host = "example.com"
body = ["article"]

[[strip]]
css = 'div[data-x="y"]'
kind = "appeal"

[[strip]]
css = ".share"
kind = "share"

[[strip_text]]
text = "it's \\"quoted\\"\\tand\\\\back"
kind = "other"

[[test]]
fixture = "page.html"
removed = ["appeal"]

[origin]
source = "ftr-site-config"
file = "example.com.txt"
"""


def test_format_is_idempotent_and_keeps_the_data(tmp_path: Path) -> None:
    for text in (SCRAMBLED, FULL):
        path = tmp_path / "example.com.toml"
        path.write_text(text, encoding="utf-8")
        before = load_file(path)
        once = format_file(path)
        path.write_text(once, encoding="utf-8")
        assert format_file(path) == once
        assert tomllib.loads(once) == tomllib.loads(text)
        assert load_file(path) == before


def test_long_arrays_are_written_one_item_per_line() -> None:
    items = [f"a rather long phrase number {n} that has to be kept" for n in range(3)]
    text = dumps({"host": "x.com", "test": [{"fixture": "a.html", "contains": items}]})
    assert "contains = [\n    \"a rather long phrase number 0 that has to be kept\",\n" in text
    assert tomllib.loads(text)["test"][0]["contains"] == items
    assert dumps({"host": "x.com", "body": ["a", "b"]}) == 'host = "x.com"\nbody = ["a", "b"]\n'


def test_inline_selector_tables_keep_css_then_attr() -> None:
    data = {"host": "x.com", "date": [{"attr": "datetime", "css": "time"}, "span.date"]}
    text = dumps(data)
    assert 'date = [{ css = "time", attr = "datetime" }, "span.date"]' in text
    assert tomllib.loads(text) == data


def test_dumps_refuses_what_the_schema_does_not_know() -> None:
    with pytest.raises(ValueError, match="unknown key"):
        dumps({"host": "x.com", "bdy": ["a"]})
    with pytest.raises(ValueError, match="unknown key"):
        dumps({"host": "x.com", "strip": [{"css": "a", "kind": "ad", "why": "x"}]})
    with pytest.raises(ValueError, match="strings"):
        dumps({"host": 3})


def test_broken_file_is_not_formatted(tmp_path: Path) -> None:
    path = tmp_path / "example.com.toml"
    path.write_text('host = "example.com"\nbody = ["div["]\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r":2: \[body\[0\]\]"):
        format_file(path)


@given(st.text())
def test_any_string_round_trips_through_quote(text: str) -> None:
    assert tomllib.loads(f"v = {quote(text)}")["v"] == text


@given(st.lists(st.text(min_size=1), max_size=6))
def test_any_phrase_list_round_trips_through_dumps(phrases: list[str]) -> None:
    data = {"host": "x.com", "test": [{"fixture": "a.html", "absent": phrases}]}
    assert tomllib.loads(dumps(data)) == data


def test_the_readme_example_is_a_valid_canonical_rule(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "rules" / "README.md").read_text()
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.com.toml"
    path.write_text(example, encoding="utf-8")
    rule = load_file(path)
    assert [t.op for t in rule.transform] == ["rename", "unwrap", "attr"]
    assert format_file(path) == example
