"""The classify stage: furniture and boilerplate inside the chosen root are left out, and
every block left out is reported with its kind, a reason, a CSS path and its text."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborNode

from plainpage.extract.candidates import Choice, choose
from plainpage.extract.classify import Decision, classify
from plainpage.extract.clean import clean
from plainpage.extract.page import Page
from plainpage.extract.parse import parse
from plainpage.extract.signals import compute
from plainpage.model import Removed
from plainpage.options import Options

PROSE = ("The river rose slowly through the night, and by morning the lower town was under "
         "water, its streets turned to canals. Residents who stayed climbed onto their roofs. ")
ARTICLE = "".join(f"<p>{PROSE}</p>" for _ in range(5))


def classified(body: str, head: str = "") -> tuple[Page, Choice, Decision]:
    page = parse(f"<html><head>{head}</head><body>{body}</body></html>", None)
    options = Options()
    pending = clean(page, options)
    sig = compute(page, options)
    choice = choose(page, sig, options)
    return page, choice, classify(page, choice, sig, options, pending)


def kept_text(page: Page, choice: Choice, decision: Decision) -> str:
    """The root's text without the dropped subtrees (what render would walk)."""
    assert choice.root is not None
    parts: list[str] = []

    def visit(node: LexborNode) -> None:
        if node.mem_id in decision.drops:
            return
        if node.is_text_node:
            parts.append(node.text_content or "")
        for child in node.iter(include_text=True):
            visit(child)

    visit(choice.root)
    return " ".join(" ".join(parts).split())


def reports_about(decision: Decision, needle: str) -> list[Removed]:
    return [item for item in decision.removed if needle in item.text]


# --- furniture and boilerplate inside the root -----------------------------------------------

@pytest.mark.parametrize(
    ("block", "needle", "kind"),
    [
        ('<div class="share-bar"><a href="/fb">Facebook</a> <a href="/x">X</a> '
         "<span>Share this story</span></div>", "Share this story", None),
        ('<ul class="related-links"><li><a href="/1">Another flood story</a></li> '
         '<li><a href="/2">A second flood story</a></li></ul>', "Another flood story", None),
        ('<div><a href="/1">Rain warning for the valley</a> <a href="/2">Dam repairs begin'
         "</a> <a href=\"/3\">Schools reopen</a></div>", "Rain warning", "nav"),
        ('<nav><a href="/prev">Previous story</a> <a href="/next">Next story</a></nav>',
         "Previous story", "nav"),
        ("<aside><p>Read our guide to flood insurance, too.</p></aside>", "flood insurance",
         "nav"),
        ('<div class="newsletter-signup"><p>Get the morning briefing in your inbox.</p></div>',
         "morning briefing", None),
        ('<div role="complementary"><p>Fact box: the river is 300 km long.</p></div>',
         "Fact box", "nav"),
    ],
    ids=["share-bar", "related-class", "unnamed-link-list", "nav", "aside", "newsletter",
         "role-complementary"],
)
def test_boilerplate_inside_the_root_is_dropped_and_reported(block: str, needle: str,
                                                             kind: str | None) -> None:
    page, choice, decision = classified(
        f'<article id="story"><p>{PROSE}</p><p>{PROSE}</p>{block}{ARTICLE}</article>')
    assert choice.root is not None and choice.root.tag == "article"
    reports = reports_about(decision, needle)
    assert reports, decision.removed
    for report in reports:
        if kind is not None:
            assert report.kind == kind
        assert report.reason
        assert report.selector.startswith("article#story > ")
        assert page.tree.css_first(report.selector) is not None  # points back at the block
    assert needle not in kept_text(page, choice, decision)
    assert kept_text(page, choice, decision).count("The river rose") == 7


def test_hidden_text_inside_the_root_is_reported_and_outside_it_is_not() -> None:
    _, choice, decision = classified(
        f'<article><div hidden>Inside secret</div>{ARTICLE}</article>'
        '<div id="out"><div hidden>Outside secret</div></div>')
    assert choice.root is not None and choice.root.tag == "article"
    assert [(r.kind, r.text) for r in decision.removed] == [("hidden", "Inside secret")]


def test_nothing_is_removed_from_a_clean_article() -> None:
    page, choice, decision = classified(f"<article><h2>Section</h2>{ARTICLE}</article>")
    assert decision.removed == ()
    assert decision.drops == frozenset()
    assert kept_text(page, choice, decision).count("The river rose") == 5


def test_no_root_means_no_decision() -> None:
    _, choice, decision = classified("<nav><p>" + PROSE + "</p></nav>")
    assert choice.root is None
    assert (decision.drops, decision.removed) == (frozenset(), ())


# --- the headline repeated in the body -------------------------------------------------------

@pytest.mark.parametrize(
    "head",
    [
        "<title>Flood in Lowtown</title>",
        "<title>Flood in Lowtown | Example News</title>",
        '<title>Example News</title><meta property="og:title" content="Flood in Lowtown">',
        '<meta name="twitter:title" content="FLOOD IN LOWTOWN">',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Flood in Lowtown"}</script>',
    ],
    ids=["title", "title-with-site", "og-title", "twitter-title-case", "jsonld-headline"],
)
def test_the_page_headline_repeated_as_first_heading_is_dropped(head: str) -> None:
    page, choice, decision = classified(f"<article><h1>Flood in  Lowtown</h1>{ARTICLE}"
                                        "</article>", head=head)
    reports = reports_about(decision, "Flood in Lowtown")
    assert len(reports) == 1
    assert "title" in reports[0].reason
    assert reports[0].selector.endswith("h1")
    assert "Flood in Lowtown" not in kept_text(page, choice, decision)


def test_a_heading_that_is_not_the_headline_stays() -> None:
    page, choice, decision = classified(f"<article><h1>What the river took</h1>{ARTICLE}"
                                        "</article>", head="<title>Flood in Lowtown</title>")
    assert decision.removed == ()
    assert "What the river took" in kept_text(page, choice, decision)


# --- hard negatives: words in prose, attribution ---------------------------------------------

def test_an_article_about_sharing_and_comments_keeps_its_paragraphs() -> None:
    body = (
        "<article><h2>Why we share</h2>"
        "<p>People share articles with friends because sharing signals who they are, and "
        "comments under a story shape how others read it.</p>"
        "<p>In our survey, readers said the share buttons and the comment section were the "
        "parts of a news site they used most, after the headline.</p>"
        "<p>Social sharing, the authors argue, is now how most stories travel, and the related "
        "comments often carry the corrections. Subscribe-walls and newsletters came later.</p>"
        "</article>"
    )
    page, choice, decision = classified(body)
    assert decision.removed == ()
    text = kept_text(page, choice, decision)
    for start in ("People share", "In our survey", "Social sharing"):
        assert start in text


def test_a_footer_inside_a_blockquote_is_kept_as_attribution() -> None:
    body = (f"<article><p>{PROSE}</p><blockquote><p>The water came faster than anyone had "
            "warned us.</p><footer>Maria Lopez, resident</footer></blockquote>"
            f"<p>{PROSE}</p><footer>Filed under Weather</footer></article>")
    page, choice, decision = classified(body)
    text = kept_text(page, choice, decision)
    assert "Maria Lopez" in text
    # The article's own footer is still furniture.
    assert "Filed under" not in text
    assert [r.text for r in decision.removed] == ["Filed under Weather"]


# --- the guard against cleaning away the content ---------------------------------------------

def test_forum_posts_named_comment_stay_while_their_action_bars_go() -> None:
    # Each post is a large share of the thread; "comment" in its class must not drop it.
    post = ('<div class="comment" id="c{i}"><p>Post {i}: ' + PROSE + '</p><div '
            'class="comment-actions"><a href="/reply/{i}">Reply</a> <a href="/quote/{i}">'
            "Quote</a></div></div>")
    body = '<div id="thread">' + "".join(post.format(i=i) for i in range(3)) + "</div>"
    page, choice, decision = classified(body)
    text = kept_text(page, choice, decision)
    assert all(f"Post {i}:" in text for i in range(3))
    assert "Reply" not in text and "Quote" not in text
    assert {r.selector for r in decision.removed} == {
        f"div#c{i} > div.comment-actions" for i in range(3)}


def test_a_node_matching_several_selectors_is_reported_once() -> None:
    # <nav> matches "nav", "[role]", "[class]" and "[id]": Lexbor yields it four times.
    body = (f'<article>{ARTICLE}<nav class="pager" id="pages" role="navigation">'
            '<a href="/1">Page one</a> <a href="/2">Page two</a></nav></article>')
    _, _, decision = classified(body)
    assert len(reports_about(decision, "Page one")) == 1


def test_dropped_nodes_are_in_drops_and_only_the_outermost_is_reported() -> None:
    body = (f'<article>{ARTICLE}<aside class="sidebar"><div class="share"><a href="/s">'
            'Share on social</a></div><p>More from the author.</p></aside></article>')
    page, choice, decision = classified(body)
    aside = page.tree.css_first("aside")
    assert aside is not None and aside.mem_id in decision.drops
    assert [r.selector for r in decision.removed] == ["article > aside.sidebar"]
    assert "Share on social" in decision.removed[0].text


# --- blocks about the text, not the text ------------------------------------------------------

@pytest.mark.parametrize(
    ("block", "needle"),
    [
        # A forum's poster panel: title, join date, post count.
        ('<div class="message-userExtras"><dl><dt>Joined</dt><dd>Aug 24, 2006</dd></dl>'
         "<dl><dt>Messages</dt><dd>8,583</dd></dl></div>", "Joined"),
        ('<h5 class="userTitle message-userTitle">Well-known member</h5>', "Well-known member"),
        ('<div class="signature">Sent from my phone. Opinions are my own.</div>',
         "Opinions are my own"),
        # An author's bio box under the article (BEM-style class names too).
        ('<div class="post-author__bio"><p>Jane Doe writes about rivers and floods for the '
         "paper.</p></div>", "Jane Doe writes"),
        ('<section class="about-author"><p>John Roe has covered the valley since 1998.</p>'
         "</section>", "John Roe has covered"),
    ],
    ids=["user-extras", "user-title", "signature", "author-bio-bem", "about-author"],
)
def test_the_posters_or_authors_details_are_dropped(block: str, needle: str) -> None:
    page, choice, decision = classified(f"<article>{ARTICLE}{block}</article>")
    text = kept_text(page, choice, decision)
    assert needle not in text
    assert PROSE.split(",")[0] in text
    assert reports_about(decision, needle)


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ('<a class="btn btn-primary" href="/signup">Get started for free</a>', "Get started"),
        ('<div class="cta-box">Book a demo</div>', "Book a demo"),
        ('<span class="sd-button share-print">Print</span>', "Print"),
    ],
    ids=["btn-link", "cta-box", "button-span"],
)
def test_a_prompt_styled_as_a_button_is_dropped(block: str, needle: str) -> None:
    page, choice, decision = classified(f"<article>{ARTICLE}<p>{block}</p></article>")
    assert needle not in kept_text(page, choice, decision)


def test_a_long_link_styled_as_a_button_stays() -> None:
    # More words than a prompt has: a link in the text that happens to look like a button.
    link = ('<a class="button" href="/report">the full report of the river authority on the '
            "spring floods</a>")
    page, choice, decision = classified(f"<article>{ARTICLE}<p>Read {link}.</p></article>")
    assert "spring floods" in kept_text(page, choice, decision)


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ('<p>The square at dawn.<span class="image-caption">Photo: River Press</span></p>',
         "River Press"),
        ('<p><span class="reading-time">4 min read</span></p>', "min read"),
    ],
    ids=["caption-span", "reading-time"],
)
def test_captions_and_reading_times_outside_figures_are_dropped(block: str,
                                                                needle: str) -> None:
    page, choice, decision = classified(f"<article>{block}{ARTICLE}</article>")
    text = kept_text(page, choice, decision)
    assert needle not in text
    assert PROSE.split(",")[0] in text


@pytest.mark.parametrize(
    ("block", "kept"),
    [
        ('<div class="wp-caption"><img src="/a.jpg" alt=""><p>The flooded square</p></div>',
         True),
        ('<figure class="figure fig--has-shares"><img src="/a.jpg" alt="">'
         "<figcaption>The flooded square</figcaption></figure>", True),
        ('<div class="wp-caption sidebar"><img src="/a.jpg" alt=""><p>The flooded square</p>'
         "</div>", False),
        ('<div class="share-links"><p>The flooded square</p></div>', False),
    ],
    ids=["image-box", "figure-parts", "image-box-in-sidebar", "share-box"],
)
def test_an_image_box_is_not_dropped_for_its_caption_or_share_words(block: str,
                                                                    kept: bool) -> None:
    # The words an image's box uses about its own caption or share buttons do not make it
    # boilerplate; its other class words still count, and without an image they all do.
    page, choice, decision = classified(f"<article>{ARTICLE}{block}{ARTICLE}</article>")
    assert ("The flooded square" in kept_text(page, choice, decision)) is kept


DECLARED = '<meta property="og:type" content="article">'


def test_a_date_on_its_own_line_in_an_article_is_dropped() -> None:
    body = ('<article><div class="stamp">Updated: <time class="updated" '
            f'datetime="2020-04-03">03.04.2020</time></div>{ARTICLE}<p>The next flood, on '
            '<time class="date">4 May</time>, was worse than anyone had feared after the '
            "winter.</p></article>")
    page, choice, decision = classified(body, head=DECLARED)
    text = kept_text(page, choice, decision)
    assert "03.04.2020" not in text
    assert "4 May" in text  # a date inside a sentence stays


def test_comments_under_a_declared_article_are_dropped_however_long() -> None:
    reply = ("I was there that night, and the water came up to the second step of our "
             "porch before dawn, so we moved the car to the hill.")
    thread = "".join(f'<li class="comment"><div class="comment-content"><p>{reply}</p></div>'
                     "</li>" for _ in range(12))
    body = (f'<div class="postarea">{ARTICLE}<div id="comments"><ol class="commentlist">'
            f"{thread}</ol></div></div>")
    for head, kept in ((DECLARED, False), ("", True)):  # without the declaration: a forum
        page, choice, decision = classified(body, head=head)
        text = kept_text(page, choice, decision)
        assert PROSE.split(",")[0] in text
        assert ("second step of our porch" in text) is kept


def test_a_class_named_link_list_bigger_than_a_quarter_of_the_root_is_dropped() -> None:
    # Related posts, each a headline link with a short excerpt: no prose of the article's.
    items = "".join(f'<li><a href="/{i}">Flood story number {i}</a> <small>Short '
                    f"excerpt {i}</small></li>" for i in range(14))
    body = f'<article>{ARTICLE}<ul class="related_post">{items}</ul></article>'
    page, choice, decision = classified(body)
    assert "Flood story number" not in kept_text(page, choice, decision)


def test_a_drop_inside_a_drop_is_charged_once_against_the_budget() -> None:
    # A short note whose share box holds small buttons: the box goes whole, its heading
    # with it, although its buttons and the box together outweigh what the budget allows.
    labels = ("Print", "E-mail", "Tweet", "Share", "Pin", "Save")
    buttons = "".join(f'<li><a class="sd-button" href="/s/{label}">{label}</a></li>'
                      for label in labels)
    body = (f'<article><div class="entry"><p>{PROSE}</p><div class="sharedaddy">'
            '<h3 class="sd-title">Print this story, send it by e-mail or share it</h3>'
            f"<ul>{buttons}</ul></div></div></article>")
    page, choice, decision = classified(body)
    text = kept_text(page, choice, decision)
    assert "Print this story" not in text
    assert PROSE.split(",")[0] in text
