"""The parse stage: one Lexbor tree plus the head facts read before cleaning destroys them."""

from __future__ import annotations

import pytest

from plainpage.extract.parse import parse

URL = "https://news.test/section/story.html"


def page_with_head(head: str, body: str = "<p>Body.</p>", html_attrs: str = "") -> str:
    return f"<html{html_attrs}><head>{head}</head><body>{body}</body></html>"


def ld(payload: str) -> str:
    return f'<script type="application/ld+json">{payload}</script>'


# --- JSON-LD ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("payload", "expected_types"),
    [
        ('{"@type": "NewsArticle", "headline": "H"}', ["NewsArticle"]),
        # @graph: the container and every member are collected.
        ('{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},'
         ' {"@type": "Article"}]}', [None, "WebPage", "Article"]),
        # A top-level list of objects.
        ('[{"@type": "Organization"}, {"@type": "BlogPosting"}]', ["Organization", "BlogPosting"]),
        # Old CMSs wrap the block in a CDATA section or an HTML comment.
        ('<![CDATA[ {"@type": "Article"} ]]>', ["Article"]),
        ('<!-- {"@type": "Article"} -->', ["Article"]),
        # A trailing semicolon left by a template.
        ('{"@type": "Article"};', ["Article"]),
    ],
    ids=["object", "graph", "top-level-list", "cdata", "comment", "semicolon"],
)
def test_jsonld_objects_are_collected(payload: str, expected_types: list[str | None]) -> None:
    page = parse(page_with_head(ld(payload)), URL)
    assert [obj.get("@type") for obj in page.jsonld] == expected_types


def test_jsonld_in_body_is_collected_too() -> None:
    page = parse(page_with_head("", body=ld('{"@type": "Recipe"}') + "<p>Soup.</p>"), URL)
    assert [obj["@type"] for obj in page.jsonld] == ["Recipe"]


@pytest.mark.parametrize(
    "broken",
    ['{"@type": "Article", ', "not json at all", "", "   ", '"just a string"', "42"],
    ids=["truncated", "prose", "empty", "blank", "string", "number"],
)
def test_broken_or_non_object_jsonld_is_ignored(broken: str) -> None:
    # A broken block must not hide the good blocks around it, nor raise.
    head = ld('{"@type": "WebSite"}') + ld(broken) + ld('{"@type": "Article"}')
    page = parse(page_with_head(head), URL)
    assert [obj["@type"] for obj in page.jsonld] == ["WebSite", "Article"]


def test_jsonld_with_raw_control_characters_is_read() -> None:
    # CMSs paste article bodies with literal newlines and tabs into JSON strings.
    page = parse(page_with_head(ld('{"@type": "Article", "headline": "Two\nlines\tand tab"}')),
                 URL)
    assert page.jsonld[0]["headline"] == "Two\nlines\tand tab"


def test_scripts_of_other_types_are_not_jsonld() -> None:
    head = '<script type="application/json">{"@type": "Article"}</script>'
    head += '<script>var x = {"@type": "Article"};</script>'
    assert parse(page_with_head(head), URL).jsonld == []


# --- <meta> ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ('<meta property="og:title" content="Value">', "og:title"),
        ('<meta name="description" content="Value">', "description"),
        ('<meta itemprop="datePublished" content="Value">', "datepublished"),
        ('<meta name="Twitter:Title" content="Value">', "twitter:title"),
        ('<meta name="  author " content="  Value  ">', "author"),
    ],
    ids=["property", "name", "itemprop", "case-folded", "stripped"],
)
def test_meta_is_collected_by_property_name_and_itemprop(tag: str, key: str) -> None:
    assert parse(page_with_head(tag), URL).meta[key] == "Value"


def test_first_meta_value_wins() -> None:
    head = ('<meta property="og:title" content="First">'
            '<meta property="og:title" content="Second">')
    assert parse(page_with_head(head), URL).meta["og:title"] == "First"


def test_empty_meta_content_does_not_shadow_a_later_value() -> None:
    head = ('<meta name="description" content="  ">'
            '<meta name="description" content="Real description">')
    assert parse(page_with_head(head), URL).meta["description"] == "Real description"


def test_meta_without_content_or_key_is_not_collected() -> None:
    head = '<meta charset="utf-8"><meta name="robots"><meta content="orphan">'
    assert parse(page_with_head(head), URL).meta == {}


# --- <base href>, canonical ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "href", "expected"),
    [
        (URL, "https://cdn.test/assets/", "https://cdn.test/assets/"),
        (URL, "/other/", "https://news.test/other/"),
        (URL, "sub/", "https://news.test/section/sub/"),
        (URL, "   ", URL),
        (None, "https://cdn.test/", "https://cdn.test/"),
        (None, "/relative/", None),  # nothing to resolve a relative base against
    ],
    ids=["absolute", "root-relative", "relative", "blank", "no-url-absolute",
         "no-url-relative"],
)
def test_base_href_is_resolved_against_the_url(url: str | None, href: str,
                                               expected: str | None) -> None:
    page = parse(page_with_head(f'<base href="{href}">'), url)
    assert page.base_url == expected
    assert page.url == url


def test_without_base_the_base_url_is_the_url() -> None:
    assert parse(page_with_head(""), URL).base_url == URL
    assert parse(page_with_head(""), None).base_url is None


@pytest.mark.parametrize(
    ("head", "url", "expected"),
    [
        ('<link rel="canonical" href="https://news.test/c">', URL, "https://news.test/c"),
        ('<link rel="canonical" href="/c?id=1">', URL, "https://news.test/c?id=1"),
        ('<base href="https://other.test/x/"><link rel="canonical" href="c">', URL,
         "https://other.test/x/c"),
        ('<link rel="canonical" href="">', URL, None),
        ('<link rel="alternate" href="https://news.test/amp">', URL, None),
        ("", URL, None),
    ],
    ids=["absolute", "relative-to-url", "relative-to-base", "empty", "not-canonical",
         "absent"],
)
def test_canonical(head: str, url: str, expected: str | None) -> None:
    assert parse(page_with_head(head), url).canonical == expected


# --- <html lang dir>, <title> ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("attrs", "lang", "direction"),
    [
        (' lang="ar" dir="RTL"', "ar", "rtl"),
        (' lang=" en-GB "', "en-GB", None),
        (' xml:lang="de"', "de", None),
        (' lang="" dir=""', None, None),
        ("", None, None),
    ],
    ids=["lang-and-dir", "stripped", "xml-lang", "empty", "absent"],
)
def test_html_lang_and_dir(attrs: str, lang: str | None, direction: str | None) -> None:
    page = parse(page_with_head("", html_attrs=attrs), URL)
    assert (page.lang, page.dir) == (lang, direction)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<title>  A \n\t title   with\n gaps </title>", "A title with gaps"),
        ("<title></title>", ""),
        ("", ""),
        ("<title>First</title><title>Second</title>", "First"),
    ],
    ids=["whitespace-collapsed", "empty", "absent", "first-wins"],
)
def test_title_tag_whitespace(head: str, expected: str) -> None:
    assert parse(page_with_head(head), URL).title_tag == expected


def test_parse_leaves_the_tree_whole_and_reports_nothing() -> None:
    html = page_with_head(ld('{"@type": "Article"}') + "<style>p{}</style>",
                          body="<script>x()</script><p>Body.</p>")
    page = parse(html, URL)
    # Scripts are still there for clean to remove; nothing was reported yet.
    assert page.tree.css_first("script") is not None
    assert page.removed == []
    assert page.body is not None and page.body.text(strip=True).endswith("Body.")
