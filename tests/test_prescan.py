"""Pre-scan: hostile documents are refused before parsing, real-looking ones are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage import Options
from plainpage.errors import DocumentTooComplex, InputError
from plainpage.extract.prescan import _Scan, check

N = 100_000


def _refused(text: str, options: Options | None = None) -> str:
    with pytest.raises(DocumentTooComplex) as caught:
        check(text, options or Options())
    assert isinstance(caught.value, InputError)
    return caught.value.detail


def _attributes(count: int, value: str = "") -> str:
    return " ".join(f"a{i}{value}" for i in range(count))


# -- hostile shapes ---------------------------------------------------------------------------

HOSTILE = {
    # Lexbor walks the stack of open elements on every <div>: O(depth²).
    "100k nested divs": "<div>" * N + "x" + "</div>" * N,
    "100k unclosed divs": "<div>" * N,
    "1M unclosed divs": "<div>" * 1_000_000,
    # The parser ignores '/>' on HTML elements, and stray end tags close nothing.
    "100k self-closed divs": "<div/>" * N,
    "divs with stray end tags": "<div></span>" * N,
    "divs behind quoted end tags": '<div title="</div>">' * N,
    "divs after an odd quote": '<div a"b>' + "<div>" * N,
    "divs in foreignObject": "<svg><foreignObject><div>" + "<div/>" * N,
    "divs under unclosed formatting": "<b>" * N + "<div></div>" * N,
    "nested definition lists": "<dl><dt>" * N,
    # Shallow but many walks: 4 000 deep, then 100 000 more tags that each walk it.
    "deep stack then div pairs": "<div>" * 3_990 + "<div></div>" * N,
    "deep stack then tables": "<div>" * 3_990 + "<table></table>" * N,
    "deep spans then stray end tags": "<span>" * 3_990 + "</x>" * N,
    # Quadratic without depth: options in a select, formatting re-created per paragraph.
    "100k options in a select": "<select>" + "<option>x</option>" * N,
    "distinct unclosed formatting": "".join(f"<p><b class=c{i}>x" for i in range(20_000)),
    "formatting closed by divs": "".join(f"<div><i id={i}></div>" for i in range(20_000))
    + "<p>x</p>" * 20_000,
    # Fewer than 10 000 tags is no proof of cheapness (each of these costs Lexbor seconds).
    "9 500 tags re-creating formatting": "".join(
        f"<div><b class=c{i}></div>" for i in range(1_900)) + "<p>x</p>" * 1_900,
    "400 tags of 1 400 attributes": ("<div " + _attributes(1_400) + ">") * 400,
    "nested optgroups": "<optgroup/>" * 60_000,
    "end tags that cannot reach": "<x><section></x>" * 50_000,
    "unlisted elements then div pairs": "<x>" * 3_000 + "<div></div>" * 50_000,
    # Attribute counts are super-linear, and repeated <html>/<body> tags merge theirs.
    "600k attributes on one tag": f"<div {_attributes(600_000)}>",
    "40k attributes on one tag": f"<div {_attributes(40_000, '=x')}>",
    "40k attributes with quoted '>'": "<div " + _attributes(40_000, '=">"') + ">",
    "attributes merged over html tags": "".join(f"<html a{i}=1>" for i in range(20_000)),
    "a 5 MB tag of attributes": "<div " + 'a="b" ' * 900_000 + ">",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_refused(name: str) -> None:
    detail = _refused(HOSTILE[name])
    assert detail.startswith("refused before parsing: ")
    assert "max_" in detail  # names the limit that was hit


def test_refusal_names_depth_and_place() -> None:
    detail = _refused("<p>intro</p>\n" + "<div>" * 5_000)
    assert "max_depth=4000" in detail
    assert "line 2" in detail


def test_refusal_names_attribute_count() -> None:
    assert "with 3000 attributes (max_attributes=2000)" in _refused(
        f"<p {_attributes(3_000)}>")


FIVE_MB_TAGS = ['<div title="' + "x" * 5_000_000 + '">', "<" + "a" * 5_000_000 + ">"]


@pytest.mark.parametrize("tag", FIVE_MB_TAGS, ids=["value", "name"])
def test_a_tag_longer_than_max_tag_bytes_is_refused(tag: str) -> None:
    detail = _refused("<p>x</p>" + tag, Options(max_tag_bytes=4 * 1024 * 1024))
    assert "a tag longer than max_tag_bytes=4194304" in detail


def test_a_long_tag_with_few_attributes_passes_by_default() -> None:
    # Real pages carry megabytes of JSON in one attribute; only the count costs Lexbor.
    check('<div data-state="' + "{&quot;k&quot;:1}," * 100_000 + '">x</div>', Options())


def test_more_input_than_allowed_is_refused_without_scanning() -> None:
    detail = _refused("x" * 2_001, Options(max_input_bytes=2_000))
    assert "2001 characters exceed max_input_bytes=2000" in detail


# -- what must pass -----------------------------------------------------------------------------

def _nested_sections(depth: int) -> str:
    opening = "".join(f'<div class="level-{i}"><p>Text at level {i}.</p>' for i in range(depth))
    return f"<html><body>{opening}{'</div>' * depth}</body></html>"


REALISTIC = {
    "a few hundred nested divs": _nested_sections(300),
    "unclosed paragraphs": "<body>" + "<p>One more paragraph of text." * 20_000,
    "unclosed list items": "<ul>" + "<li>item <a href=/x>link</a>" * 20_000 + "</ul>",
    "nested lists": "<ul><li>a<ul><li>b<ul><li>c</ul></ul></ul>" * 5_000,
    "unclosed table cells": "<table>" + "<tr><td>a<td>b<td>c" * 10_000 + "</table>",
    "unclosed options": "<select>" + "<option>choice" * 300 + "</select>",
    "definition lists": "<dl>" + "<dt>term<dd>definition" * 10_000 + "</dl>",
    "headings without end tags": "<h2>one<h2>two<h3>three" * 5_000,
    "inline svg icons": ('<svg viewBox="0 0 24 24"><g><path d="M0 0h24v24H0z"/>'
                         '<circle cx="12" cy="12" r="4"/></g></svg><span>x</span>') * 5_000,
    "markup inside scripts": "<script>" + "var s = '<div><div><span>';" * N + "</script>",
    "markup inside comments": "<!--" + "<div>" * N + "-->" + "<p>after</p>",
    "markup inside textarea": "<textarea>" + "<div>" * N + "</textarea>",
    "unterminated comment": "<p>before</p><!--" + "<div>" * N,
    "plaintext swallows the rest": "<plaintext>" + "<div>" * N,
    "formatting left open per cell": "<table>" + "<tr><td><font face=Arial>x" * 5_000,
    "long data attribute": '<div data-json="' + "{&quot;a&quot;:1}," * 10_000 + '">x</div>',
    "many short attributes": '<div class="a" id="b" data-x="1" aria-label="c">x</div>' * 20_000,
}


@pytest.mark.parametrize("name", sorted(REALISTIC))
def test_realistic_document_passes(name: str) -> None:
    check(REALISTIC[name], Options())


def test_a_flat_20_mb_page_passes_under_max_input_bytes() -> None:
    paragraph = "<p>" + "lorem ipsum dolor sit amet " * 12 + "<a href='/x'>more</a></p>\n"
    page = "<html><body><article>" + paragraph * (20_000_000 // len(paragraph)) + "</article>"
    assert len(page) > 19_000_000
    check(page, Options())


def test_a_tag_cut_off_by_the_end_of_input_is_not_over_long() -> None:
    # The same 300 KB tag: refused when complete, but at the end of a truncated download
    # the parser drops it unread, so it is not held to max_tag_bytes.
    options = Options(max_tag_bytes=256 * 1024)
    prefix = "<html><body><p>text</p>"
    tag = '<img src="data:image/png;base64,' + "A" * 300_000
    check(prefix + tag, options)
    _refused(prefix + tag + '">', options)


def test_a_cut_off_tag_still_has_its_attributes_counted() -> None:
    _refused(f"<p>x</p><div {_attributes(5_000)}")


# -- limits come from Options ---------------------------------------------------------------------

TIGHTENED = [
    (_nested_sections(300), Options(max_depth=200), "max_depth=200"),
    ("<p>x</p>" * 2_000, Options(max_elements=1_000), "max_elements=1000"),
    (f"<p {_attributes(20)}>x</p>", Options(max_attributes=10), "max_attributes=10"),
    ('<p title="' + "t" * 2_000 + '">x</p>', Options(max_tag_bytes=1_000), "max_tag_bytes=1000"),
    ("<p>x</p>" * 300, Options(max_input_bytes=1_000), "max_input_bytes=1000"),
    ("<div>" * 100 + "<span></span>" * 5_000, Options(max_depth=100), "max_depth=100"),
]


@pytest.mark.parametrize(("text", "options", "limit"), TIGHTENED)
def test_tightened_options_refuse_what_the_defaults_accept(
        text: str, options: Options, limit: str, default_options: Options) -> None:
    check(text, default_options)
    assert limit in _refused(text, options)


def test_loosened_options_accept_what_the_defaults_refuse() -> None:
    text = "<div>" * 5_000
    _refused(text)
    check(text, Options(max_depth=6_000))


def test_svg_style_content_is_markup_not_raw_text() -> None:
    # Inside <svg>, <style> and <title> hold elements, so their content must be counted.
    _refused("<svg><style>" + "<div>" * 5_000)
    check("<style>" + "<div>" * 5_000 + "</style>", Options())


# -- the screen: counts that prove the model would accept ------------------------------------

ORDINARY_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>A page</title>"
    "<script>var x = '<div>';</script></head><body><nav><ul>"
    + '<li><a href="/a">Link</a></li>' * 40 + "</ul></nav><main><article><h1>Title</h1>"
    + "<p>Some <em>prose</em> with a <a href='/b'>link</a>.</p>" * 200
    + "</article></main></body></html>")


def test_the_screen_spares_an_ordinary_page_the_model() -> None:
    assert _Scan(ORDINARY_PAGE, Options()).provably_cheap()
    # An inline icon closed before the page's styles and scripts changes nothing.
    assert _Scan("<svg><path d='M0 0'/></svg><style>x</style>" + ORDINARY_PAGE,
                 Options()).provably_cheap()


@pytest.mark.parametrize(("text", "options"), [
    (ORDINARY_PAGE, Options(max_depth=500)),      # more tags than the depth limit
    ("<svg><style>x</style></svg>" + ORDINARY_PAGE, Options()),  # raw text inside svg
    ("<svg><!-- </svg> --><style>x</style>" + ORDINARY_PAGE, Options()),  # comment in svg
    ("<svg><style>x</style>" + ORDINARY_PAGE, Options()),  # svg never closed
    ("<html><html>" + ORDINARY_PAGE, Options()),  # attributes merged over <html> tags
    (ORDINARY_PAGE, Options(max_elements=1_000)),  # more '<' than the element limit
])
def test_the_screen_leaves_unusual_pages_to_the_model(text: str, options: Options) -> None:
    assert not _Scan(text, options).provably_cheap()
    check(text, options)


SOUP_TAGS = ("div", "span", "p", "li", "ul", "b", "i", "a", "table", "tr", "td", "select",
             "option", "svg", "foreignObject", "style", "script", "title", "font", "html",
             "body", "dd", "dt", "button", "x")
soup = st.lists(st.builds(
    lambda slash, name, attrs: f"<{slash}{name}{attrs}>",
    st.sampled_from(["", "", "/"]), st.sampled_from(SOUP_TAGS),
    st.sampled_from(["", " class=c", ' a="<b>"', " " + _attributes(70), "/"]))
    | st.sampled_from(["text ", "<!-- c -->", "<", "&amp;"]), max_size=400).map("".join)


@settings(max_examples=150, deadline=None)
@given(soup, st.sampled_from([Options(), Options(max_depth=60), Options(max_attributes=30),
                              Options(max_elements=200), Options(max_tag_bytes=200)]))
def test_the_screen_accepts_only_what_the_model_accepts(text: str, options: Options) -> None:
    if _Scan(text, options).provably_cheap():
        _Scan(text, options).run()  # must not raise
