"""The metadata stage and its date normaliser, on small hand-written pages."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import plainpage
from plainpage.extract import metadata, parse
from plainpage.extract.metadata import dates, sources
from plainpage.extract.page import Metadata
from plainpage.options import Options

URL = "https://news.example.org/2019/05/story.html"


def meta_of(html: str, url: str | None = URL) -> Metadata:
    return metadata.extract(parse.parse(html, url), Options())


def page_with(head: str = "", body: str = "<p>Text.</p>", html_attrs: str = "") -> str:
    return f"<!doctype html><html{html_attrs}><head>{head}</head><body>{body}</body></html>"


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- sources ---------------------------------------------------------------------------

def test_meta_names_are_split_and_dublin_core_is_spelt_one_way():
    raw = {"og:title": "T"}
    assert sources.normal_meta(raw) is raw  # nothing to rename: the dict itself
    assert sources.normal_meta({"og:title": "T", "DC:Title": "D"}) == {
        "og:title": "T", "DC:Title": "D"}  # names are lower-cased by parse, not here
    assert sources.normal_meta({"og:title twitter:title": "T", "dc:creator": "C"}) == {
        "og:title": "T", "twitter:title": "T", "dc.creator": "C"}
    assert sources.normal_meta({"a": "1", "dcterms:modified": "M"}) == {
        "a": "1", "dcterms.modified": "M"}


def test_type_names_and_simplified_names_long_or_short():
    assert sources.types_of({"@type": ["http://schema.org/NewsArticle", "schema:WebPage"]}) == {
        "newsarticle", "webpage"}
    long = "The Example Times " * 20  # past the cached length: computed the same way
    assert sources.simplified(long) == "theexampletimes" * 20
    assert sources.simplified("Example.com") == "example"


# --- dates.normalize -------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("2019-05-03", "2019-05-03"),
    ("2019-05-03T12:00:00Z", "2019-05-03T12:00:00+00:00"),
    ("2019-05-03T12:00:00.123+0200", "2019-05-03T12:00:00+02:00"),
    ("2019-05-03T07:30-04:00", "2019-05-03T07:30:00-04:00"),
    ("2019-05-03 12:00:00", "2019-05-03T12:00:00"),
    ("Fri, 03 May 2019 12:00:00 +0000", "2019-05-03T12:00:00+00:00"),
    ("May 3, 2019", "2019-05-03"),
    ("Sept. 3rd, 2019", "2019-09-03"),
    ("3 May 2019", "2019-05-03"),
    ("3. Mai 2019", "2019-05-03"),
    ("03.05.2019", "2019-05-03"),
    ("2019/05/03", "2019-05-03"),
    ("13/05/2019", "2019-05-13"),
    ("05/13/2019", "2019-05-13"),
    ("20190503", "2019-05-03"),
    ("1556884800", "2019-05-03T12:00:00+00:00"),
    ("Published on May 3, 2019 at 6:01 am", "2019-05-03"),
])
def test_normalize_reads_common_formats(raw: str, expected: str) -> None:
    assert dates.normalize(raw) == expected


@pytest.mark.parametrize("raw", [
    "2019-02-30", "2019-13-01", "2019-05-03T25:00:00", "31 April 2019", "0201-05-03",
    "04/05/2019",  # day and month could be either way round: no guess
    "yesterday", "", None, True, {"@value": "2019-05-03"},
])
def test_normalize_rejects_impossible_or_ambiguous(raw: object) -> None:
    assert dates.normalize(raw) is None


@given(st.text(max_size=40) | st.from_regex(r"\d{1,4}[-./ ]\d{1,2}[-./ ]\d{1,4}.{0,12}"))
def test_normalize_gives_iso_or_none(raw: str) -> None:
    found = dates.normalize(raw)
    assert found is None or dates.normalize(found) == found  # ISO output reads back as itself


def test_date_start_finds_where_a_byline_date_begins() -> None:
    assert dates.date_start("Jane Doe March 3, 2019") == len("Jane Doe")
    assert dates.date_start("Jane Doe") is None


# --- title -----------------------------------------------------------------------------

def test_jsonld_article_gives_every_field() -> None:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Council approves the new bridge",
        "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Bo Li"}],
        "datePublished": "2019-05-03T08:00:00+02:00", "dateModified": "2019-05-04",
        "publisher": {"@type": "Organization", "name": "The Daily Example"},
        "image": {"@type": "ImageObject", "url": "/img/bridge.jpg"},
        "description": "The vote was close.", "inLanguage": "es", "wordCount": "1,234",
    }
    meta = meta_of(page_with(jsonld(data) + "<title>Something else | Daily</title>"))
    assert meta.title == "Council approves the new bridge"
    assert meta.byline == "Ana Ruiz, Bo Li"
    assert meta.published == "2019-05-03T08:00:00+02:00"
    assert meta.modified == "2019-05-04"
    assert meta.site_name == "The Daily Example"
    assert meta.image == "https://news.example.org/img/bridge.jpg"
    assert meta.excerpt == "The vote was close."
    assert meta.lang == "es"
    assert meta.stated_word_count == 1234
    assert meta.paywalled is False and meta.evidence == ()


def test_jsonld_name_wins_when_headline_is_a_subtitle() -> None:
    data = {"@context": "https://schema.org", "@type": "Article", "name": "New Zealand",
            "headline": "country in Oceania"}
    meta = meta_of(page_with(jsonld(data) + "<title>New Zealand - Encyclopedia</title>"))
    assert meta.title == "New Zealand"


def test_jsonld_graph_author_reference_is_resolved() -> None:
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "BlogPosting", "headline": "Notes on gardening",
         "author": {"@id": "https://example.org/#person-1"}},
        {"@type": "Person", "@id": "https://example.org/#person-1", "name": "Kim Park"},
    ]}
    assert meta_of(page_with(jsonld(data))).byline == "Kim Park"


def test_open_graph_only_page() -> None:
    head = (
        '<meta property="og:title" content="Tom &amp;amp; Jerry return">'
        '<meta property="og:site_name" content="Cartoon News">'
        '<meta property="og:description" content="A reunion.">'
        '<meta property="og:image" content="/pics/tj.png">'
        '<meta property="og:locale" content="en_US">'
        '<meta property="og:url" content="https://news.example.org/tj">'
        '<meta property="article:published_time" content="2020-01-02T03:04:05Z">'
    )
    meta = meta_of(page_with(head))
    assert meta.title == "Tom & Jerry return"  # escaped twice in the source
    assert meta.site_name == "Cartoon News"
    assert meta.excerpt == "A reunion."
    assert meta.image == "https://news.example.org/pics/tj.png"
    assert meta.lang == "en-US"
    assert meta.canonical_url == "https://news.example.org/tj"
    assert meta.published == "2020-01-02T03:04:05+00:00"


def test_space_separated_meta_names_are_each_read() -> None:
    head = '<meta property="og:title twitter:title" content="Shared headline text">'
    assert meta_of(page_with(head)).title == "Shared headline text"


@pytest.mark.parametrize(("head", "body", "expected"), [
    # The site's name (og:site_name) is the separated last part.
    ('<title>Nine ways to cook rice | Kitchen Daily</title>'
     '<meta property="og:site_name" content="Kitchen Daily">', "", "Nine ways to cook rice"),
    # … or the first part, or the host's name.
    ("<title>Kitchen Daily Magazine | Nine ways to cook rice</title>"
     '<meta name="application-name" content="Kitchen Daily Magazine">', "",
     "Nine ways to cook rice"),
    ("<title>Nine ways to cook rice - Example</title>", "", "Nine ways to cook rice"),
    # The page's h1 shows which part is the headline.
    ("<title>Nine ways to cook rice — Recipes — KD</title>",
     "<h1>Nine ways to cook rice</h1>", "Nine ways to cook rice"),
    ("<title>Kitchen Daily Magazine | Nine ways to cook rice</title>",
     "<h1>Nine ways to cook rice</h1>", "Nine ways to cook rice"),
    # A dash inside the headline stays: only the part naming the site goes.
    ("<title>Spider-Man - the long way home - a review | Film Site</title>"
     '<meta property="og:site_name" content="Film Site">', "",
     "Spider-Man - the long way home - a review"),
    # Without a sign of the site, Readability's rule cuts the last part.
    ("<title>Why the tide turned in the north - Gazette</title>", "",
     "Why the tide turned in the north"),
    # … but never leaves a title of a word or two.
    ("<title>Rice - Gazette</title>", "", "Rice - Gazette"),
])
def test_title_tag_loses_the_site_name(head: str, body: str, expected: str) -> None:
    assert meta_of(page_with(head, body)).title == expected


def test_title_falls_back_to_single_h1() -> None:
    assert meta_of(page_with("", "<h1> The only   heading </h1><p>x</p>")).title == (
        "The only heading")


# --- byline ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("By Jane Doe", "Jane Doe"),
    ("by JANE DOE", "JANE DOE"),
    ("Von Max Mustermann", "Max Mustermann"),
    ("Par Sébastien Martin", "Sébastien Martin"),
    ("Por Ana Gómez", "Ana Gómez"),
    ("Written by Rob Smith", "Rob Smith"),
    ("Jane Doe | March 3, 2019", "Jane Doe"),
    ("Jane Doe | Staff Writer", "Jane Doe"),
    ("Rob Smith Edited by Bea Jones", "Rob Smith"),
    ("Jane Doe • 8h", "Jane Doe"),
    ("Jane Doe March 3, 2019 at 6:01 am", "Jane Doe"),
    ("Bradley M. Kuhn (http://ebb.org/bkuhn/)", "Bradley M. Kuhn"),
    ("Jo Lee <jo@example.org>", "Jo Lee"),
    ("Jane Doe - Staff Writer", "Jane Doe"),
    ("Jane Doe, Reviewed by Dr. Sam Poe", "Jane Doe"),
    ("BeauHD on Friday December 19, 2025", "BeauHD"),
    ("Recipe by PJ Hamel", "PJ Hamel"),
    ("Authors: Ann Lee and Bo Kim", "Ann Lee and Bo Kim"),
    ("Heard on Morning Edition By Sam Poe", "Sam Poe"),
    ("Jane Doe Jane Doe", "Jane Doe"),
    ("Audiophile On", "Audiophile On"),  # "on" is cut only in front of a date
    ("& Zoe Diaz", "Zoe Diaz"),
])
def test_meta_author_prefixes_and_dates_are_stripped(raw: str, expected: str) -> None:
    head = f'<meta name="author" content="{raw}">'
    assert meta_of(page_with(head)).byline == expected


@pytest.mark.parametrize("raw", [
    "https://www.facebook.com/someone", "x" * 120, "Follow", "user1234", "x", "NB", "Sat",
    "Sun.",
])
def test_meta_author_junk_is_rejected(raw: str) -> None:
    head = f'<meta name="author" content="{raw}">'
    assert meta_of(page_with(head)).byline is None


def test_byline_from_marked_element() -> None:
    body = ('<article><h1>Story</h1><div class="story-byline">By <a href="/p/jd">Jane Doe</a>'
            ' | <time>May 3, 2019</time></div><p>Text.</p></article>')
    assert meta_of(page_with("", body)).byline == "Jane Doe"


def test_byline_element_naming_the_site_is_skipped() -> None:
    head = '<meta property="og:site_name" content="Kitchen Daily">'
    body = ('<div class="author-logo">Kitchen Daily</div>'
            '<span rel="author" itemprop="author"><span itemprop="name">Lee Chan</span></span>')
    assert meta_of(page_with(head, body)).byline == "Lee Chan"


def test_author_url_falls_through_to_the_page() -> None:
    head = '<meta property="article:author" content="https://facebook.com/jdoe">'
    body = '<p class="byline">By Jo Dee</p>'
    assert meta_of(page_with(head, body)).byline == "Jo Dee"


def test_jsonld_author_naming_the_publisher_gives_way_to_a_person() -> None:
    data = {"@type": "NewsArticle", "headline": "Story",
            "author": {"@type": "Organization", "name": "Kitchen Daily"},
            "publisher": {"@type": "Organization", "name": "Kitchen Daily"}}
    body = '<h1>Story</h1><div class="post-author"><span class="author-name">Lee Chan</span></div>'
    assert meta_of(page_with(jsonld(data), body)).byline == "Lee Chan"
    # With no person named anywhere, the organisation is the author after all.
    assert meta_of(page_with(jsonld(data), "<h1>Story</h1>")).byline == "Kitchen Daily"


def test_jsonld_author_list_leaves_out_the_site_but_keeps_the_people() -> None:
    data = {"@type": "Article", "headline": "Story", "publisher": {"name": "Daily"},
            "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Organization",
                                                                  "name": "Daily"}]}
    assert meta_of(page_with(jsonld(data))).byline == "Ann Lee"


@pytest.mark.parametrize(("box", "expected"), [
    # A job title, a photo and a date beside the name are parts of the box, not the name.
    ('<div class="author"><a href="/author/ben">Ben Silverman'
     '<div class="author-title">Games Editor</div></a></div>', "Ben Silverman"),
    ('<div class="author-box"><img class="author-avatar" alt="Ann Lee" src="a.jpg">'
     '<h4 class="author-box__name">Ann Lee</h4><p class="author-box__bio">Ann writes about'
     ' food.</p></div>', "Ann Lee"),
    ('<div class="authors-data"><span>&amp;</span><a href="/u/zoe-diaz">Zoe Diaz</a>'
     '<span>Writer, Hardware</span></div>', "Zoe Diaz"),
    ('<div class="byline">Written by: <a href="/author/a">Ann Lee</a><a href="/author/b">Bo'
     ' Kim</a></div>', "Ann Lee, Bo Kim"),
    ('<div class="byline">By <a href="/author/a">Ann Lee</a> and <a href="/author/b">Bo Kim'
     '</a></div>', "Ann Lee and Bo Kim"),
    ('<div class="tga-author-card_title-wrapper">Matteo Rossi | Author</div>', "Matteo Rossi"),
])
def test_byline_box_gives_only_the_name(box: str, expected: str) -> None:
    assert meta_of(page_with("", f"<h1>Story</h1>{box}<p>Text.</p>")).byline == expected


def test_comment_and_follow_boxes_are_not_the_byline() -> None:
    body = ('<h1>Story</h1><div class="follow-authors"><h3>Our writers</h3></div>'
            '<ul class="comments-list"><li class="comment"><div class="byline">Sky</div>'
            '</li></ul><div class="author-name">Nataliya Vasilyeva</div>')
    assert meta_of(page_with("", body)).byline == "Nataliya Vasilyeva"


@pytest.mark.parametrize(("body", "expected"), [
    ('<h1>Story</h1><p>By <!-- -->Preetam Jinka</p><p>Text.</p>', "Preetam Jinka"),
    ('<h1>Story</h1><p>by: Ziyi Xu, Dec 17, 2025</p><p>Text.</p>', "Ziyi Xu"),
    ('<h1>Story</h1><p><span>By</span> <b>Jon Foster</b></p><p>Text.</p>', "Jon Foster"),
    # A "by" in prose, or far below the headline, is no byline.
    ('<h1>Story</h1><p>By the way, this is prose.</p>', None),
    ('<h1>Story</h1>' + '<p>Paragraph.</p>' * 12 + '<p>By Far Away</p>', None),
])
def test_by_line_next_to_the_headline(body: str, expected: str | None) -> None:
    assert meta_of(page_with("", body)).byline == expected


# --- dates in the page -----------------------------------------------------------------

@pytest.mark.parametrize(("body", "published", "modified"), [
    ('<h1>Story</h1><div class="meta"><span>Published on July 18, 2025</span></div>',
     "2025-07-18", None),
    ('<div class="eyebrow">Dec 12, 2025</div><h1>Story</h1><p>Text.</p>', "2025-12-12", None),
    ('<h1>Story</h1><p><span>August 16, 2019</span> <span>- Updated July 9, 2025</span></p>',
     "2019-08-16", "2025-07-09"),
    # The label in the element before the date says which date it is.
    ('<h1>Story</h1><div><div>Last updated on:</div><div>October 1, 2025</div></div>',
     None, "2025-10-01"),
    # Prose that mentions a date, and dates far from the headline, are not datelines.
    ('<h1>Story</h1><p>On March 3, 2024 the committee met for the last time before'
     ' the vote that changed everything.</p>', None, None),
    ('<h1>Story</h1>' + '<p>Paragraph.</p>' * 25 + '<p>May 3, 2019</p>', None, None),
    ('<h1>Lemmy Update 2024-10-04</h1><p>Text.</p>', None, None),  # the headline itself
])
def test_dates_printed_next_to_the_headline(body: str, published: str | None,
                                            modified: str | None) -> None:
    meta = meta_of(page_with("", body))
    assert (meta.published, meta.modified) == (published, modified)


def test_stated_dates_beat_the_dateline() -> None:
    head = '<meta property="article:published_time" content="2020-01-02">'
    body = '<h1>Story</h1><p>May 3, 2019</p>'
    assert meta_of(page_with(head, body)).published == "2020-01-02"


def test_headline_is_the_h1_carrying_the_title() -> None:
    head = '<meta property="og:title" content="The real story">'
    body = ('<h1>Site Logo</h1><p>Jan 1, 2001</p>' + '<p>Menu item.</p>' * 8
            + '<h1>The real story</h1><p>Feb 2, 2022</p>')
    assert meta_of(page_with(head, body)).published == "2022-02-02"


def test_cms_named_published_meta_is_read() -> None:
    head = '<meta name="w-published-date" content="2025-05-27">'
    assert meta_of(page_with(head)).published == "2025-05-27"


def test_time_inside_the_article_is_used_and_sidebar_time_is_not() -> None:
    aside = '<div class="sidebar"><time datetime="2001-01-01">old</time></div>'
    article = '<article><time datetime="2021-06-07T10:00:00+01:00">7 June</time></article>'
    assert meta_of(page_with("", aside + article)).published == "2021-06-07T10:00:00+01:00"
    assert meta_of(page_with("", aside)).published is None


def test_itemprop_date_published_beats_time_elements() -> None:
    body = ('<article><time datetime="2020-02-02">x</time>'
            '<span itemprop="datePublished" content="2019-12-31">y</span></article>')
    assert meta_of(page_with("", body)).published == "2019-12-31"


# --- language and direction -----------------------------------------------------------

@pytest.mark.parametrize(("html_attrs", "body", "head", "expected"), [
    (' lang="ar" dir="rtl"', "", "", "rtl"),
    (' dir="ltr"', "", "", "ltr"),
    (' lang="he"', "", "", "rtl"),  # a right-to-left language without a dir attribute
    (' lang="en"', "", "", None),
    ("", '<main dir="rtl"><p>x</p></main>', "", "rtl"),
])
def test_dir(html_attrs: str, body: str, head: str, expected: str | None) -> None:
    meta = meta_of(page_with(head, body or "<p>x</p>", html_attrs))
    assert meta.dir == expected


def test_body_dir_overrides_html_dir() -> None:
    html = '<html dir="ltr"><head></head><body dir="rtl"><p>x</p></body></html>'
    assert meta_of(html).dir == "rtl"


def test_html_lang_is_kept_as_written() -> None:
    assert meta_of(page_with(html_attrs=' lang="en-us"')).lang == "en-us"


# --- paywall and word count ------------------------------------------------------------

@pytest.mark.parametrize("flag", [False, "False", "false"])
def test_paywall_flag_from_jsonld(flag: object) -> None:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Locked",
            "isAccessibleForFree": flag,
            "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                        "cssSelector": ".paywalled"}}
    meta = meta_of(page_with(jsonld(data)))
    assert meta.paywalled is True and meta.access == "subscriber"
    details = [item.detail for item in meta.evidence if item.source == "json-ld"]
    assert "NewsArticle isAccessibleForFree=false" in details
    assert any(".paywalled" in detail for detail in details)


def test_free_article_is_not_paywalled() -> None:
    data = {"@context": "https://schema.org", "@type": "Article", "headline": "Open",
            "isAccessibleForFree": True}
    meta = meta_of(page_with(jsonld(data)))
    assert meta.paywalled is False and meta.access == "free"
    assert [item.detail for item in meta.evidence] == ["Article isAccessibleForFree=true"]


# --- purity ----------------------------------------------------------------------------

def test_extract_does_not_change_the_tree() -> None:
    page = parse.parse(page_with(
        "<title>A title - Site</title>",
        '<article><h1>A title</h1><p class="byline">By Jo</p><time datetime="2020-01-01">'
        "</time></article>"), URL)
    before = page.tree.html
    metadata.extract(page, Options())
    assert page.tree.html == before


def test_empty_page_gives_empty_metadata() -> None:
    meta = meta_of("<html><head></head><body></body></html>", None)
    assert meta.title is None and meta.byline is None and meta.published is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["@type", "@id", "name", "url", "@value"]), inner, max_size=3),
    max_leaves=8)
_KEYS = st.sampled_from([
    "@type", "@id", "headline", "name", "author", "creator", "publisher", "datePublished",
    "image", "description", "inLanguage", "wordCount", "isAccessibleForFree", "hasPart",
    "mainEntity"])


@given(st.lists(st.dictionaries(_KEYS, _JSON | st.just("NewsArticle"), max_size=8), max_size=3))
def test_any_jsonld_shape_is_survived(objects: list[dict[str, object]]) -> None:
    page = parse.parse(page_with("<title>T</title>", "<h1>Head line</h1>"), URL)
    page.jsonld = objects
    meta = metadata.extract(page, Options())
    assert all(v is None or isinstance(v, str) for v in (meta.title, meta.byline, meta.image))


def test_image_and_canonical_are_never_script_or_data_urls() -> None:
    html = ("<html><head><meta property='og:image' content='javascript:alert(1)'>"
            "<meta name='twitter:image' content='data:image/png;base64,AAAA'>"
            "<meta property='og:url' content='vbscript:msgbox(1)'></head>"
            "<body><article><p>" + "Some text of the article. " * 20
            + "</p></article></body></html>")
    article = plainpage.extract(html, "https://news.example/a")
    assert article.image is None
    assert article.canonical_url in (None, "https://news.example/a")
