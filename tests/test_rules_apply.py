"""Applying a rule to a parsed page: transforms, content roots, strips and metadata."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from plainpage.rules import Rule, Selector, Strip, StripText, Transform
from plainpage.rules.apply import body_roots, metadata, strips, transform


def tree(body: str) -> LexborHTMLParser:
    return LexborHTMLParser(f"<html><head><title>t</title></head><body>{body}</body></html>")


def body_html(parsed: LexborHTMLParser) -> str:
    assert parsed.body is not None
    return parsed.body.inner_html


def ids(nodes: list[LexborNode]) -> list[str | None]:
    return [node.id for node in nodes]


# --- transform --------------------------------------------------------------------------------


def test_rename_keeps_attributes_children_and_order_also_when_nested() -> None:
    parsed = tree('<div class="lead" id="a" hidden>One <b>two</b> '
                  '<div class="lead">three</div> four</div><p>five</p>')
    rule = Rule(host="x.com", transform=(Transform("rename", "div.lead", to="p"),))
    assert transform(parsed.root, rule) == 2
    assert body_html(parsed) == ('<p class="lead" id="a" hidden="">One <b>two</b> '
                                 '<p class="lead">three</p> four</p><p>five</p>')


def test_unwrap_keeps_children_in_place() -> None:
    parsed = tree('<p>a <span class="w">b <span class="w">c</span> d</span> e'
                  '<span class="w"></span></p>')
    rule = Rule(host="x.com", transform=(Transform("unwrap", "span.w"),))
    assert transform(parsed.root, rule) == 3
    assert body_html(parsed) == "<p>a b c d e</p>"


def test_attr_copies_lazy_image_sources_only_where_present() -> None:
    parsed = tree('<img data-lazy="a.png" src="blank.gif"><img data-lazy=" "><img src="b.png">')
    rule = Rule(host="x.com", transform=(Transform("attr", "img", to="src", source="data-lazy"),))
    assert transform(parsed.root, rule) == 1
    assert [img.attributes.get("src") for img in parsed.css("img")] == ["a.png", None, "b.png"]


def test_transforms_run_in_file_order() -> None:
    # The second transform selects what the first one produced.
    parsed = tree('<div class="lead">x</div>')
    rule = Rule(host="x.com", transform=(Transform("rename", ".lead", to="p"),
                                         Transform("rename", "p.lead", to="blockquote")))
    assert transform(parsed.root, rule) == 2
    assert body_html(parsed) == '<blockquote class="lead">x</blockquote>'


def test_transform_never_touches_the_root_it_is_given() -> None:
    parsed = tree('<div class="w"><div class="w">x</div></div>')
    outer = parsed.css_first("div.w")
    assert outer is not None
    transform(outer, Rule(host="x.com", transform=(Transform("unwrap", ".w"),)))
    assert body_html(parsed) == '<div class="w">x</div>'


# --- body_roots -------------------------------------------------------------------------------


def test_body_roots_use_the_first_selector_with_matches_outermost_in_order() -> None:
    parsed = tree('<main id="m"><section class="c" id="s1"><div class="c" id="inner"></div>'
                  '</section><section class="c" id="s2"></section></main>')
    rule = Rule(host="x.com", body=("article", ".c", "main"))
    assert ids(body_roots(parsed.root, rule) or []) == ["s1", "s2"]


def test_body_roots_are_none_without_a_match_or_a_body_key() -> None:
    parsed = tree("<p>x</p>")
    assert body_roots(parsed.root, Rule(host="x.com", body=("article",))) is None
    assert body_roots(parsed.root, Rule(host="x.com")) is None


# --- strips -----------------------------------------------------------------------------------

PAGE = """<article id="root">
<p id="p1">News paragraph one.</p>
<div class="support" id="support"><h3 id="h">Support us!</h3><p class="support">Give.</p></div>
<p id="p2">News paragraph two.</p>
<div id="appeal-box"><p id="ask">We have a SMALL <b>favor</b>
   to ask. Thank you.</p></div>
<ul id="more"><li id="li1">Read more: Another story</li></ul>
</article>"""


def strip_rule(**parts: object) -> Rule:
    return Rule(host="x.com", path="rules/x.com.toml", **parts)  # type: ignore[arg-type]


def test_strips_report_kind_and_reason_outermost_only_in_document_order() -> None:
    parsed = tree(PAGE)
    rule = strip_rule(strip=(Strip("#more", "readmore"), Strip(".support", "appeal")),
                      strip_text=(StripText("small favor to ask", "appeal"),))
    roots = body_roots(parsed.root, Rule(host="x.com", body=("article",)))
    assert roots is not None
    hits = strips(roots, rule)
    assert [(node.id, kind, reason) for node, kind, reason in hits] == [
        ("support", "appeal", "rule x.com.toml: strip[1] .support"),  # not its inner p.support
        ("ask", "appeal", 'rule x.com.toml: strip_text[0] "small favor to ask"'),
        ("more", "readmore", "rule x.com.toml: strip[0] #more"),
    ]


def test_strip_text_block_selector_picks_the_nearest_matching_ancestor() -> None:
    parsed = tree(PAGE)
    rule = strip_rule(strip_text=(StripText("favor to ask", "appeal", block="div"),
                                  StripText("read more:", "readmore", block="ul, ol")))
    article = parsed.css_first("article")
    assert article is not None
    assert [(node.id, kind) for node, kind, _ in strips([article], rule)] == [
        ("appeal-box", "appeal"), ("more", "readmore")]


def test_a_node_hit_twice_keeps_its_first_reason() -> None:
    parsed = tree(PAGE)
    rule = strip_rule(strip=(Strip("#more", "readmore"), Strip("ul", "other")))
    article = parsed.css_first("article")
    assert article is not None
    assert [(node.id, kind) for node, kind, _ in strips([article], rule)] == [("more", "readmore")]


def test_strips_never_remove_a_root_and_ignore_absent_phrases() -> None:
    parsed = tree(PAGE)
    article = parsed.css_first("article")
    assert article is not None
    rule = strip_rule(strip=(Strip("article", "other"),),
                      strip_text=(StripText("not on this page", "appeal"),
                                  StripText("news paragraph", "other", block="article")))
    assert strips([article], rule) == []


def test_phrases_in_scripts_do_not_count_and_inline_elements_resolve_to_their_block() -> None:
    parsed = tree('<article><div id="d"><script>var t = "support us";</script><p>News.</p>'
                  '<p id="p">Please <a href="/give"><b>support</b></a> us.</p></div></article>')
    article = parsed.css_first("article")
    assert article is not None
    hits = strips([article], strip_rule(strip_text=(StripText("support us", "appeal"),)))
    assert [node.id for node, _, _ in hits] == ["p"]


def test_each_occurrence_goes_to_its_own_nearest_block() -> None:
    parsed = tree('<article><div id="d"><p id="p1">Read more: a</p><p>News.</p>'
                  '<ul id="u"><li id="li">Read </li><li>more: b</li></ul>'
                  '<p id="p2">x <!-- read more --> READ\u00a0 MORE</p></div></article>')
    article = parsed.css_first("article")
    assert article is not None
    hits = strips([article], strip_rule(strip_text=(StripText("read more", "readmore"),)))
    # the ul holds a match across its two items; the comment holds none
    assert [node.id for node, _, _ in hits] == ["p1", "u", "p2"]


def test_strips_search_only_inside_the_roots() -> None:
    parsed = tree('<div class="ad" id="outside"></div><article><div class="ad" id="in"></div>'
                  "</article>")
    article = parsed.css_first("article")
    assert article is not None
    hits = strips([article], strip_rule(strip=(Strip(".ad", "ad"),)))
    assert [node.id for node, _, _ in hits] == ["in"]


# --- metadata ---------------------------------------------------------------------------------


def test_metadata_first_non_empty_value_wins_whitespace_normalised() -> None:
    parsed = LexborHTMLParser(
        '<html><head><meta name="author" content="  Ann   Lee "></head><body>'
        '<h1 class="t"> </h1><h1 class="t">The\n  <em>Real</em>   Title</h1>'
        '<span class="by"></span><time datetime="2023-10-25">Oct 25</time></body></html>')
    rule = Rule(host="x.com", title=(Selector("h1.t"),),
                author=(Selector(".by"), Selector("meta[name=author]", "content")),
                date=(Selector("time", "missing-attr"), Selector("time", "datetime")))
    assert metadata(parsed.root, rule) == {
        "title": "The Real Title", "author": "Ann Lee", "date": "2023-10-25"}


def test_metadata_is_none_where_nothing_matches() -> None:
    parsed = tree("<p>x</p>")
    rule = Rule(host="x.com", title=(Selector("h1"),))
    assert metadata(parsed.root, rule) == {"title": None, "author": None, "date": None}
