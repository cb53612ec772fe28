"""The signals stage: text units, the scores spread to their containers, and good_chars.

Scores are compared with each other, never with fixed numbers: the weights are tuned.
"""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborNode

from plainpage.extract.clean import clean
from plainpage.extract.measure import nonspace
from plainpage.extract.page import Page
from plainpage.extract.parse import parse
from plainpage.extract.signals import Signals, compute
from plainpage.options import Options

PROSE = ("The river rose slowly through the night, and by morning the lower town was under "
         "water, its streets turned to canals. ")
LINKS = ('<a href="/a">The river rose slowly through the night</a> and <a href="/b">by morning '
         'the lower town was under water</a>, <a href="/c">its streets turned to canals</a>. ')


def signals(body: str) -> tuple[Page, Signals]:
    page = parse(f"<html><body>{body}</body></html>", None)
    clean(page, Options())
    return page, compute(page, Options())


def node(page: Page, selector: str) -> LexborNode:
    found = page.tree.css_first(selector)
    assert found is not None, selector
    return found


def score(page: Page, sig: Signals, selector: str) -> float:
    return sig.stats[node(page, selector).mem_id].score


def paragraphs(count: int, text: str = PROSE) -> str:
    return "".join(f"<p>{text}</p>" for _ in range(count))


# --- units -----------------------------------------------------------------------------------

def test_paragraphs_become_units_in_document_order() -> None:
    page, sig = signals('<div id="x"><p id="one">' + PROSE + '</p><p id="two">' + PROSE
                        + "</p></div>")
    tags = [(u.node.tag, u.node.attributes.get("id")) for u in sig.units]
    assert tags == [("p", "one"), ("p", "two")]
    # Unit sizes count the characters that are not whitespace.
    size = len("".join(PROSE.split()))
    assert all(u.chars == size and u.link_chars == 0 for u in sig.units)
    assert sig.total_chars == sum(u.chars for u in sig.units)


def test_whole_text_units_come_before_direct_text_units() -> None:
    # Scores add up in this order (paragraph-like elements, then containers' own text,
    # each in document order), so it decides the last bits of every float score.
    _, sig = signals(f'<section id="s">{PROSE}<h2 id="h">{PROSE}</h2></section>'
                     f'<span id="sp">{PROSE}</span><pre id="pre">{PROSE}</pre>'
                     f'<p id="p">{PROSE}</p>')
    assert [u.node.attributes.get("id") for u in sig.units] == ["h", "pre", "p", "s", "sp"]


def test_separators_of_other_scripts_count_as_commas() -> None:
    text = "甲乙丙丁戊己庚辛壬癸，子丑寅卯、辰巳午未، 申酉戌亥؛ 东南西北； 春夏秋冬, 日月星辰。"
    _, sig = signals(f"<div><p>{text}</p></div>")
    assert [u.commas for u in sig.units] == [6]


@pytest.mark.parametrize("fragment", ["Share", "OK", "Read more", "12 comments"])
def test_short_fragments_are_not_units(fragment: str) -> None:
    _, sig = signals(f"<div><p>{fragment}</p><h3>{fragment}</h3><li>{fragment}</li></div>")
    assert sig.units == []
    assert sig.stats == {}


def test_direct_text_of_a_container_is_a_unit() -> None:
    # Sites that write prose straight into a <div> with <br>s have no <p> at all.
    page, sig = signals(f'<div id="prose">{PROSE}<br><br>{PROSE}</div>')
    assert [u.node.attributes.get("id") for u in sig.units] == ["prose"]
    assert node(page, "#prose").mem_id in sig.stats


def test_link_text_of_a_container_is_not_its_direct_text() -> None:
    # A list item made of a link is a link, not prose.
    _, sig = signals(f'<ul><li><a href="/x">{PROSE}</a></li></ul>')
    assert sig.units == []


def test_link_heavy_paragraph_scores_lower_than_a_plain_one() -> None:
    _, sig = signals(f'<div><p id="plain">{PROSE}</p><p id="linky">{LINKS}</p></div>')
    units = {u.node.attributes.get("id"): u for u in sig.units}
    assert units["linky"].link_chars > units["linky"].chars / 2
    assert units["plain"].link_chars == 0
    assert units["linky"].score < units["plain"].score


def test_link_text_is_not_counted_as_text_mass() -> None:
    page, sig = signals(f'<div id="plain">{paragraphs(2)}</div><div id="linky">'
                        f"{paragraphs(2, LINKS)}</div>")
    assert sig.good_chars(node(page, "#linky")) < sig.good_chars(node(page, "#plain")) / 2


def test_more_text_and_more_clauses_score_higher() -> None:
    short = "A short sentence about the weather today."
    long = "Rain, wind, hail and fog, " * 12
    _, sig = signals(f'<div><p id="short">{short}</p><p id="long">{long}</p></div>')
    units = {u.node.attributes.get("id"): u for u in sig.units}
    assert units["long"].score > units["short"].score


# --- containers ------------------------------------------------------------------------------

def test_containers_above_paragraphs_get_scores() -> None:
    page, sig = signals(f'<main><section id="outer"><div id="inner">{paragraphs(3)}</div>'
                        "</section></main>")
    for selector in ("#inner", "#outer", "main"):
        assert node(page, selector).mem_id in sig.stats, selector


def test_more_paragraphs_raise_the_container_score() -> None:
    page1, sig1 = signals(f'<div id="c">{paragraphs(1)}</div>')
    page3, sig3 = signals(f'<div id="c">{paragraphs(3)}</div>')
    assert score(page3, sig3, "#c") > score(page1, sig1, "#c")


def test_the_direct_parent_gains_more_than_a_distant_ancestor() -> None:
    # Both wrappers are neutral divs; only their distance to the paragraphs differs.
    page, sig = signals(f'<div id="far"><div id="near">{paragraphs(4)}</div></div>')
    assert score(page, sig, "#near") > score(page, sig, "#far")


@pytest.mark.parametrize(
    "wrapper",
    ['<section class="comments">{}</section>', '<div id="comment-list">{}</div>',
     "<aside>{}</aside>", "<footer>{}</footer>"],
    ids=["comments-class", "comments-id", "aside", "footer"],
)
def test_text_in_comments_or_furniture_lifts_the_page_less_than_content(wrapper: str) -> None:
    # The same paragraphs placed in a neutral block and in a comments section / aside:
    # the page container must gain less from the second, or comments would win the page.
    neutral = f'<div id="wrap"><div id="story">{paragraphs(2)}</div>' \
              f'<div id="more">{paragraphs(6)}</div></div>'
    contained = f'<div id="wrap"><div id="story">{paragraphs(2)}</div>' \
                f'{wrapper.format(paragraphs(6))}</div>'
    page_n, sig_n = signals(neutral)
    page_c, sig_c = signals(contained)
    assert score(page_c, sig_c, "#wrap") < score(page_n, sig_n, "#wrap")


def test_a_big_comments_section_does_not_lift_the_page_above_the_article() -> None:
    page, sig = signals(f'<div id="wrap"><article>{paragraphs(3)}</article>'
                        f'<section class="comments">{paragraphs(12)}</section></div>')
    assert score(page, sig, "article") > score(page, sig, "#wrap")


# --- good_chars ------------------------------------------------------------------------------

@pytest.mark.parametrize("furniture", ["nav", "aside", "footer"])
def test_good_chars_leaves_out_furniture(furniture: str) -> None:
    page, sig = signals(f'<div id="wrap"><div id="story">{paragraphs(2)}</div>'
                        f"<{furniture}>{paragraphs(3)}</{furniture}></div>")
    story = sig.good_chars(node(page, "#story"))
    assert story > 0
    assert sig.good_chars(node(page, "#wrap")) == story
    assert sig.good_chars(node(page, furniture)) == 0
    # The furniture's text is still measured, just not counted as content.
    assert sig.total_chars > story


def test_good_chars_of_a_node_without_text_is_zero() -> None:
    page, sig = signals(f'<div id="empty"></div><div>{paragraphs(1)}</div>')
    assert sig.good_chars(node(page, "#empty")) == 0


def test_good_chars_adds_up_over_children() -> None:
    page, sig = signals(f'<div id="wrap"><div id="a">{paragraphs(2)}</div>'
                        f'<div id="b">{paragraphs(3)}</div></div>')
    a, b = sig.good_chars(node(page, "#a")), sig.good_chars(node(page, "#b"))
    assert a > 0 and b > a
    assert sig.good_chars(node(page, "#wrap")) == a + b
    assert sig.good_chars(node(page, "body")) == a + b


def test_compute_on_an_empty_page_has_no_signals() -> None:
    _, sig = signals("")
    assert (sig.units, sig.stats, sig.total_chars) == ([], {}, 0)


@pytest.mark.parametrize("order", [("#in", "#mid", "#outer", "body"),
                                   ("body", "#outer", "#mid", "#in")])
def test_text_size_is_the_non_space_count_of_the_text_in_any_order(
        order: tuple[str, ...]) -> None:
    # Measured innermost first, a container adds up its children (text nodes, elements,
    # a comment) instead of reading its whole text again: the count must not change.
    page, sig = signals(f'<div id="outer"> lead words <!-- a note --><div id="mid">'
                        f'<p id="in">{PROSE}</p>\n<span>tail\xa0 text</span></div>'
                        "<b>bold end</b>\t</div><footer>Small print</footer>")
    for selector in order:
        measured = node(page, selector)
        assert sig.text_size(measured) == nonspace(measured.text())
