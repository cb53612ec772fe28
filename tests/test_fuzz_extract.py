"""Hostile documents for ``plainpage.extract`` (issue 7, fuzzing): hypothesis builds pages
with deep nesting, huge attributes, broken encodings, mixed scripts, giant text nodes,
unclosed tags and comment/CDATA/template soup, salted with XSS payloads. Every one must give
an Article that holds the invariants of ``tests.test_robustness.check_article`` (sanitised
html, consistent word count, str outputs, JSON) or raise an InputError, and nothing else.

tests/test_robustness.py has the generic properties (any text, any bytes, tag soup); this
file the shapes an attacker or a broken CMS produces. Each property has a ``deadline``: a
document whose extraction turns quadratic fails the test instead of slowing the suite.
``HYPOTHESIS_PROFILE=long`` (see the end) runs 20× the examples; docs/reliability.md says how.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from plainpage import Article, Options
from tests.test_robustness import extract_checked
from tests.web_support import AUTH, make_app

settings.register_profile("ci", max_examples=40, deadline=timedelta(seconds=3),
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.register_profile("long", max_examples=800, deadline=timedelta(seconds=3),
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
NO_FALLBACK = Options(fallback=False)
URL = "https://news.test/2024/story.html"
PROSE = "<p>The lead paragraph of the story has enough words to be read as its text.</p>"

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
       '<a href="javascript:alert(1)">j</a>', '<a href=" &#14;javascript:alert(1)">k</a>',
       "<svg onload=alert(1)><a xlink:href=javascript:alert(1)>s</a></svg>",
       '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
       "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
       '<form action="javascript:alert(1)"><button formaction=javascript:alert(1)>b</button>',
       '<div style="background:url(javascript:alert(1))">s</div>',
       "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
       '<object data="data:text/html,<script>alert(1)</script>"></object>',
       "<details open ontoggle=alert(1)>d</details>", '<base href="javascript:/">')
CONTAINERS = ("div", "span", "b", "i", "a", "font", "p", "section", "article", "blockquote",
              "ul", "li", "ol", "table", "tr", "td", "select", "option", "em", "svg", "math",
              "template", "custom-el", "nobr", "center", "dl", "dd", "figure", "q", "h2")
SCRIPTS = st.sampled_from([
    "Grüße aus Köln", "العربية نص طويل", "עברית", "中文文本很长", "日本語のテキスト", "한국어",
    "Ελληνικά", "русский текст", "हिन्दी पाठ", "ไทย", "emoji 😀👍🏽‍🔥", "e\u0301\u0301\u0301",
    "\u200f\u202erlo\u202c", "\u200b\u200d\u2060", "\ufeff", "\x00", "\ufffd", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ﷺ", "\U0001f1fa\U0001f1f8", "Z̴̡̢a̷l̸g̵o̶", "\u00a0\u3000\u2028\u2029"])
mixed_text = st.lists(SCRIPTS | st.text(max_size=12), min_size=1, max_size=12).map(" ".join)


def run(data: str | bytes, **kwargs: object) -> Article | None:
    """``extract_checked``, noting the outcome (--hypothesis-show-statistics shows the mix)."""
    article = extract_checked(data, **kwargs)
    event("refused (InputError)" if article is None else
          "article with text" if article.text else "article, empty")
    return article


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body><article>{body}</article></body>"


@st.composite
def nested(draw: st.DrawFn) -> str:
    """Up to 5 000 levels of one or several container tags, closed or not, text inside."""
    names = draw(st.lists(st.sampled_from(CONTAINERS), min_size=1, max_size=4))
    # shallow, past the render walk's depth guard (150), up to and past the pre-scan's 4 000
    depth = draw(st.integers(1, 60) | st.integers(140, 600) | st.integers(600, 3_900)
                 | st.integers(3_900, 5_000))
    closed = draw(st.booleans())
    opener = "".join(f"<{names[i % len(names)]} class=c{i % 7}>" for i in range(depth))
    closer = "".join(f"</{names[i % len(names)]}>" for i in reversed(range(depth)))
    inner = draw(st.sampled_from((PROSE, "", *XSS)))
    return page(opener + inner + (closer if closed else "") + PROSE)


@st.composite
def huge_attributes(draw: st.DrawFn) -> str:
    """Many attributes on a tag, or a few enormous values (ReDoS bait in class/id)."""
    count = draw(st.integers(0, 10) | st.integers(400, 600) | st.integers(600, 2_000))
    value = draw(st.sampled_from(("a" * 100_000 + "!", "nav " * 20_000, '"' * 5_000,
                                  "x-" * 30_000, "javascript:" * 2_000, "")))
    tag = draw(st.sampled_from(("div", "p", "a", "img", "td", "article")))
    attrs = " ".join(f"data-a{i}=v{i}" for i in range(count))
    return page(f'<{tag} class="{value}" id="{value[:70_000]}" {attrs}>{PROSE}</{tag}>'
                + PROSE * 2)


@st.composite
def broken_encoding(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A page encoded one way, declared another (header and/or meta), bytes damaged."""
    text = page(PROSE + f"<p>{draw(mixed_text)}</p>" * 3,
                head=f"<meta charset={draw(st.sampled_from(['utf-8', 'shift_jis', 'x-bad']))}>")
    encoding = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16", "cp1252", "shift_jis",
                                     "koi8-r", "gb18030", "iso-8859-8"]))
    data = bytearray(text.encode(encoding, "replace"))
    for _ in range(draw(st.integers(0, 6))):  # truncated sequences, stray bytes, NULs
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
                                            b"\x00", b"\xfe\xff", b"+ADw-script+AD4-"]))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
    cut = draw(st.integers(len(data) // 2, len(data)))  # the end cut mid-character, maybe
    declared = draw(st.none() | st.sampled_from(
        ["utf-8", "utf-16", "utf-7", "windows-1252", "shift_jis", "x-nonsense", ""]))
    return prefix + bytes(data[:cut]), declared


@st.composite
def giant_text(draw: st.DrawFn) -> str:
    """One text node of up to 600 000 characters: words, one unbroken word, or entities."""
    size = draw(st.integers(10_000, 60_000) | st.just(600_000))
    unit = draw(st.sampled_from(("word ", "x", "&amp;", "中", "😀", " \n\t", "&#x41;")))
    body = unit * (size // len(unit))
    return page(f"<p>{body}</p>" if draw(st.booleans()) else body)


SOUP_PARTS = ("<!--", "-->", "--!>", "<!-->", "<!--->", "<![CDATA[", "]]>", "<template>",
              "</template>", "<?php echo 1; ?>", "<!DOCTYPE x>", "<svg>", "</svg>", "<math>",
              "<script>", "</script>", "<style>", "</style>", "<textarea>", "<title>",
              "<noscript>", "</noscript>", "<xmp>", "<iframe>", "<noembed>", "<noframes>",
              "<plaintext>", "<table>", "<tr>", "<td>", "<select>", "<option>", "<p>", "</p>",
              "<div", "<a href='", '"', "'", ">", "<", "&", "</", "<!", "<?", "<template><p>",
              "<foreignObject>", "<desc>", "<annotation-xml encoding=text/html>", "<frameset>")


@st.composite
def soup(draw: st.DrawFn) -> str:
    """Comment, CDATA, template, raw-text and foreign-content markers in any order, with
    prose and payloads between them and nothing closed at the end."""
    parts = draw(st.lists(st.sampled_from(SOUP_PARTS) | st.sampled_from(XSS)
                          | st.just(PROSE) | mixed_text, max_size=40))
    return "".join(parts)


@PROFILE
@given(nested(), st.sampled_from([None, URL]))
def test_deep_nesting(html: str, url: str | None) -> None:
    run(html, url=url, options=NO_FALLBACK)


@PROFILE
@given(huge_attributes())
def test_huge_attributes(html: str) -> None:
    run(html, url=URL, options=NO_FALLBACK)


@PROFILE
@given(broken_encoding())
def test_broken_encodings(case: tuple[bytes, str | None]) -> None:
    data, charset = case
    run(data, charset=charset, options=NO_FALLBACK)


@PROFILE
@given(mixed_text, st.sampled_from(["ltr", "rtl", "auto", "x"]))
def test_mixed_scripts(text: str, direction: str) -> None:
    html = page(f"<h1>{text}</h1><p>{text}</p>{PROSE}<p title='{text}'>{text}</p>",
                head=f"<title>{text}</title>").replace("<html>", f"<html dir={direction}>")
    article = run(html, url=URL, options=NO_FALLBACK)
    assert article is not None


@settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 4),
          deadline=timedelta(seconds=10))
@given(giant_text())
def test_giant_text_nodes(html: str) -> None:
    run(html, options=NO_FALLBACK)


@PROFILE
@given(soup(), st.sampled_from([None, URL]))
def test_comment_cdata_template_soup(html: str, url: str | None) -> None:
    run(html, url=url, options=NO_FALLBACK)


@settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 4))
@given(soup())
def test_soup_inside_an_article_with_the_fallback(html: str) -> None:
    run(page(PROSE * 3 + html), url=URL)


# --- what the fuzzing found: each crash is a regression test -----------------------------

def _nest(names: tuple[str, ...], depth: int) -> str:
    opener = "".join(f"<{names[i % len(names)]}>" for i in range(depth))
    closer = "".join(f"</{names[i % len(names)]}>" for i in reversed(range(depth)))
    return page(opener + PROSE + closer + PROSE)


FOUND = {
    # render/walk.py: lexbor gives a processing instruction a node whose tag is None, and
    # the render walk indexed it: TypeError, a 500 from the API.
    "processing instruction in a paragraph": page("<p>Words before it.<?php echo 1; ?> and after "
                                                  "it, enough to read.</p>" + PROSE),
    # render/walk.py and figures.py: lists in lists and figures in figures recursed without
    # passing the walk's depth guard: RecursionError from 250 levels (the pre-scan allows
    # 4 000).
    "250 nested lists": _nest(("ul",), 250),
    "505 nested figures": _nest(("figure",), 505),
    "505 nested ul/figure": _nest(("ul", "figure"), 505),
}


@pytest.mark.parametrize("name", FOUND)
def test_what_the_fuzzing_found(name: str) -> None:
    article = extract_checked(FOUND[name], url=URL)
    assert article is not None and "lead paragraph" in article.text


def test_what_the_fuzzing_found_is_a_200_from_the_api(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    for name, html in FOUND.items():
        response = client.post("/v1/extract", json={"html": html, "url": URL}, headers=AUTH)
        assert response.status_code == 200, (name, response.get_json())


def test_nested_headings_and_links_stay_cheap() -> None:
    # 21 KB, which the pre-scan accepts, took 2.4 s of CPU (3 900 levels: 5-8 s; six blocks
    # of those, 188 KB: 25.7 s).
    html = _nest(("h2", "a"), 2_600)
    started = time.process_time()
    extract_checked(html, options=NO_FALLBACK)
    assert time.process_time() - started < 1.0
