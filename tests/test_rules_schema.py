"""Rule files → frozen Rule objects, and the errors a contributor sees for broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plainpage import RuleSchemaError, RuleSyntaxError
from plainpage.rules import Rule, Selector, Strip, StripText, Transform, load_file
from plainpage.rules.load import KeyLines
from plainpage.rules.schema import validate

FULL = """\
host = "example.com"
hosts = ["*.example.org", "news.example.net"]
body = ["article .content", "article"]
title = ["h1.title"]
author = [".byline", { css = "meta[name=author]", attr = "content" }]
date = [{ css = "time[datetime]", attr = "datetime" }]
next_page = ["a.next"]

[[strip]]
css = ".support-banner"
kind = "appeal"

[[strip_text]]
text = "small   favor to ask"
kind = "appeal"
block = "div"

[[transform]]
op = "rename"
css = "div.lead"
to = "p"

[[transform]]
op = "attr"
css = "img[data-lazy-src]"
from = "data-lazy-src"
to = "src"

[[test]]
fixture = "page.html"
url = "https://www.example.com/a"
title = "A title"
contains = ["kept"]
absent = ["gone"]
removed = ["appeal"]

[[example]]
url = "https://example.com/b"
contains = ["x"]

[origin]
source = "ftr-site-config"
file = "example.com.txt"
licence = "public domain"
untranslated = ["strip: //div[3]"]
"""


def write(folder: Path, text: str, name: str = "example.com.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_rule_loads_into_frozen_hashable_objects(tmp_path: Path) -> None:
    rule = load_file(write(tmp_path, FULL))
    assert rule.host == "example.com"
    assert rule.hosts == ("*.example.org", "news.example.net")
    assert rule.body == ("article .content", "article")
    assert rule.author == (Selector(".byline"), Selector("meta[name=author]", "content"))
    assert rule.strip == (Strip(".support-banner", "appeal"),)
    assert rule.strip_text == (StripText("small favor to ask", "appeal", "div"),)
    assert rule.transform[1] == Transform("attr", "img[data-lazy-src]", "src", "data-lazy-src")
    assert rule.tests[0].removed == ("appeal",) and rule.tests[0].line == 29
    assert rule.origin is not None and rule.origin.untranslated == ("strip: //div[3]",)
    assert rule.name == "example.com.toml"
    assert isinstance(hash(rule), int)
    with pytest.raises(AttributeError):
        rule.host = "other.com"  # type: ignore[misc]


def test_minimal_rule_has_empty_defaults(tmp_path: Path) -> None:
    rule = load_file(write(tmp_path, 'host = "example.com"\n'))
    assert rule == Rule(host="example.com", path=str(tmp_path / "example.com.toml"))


SCHEMA_ERRORS = [
    # (source, line, key, phrase in the message)
    ('host = "example.com"\nbdy = ["x"]\n', 2, "bdy", "did you mean 'body'"),
    ("body = []\n", 1, "host", "missing (required)"),
    ('host = "other.com"\n', 1, "host", "must equal the file name"),
    ('host = "Example.com"\n', 1, "host", "lower case"),
    ('host = "example.com"\nhosts = ["*.com"]\n', 2, "hosts[0]", "too broad"),
    ('host = "example.com"\nhosts = ["https://x.org/"]\n', 2, "hosts[0]", "not a host"),
    ('host = "example.com"\nhosts = "x.org"\n', 2, "hosts", "expected an array"),
    ('host = "example.com"\nhosts = ["x.org", "x.org"]\n', 2, "hosts[1]", "twice"),
    ('host = "example.com"\ntitle = "h1"\n', 2, "title", "expected an array of selectors"),
    ('host = "example.com"\n\nbody = [\n  "article",\n  "div[",\n]\n', 3, "body[1]",
     "selector does not compile: 'div['"),
    ('host = "example.com"\nauthor = [{ css = "a", atr = "x" }]\n', 2, "author[0].atr",
     "unknown key"),
    ('host = "example.com"\ndate = [{ css = "time" }]\n', 2, "date[0].attr", "missing"),
    ('host = "example.com"\n[[strip]]\ncss = ".a"\nkind = "appeals"\n', 4, "strip[0].kind",
     "'appeals' is not one of appeal"),
    ('host = "example.com"\n[[strip]]\ncss = ".a"\nkind = "ad"\n[[strip]]\nkind = "ad"\n', 5,
     "strip[1].css", "missing"),
    ('host = "example.com"\n[[strip]]\ncss = 3\nkind = "ad"\n', 3, "strip[0].css",
     "expected a string, got integer"),
    ('host = "example.com"\n[strip]\ncss = ".a"\n', 2, "strip", "expected [[strip]] tables"),
    ('host = "example.com"\n[[strip_text]]\ntext = "  "\nkind = "ad"\n', 3,
     "strip_text[0].text", "must not be empty"),
    ('host = "example.com"\n[[transform]]\nop = "move"\ncss = "a"\n', 3, "transform[0].op",
     "not one of rename, unwrap, attr"),
    ('host = "example.com"\n[[transform]]\nop = "rename"\ncss = "a"\nto = "script"\n', 5,
     "transform[0].to", "not a tag rename may produce"),
    ('host = "example.com"\n[[transform]]\nop = "unwrap"\ncss = "a"\nto = "p"\n', 5,
     "transform[0].to", "unknown key"),
    ('host = "example.com"\n[[transform]]\nop = "attr"\ncss = "a"\nfrom = "x"\nto = "onclick"\n',
     6, "transform[0].to", "event handlers"),
    ('host = "example.com"\n[[test]]\nfixture = "../x.html"\n', 3, "test[0].fixture",
     "plain file name"),
    ('host = "example.com"\n[[test]]\nfixture = "a.html"\nurl = "https://other.org/x"\n', 4,
     "test[0].url", "not covered"),
    ('host = "example.com"\n[[test]]\nfixture = "a.html"\nurl = "example.com/x"\n', 4,
     "test[0].url", "absolute http(s)"),
    ('host = "example.com"\n[[test]]\nfixture = "a.html"\nremoved = ["junk"]\n', 4,
     "test[0].removed[0]", "not one of"),
    ('host = "example.com"\n[[example]]\ncontains = ["x"]\n', 2, "example[0].url", "missing"),
    ('host = "example.com"\n[origin]\nlicense = "x"\n', 3, "origin.license",
     "did you mean 'licence'"),
]


@pytest.mark.parametrize(("source", "line", "key", "phrase"), SCHEMA_ERRORS)
def test_schema_errors_name_file_line_and_key(tmp_path: Path, source: str, line: int,
                                              key: str, phrase: str) -> None:
    path = write(tmp_path, source)
    with pytest.raises(RuleSchemaError) as caught:
        load_file(path)
    error = caught.value
    assert (error.path, error.line, error.key) == (str(path), line, key)
    assert str(error).startswith(f"{path}:{line}: [{key}] ")
    assert phrase in str(error)


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'host = "example.com"\n\nbody = ["a"\ntitle = ["h1"]\n')
    with pytest.raises(RuleSyntaxError) as caught:
        load_file(path)
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{path}:4: not valid TOML")


def test_file_that_is_not_utf8_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "example.com.toml"
    path.write_bytes(b'host = "example.com"\n# caf\xe9\n')
    with pytest.raises(RuleSyntaxError, match=r":2: not UTF-8"):
        load_file(path)


def test_every_transform_op_and_inline_strip_tables_load(tmp_path: Path) -> None:
    source = ('host = "example.com"\n'
              'strip = [{ css = ".a", kind = "share" }]\n'
              '[[transform]]\nop = "unwrap"\ncss = "span.w"\n')
    rule = load_file(write(tmp_path, source))
    assert rule.strip == (Strip(".a", "share"),)
    assert rule.transform == (Transform("unwrap", "span.w"),)


def test_keylines_tracks_tables_and_skips_multiline_strings() -> None:
    lines = KeyLines('host = "x"\n[[strip]]\ncss = "a"\n[[strip]]\nkind = """\n'
                     'css = "fake"\n"""\ncss = "b"\n[origin]\nfile = "f"\n')
    assert lines.line("strip[0].css") == 3
    assert lines.line("strip[1]") == 4
    assert lines.line("strip[1].css") == 8  # not 6: that line is inside a string
    assert lines.line("strip[1].kind") == 5
    assert lines.line("origin.file") == 10
    assert lines.line("strip[1].nothing[2]") == 4  # falls back to the table
    assert lines.line("nowhere") == 1


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.sampled_from(["appeal", "p", "rename", "attr", "https://[::1/", "a.html", "div["]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["css", "attr", "kind", "op", "to", "from", "text",
                                       "fixture", "url", "x"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["host", "hosts", "body", "title", "author", "strip",
                                        "strip_text", "transform", "test", "example",
                                        "origin", "other"]),
                       _VALUES, max_size=5))
def test_any_data_gives_a_rule_or_a_schema_error(data: dict[str, object]) -> None:
    data = {"host": "example.com", **{k: v for k, v in data.items() if v is not None}}
    try:
        rule = validate(data, "rules/example.com.toml")
    except RuleSchemaError as error:
        assert error.path == "rules/example.com.toml" and error.key
    else:
        assert isinstance(hash(rule), int)
