"""End to end through ``plainpage.extract``: the stages hand over what the next one needs,
and the Article's renderings agree with each other."""

from __future__ import annotations

import math

import pytest
from selectolax.lexbor import LexborHTMLParser

import plainpage
from plainpage import Article, Options

URL = "https://news.test/2024/flood.html"
PROSE = ("The river rose slowly through the night, and by morning the lower town was under "
         "water, its streets turned to canals. Residents who stayed climbed onto their roofs. ")
SECOND = ("Boats from the fire brigade reached the school by noon, where two hundred people "
          "had spent the night on the upper floor, wrapped in curtains and gym mats.")
THIRD = ("By evening the water had begun to fall, leaving a line of brown silt on every wall "
         "at the height of a child's shoulder, and the first shopkeepers came back to look.")
NAV = '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
FOOTER = "<footer><p>Copyright 2024 Example News, all rights reserved worldwide.</p></footer>"


def page(article: str, head: str = "<title>Flood in Lowtown | Example News</title>") -> str:
    return (f"<!doctype html><html lang=\"en\"><head>{head}</head><body>{NAV}<main>"
            f"<article>{article}</article></main>{FOOTER}</body></html>")


STORY = (
    "<h1>Flood in Lowtown</h1>"
    f"<p>{PROSE}</p>"
    '<div class="share-bar"><a href="/share/fb">Facebook</a> <a href="/share/x">Post it</a>'
    "</div>"
    f"<p>{SECOND}</p>"
    "<h2>The clean-up</h2>"
    f"<p>{THIRD}</p>"
    "<ul><li>Boil tap water until Friday.</li><li>Report damage to the town hall.</li></ul>"
    '<aside><p>Related: how to insure a house near a river.</p></aside>'
)


def extract(html: str | bytes, **options: object) -> Article:
    return plainpage.extract(html, URL, options=Options(**options))  # type: ignore[arg-type]


def html_paragraphs(html: str) -> list[str]:
    tree = LexborHTMLParser(html)
    return [" ".join(p.text().split()) for p in tree.css("p")]


# --- stage hand-offs -------------------------------------------------------------------------

def test_the_text_is_the_article_without_the_page_furniture() -> None:
    article = extract(page(STORY))
    for sentence in (PROSE.strip(), SECOND, THIRD, "The clean-up", "Boil tap water"):
        assert sentence in article.text
    for furniture in ("Home", "Sport", "Copyright", "Facebook", "Related: how to insure"):
        assert furniture not in article.text
        assert furniture not in article.markdown
        assert furniture not in article.html


def test_removed_lists_what_was_dropped_inside_the_article() -> None:
    article = extract(page(STORY))
    removed = " | ".join(item.text for item in article.removed)
    # Inside the article: the share bar and the aside are reported …
    assert "Facebook" in removed
    assert "how to insure" in removed
    # … the page's menu and footer were never part of it, so they are not.
    assert "Sport" not in removed and "Copyright" not in removed
    for item in article.removed:
        assert item.kind and item.reason and item.selector
        assert item.text not in article.text


def test_hidden_text_inside_the_article_is_reported_not_rendered() -> None:
    article = extract(page(f'<p>{PROSE}</p><div style="display:none">Secret draft note</div>'
                           f"<p>{SECOND}</p>"))
    assert "Secret draft note" not in article.text
    assert [(r.kind, r.text) for r in article.removed] == [("hidden", "Secret draft note")]


def test_the_headline_becomes_the_title_not_body_text() -> None:
    article = extract(page(STORY))
    assert article.title == "Flood in Lowtown"
    assert not article.text.startswith("Flood in Lowtown")
    assert any("title" in r.reason for r in article.removed if r.text == "Flood in Lowtown")


def test_a_lead_figure_before_the_body_comes_first() -> None:
    figure = ('<figure><img src="/img/square.jpg" alt="The square"><figcaption>The flooded '
              "square at dawn.</figcaption></figure>")
    body = (f'<div id="wrap"><h1>Flood</h1>{figure}<div class="story"><p>{PROSE}</p>'
            f"<p>{SECOND}</p><p>{THIRD}</p></div></div>")
    article = extract(f"<html><body>{body}</body></html>")
    assert article.blocks[0].type == "figure"
    assert article.blocks[0].src == "https://news.test/img/square.jpg"
    assert "flooded square" in article.markdown and "flooded square" in article.html
    assert "flooded square" not in article.text  # a caption is not body text


# --- the renderings agree --------------------------------------------------------------------

def test_blocks_text_markdown_and_html_agree() -> None:
    article = extract(page(STORY))
    paragraphs = [b.text for b in article.blocks if b.type == "paragraph"]
    assert paragraphs == [PROSE.strip(), SECOND, THIRD]
    for text in paragraphs:
        assert text in article.text
        assert text in article.markdown  # plain prose: no Markdown escapes needed
    assert html_paragraphs(article.html) == paragraphs
    # The text is the blocks' text in order, nothing more.
    assert article.text.split() == [
        word for block in article.blocks for word in block.text.split()]


def test_every_block_rendering_is_in_the_article_renderings_in_order() -> None:
    article = extract(page(STORY))
    position = 0
    for block in article.blocks:
        found = article.markdown.find(block.markdown, position)
        assert found >= 0, block
        position = found + len(block.markdown)
    assert [b.type for b in article.blocks] == ["paragraph", "paragraph", "heading",
                                                "paragraph", "list"]


def test_inline_markup_agrees_across_renderings() -> None:
    article = extract(page(f'<p>Water &amp; mud, <em>everywhere</em>, said <a href="/people/'
                           f'ann">Ann</a>.</p><p>{PROSE}</p><p>{SECOND}</p>'))
    first = article.blocks[0]
    assert first.text == "Water & mud, everywhere, said Ann."
    assert "*everywhere*" in article.markdown
    assert "[Ann](https://news.test/people/ann)" in article.markdown
    assert html_paragraphs(article.html)[0] == first.text
    assert 'href="https://news.test/people/ann"' in article.html


# --- empty and degenerate documents ----------------------------------------------------------

@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n\t ",
        b"",
        "<html><head><title>Only a title</title></head></html>",
        "<html><body></body></html>",
        '<frameset cols="50%,50%"><frame src="a.html"><frame src="b.html"></frameset>',
        "<!-- nothing here -->",
        "<html><body><nav><ul>" + "".join(
            f'<li><a href="/{i}">Section number {i} of the site</a></li>' for i in range(20))
        + "</ul></nav></body></html>",
    ],
    ids=["empty", "whitespace", "empty-bytes", "no-body", "empty-body", "frameset",
         "comment-only", "menu-only"],
)
def test_an_article_is_returned_when_nothing_is_found(html: str | bytes) -> None:
    article = extract(html)
    assert isinstance(article, Article)
    assert article.url == URL
    assert article.text == "" and article.markdown == "" and article.html == ""
    assert article.blocks == ()
    assert article.confidence == 0
    assert (article.word_count, article.reading_minutes) == (0, 0)


def test_a_tiny_page_keeps_its_text_with_low_confidence() -> None:
    article = extract("<html><body><div><p>Hi.</p></div></body></html>")
    assert article.text == "Hi." and article.confidence <= 0.2


def test_confidence_is_positive_when_an_article_is_found() -> None:
    article = extract(page(STORY))
    assert 0 < article.confidence <= 1


def test_bytes_and_text_give_the_same_article() -> None:
    html = page(STORY.replace("Lowtown", "Łódź"))
    assert extract(html.encode("utf-8")).text == extract(html).text


# --- derived numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("words_per_minute", [230, 40, 7])
def test_word_count_and_reading_minutes_follow_the_text(words_per_minute: int) -> None:
    article = extract(page(STORY), words_per_minute=words_per_minute)
    words = len(article.text.split())
    assert article.word_count == words > 50
    assert article.reading_minutes == math.ceil(words / words_per_minute)


def test_a_longer_article_takes_longer_to_read() -> None:
    short = extract(page(STORY), words_per_minute=20)
    long = extract(page(STORY + f"<p>{PROSE}</p>" * 6), words_per_minute=20)
    assert long.word_count > short.word_count
    assert long.reading_minutes > short.reading_minutes


# --- excerpt ---------------------------------------------------------------------------------

def test_excerpt_falls_back_to_the_first_paragraph() -> None:
    article = extract(page(f"<p>{SECOND}</p><p>{PROSE}</p><p>{THIRD}</p>",
                           head="<title>Boats</title>"))
    assert article.excerpt == SECOND


def test_a_long_first_paragraph_gives_a_shortened_excerpt() -> None:
    long = " ".join([PROSE.strip()] * 5)
    article = extract(page(f"<p>{long}</p><p>{SECOND}</p>", head="<title>Boats</title>"))
    assert article.excerpt is not None
    assert len(article.excerpt) < len(long)
    assert long.startswith(article.excerpt.rstrip("…").rstrip())
    assert article.excerpt.endswith("…")


def test_the_meta_description_is_the_excerpt_when_there_is_one() -> None:
    head = '<title>Boats</title><meta name="description" content="Lowtown under water.">'
    article = extract(page(f"<p>{SECOND}</p><p>{PROSE}</p>", head=head))
    assert article.excerpt == "Lowtown under water."


# --- regressions found while writing the stage tests -----------------------------------------

def test_an_inline_svg_title_is_not_the_page_title() -> None:
    html = ("<html><head></head><body><article><svg><title>Share icon</title></svg>"
            f"<h1>Actual Headline</h1><p>{PROSE}</p><p>{SECOND}</p></article></body></html>")
    assert extract(html).title == "Actual Headline"


def test_a_block_that_is_both_a_class_match_and_a_link_list_is_reported_once() -> None:
    links = ('<ul class="related-links"><li><a href="/1">Other flood story one</a></li> '
             '<li><a href="/2">Other flood story two</a></li></ul>')
    article = extract(page(f"<p>{PROSE}</p><p>{SECOND}</p>{links}<p>{THIRD}</p>"))
    reported = [r for r in article.removed if "Other flood story one" in r.text]
    assert len(reported) == 1
    assert reported[0].text == "Other flood story one Other flood story two"  # not glued


def test_every_post_of_a_forum_thread_stays_even_when_posts_are_comments() -> None:
    posts = "".join(
        f'<div class="comment"><p>Post {i}: {PROSE}</p>'
        '<div class="comment-actions"><a href="#">Like</a> <a href="#">Reply</a></div></div>'
        for i in range(8))
    article = extract(f"<html><body>{NAV}<div id=\"thread\">{posts}</div>{FOOTER}</body></html>")
    assert all(f"Post {i}:" in article.text for i in range(8))
    assert "Reply" not in article.text


def test_a_section_heading_that_starts_the_title_is_not_taken_for_the_title() -> None:
    html = page(f"<h2>Weather</h2><p>{PROSE}</p><h2>Roads</h2><p>{SECOND}</p>",
                head="<title>Weather report for Lowtown</title>")
    assert extract(html).text.startswith("Weather\n\n")


def test_clean_boilerplate_off_keeps_class_named_blocks() -> None:
    share = '<div class="share-buttons">Share this story with your friends and family</div>'
    html = page(f"<p>{PROSE}</p>{share}<p>{SECOND}</p>")
    assert "Share this story" not in extract(html).text
    assert "Share this story" in extract(html, clean_boilerplate=False).text


def test_no_article_stays_empty_even_with_the_fallback_on() -> None:
    html = (f"<html><body><nav><p>{PROSE}</p></nav><footer><p>{SECOND}</p></footer>"
            "</body></html>")
    article = extract(html, fallback=True, fallback_below=1.0)
    assert (article.text, article.confidence) == ("", 0.0)


def test_control_characters_do_not_break_the_second_opinion(
        caplog: pytest.LogCaptureFixture) -> None:
    # lxml refuses them: readability-lxml failed and logged a traceback for such a page
    # (on stderr of a CLI run), and gave no second opinion.
    story = "".join(f"<p>{PROSE}\x01 {SECOND}</p>" for _ in range(3))
    html = f'<html><body><div><a href="/x\x02">home</a></div>{story}</body></html>'
    with caplog.at_level("DEBUG"):
        article = extract(html, fallback=True, fallback_below=1.0)
    assert "The river rose" in article.text
    assert not [record for record in caplog.records if record.exc_info]


def test_collapsed_until_found_text_is_kept() -> None:
    faq = ('<h2>When do the shops reopen?</h2><div hidden="until-found">'
           "<p>Answer: the shops on the high street reopen on Monday morning.</p></div>")
    assert "reopen on Monday" in extract(page(f"<p>{PROSE}</p><p>{SECOND}</p>{faq}")).text


def test_a_long_comment_section_does_not_widen_an_undeclared_article() -> None:
    story = "".join(f"<p>{PROSE}</p>" for _ in range(4))
    comments = "".join(f'<div class="comment"><p>Reader {i}: {SECOND}</p></div>'
                       for i in range(20))
    html = (f'<html><body>{NAV}<div id="wrap"><article><h1>Flood</h1>{story}</article>'
            f'<section id="comments"><h2>Comments</h2>{comments}</section></div>{FOOTER}'
            "</body></html>")
    text = extract(html).text
    assert text.count("The river rose") == 4
    assert "Reader" not in text


@pytest.mark.parametrize("url", [None, "https://news.example/a", "http://[2025]/a", "http://[::1"])
def test_malformed_urls_in_the_page_or_the_call_do_not_crash(url: str | None) -> None:
    head = ('<base href="http://[2025]/x"><link rel="canonical" href="http://[2025]/a">'
            '<meta property="og:image" content="http://[::1">')
    body = (f'<p>{PROSE} <a href="http://[2025]/b">a link</a></p>'
            '<figure><img src="//[zz]/i.png"><figcaption>A photo</figcaption></figure>')
    article = plainpage.extract(page(body, head=head), url)
    assert "The river rose" in article.text
    assert article.canonical_url is None and article.image is None
