"""CSS paths that point a reader or a rule author back to a block of the source page."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from plainpage.extract.selectors import class_and_id, css_path, describe


def first(html: str, selector: str) -> tuple[LexborHTMLParser, LexborNode]:
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    node = tree.css_first(selector)
    assert node is not None, selector
    return tree, node


def matches(tree: LexborHTMLParser, path: str, node: LexborNode) -> bool:
    return node.mem_id in {found.mem_id for found in tree.css(path)}


# --- class_and_id ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<div class="a b" id="main">x</div>', "a b main"),
        ('<div class="a b">x</div>', "a b"),
        ('<div id="main" data-x="1">x</div>', "main"),
        ('<div title="t">x</div>', ""),
        ('<div class id="">x</div>', ""),
        ('<div CLASS="Up" Id="Mixed">x</div>', "Up Mixed"),
    ],
    ids=["both", "class-only", "id-only", "neither", "empty", "upper-case-names"],
)
def test_class_and_id(html: str, expected: str) -> None:
    _, node = first(html, "div")
    assert class_and_id(node) == expected


# --- describe --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<div id="main" class="a b">x</div>', "div#main"),
        ('<div class="share  bar">x</div>', "div.share.bar"),
        ('<div class="a b c d e">x</div>', "div.a.b.c"),
        ("<div>x</div>", "div"),
        ('<div class="">x</div>', "div"),
        ('<div id="">x</div>', "div"),
        # Unsafe tokens (digits first, escapes needed) are left out; safe ones kept.
        ('<div class="1col md:flex w-1/2 card">x</div>', "div.card"),
        ('<div class="x:y 2a ok -neg _u">x</div>', "div.ok.-neg._u"),
        # An unsafe id falls back to the classes.
        ('<div id="1st" class="lead">x</div>', "div.lead"),
        ('<div id="a b" class="lead">x</div>', "div.lead"),
        ('<div id="post-12_a">x</div>', "div#post-12_a"),
    ],
    ids=["id-wins", "classes", "max-three", "bare", "empty-class", "empty-id",
         "unsafe-classes", "mixed", "digit-id", "spaced-id", "id-with-dash"],
)
def test_describe(html: str, expected: str) -> None:
    _, node = first(html, "div")
    assert describe(node) == expected


def test_describe_keeps_the_first_three_safe_classes() -> None:
    _, node = first('<div class="9x a :b c d">x</div>', "div")
    assert describe(node) == "div.a.c.d"


# --- css_path --------------------------------------------------------------------------------

DEEP = ('<div id="page"><main class="content wide"><section class="story"><div class="body">'
        '<p class="lead"><span><em>deep</em></span></p></div></section></main></div>')


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("em", "div.body > p.lead > span > em"),  # four levels at most
        ("p.lead", "main.content.wide > section.story > div.body > p.lead"),
        ("section", "div#page > main.content.wide > section.story"),  # the id stops it
        ("#page", "div#page"),
    ],
)
def test_css_path(selector: str, expected: str) -> None:
    tree, node = first(DEEP, selector)
    path = css_path(node)
    assert path == expected
    assert path.count(" > ") <= 3
    assert matches(tree, path, node)


def test_css_path_stops_at_body() -> None:
    tree, node = first('<p class="note">x</p>', "p")
    assert css_path(node) == "p.note"
    assert matches(tree, css_path(node), node)


def test_css_path_does_not_stop_at_an_unsafe_id() -> None:
    tree, node = first('<div id="9lives"><section><p>x</p></section></div>', "p")
    assert css_path(node) == "div > section > p"
    assert matches(tree, css_path(node), node)


@pytest.mark.parametrize(
    "html",
    [
        DEEP,
        '<div class="a:b 1c"><ul class="list"><li class="x y z w"><a href="/">x</a></li></ul>'
        "</div>",
        '<article id="post-1"><div class="entry-content"><figure><img src="a.png">'
        "</figure></div></article>",
        '<table class="data"><tbody><tr><td class="num">1</td></tr></tbody></table>',
    ],
    ids=["deep", "list", "figure", "table"],
)
def test_every_path_is_valid_css_that_finds_the_node(html: str) -> None:
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    assert tree.body is not None
    for node in tree.body.traverse():
        path = css_path(node)
        assert path and matches(tree, path, node), path
