"""Pre-scan: hostile documents are refused before parsing, real-looking ones are not."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage import Options
from plainpage.errors import DocumentTooComplex, InputError
from plainpage.extract.prescan import _Scan, check, grammar, screen, tokens
from plainpage.extract.prescan.tokens import _SKIPPED_RAW, _end_letter

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


# -- foreign content: raw-text elements hold markup while svg/math is open ---------------------

def test_raw_text_after_a_closed_svg_is_text_again() -> None:
    check("<svg><path/></svg><style>" + "<div>" * 5_000 + "</style>", Options())


def test_raw_text_after_an_svg_broken_out_of_is_still_read_as_markup() -> None:
    # The model keeps svg open when a <div> breaks out of it, so it reads the <style> after
    # "</svg>" as markup and counts the tag inside; the screen used to skip it as text.
    detail = _refused("<svg><div></svg><style><div " + _attributes(2_500) + "></style>")
    assert "a tag with 2500 attributes" in detail


def test_a_quoted_value_running_past_the_end_tag_is_read_whole() -> None:
    # Read as markup, the quote swallows "</script>" and the tag goes on to its last '>'.
    tag = 'a<b c y="</script>" d e f>'
    assert "a tag with 5 attributes" in _refused(
        "<math><mi><script><svg>" + tag, Options(max_attributes=3))
    check("<script>" + tag, Options(max_attributes=3))  # raw text: the tag is never read


def test_nested_raw_text_start_tags_in_svg_are_scanned_in_linear_time() -> None:
    # Each <script> read as a raw-text element runs to the one "</script>" at the end:
    # matching them all one after the other took 40 s.
    text = "<svg><script>" + "<script>" * N + "</script>"
    started = time.perf_counter()
    assert "max_depth=4000" in _refused(text)
    assert time.perf_counter() - started < 5


# -- the screen: a pass in C that proves the model would accept -------------------------------

ORDINARY_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>A page</title>"
    "<script>var x = '<div>';</script></head><body><nav><ul>"
    + '<li><a href="/a">Link</a></li>' * 40 + "</ul></nav><main><article><h1>Title</h1>"
    + "<p>Some <em>prose</em> with a <a href='/b'>link</a>.</p>" * 200
    + "</article></main></body></html>")

TITLED_ICON = "<svg><title>Search</title><path d='M0 0'/></svg>"
SCREENED = {
    "an ordinary page": ORDINARY_PAGE,
    "an icon before the styles": "<svg><path d='M0 0'/></svg><style>p{}</style>" + ORDINARY_PAGE,
    "icons before markup in scripts": (
        "<svg><g><path/></g></svg><math><mrow></mrow></math>"
        "<script>var t = '<div class=\"x\" " + _attributes(2_500) + ">';</script>" + ORDINARY_PAGE),
    # An svg with a <title> may stay open for the model: the scripts after it are read as
    # markup too, and these readings end where the scripts do.
    "a titled icon before a script comparing": (
        TITLED_ICON + "<script>if (a<b) f()</script>" + ORDINARY_PAGE),
    "a titled icon before a script writing one": (
        TITLED_ICON + "<script>document.write('<script src=x></script>')</script>" + ORDINARY_PAGE),
    "a titled icon before a script writing a style": (
        TITLED_ICON + "<script>w('<style>p{}</style><title>t</TITLE >')</script>" + ORDINARY_PAGE),
    "repeated html tags": "<html><html lang=en>" + ORDINARY_PAGE,
    "CR, LF and tabs in tags": '<p\r\nclass="a"\tid=b\r>x</p\n>' * 2_000,
    "tags with quoted '>'": '<a title="1 > 0" href="/x">link</a>' * 2_000,
}


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_the_screen_spares_ordinary_pages_the_model(name: str) -> None:
    assert _Scan(SCREENED[name], Options()).provably_cheap()
    _Scan(SCREENED[name], Options()).run()  # (and the model agrees)


UNPROVEN = {
    "more tags than the depth limit": (ORDINARY_PAGE, Options(max_depth=500)),
    "too many tags for the bound": ("<p>x</p>" * 20_000, Options()),
    "more text than max_tag_bytes": (ORDINARY_PAGE, Options(max_tag_bytes=1_000)),
    "a comment across svg style's end": ("<svg><style><!-- </style> -->" + ORDINARY_PAGE,
                                         Options()),
    "other raw text in an svg script": ("<svg><script><style>a<b</style></script>"
                                        + ORDINARY_PAGE, Options()),
    "a quote across svg style's end": ("<svg><style><a title='</style>'>" + ORDINARY_PAGE,
                                       Options()),
}


@pytest.mark.parametrize("name", sorted(UNPROVEN))
def test_the_screen_leaves_unusual_pages_to_the_model(name: str) -> None:
    text, options = UNPROVEN[name]
    assert not _Scan(text, options).provably_cheap()
    check(text, options)


def _model_accepts(text: str, options: Options) -> bool:
    try:
        _Scan(text, options).run()
    except DocumentTooComplex:
        return False
    return True


AT_THE_LIMITS = [
    # Attribute counts on both sides of the limit: on a tag the screen skips, on one it
    # stops at, on <html> tags merged (the limit holds for all of them together).
    ("<p>x</p><div " + _attributes(3) + ">", Options(max_attributes=3), True),
    ("<p>x</p><div " + _attributes(4) + ">", Options(max_attributes=3), False),
    ("<p>x</p><div " + _attributes(2_000) + ">", Options(), True),
    ("<p>x</p><div " + _attributes(2_001) + ">", Options(), False),
    ("<p>x</p><div " + _attributes(2_001) + ">", Options(max_attributes=2_001), True),
    ("<html " + _attributes(1_000) + "><html " + _attributes(1_000, "=x") + ">", Options(), True),
    ("<html " + _attributes(1_000) + "><html " + _attributes(1_001, "=x") + ">", Options(),
     False),
    # The last tag cut off by the end of the input still has its attributes counted.
    ("<p>x</p><div " + _attributes(3), Options(max_attributes=3), True),
    ("<p>x</p><div " + _attributes(4), Options(max_attributes=3), False),
    # Depth: 50 nested elements fit max_depth=50, 51 do not.
    ("<div>" * 50, Options(max_depth=50), True),
    ("<div>" * 51, Options(max_depth=50), False),
    # Formatting elements count twice: on the stack and in the active formatting list.
    ("".join(f"<b id={i}>" for i in range(25)), Options(max_depth=50), True),
    ("".join(f"<b id={i}>" for i in range(26)), Options(max_depth=50), False),
    # Tag length.
    ('<p title="' + "x" * 988 + '">', Options(max_tag_bytes=1_000), True),
    ('<p title="' + "x" * 989 + '">', Options(max_tag_bytes=1_000), False),
    # Markup inside raw text does not count, unless svg/math makes it markup.
    ("<title><p " + _attributes(3_000) + "></title>", Options(), True),
    ("<svg><title><p " + _attributes(3_000) + "></title>", Options(), False),
    ("<textarea>" + "<b>" * 5_000 + "</textarea>", Options(), True),
    ("<svg><textarea>" + "<b>" * 5_000 + "</textarea>", Options(), False),
    ("<STYLE>" + "<div>" * 5_000 + "</style >", Options(), True),
    ("<style>" + "<div>" * 5_000 + "</styles></style/>", Options(), True),
    # After an icon closed as the model closes it, raw text is text again; after one left
    # open (a <p> breaks out of svg, a nested svg throws its count off), it is markup.
    ("<svg><path/><g><use/></g></svg><style><p " + _attributes(2_001) + "></style>", Options(),
     True),
    ("<svg><g><p></svg><style><p " + _attributes(2_001) + "></style>", Options(), False),
    ("<svg><svg></svg></svg><style><p " + _attributes(2_001) + "></style>", Options(), False),
    ("<math><mi><p></math><title><p " + _attributes(2_001) + "></title>", Options(), False),
    ("<math><mi></math><title><p " + _attributes(2_001) + "></title>", Options(), True),
    # <plaintext> ends the markup, except in foreign content.
    ("<plaintext>" + "<div>" * 5_000, Options(), True),
    ("<svg><plaintext>" + "<div>" * 5_000, Options(), False),
    # Comments: "<!-->" and "<!--->" close at once, "--!>" closes too, unclosed run to the end.
    ("<!-->" + "<div>" * 5_000, Options(), False),
    ("<!--->" + "<div>" * 5_000, Options(), False),
    ("<!--" + "<div>" * 5_000 + "--!><p>", Options(), True),
    ("<!--" + "<div>" * 5_000 + "-- >", Options(), True),
    # CDATA is a bogus comment up to the first '>', in svg too (the model's reading).
    ("<svg><![CDATA[" + "<div>" * 5_000 + "]]></svg>", Options(), False),
    # Tag names begin with an ASCII letter and raw-text names are matched in ASCII only, as
    # the parser does: "<ſcript>" is text, so what follows is markup (re's case-insensitive
    # matching would fold "ſ" to "s" and let 5 000 nested divs through as script text).
    ("<p>x</p><\u017fcript>" + "<div>" * 5_000 + "</script>", Options(), False),
    ("<p>x</p><\u017ftyle>" + "<div>" * 5_000 + "</style>", Options(), False),
    ("<p>x</p><scr\u0131pt " + _attributes(2_001) + ">", Options(), False),
    ("<p>x</p><\u0130frame " + _attributes(2_001) + ">", Options(), True),
    ("<svg></svg><script>w('<scr\u0131pt>a<b</script>')</script>", Options(), True),
    # Tag names are lower-cased in ASCII only: "<linK>" (a Kelvin sign) is no void <link> but
    # an element pushed on the stack, which every unmatched end tag walks.
    ("<p>" + "<lin\u212a>" * 99 + "</q>" * 30_000, Options(max_depth=100), False),
    ("<p>" + "<LINK>" * 99 + "</q>" * 30_000, Options(max_depth=100), True),
    # A script or style ends at the first end tag of its name in ASCII letters of either
    # case ("</scrİpt>" is not one). What follows the end is markup again.
    ("<script>x</scr\u0130pt><p " + _attributes(2_001) + "></script>", Options(), True),
    ("<script>x</scr\u0131pt><p " + _attributes(2_001) + "></script>", Options(), True),
    ("<script>x</SCRIPT><p " + _attributes(2_001) + "></script>", Options(), False),
    ("<SCRIPT src=a.js>x</script\t><p " + _attributes(2_001) + ">", Options(), False),
    ("<style>p{}</STYLE/><p " + _attributes(2_001) + ">", Options(), False),
    ("<style>p{}</styles><p " + _attributes(2_001) + ">", Options(), True),
    # NUL and CR in names and between attributes.
    ("<d\x00iv>" * 5_000, Options(), False),
    ("<div\r\n\x00a=1\r>" * 5_000, Options(), False),
    ("<p\x00>x</p\x00>" * 5_000, Options(), True),
]


@pytest.mark.parametrize(("text", "options", "accepted"), AT_THE_LIMITS)
def test_documents_at_the_limits(text: str, options: Options, accepted: bool) -> None:
    assert _model_accepts(text, options) == accepted
    if _Scan(text, options).provably_cheap():
        assert accepted
    if accepted:
        check(text, options)
    else:
        _refused(text, options)


def test_the_screen_skips_scripts_to_the_end_tag_the_tokenizer_finds() -> None:
    # Scripts and styles are skipped in C up to the end tag that _TOKEN's (?ai:\\2) finds,
    # spelled out letter by letter; check the letters against re itself.
    chars = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF)
    for letter in sorted(set("".join(_SKIPPED_RAW))):
        for start in (letter, letter.upper()):
            pairs = "\x00" + start + ("\x00" + start).join(chars)
            taken = {m[0][2] for m in re.finditer("\x00(.)(?ai:\\1)", pairs, re.S)}
            assert taken == set(re.findall(_end_letter(letter), chars))


def test_plain_tags_never_have_a_stopped_name() -> None:
    # The scanner tells plain start tags by their first characters (tokens._name_starts):
    # no spelling of a counted or raw-text name may pass, the common names must.
    plain = re.compile(f"<{tokens._skips(32, raw=False, comments=False)}")
    for name in tokens._STOPPED:
        for spelled in (name, name.upper(), name.title(), name[:-1] + name[-1].upper()):
            for rest in (">", "/>", " a=1>", "\t/>", ' a="x" b>'):
                assert not plain.fullmatch(f"<{spelled}{rest}")
    for name in ("div", "span", "p", "li", "img", "meta", "h2", "ul", "main", "noscript",
                 "footer", "form", "template", "time", "section", "stop", "mark", "col"):
        assert plain.fullmatch(f"<{name} class=x>")
        assert plain.fullmatch(f"</{name}>")


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_the_screen_counts_alike_in_utf8(name: str) -> None:
    text = SCREENED[name] + "<p>Grüße, 世界 \U0001f600 <b>x</b></p>"
    for mark in ("<", "</"):
        assert screen._count(text, text.encode("utf-8"), mark) == text.count(mark)
    budget = _Scan(text, Options()).budget
    assert screen.provably_cheap(text, Options(), budget, text.encode("utf-8"))


SOUP_TAGS = ("div", "span", "p", "li", "ul", "b", "i", "a", "table", "tr", "td", "select",
             "option", "svg", "math", "mi", "foreignObject", "style", "script", "title",
             "textarea", "plaintext", "font", "html", "body", "dd", "dt", "button", "x", "B",
             "SVG", "Script")
soup = st.lists(st.builds(
    lambda slash, name, attrs: f"<{slash}{name}{attrs}>",
    st.sampled_from(["", "", "/"]), st.sampled_from(SOUP_TAGS),
    st.sampled_from(["", " class=c", ' a="<b>"', " " + _attributes(70), "/", ' t="</script>"',
                     " a = b", ' a="x"b', " a=b=c", "\r\nc\x00=1", " " + _attributes(4)]))
    | st.sampled_from(["text ", "<!-- c -->", "<!--", "-->", "<", "a<b ", "'", '"', ">",
                       "&amp;", "<![CDATA[", "]]>", "</", "\x00", "\r", "<\u017fcript>",
                       "<t\u0131tle>", "</\u017ftyle>",
                       "</scr\u0130pt>"]), max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(soup, st.sampled_from([Options(), Options(max_depth=60), Options(max_attributes=30),
                              Options(max_attributes=3), Options(max_elements=200),
                              Options(max_tag_bytes=200)]))
def test_the_screen_accepts_only_what_the_model_accepts(text: str, options: Options) -> None:
    if _Scan(text, options).provably_cheap():
        _Scan(text, options).run()  # must not raise


ICONS = ['<svg viewBox="0 0 24 24"><path d="M3 12h18"/></svg>',
         "<svg><g><use href=#i></use></g></svg>", "<math><mi>x</mi></math>",
         "<svg><path></svg>", "<svg><title>t</title></svg>", "<svg><p>x</p></svg>"]
AFTER_ICON = ["", "x", ">", "</svg>", "<!--", "<script>a<b</script>", "<style>p{}</style>",
              "<b>", "<p " + _attributes(70) + ">", "</p>", "<svg>", "\x00", "-->"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ICONS), st.sampled_from(AFTER_ICON)), min_size=1,
                max_size=12))
def test_remembered_icons_end_where_reading_them_ends(parts: list[tuple[str, str]]) -> None:
    # The screen reads an svg/math element once per distinct markup and remembers where it
    # ends: whatever follows a repeated icon, the remembered end is the one read afresh.
    text = "".join(f"<a>{icon}{after}</a>" for icon, after in parts)
    remembered = screen._Screen(text, Options(), 10**8, 8, text.count("<"), None)
    for found in re.finditer("<(svg|math)", text):
        name, end = found[1], found.end() + text[found.end():].index(">") + 1
        assert (remembered._foreign_end(end, name, found.start() + 1)
                == screen._simple_foreign_end(text, end, name))
    if _Scan(text, Options()).provably_cheap():
        _Scan(text, Options()).run()  # (and the model agrees)


def test_a_menu_of_repeated_icons_is_read_once_per_icon(monkeypatch: pytest.MonkeyPatch) -> None:
    item = '<li><a href="/s/{0}"><svg viewBox="0 0 9 9"><path d="M1 1"/></svg>Section {0}</a></li>'
    text = "<ul>" + "".join(item.format(i) for i in range(200)) + "</ul>"
    reads = []

    def counted(text: str, pos: int, root: str) -> int | None:
        reads.append(pos)
        return read(text, pos, root)

    read = screen._simple_foreign_end
    monkeypatch.setattr(screen, "_simple_foreign_end", counted)
    budget = Options().max_depth * grammar._WORK_PER_DEPTH
    assert screen.provably_cheap(text, Options(), budget, in_c=False)  # (the reads in Python)
    assert len(reads) == 1
