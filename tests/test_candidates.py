"""The candidates stage: which element holds the article, and how sure the extractor is.

Every test checks what a reader would point at as "the article", never a score.
"""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborNode

from plainpage.extract.candidates import Choice, choose
from plainpage.extract.clean import clean
from plainpage.extract.page import Page
from plainpage.extract.parse import parse
from plainpage.extract.signals import compute
from plainpage.options import Options

PROSE = ("The river rose slowly through the night, and by morning the lower town was under "
         "water, its streets turned to canals. Residents who stayed climbed onto their roofs. ")
COMMENT = ("I was there that night, and the water came up to the second step of our porch "
           "before dawn.")
LINKS = "".join(f'<li><a href="/story/{i}">Another story, number {i}</a></li>' for i in range(12))
FIGURE = ('<figure id="lead"><img src="flood.jpg" alt=""><figcaption>The flooded square at '
          "dawn.</figcaption></figure>")


def paragraphs(count: int, text: str = PROSE) -> str:
    return "".join(f"<p>{text}</p>" for _ in range(count))


def chosen(body: str, head: str = "") -> tuple[Page, Choice]:
    page = parse(f"<html><head>{head}</head><body>{body}</body></html>", None)
    options = Options()
    clean(page, options)
    return page, choose(page, compute(page, options), options)


def node(page: Page, selector: str) -> LexborNode:
    found = page.tree.css_first(selector)
    assert found is not None, selector
    return found


def is_root(choice: Choice, page: Page, selector: str) -> bool:
    return choice.root is not None and choice.root.mem_id == node(page, selector).mem_id


def root_text(choice: Choice) -> str:
    assert choice.root is not None
    return " ".join(choice.root.text(separator=" ").split())


# --- the article over the page's furniture ---------------------------------------------------

@pytest.mark.parametrize(
    "layout",
    [
        # Divs only, no semantic markup.
        '<div id="wrap"><div id="story"><h1>Flood</h1>{article}</div>'
        '<div id="sidebar"><ul>{links}</ul></div><div id="footer"><p>Copyright 2024 '
        "Example News, all rights reserved by the publisher.</p></div></div>",
        # The same with landmarks.
        '<header><a href="/">Home</a></header><main><article id="story">{article}</article>'
        "<aside><ul>{links}</ul></aside></main><footer><p>Copyright 2024 Example News, all "
        "rights reserved by the publisher.</p></footer>",
        # The sidebar comes first in the source.
        '<div id="wrap"><div class="col"><ul>{links}</ul></div><div id="story">{article}'
        "</div></div>",
    ],
    ids=["divs", "landmarks", "sidebar-first"],
)
def test_the_article_container_is_chosen_over_sidebar_and_footer(layout: str) -> None:
    page, choice = chosen(layout.format(article=paragraphs(4), links=LINKS))
    assert is_root(choice, page, "#story")
    assert 0 < choice.confidence <= 1
    assert choice.reasons


def test_the_chosen_root_holds_every_article_paragraph() -> None:
    body = ('<div id="wrap"><div id="story">' + paragraphs(2)
            + '<div class="inline-ad">Advertisement</div>' + paragraphs(3)
            + f'</div><div id="side"><ul>{LINKS}</ul></div></div>')
    page, choice = chosen(body)
    assert choice.root is not None
    assert root_text(choice).count("The river rose") == 5
    assert "Another story" not in root_text(choice)


@pytest.mark.parametrize(
    "body",
    [
        f"<nav><p>{PROSE}</p></nav><footer><p>{PROSE}</p></footer>",
        f"<nav><ul>{LINKS}</ul></nav><footer><p>{PROSE}</p></footer>",
        f"<aside><p>{PROSE}</p><p>{PROSE}</p></aside>",
        "",
    ],
    ids=["nav-and-footer", "menu-and-footer", "aside-only", "empty"],
)
def test_a_page_without_article_text_has_no_root(body: str) -> None:
    _, choice = chosen(body)
    assert choice.root is None
    assert choice.roots == ()
    assert choice.confidence == 0


def test_a_short_page_without_paragraphs_is_its_whole_body_with_low_confidence() -> None:
    # A note too short to score ("Hi.") is still what the page says; Readability keeps it too.
    _, choice = chosen("<nav><a href='/'>Home</a></nav><div><p>Hi.</p></div>")
    assert choice.root is not None and choice.root.tag == "body"
    assert 0 <= choice.confidence <= 0.2


# --- semantic hints --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "layout",
    [
        # A "content" wrapper with a topic line and a tool bar around the article body.
        '<div class="content" id="c"><div class="intro"><p>Posted in Weather, Local news, '
        "Rivers and lakes, Emergencies.</p></div><div itemprop=\"articleBody\">{article}</div>"
        '<div class="tools"><p>Print this page, email it, save it for later, or report a '
        "problem.</p></div></div>",
        # articleBody inside a positively named wrapper, a related block beside it.
        '<div class="post-content"><div itemprop="articleBody">{article}</div></div>'
        '<div class="related"><p>' + PROSE + "</p></div>",
        # Lower-case spelling.
        '<div id="wrap"><div class="byline"><p>By Ann Example, river correspondent, in '
        'Lowtown</p></div><div itemprop="articlebody">{article}</div></div>',
    ],
    ids=["content-wrapper", "post-content", "lowercase"],
)
def test_itemprop_article_body_is_preferred_when_it_holds_the_article(layout: str) -> None:
    page, choice = chosen(layout.format(article=paragraphs(4)))
    assert is_root(choice, page, '[itemprop="articleBody"], [itemprop="articlebody"]')


def test_itemprop_article_body_with_little_text_does_not_win() -> None:
    # A stray marker on a teaser must not beat the container that holds the article.
    body = (f'<div id="story">{paragraphs(5)}</div>'
            '<div class="teaser" itemprop="articleBody"><p>Short teaser text of a story, '
            "nothing more.</p></div>")
    page, choice = chosen(body)
    assert is_root(choice, page, "#story")


# --- lead figure -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "layout",
    [
        '<div id="wrap"><h1>Flood</h1>{figure}<div id="story">{article}</div></div>',
        '<div id="wrap"><h1>Flood</h1><div class="media">{figure}</div>'
        '<div id="story">{article}</div></div>',
    ],
    ids=["sibling", "wrapped"],
)
def test_a_lead_figure_just_before_the_body_is_returned(layout: str) -> None:
    page, choice = chosen(layout.format(figure=FIGURE, article=paragraphs(4)))
    assert is_root(choice, page, "#story")
    assert choice.lead is not None and choice.lead.mem_id == node(page, "#lead").mem_id
    assert choice.root is not None
    assert [n.mem_id for n in choice.roots] == [choice.lead.mem_id, choice.root.mem_id]


@pytest.mark.parametrize(
    "layout",
    [
        # The figure is already the first thing inside the root.
        '<div id="wrap"><h1>Flood</h1><div id="story">{figure}{article}</div></div>',
        # The figure comes after the body.
        '<div id="wrap"><h1>Flood</h1><div id="story">{article}</div>{figure}</div>',
        # No figure at all.
        '<div id="wrap"><h1>Flood</h1><div id="story">{article}</div></div>',
        # A figure far up the page, several blocks away from the body.
        '<div id="wrap">{figure}<div>a</div><div>b</div><div>c</div><div>d</div>'
        '<div id="story">{article}</div></div>',
    ],
    ids=["inside-root", "after-body", "none", "far-away"],
)
def test_no_lead_figure_where_none_sits_just_before_the_body(layout: str) -> None:
    page, choice = chosen(layout.format(figure=FIGURE, article=paragraphs(4)))
    assert is_root(choice, page, "#story")
    assert choice.lead is None
    assert choice.root is not None
    assert [n.mem_id for n in choice.roots] == [choice.root.mem_id]


# --- comments, spread-out pages --------------------------------------------------------------

@pytest.mark.parametrize("comments", [2, 4])
def test_comments_below_an_article_are_not_chosen(comments: int) -> None:
    thread = "".join(f'<div class="comment"><p>{COMMENT}</p></div>' for _ in range(comments))
    body = (f'<div id="wrap"><article><h1>Flood</h1>{paragraphs(4)}</article>'
            f'<section id="comments"><h2>Comments</h2>{thread}</section></div>')
    page, choice = chosen(body)
    assert is_root(choice, page, "article")


def test_longer_comments_do_not_win_on_a_declared_article() -> None:
    thread = "".join(f'<div class="comment"><p>{COMMENT}</p></div>' for _ in range(20))
    body = (f'<div id="wrap"><article><h1>Flood</h1>{paragraphs(4)}</article>'
            f'<section id="comments">{thread}</section></div>')
    page, choice = chosen(body, head='<meta property="og:type" content="article">')
    assert is_root(choice, page, "article")


def section(index: int, count: int, cls: str = "") -> str:
    return f'<section class="{cls}"><h2>Service {index}</h2>{paragraphs(count)}</section>'


@pytest.mark.parametrize(
    "sections",
    [
        [section(i, 2) for i in range(4)],
        [section(0, 3, "text")] + [section(i, 2) for i in range(1, 4)],
        [section(0, 6)] + [section(i, 1) for i in range(1, 6)],
        [f'<div class="row">{section(i, 4)}</div>' for i in range(3)],
    ],
    ids=["even", "one-named-text", "one-big", "wrapped-rows"],
)
def test_sibling_sections_widen_to_their_common_container(sections: list[str]) -> None:
    body = (f'<header><a href="/">Home</a></header><main><div id="services">'
            f'{"".join(sections)}</div></main>'
            "<footer><p>Example Ltd, 1 High Street, all rights reserved.</p></footer>")
    page, choice = chosen(body)
    assert choice.root is not None
    # Every service's text is in the root: the common container or one above it.
    assert all(f"Service {i}" in root_text(choice) for i in range(len(sections)))
    assert "High Street" not in root_text(choice)


# --- confidence ------------------------------------------------------------------------------

def test_confidence_is_higher_for_a_clear_article_than_a_near_empty_page() -> None:
    _, clear = chosen(f"<article><h1>Flood</h1>{paragraphs(8)}</article>"
                      f"<aside><ul>{LINKS}</ul></aside>")
    _, thin = chosen("<div><p>Coming soon: the page you want is being written, "
                     "check back later.</p></div>")
    assert 0 <= thin.confidence < clear.confidence <= 1


def test_confidence_is_lower_when_the_root_is_mostly_links() -> None:
    # Paragraphs made of short links (a link as long as a paragraph is a card: content).
    linky = "".join("<p>" + " ".join(f'<a href="/{i}/{j}">Another story number {j}</a>'
                                     for j in range(6)) + "</p>" for i in range(4))
    _, prose = chosen(f'<div id="story">{paragraphs(4)}</div>')
    _, links = chosen(f'<div id="story">{linky}<p>{PROSE}</p></div>')
    assert links.root is not None and prose.root is not None
    assert links.confidence < prose.confidence


# --- gathering the strong blocks beside the chosen one ---------------------------------------

def builder_block(index: int, count: int) -> str:
    """A page builder's text block: wrappers (one with an id of its own) around the prose,
    deep enough that the column holding the blocks scores little of its own."""
    return (f'<div class="block block-{index}" id="b{index}"><div class="block-content">'
            '<div class="text">'
            f'<div class="html"><h2>Part {index}</h2>{paragraphs(count)}</div></div></div>'
            "</div>")


def test_an_article_cut_into_builder_blocks_is_gathered_whole() -> None:
    # Blocks of unequal length with classes of their own: no two are twins, and the
    # longest holds too little of the page to stand for it.
    blocks = "".join(builder_block(i, count) for i, count in enumerate((6, 3, 4, 2)))
    body = (f'<header><a href="/">Home</a></header><div id="page"><div class="column">'
            f"{blocks}</div></div><footer><p>Example Ltd, 1 High Street, all rights "
            "reserved.</p></footer>")
    page, choice = chosen(body, head='<meta property="og:type" content="article">')
    text = root_text(choice)
    assert all(f"Part {i}" in text for i in range(4))
    assert "High Street" not in text
    assert "gathered the strong blocks beside it" in choice.reasons


def test_gathering_stops_at_the_article_element() -> None:
    # The next stories (an endless-scroll page) score like the article, but lie outside
    # its <article>.
    story = '<div class="story"><h3>Another story</h3>' + paragraphs(4) + "</div>"
    body = (f'<main><article><h1>Flood</h1><div class="body">{paragraphs(6)}</div></article>'
            f'<section class="more">{story}<div class="next">{story}</div></section></main>')
    page, choice = chosen(body, head='<meta property="og:type" content="article">')
    assert choice.root is not None
    assert "Another story" not in root_text(choice)


def test_a_copy_of_the_root_for_another_screen_size_is_not_gathered() -> None:
    # The same description twice (a layout for phones and one for desktops).
    desc = f'<div class="description">{paragraphs(3)}</div>'
    body = (f'<div id="product"><div class="mobile">{desc}</div>'
            f'<div class="desktop">{desc}</div></div><div class="spacer"></div>')
    page, choice = chosen(body, head='<meta property="og:type" content="article">')
    assert choice.root is not None
    assert root_text(choice).count(PROSE.split(",")[0]) == 3


def test_a_content_sibling_of_twin_sections_is_kept() -> None:
    # Twin sections (same class) with a block between them that reads as content but
    # carries a class of its own (a builder's generated one), and an ad after them.
    twin = '<div class="wpb_text_column">{}</div>'
    odd = f'<div class="wpb_text_column vc_custom_1563"><p>Odd one: {PROSE}</p></div>'
    body = (f'<div id="col"><div class="wrap">{twin.format(paragraphs(3))}{odd}'
            f'{twin.format(paragraphs(3))}<div class="ad">Advertisement</div></div></div>')
    page, choice = chosen(body)
    assert is_root(choice, page, "div.wrap")
    assert node(page, "div.vc_custom_1563").mem_id not in choice.exclude
    assert node(page, "div.ad").mem_id in choice.exclude
