"""Markdown helpers of the render stage: escaping, code spans and fences, nesting, tables."""

from __future__ import annotations

import pytest

from plainpage.extract.render import markdown as md
from plainpage.extract.render.sanitize import md_url


@pytest.mark.parametrize(("text", "escaped"), [
    ("plain words", "plain words"),
    ("*a* _b_ `c` [d] <e>", "\\*a\\* \\_b\\_ \\`c\\` \\[d\\] \\<e>"),
    ("back\\slash", "back\\\\slash"),
    ("AT&T 5 > 3", "AT&T 5 > 3"),  # & and > start nothing inline
])
def test_escape(text, escaped):
    assert md.escape(text) == escaped


@pytest.mark.parametrize(("line", "escaped"), [
    ("# not a heading", "\\# not a heading"),
    ("> not a quote", "\\> not a quote"),
    ("- not an item", "\\- not an item"),
    ("+ not an item", "\\+ not an item"),
    ("=== not a rule", "\\=== not a rule"),
    ("1. not a list", "1\\. not a list"),
    ("2019) not a list", "2019\\) not a list"),
    ("2019 was a year", "2019 was a year"),
    ("12.5 percent", "12.5 percent"),
    ("text # inside", "text # inside"),
])
def test_escape_line_start(line, escaped):
    assert md.escape_line_start(line) == escaped


@pytest.mark.parametrize(("code", "span"), [
    ("x = 1", "`x = 1`"),
    ("a`b", "``a`b``"),
    ("``x``", "``` ``x`` ```"),
    ("`x", "`` `x ``"),
])
def test_code_span_fence_outgrows_backticks(code, span):
    assert md.code_span(code) == span


def test_fence_outgrows_backticks_in_the_code():
    assert md.fence("print(1)", "python") == "```python\nprint(1)\n```"
    assert md.fence("```\nx\n```", None) == "````\n```\nx\n```\n````"


def test_indent_and_quote_leave_blank_lines_blank():
    assert md.indent("a\n\nb", "  ") == "  a\n\n  b"
    assert md.quote("a\n\nb") == "> a\n>\n> b"


def test_table_pads_short_rows_and_escapes_pipes():
    assert md.table([["h1", "h|2"], ["x"]], 2) == "| h1 | h\\|2 |\n| --- | --- |\n| x |  |"


@pytest.mark.parametrize(("url", "safe"), [
    ("https://a.test/x?y=1", "https://a.test/x?y=1"),
    ("https://a.test/a b(c)", "https://a.test/a%20b%28c%29"),
    ("https://a.test/<x>", "https://a.test/%3Cx%3E"),
])
def test_md_url_cannot_break_out_of_a_link(url, safe):
    assert md_url(url) == safe
