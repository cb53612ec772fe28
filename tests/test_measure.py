"""Text and link measures, and the walks that stand in for small ``css()`` calls: they must
answer exactly what the selector or the whole-text measure answers."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from plainpage.extract.measure import (
    find_tags,
    first_tag,
    link_chars,
    nonspace,
    tag_id,
    walk_up,
)

HTML = (
    "<html><body><div id='box'><a id='a1' href='/x'>one <a id='a2'>two</a></a>"
    "<p id='p'>text <em><a id='a3' href='/y'>three</a></em></p>"
    "<table><tr><td id='cell'><a id='a4'>four</a></td></tr></table></div>"
    "<a id='solo' href='/z'>solo link</a></body></html>"
)


def tree() -> LexborHTMLParser:
    return LexborHTMLParser(HTML)


def by_id(parser: LexborHTMLParser, ident: str) -> LexborNode:
    found = parser.css_first(f"#{ident}")
    assert found is not None, ident
    return found


def ids(nodes: list[LexborNode]) -> list[str | None]:
    return [node.id for node in nodes]


def test_find_tags_lists_what_css_lists_in_document_order() -> None:
    parser = tree()
    for ident in ("box", "p", "cell", "solo"):
        node = by_id(parser, ident)
        assert ids(find_tags(node, tag_id("a"))) == ids(node.css("a"))


def test_find_tags_includes_the_node_itself_as_css_does() -> None:
    solo = by_id(tree(), "solo")
    assert ids(find_tags(solo, tag_id("a"))) == ["solo"]


def test_first_tag_is_css_first_for_a_set_of_tags() -> None:
    parser = tree()
    box = by_id(parser, "box")
    wanted = frozenset({tag_id("p"), tag_id("td")})
    expected = box.css_first("p, td")
    found = first_tag(box, wanted)
    assert expected is not None and found is not None
    assert found.id == expected.id == "p"
    assert first_tag(box, tag_id("h1")) is None


def test_tag_id_knows_table_parts() -> None:
    cell = by_id(tree(), "cell")
    assert tag_id("td") == cell.tag_id
    assert tag_id("tr") == cell.parent.tag_id  # type: ignore[union-attr]


def test_nonspace_drops_only_the_five_space_characters() -> None:
    assert nonspace(" a\tb\nc\rd\xa0e ") == 5
    # other Unicode spaces and a form feed are counted: the measure is fixed, not str.split
    assert nonspace("a\u2003b\x0cc") == 5
    # ASCII text takes another path: the same four drop, a form feed or vertical tab stays
    assert nonspace(" a\tb\nc\rd e\x0cf\x0b ") == 8
    assert nonspace("") == 0


def test_link_chars_counts_each_link_once_under_the_node() -> None:
    parser = tree()
    assert link_chars(by_id(parser, "p")) == nonspace("three")
    box = by_id(parser, "box")
    assert link_chars(box) == sum(nonspace(a.text()) for a in box.css("a"))


def test_walk_up_answers_from_what_it_already_walked() -> None:
    parser = tree()
    known: dict[int, bool] = {}
    seen: list[str] = []

    def in_table(node: LexborNode, tag: str) -> bool | None:
        seen.append(tag)
        return True if tag == "table" else None

    a4 = by_id(parser, "a4")
    assert walk_up(a4, known, in_table, False) is True
    assert walk_up(by_id(parser, "a3"), known, in_table, False) is False  # up to <body>
    first_walk = list(seen)
    seen.clear()
    assert walk_up(by_id(parser, "cell"), known, in_table, False) is True
    assert seen == []  # the cell was on the first walk: no step taken again
    assert "body" not in first_walk
