"""Multi-page articles in the library: the ``next_page`` rule key (schema, errors, format),
``Article.next_page`` from a rule or from ``<link rel="next">``, and joining pages."""

from __future__ import annotations

from pathlib import Path

import pytest

import plainpage
from plainpage import RuleSchemaError
from plainpage.extract.join import join
from plainpage.extract.paging import continues
from plainpage.model import Article, PaywallEvidence, Removed
from plainpage.rules import Rule, RuleSet, Selector, load_file
from plainpage.rules.fmt import format_file

URL = "https://mag.example.com/2024/05/long-read"
PARAGRAPH = ("The harbour wall was built in 1870 from granite cut on the island, and it has "
             "kept the winter storms out of the fishing fleet's moorings ever since then.")


def page(head: str = "", body: str = "", words: str = PARAGRAPH) -> str:
    return (f"<!doctype html><html lang=en><head><title>The long read</title>{head}</head>"
            f"<body><article><h1>The long read</h1><p>{words}</p><p>{words}</p>{body}"
            "</article></body></html>")


def rule(*selectors: Selector) -> RuleSet:
    return RuleSet(rules=(Rule(host="mag.example.com", next_page=selectors),))


# --- the rule key -----------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "example.com.toml"
    path.write_text('host = "example.com"\n' + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ('next_page = "a.next"\n',
     "example.com.toml:2: [next_page] expected an array of selectors, got string"),
    ('next_page = ["a.next", "a["]\n',
     "example.com.toml:2: [next_page[1]] selector does not compile: 'a['"),
    ('next_page = [{ css = "a.next", attr = "data href" }]\n',
     "example.com.toml:2: [next_page[0].attr] 'data href' is not an attribute name"),
    ('next_page = [{ css = "a.next", href = "x" }]\n',
     "example.com.toml:2: [next_page[0].href] unknown key"),
    ('next_pages = ["a.next"]\n',
     "example.com.toml:2: [next_pages] unknown key; did you mean 'next_page'?"),
])
def test_next_page_errors_name_the_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RuleSchemaError) as caught:
        load_file(write(tmp_path, text))
    assert message in str(caught.value)


def test_next_page_loads_both_selector_forms(tmp_path: Path) -> None:
    loaded = load_file(write(tmp_path, 'next_page = ["a.next", { css = "div[data-next]", '
                                       'attr = "data-next" }]\n'))
    assert loaded.next_page == (Selector("a.next"), Selector("div[data-next]", "data-next"))


def test_fmt_puts_next_page_after_the_metadata_keys(tmp_path: Path) -> None:
    path = tmp_path / "example.com.toml"
    path.write_text('next_page = [ "a.next" ]\ntitle = ["h1"]\nhost = "example.com"\n\n'
                    '[[strip]]\ncss = ".ad"\nkind = "ad"\n', encoding="utf-8")
    assert format_file(path) == ('host = "example.com"\ntitle = ["h1"]\nnext_page = ["a.next"]'
                                 '\n\n[[strip]]\ncss = ".ad"\nkind = "ad"\n')


# --- Article.next_page from a rule ------------------------------------------------------------

def test_a_rule_next_page_is_resolved_against_base_even_inside_a_nav() -> None:
    html = page('<base href="https://mag.example.com/archive/">',
                '<nav class="pager"><a class="pager__next" href="long-read?p=2">Next</a></nav>')
    article = plainpage.extract(html, URL, rules=rule(Selector("a.pager__next")))
    assert article.next_page == "https://mag.example.com/archive/long-read?p=2"
    assert article.pages == () and article.pages_note is None


def test_a_rule_next_page_may_read_another_attribute_and_falls_through() -> None:
    html = page(body='<a class="next" href="#">Next</a><span class="pager" '
                     'data-url="/2024/05/long-read/page-2">2</span>')
    found = plainpage.extract(html, URL, rules=rule(
        Selector("a.missing"), Selector("span.pager", "data-url")))
    assert found.next_page == "https://mag.example.com/2024/05/long-read/page-2"
    # "#" resolves to the page itself: no next page, and the next selector is not reached.
    assert plainpage.extract(html, URL, rules=rule(Selector("a.next"))).next_page is None


@pytest.mark.parametrize("href", ["javascript:next()", "mailto:a@b.c", "data:text/html,x", " "])
def test_a_next_page_that_is_not_http_is_dropped(href: str) -> None:
    html = page(body=f'<a class="next" href="{href}">Next</a>')
    assert plainpage.extract(html, URL, rules=rule(Selector("a.next"))).next_page is None


def test_without_a_rule_the_link_in_the_page_body_is_not_followed() -> None:
    html = page(body='<a class="next" href="/2024/05/long-read/2">Next</a>')
    assert plainpage.extract(html, URL).next_page is None


# --- Article.next_page from <link rel="next"> -------------------------------------------------

@pytest.mark.parametrize(("href", "expected"), [
    ("/2024/05/long-read/2", URL + "/2"),
    ("long-read/2/", URL + "/2/"),
    ("?page=2", URL + "?page=2"),
    ("https://www.mag.example.com/2024/05/long-read/page/2", "https://www.mag.example.com/"
     "2024/05/long-read/page/2"),
    ("/2024/05/another-story", None),           # the next *post*, another article
    ("https://other.example.net/2024/05/long-read/2", None),
    ("/2024/05/long-read/3", None),              # skips a page: not the next one
])
def test_link_rel_next_counts_only_when_it_continues_the_page(href: str,
                                                              expected: str | None) -> None:
    html = page(f'<link rel="next" href="{href}">')
    assert plainpage.extract(html, URL).next_page == expected


def test_link_rel_next_may_share_the_rel_and_the_page_may_be_unaddressed() -> None:
    html = page('<link rel="Prefetch NEXT" href="/2024/05/long-read/2">')
    assert plainpage.extract(html, URL).next_page == URL + "/2"
    # A posted page without a URL still has its canonical address to compare with.
    canonical = f'<link rel="canonical" href="{URL}">'
    assert plainpage.extract(page(canonical + '<link rel="next" href="' + URL + '/2">'),
                             None).next_page == URL + "/2"
    assert plainpage.extract(page('<link rel="next" href="' + URL + '/2">'), None).next_page \
        is None


def test_link_rel_next_is_a_word_of_the_rel_and_needs_an_href() -> None:
    # "next" inside another word, or a "next" link without an address, is passed over.
    links = ('<link rel="stylesheet" href="/a.css"><link rel="nextpage" href="/x">'
             '<link rel="next"><link rel="next" href="/2024/05/long-read/2">')
    assert plainpage.extract(page(links), URL).next_page == URL + "/2"
    # The first link that names "next" decides, even when it does not continue the page.
    links = ('<link rel="next" href="/2024/05/another-story">'
             '<link rel="next" href="/2024/05/long-read/2">')
    assert plainpage.extract(page(links), URL).next_page is None


@pytest.mark.parametrize(("here", "there", "expected"), [
    ("https://x.com/s/2", "https://x.com/s/3", True),
    ("https://x.com/news/covid-19", "https://x.com/news/covid-19/2", True),
    ("https://x.com/s.html", "https://x.com/s-2.html", True),
    ("https://x.com/s?id=5&page=2", "https://x.com/s?id=5&page=3", True),
    ("https://x.com/?p=123", "https://x.com/?p=124", False),
    ("https://x.com/news/12345", "https://x.com/news/12346", False),
    ("https://x.com/s?id=5", "https://x.com/s?id=6&page=2", False),
])
def test_continues(here: str, there: str, expected: bool) -> None:
    assert continues(here, there) is expected


# --- joining ----------------------------------------------------------------------------------

def test_join_renders_the_pages_as_one_article() -> None:
    first = plainpage.extract(page('<meta name="author" content="Ann Lee">',
                                   '<aside class="share">Share this on Facebook</aside>'), URL)
    second = plainpage.extract(page(words="The second page tells of the great storm of 1953."),
                               URL + "/2")
    joined = join([first, second], [URL, URL + "/2"], words_per_minute=10)
    assert joined.title == first.title and joined.byline == "Ann Lee"
    assert joined.blocks == first.blocks + second.blocks
    assert joined.text == first.text + "\n\n" + second.text
    assert joined.markdown == first.markdown + "\n\n" + second.markdown
    assert "great storm of 1953" in joined.html and "harbour wall" in joined.html
    assert joined.word_count == first.word_count + second.word_count
    assert joined.reading_minutes == -(-joined.word_count // 10)
    assert joined.pages == (URL, URL + "/2") and joined.next_page is None
    assert joined.removed[:len(first.removed)] == first.removed
    assert all(item.reason.startswith("page 2: ") for item in joined.removed[len(first.removed):])


def test_join_keeps_stated_paywall_evidence_but_not_later_teasers() -> None:
    first = Article(title="T", text="a", confidence=0.9)
    later = Article(title="T", text="b", paywalled=True, access="metered", confidence=0.5,
                    paywall_evidence=(PaywallEvidence("meta", "article:content_tier=metered"),
                                      PaywallEvidence("teaser", "1 words here")),
                    removed=(Removed("ad", "Buy", "ad-signal", "div.ad"),))
    teaser_only = Article(title="T", text="c", paywalled=True, confidence=0.7,
                          paywall_evidence=(PaywallEvidence("teaser", "1 words here"),))
    joined = join([first, later, teaser_only], ["u1", "u2", "u3"], next_page="https://x/4",
                  note="stopped")
    assert joined.paywalled is True and joined.access == "metered"
    assert joined.paywall_evidence == (
        PaywallEvidence("meta", "page 2: article:content_tier=metered"),)
    assert joined.removed == (Removed("ad", "Buy", "page 2: ad-signal", "div.ad"),)
    assert (joined.next_page, joined.pages_note, joined.confidence) == ("https://x/4",
                                                                        "stopped", 0.5)
    assert join([first, teaser_only], ["u1", "u3"]).paywalled is False


def test_join_of_one_page_only_records_why_it_stopped() -> None:
    first = plainpage.extract(page(), URL)
    alone = join([first], [URL], next_page=URL + "/2", note="page 2 failed")
    assert alone.text == first.text and alone.pages == ()
    assert (alone.next_page, alone.pages_note) == (URL + "/2", "page 2 failed")
    with pytest.raises(ValueError):
        join([], [])
