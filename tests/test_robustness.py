"""Robustness of the public API: whatever the input, ``extract`` returns an Article or
raises an InputError (NotHTML, DocumentTooComplex) — never anything else — and the Article
holds its invariants (``check_article``): sanitised HTML, str outputs that encode as UTF-8,
a word count and reading time that match the text, JSON that serialises.

Property-based with hypothesis: any text, any bytes, and tag soup built from the parts of
HTML that are hardest on a tree builder (tables, lists, select, frameset, svg/math,
template, raw-text elements, odd attributes, broken entities, NULs, lone surrogates).
tests/test_fuzz_extract.py adds hostile documents (deep nesting, huge attributes, broken
encodings, giant text nodes, comment/CDATA/template soup) with the same checks.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plainpage import Article, Block, Options, extract
from plainpage.errors import DocumentTooComplex, InputError, NotHTML
from tests.test_web_xss import SAFE_URL, assert_safe_html

FAST = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NO_FALLBACK = Options(fallback=False)
_SCRIPT_LINK = re.compile(r"(?<!\\)\]\(\s*(javascript|vbscript|data):", re.IGNORECASE)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_C0_SPACE = "".join(chr(i) for i in range(33))


def safe_url(value: str | None) -> bool:
    """http(s)/mailto, or relative (no scheme: a page without a URL cannot resolve it),
    read the way a browser does (C0 and spaces stripped, tabs and newlines dropped)."""
    url = (value or "").strip(_C0_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    return bool(SAFE_URL.match(url)) or not _SCHEME.match(url)


def assert_safe_fragment(fragment: str) -> None:
    """tests/test_web_xss.assert_safe_html, with relative URLs allowed."""
    assert_safe_html(fragment, safe_url)


def check_article(article: Article, options: Options | None = None) -> None:
    """The invariants every Article holds, whatever the page was."""
    assert isinstance(article, Article)
    for name in ("text", "markdown", "html"):
        value = getattr(article, name)
        assert isinstance(value, str)
        value.encode("utf-8")  # no lone surrogate survives
    assert article.word_count == len(article.text.split())
    per_minute = (options or Options()).words_per_minute
    assert article.reading_minutes == math.ceil(article.word_count / per_minute)
    assert 0.0 <= article.confidence <= 1.0
    assert article.confidence == 0.0 or article.text
    assert_safe_fragment(article.html)
    assert not _SCRIPT_LINK.search(article.markdown), article.markdown
    for url in (article.image, article.canonical_url):
        assert url is None or SAFE_URL.match(url), url
    for block in _all_blocks(article.blocks):
        assert isinstance(block.text, str) and isinstance(block.html, str)
        assert_safe_fragment(block.html)
        assert safe_url(block.src), block.src
    # What the HTTP edge and the CLI do with it must work: JSON, then UTF-8.
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


def _all_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    return [part for block in blocks for part in (block, *_all_blocks(block.children))]


def extract_checked(data: str | bytes, **kwargs: object) -> Article | None:
    """Run extract; an InputError is an allowed outcome, anything else fails the test."""
    try:
        article = extract(data, **kwargs)  # type: ignore[arg-type]
    except InputError:
        return None
    options = kwargs.get("options")
    check_article(article, options if isinstance(options, Options) else None)
    return article


# -- strategies -----------------------------------------------------------------------------

TAGS = ("html", "head", "body", "p", "div", "span", "b", "i", "a", "font", "nobr", "table",
        "tbody", "tr", "td", "th", "caption", "colgroup", "col", "ul", "ol", "li", "dl", "dd",
        "dt", "select", "option", "optgroup", "form", "button", "input", "textarea", "frameset",
        "frame", "noframes", "iframe", "svg", "math", "foreignObject", "desc", "mi",
        "annotation-xml", "template", "script", "style", "title", "noscript", "plaintext",
        "xmp", "pre", "h1", "h3", "br", "img", "hr", "article", "main", "figure", "image",
        "custom-el")
ODD_VALUES = ('"', "'", ">", "<", "</div>", "javascript:alert(1)", "&amp", "&#x110000;",
              "&#0;", "\x00", "\u202e", "a" * 300, "", "=", "\"'>", "<!--", "]]>")
TEXTS = ("plain words", "&amp &lt; &#x; &#99999999; &notanentity; &", "العربية نص",
         "中文文本", "emoji 😀👍🏽", "e\u0301\u0301", "\u200f\u202erlo", "\x00", "\r\n\t",
         "<", ">", "<!--", "-->", "<![CDATA[x]]>", "<!DOCTYPE html>", "<?xml?>", "\ufeff")

attribute = st.builds(
    lambda name, value, quote: f" {name}={quote}{value}{quote}" if value is not None
    else f" {name}",
    st.sampled_from(["class", "id", "href", "src", "style", "hidden", "color", "face",
                     "encoding", "type", "x\"y", "=", "on-click", "data-x"]),
    st.none() | st.sampled_from(ODD_VALUES),
    st.sampled_from(['"', "'", ""]))

start_tag = st.builds(
    lambda name, attrs, closing: f"<{name}{''.join(attrs)}{closing}",
    st.sampled_from(TAGS), st.lists(attribute, max_size=3),
    st.sampled_from([">", "/>", " >", ""]))
end_tag = st.builds(lambda name: f"</{name}>", st.sampled_from(TAGS))
text_piece = st.sampled_from(TEXTS) | st.text(max_size=20)
soup = st.lists(start_tag | end_tag | text_piece, max_size=60).map("".join)


def _surrogate_text() -> st.SearchStrategy[str]:
    lone = st.sampled_from(["\ud800", "\udfff", "\udc80x", "\ud83d"])
    return st.lists(lone | text_piece | start_tag, min_size=1, max_size=20).map("".join)


# -- properties ----------------------------------------------------------------------------

@FAST
@given(st.text(max_size=2_000))
def test_any_text_gives_an_article_or_an_input_error(text: str) -> None:
    extract_checked(text, options=NO_FALLBACK)


@FAST
@given(st.binary(max_size=2_000), st.none() | st.sampled_from(
    ["utf-8", "windows-1252", "utf-16", "shift_jis", "utf-7", "nonsense", ""]))
def test_any_bytes_give_an_article_or_an_input_error(data: bytes, charset: str | None) -> None:
    extract_checked(data, charset=charset, options=NO_FALLBACK)


@FAST
@given(soup, st.sampled_from([None, "https://example.test/a/b.html"]))
def test_hostile_tag_soup_gives_an_article_or_an_input_error(html: str, url: str | None) -> None:
    extract_checked(html, url=url, options=NO_FALLBACK)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soup)
def test_tag_soup_with_the_readability_fallback(html: str) -> None:
    wrapped = f"<html><body><article><p>{'Some prose to read. ' * 20}</p>{html}</article>"
    extract_checked(wrapped)


@FAST
@given(soup, st.sampled_from(["utf-8", "utf-16", "cp1252", "shift_jis"]))
def test_tag_soup_as_bytes(html: str, encoding: str) -> None:
    data = html.encode(encoding, "replace")
    extract_checked(data, options=NO_FALLBACK)
    extract_checked(data, charset=encoding, options=NO_FALLBACK)


@FAST
@given(_surrogate_text())
def test_lone_surrogates_never_crash(text: str) -> None:
    article = extract_checked(text, options=NO_FALLBACK)
    if article is not None:
        article.text.encode("utf-8")
        article.html.encode("utf-8")


@pytest.mark.slow
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(soup, min_size=1, max_size=8).map("".join))
def test_longer_tag_soup(html: str) -> None:
    extract_checked(html, options=NO_FALLBACK)


# -- explicit cases ------------------------------------------------------------------------

EDGE_CASES = {
    "empty string": "",
    "empty bytes": b"",
    "whitespace": " \n\t\r ",
    "whitespace bytes": b"   \n",
    "no body": "<html><head><title>Only a head</title></head></html>",
    "head only content": "<title>T</title><meta name=description content=d>",
    "frameset": ('<html><head><title>Frames</title></head><frameset cols="50%,50%">'
                 '<frame src="a.html"><frame src="b.html"><noframes><p>No frames.</p>'
                 "</noframes></frameset></html>"),
    "invalid utf-8": b"<html><body><p>caf\xc3 \xff\xfe broken \xed\xa0\x80 bytes</p></body></html>",
    "nul bytes": b"<html><body><p>a\x00b\x00c</p>\x00</body></html>",
    "nul text": "<p>\x00</p><div\x00 class=x>\x00</div>",
    "plain text": "Just a sentence, no markup at all.",
    "only a comment": "<!-- nothing else",
    "unclosed everything": "<html><body><table><tr><td><ul><li><select><option>x",
    "deep but allowed": "<div>" * 1_000 + "<p>Deep text.</p>" + "</div>" * 1_000,
    "svg and math": ("<svg><foreignObject><p>in svg</p></foreignObject><title>t</title></svg>"
                     "<math><mi>x</mi><annotation-xml encoding='text/html'><p>m</p>"
                     "</annotation-xml></math><p>after</p>"),
    "template": "<template><p>hidden</p></template><p>shown text</p>",
    "plaintext": "<p>before</p><plaintext><p>not a tag</p>",
    "utf-16 with bom": "\ufeff<p>Grüße</p>".encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_case_returns_an_article(name: str) -> None:
    assert extract_checked(EDGE_CASES[name]) is not None


def test_empty_input_gives_an_empty_article() -> None:
    for data in ("", b"", "  \n "):
        article = extract(data)
        assert article.text == ""
        assert article.blocks == ()


def test_pdf_bytes_raise_not_html() -> None:
    with pytest.raises(NotHTML):
        extract(b"%PDF-1.7\n1 0 obj << >> endobj")


def test_deep_nesting_raises_document_too_complex() -> None:
    with pytest.raises(DocumentTooComplex):
        extract("<div>" * 100_000 + "x" + "</div>" * 100_000)


def test_many_attributes_raise_document_too_complex() -> None:
    with pytest.raises(DocumentTooComplex):
        extract("<div " + " ".join(f"a{i}" for i in range(40_000)) + ">x</div>")


@pytest.mark.slow
def test_a_20_mb_page_returns_an_article() -> None:
    paragraph = "<p>" + "lorem ipsum dolor sit amet " * 74 + "</p>\n"
    page = ("<html><head><title>Big</title></head><body><article><h1>Big</h1>"
            + paragraph * (20_000_000 // len(paragraph)) + "</article></body></html>")
    assert len(page) > 19_900_000
    article = extract(page)
    assert article.word_count > 3_000_000
    assert article.text.startswith("Big") or "lorem ipsum" in article.text[:200]
