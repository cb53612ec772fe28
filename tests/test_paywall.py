"""Paywall honesty: ``paywalled``, ``access`` and ``paywall_evidence`` from what the page
states (JSON-LD, content tier), from the server's 401/402/403, and from a teaser check; and
JSON-LD ``articleBody`` never turning into text the page does not show."""

from __future__ import annotations

import json
from typing import Any

import pytest

import plainpage
from plainpage.extract.paywall import with_status
from plainpage.model import Article, PaywallEvidence

URL = "https://news.example.org/2024/05/bridge"
SENTENCES = (
    "The river rose overnight, and by morning the old stone bridge stood in brown water.",
    "Farmers on both banks moved their animals to the higher fields before dawn.",
    "By noon the water began to fall, leaving a line of mud along the market walls.",
    "The road to the market town stays closed until the engineers inspect the bridge.",
)
SECRET = "The council had known about the cracked pier since the spring survey of 2019."


def jsonld(**fields: Any) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Flood closes the old bridge", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def page(head: str = "", body: str = "", paragraphs: int = 4) -> str:
    text = "".join(f"<p>{SENTENCES[i % 4]} {SENTENCES[(i + 1) % 4]}</p>"
                   for i in range(paragraphs))
    return (f"<!doctype html><html lang=en><head><title>Flood closes the old bridge</title>"
            f"{head}</head><body><nav><a href=/>Home</a></nav><article>"
            f"<h1>Flood closes the old bridge</h1>{text}{body}</article></body></html>")


def extract(html: str) -> Article:
    return plainpage.extract(html, URL)


def details(article: Article, source: str | None = None) -> list[str]:
    return [item.detail for item in article.paywall_evidence
            if source is None or item.source == source]


# --- JSON-LD statements -----------------------------------------------------------------------

@pytest.mark.parametrize("flag", [False, "False", "false", " FALSE ", "https://schema.org/False"])
def test_not_accessible_for_free_in_any_spelling_is_paywalled(flag: object) -> None:
    article = extract(page(jsonld(isAccessibleForFree=flag)))
    assert article.paywalled is True and article.access == "subscriber"
    assert details(article, "json-ld") == ["NewsArticle isAccessibleForFree=false"]


@pytest.mark.parametrize("flag", [True, "True", "true", "http://schema.org/True"])
def test_accessible_for_free_is_free_and_says_so(flag: object) -> None:
    article = extract(page(jsonld(isAccessibleForFree=flag)))
    assert article.paywalled is False and article.access == "free"
    assert details(article) == ["NewsArticle isAccessibleForFree=true"]


@pytest.mark.parametrize("flag", [None, "maybe", 0, ["False"]])
def test_no_readable_statement_leaves_access_unknown(flag: object) -> None:
    article = extract(page(jsonld(isAccessibleForFree=flag)))
    assert article.paywalled is False and article.access is None
    assert article.paywall_evidence == ()


def test_statements_are_read_in_graph_and_main_entity_but_not_on_the_publisher() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Gazette", "isAccessibleForFree": False},
        {"@type": "WebPage", "mainEntity": {"@type": "Article", "headline": "Flood",
                                            "isAccessibleForFree": "False"}}]}
    article = extract(page(f'<script type="application/ld+json">{json.dumps(graph)}</script>'))
    assert article.paywalled is True
    assert details(article) == ["Article isAccessibleForFree=false"]
    publisher_only = {"@context": "https://schema.org", "@type": "Organization",
                      "name": "Gazette", "isAccessibleForFree": False}
    plain = extract(page(f'<script type="application/ld+json">{json.dumps(publisher_only)}'
                         "</script>"))
    assert plain.paywalled is False and plain.paywall_evidence == ()


def test_a_locked_part_that_the_page_hides_is_counted_and_not_shown() -> None:
    part = {"@type": "WebPageElement", "isAccessibleForFree": False,
            "cssSelector": ".members-only"}
    html = page(jsonld(isAccessibleForFree=True, hasPart=[part]),
                f'<div class="members-only" hidden><p>{SECRET}</p></div>')
    article = extract(html)
    assert article.paywalled is True and article.access == "subscriber"
    assert SECRET not in article.text
    found = details(article, "json-ld")
    assert "NewsArticle hasPart isAccessibleForFree=false, cssSelector .members-only" in found
    assert ("cssSelector .members-only matches 1 element with 14 words, the part for "
            "subscribers; its text is not in the article") in found


def test_what_a_paywalled_page_hides_is_named_in_the_report_but_not_shown() -> None:
    html = page(jsonld(isAccessibleForFree=False),
                f'<div class="locked" style="display: none"><p>{SECRET}</p></div>')
    article = extract(html)
    hidden = [item for item in article.removed if item.kind == "hidden"]
    assert hidden and all(item.text == "" for item in hidden)
    assert "text withheld: the page is paywalled" in hidden[0].reason
    assert SECRET not in json.dumps(article.to_dict())


def test_on_a_free_page_hidden_text_is_reported_as_before() -> None:
    html = page(body=f'<div class="note" style="display: none"><p>{SECRET}</p></div>')
    article = extract(html)
    assert article.paywalled is False
    assert [item.text for item in article.removed if item.kind == "hidden"] == [SECRET]


def test_a_locked_part_the_page_sent_visibly_is_reported_as_in_the_article() -> None:
    part = {"@type": "WebPageElement", "isAccessibleForFree": "false",
            "cssSelector": ".locked, .locked-2"}
    html = page(jsonld(hasPart=part),
                f'<div class="locked"><p>{SECRET}</p></div><div class="locked-2"><p>More.</p>'
                "</div>")
    article = extract(html)
    assert SECRET in article.text  # plainpage shows what the page holds: no more, no less
    assert any("matches 2 elements with 15 words" in item and "its text is in the article"
               in item for item in details(article))


@pytest.mark.parametrize(("selector", "found"), [
    (".nowhere", "cssSelector .nowhere matches nothing in this page"),
    ("div[", "cssSelector div[ is not a selector plainpage can read"),
])
def test_a_locked_part_selector_that_finds_nothing_says_so(selector: str, found: str) -> None:
    part = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": selector}
    article = extract(page(jsonld(hasPart=part)))
    assert article.paywalled is True and found in details(article)


# --- article:content_tier ---------------------------------------------------------------------

@pytest.mark.parametrize(("tier", "flag", "paywalled", "access"), [
    ("metered", None, True, "metered"),
    ("metered", False, True, "metered"),     # Google asks metered sites to say false too
    ("locked", None, True, "subscriber"),
    ("free", None, False, "free"),
    ("free", False, True, "subscriber"),     # a contradiction: the stricter statement wins
    ("Metered", None, True, "metered"),
    ("premium", None, False, None),          # not a tier the convention knows
])
def test_content_tier_sets_access(tier: str, flag: object, paywalled: bool,
                                  access: str | None) -> None:
    head = f'<meta property="article:content_tier" content="{tier}">'
    if flag is not None:
        head += jsonld(isAccessibleForFree=flag)
    article = extract(page(head))
    assert (article.paywalled, article.access) == (paywalled, access)
    if access is not None:
        assert f"article:content_tier={tier.lower()}" in details(article, "meta")


# --- the teaser check -------------------------------------------------------------------------

def test_text_far_shorter_than_the_stated_word_count_is_a_teaser() -> None:
    article = extract(page(jsonld(wordCount=900), paragraphs=3))
    assert article.word_count == 87
    assert article.paywalled is True and article.access is None  # cut, for unknown reasons
    assert details(article, "teaser") == [
        "87 words here; the page states 900 (JSON-LD wordCount)"]


@pytest.mark.parametrize("stated", [120, 150, "170"])
def test_stated_counts_near_the_text_or_too_small_to_judge_are_no_teaser(stated: object) -> None:
    article = extract(page(jsonld(wordCount=stated), paragraphs=3))
    assert article.paywalled is False and details(article, "teaser") == []


def test_a_page_stated_free_keeps_paywalled_false_but_reports_the_short_text() -> None:
    article = extract(page(jsonld(wordCount=900, isAccessibleForFree=True), paragraphs=3))
    assert article.paywalled is False and article.access == "free"
    assert len(details(article, "teaser")) == 1


def test_a_page_with_a_next_page_is_not_a_teaser() -> None:
    head = jsonld(wordCount=900) + '<link rel="next" href="/2024/05/bridge/2">'
    article = extract(page(head, paragraphs=3))
    assert article.next_page == URL + "/2"
    assert article.paywalled is False and details(article, "teaser") == []


def test_unspaced_scripts_are_not_compared_by_words() -> None:
    text = "川の水位は夜のうちに上がり、古い石橋は茶色の水に沈んだ。" * 12
    html = (f"<html lang=ja><head>{jsonld(wordCount=2000)}</head><body><article>"
            f"<p>{text}</p><p>{text}</p></article></body></html>")
    article = extract(html)
    assert article.text and article.paywalled is False


# --- articleBody: measured, never shown -------------------------------------------------------

def test_article_body_is_never_used_as_text_and_marks_a_teaser() -> None:
    body = " ".join([*SENTENCES, SECRET] * 8)
    article = extract(page(jsonld(isAccessibleForFree=False, articleBody=body), paragraphs=2))
    assert SECRET not in article.text + article.markdown + article.html
    assert SECRET not in json.dumps(article.to_dict())
    assert article.paywalled is True and article.access == "subscriber"
    assert details(article, "teaser") == [
        f"{len(' '.join(article.text.split()))} characters of text here; the page's JSON-LD "
        f"articleBody has {len(body)}"]


def test_article_body_is_not_used_on_free_pages_either() -> None:
    # No readable text at all: the body is still not shown, and nothing is called a teaser.
    html = (f"<html><head>{jsonld(articleBody=SECRET * 40)}</head><body><div id=app></div>"
            "</body></html>")
    article = extract(html)
    assert SECRET not in json.dumps(article.to_dict())
    assert article.text == "" and article.paywalled is False


# --- the server's status ----------------------------------------------------------------------

def dated(html: str) -> str:
    return html.replace("</head>", '<meta property="article:published_time" '
                                   'content="2024-05-03T08:00:00Z"></head>')


@pytest.mark.parametrize(("status", "words"), [(401, "401 Unauthorized (a login)"),
                                               (402, "402 Payment Required"),
                                               (403, "403 Forbidden")])
def test_a_denied_article_page_is_marked_paywalled(status: int, words: str) -> None:
    marked = with_status(extract(dated(page())), status)
    assert marked is not None and marked.paywalled is True and marked.access == "subscriber"
    assert marked.paywall_evidence[-1] == PaywallEvidence("http", f"the site answered {words}")


def test_a_denied_metered_page_stays_metered() -> None:
    article = extract(page('<meta property="article:content_tier" content="metered">'))
    marked = with_status(article, 402)
    assert marked is not None and marked.access == "metered"


@pytest.mark.parametrize("status", [404, 451, 500])
def test_other_statuses_are_not_paywalls(status: int) -> None:
    assert with_status(extract(dated(page())), status) is None


def test_a_denied_page_that_is_no_article_is_refused() -> None:
    bot_check = ("<html><head><title>Just a moment</title></head><body><h1>Checking your "
                 "browser</h1><p>This site is protected. Please enable JavaScript and cookies "
                 "to continue, then wait while we check that you are not a robot.</p>"
                 "</body></html>")
    assert with_status(extract(bot_check), 403) is None
    assert with_status(extract("<html><body></body></html>"), 402) is None


def test_to_dict_carries_the_new_fields_as_json() -> None:
    data = extract(page(jsonld(isAccessibleForFree=False))).to_dict()
    assert data["paywalled"] is True and data["access"] == "subscriber"
    assert data["paywall_evidence"] == [
        {"source": "json-ld", "detail": "NewsArticle isAccessibleForFree=false"}]
    assert data["next_page"] is None and data["pages"] == [] and data["pages_note"] is None
    json.dumps(data)
