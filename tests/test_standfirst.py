"""The standfirst (dek): the marked lead paragraph between headline and body goes to
``Article.standfirst``, shown under the title, and stays out of the body text."""

from __future__ import annotations

import plainpage

BODY = "".join(
    f"<p>Paragraph {n} of the report says what happened on the river, and why the town "
    f"council met again on Thursday to decide about the bridge repairs.</p>" for n in range(6))
LEAD = "The bridge will stay closed until spring, the council decided after a long night."


def extract(header: str) -> plainpage.Article:
    html = (f"<html><head><title>Bridge stays shut</title></head><body><article>"
            f"<header><h1>Bridge stays shut</h1>{header}</header>"
            f"<div class='article-body'>{BODY}</div></article></body></html>")
    return plainpage.extract(html, "https://news.example/bridge")


def test_marked_lead_becomes_the_standfirst_not_text() -> None:
    article = extract(f"<p class='article__lead'>{LEAD}</p>")
    assert article.standfirst == LEAD
    assert LEAD not in article.text
    assert "Paragraph 0 of the report" in article.text


def test_other_languages_markers_count() -> None:
    assert extract(f"<div class='field-perex'><p>{LEAD}</p></div>").standfirst == LEAD
    assert extract(f"<p class='chapo'>{LEAD}</p>").standfirst == LEAD


def test_no_marked_lead_no_standfirst() -> None:
    assert extract(f"<p class='byline'>{LEAD}</p>").standfirst is None


def test_a_block_holding_the_headline_is_not_the_standfirst() -> None:
    html = (f"<html><head><title>Bridge stays shut</title></head><body>"
            f"<div class='intro'><h1>Bridge stays shut</h1><p>{LEAD}</p></div>"
            f"<div class='article-body'>{BODY}</div></body></html>")
    assert plainpage.extract(html).standfirst != "Bridge stays shut " + LEAD


def test_a_list_of_teaser_links_is_not_the_standfirst() -> None:
    links = "".join(f"<a href='/s{n}'>Another story about the town number {n}</a> "
                    for n in range(4))
    assert extract(f"<div class='teaser'>{links}</div>").standfirst is None


def test_standfirst_is_in_the_json() -> None:
    data = extract(f"<p class='lead'>{LEAD}</p>").to_dict()
    assert data["standfirst"] == LEAD
