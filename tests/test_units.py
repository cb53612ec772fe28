"""The walk for signals' text units in C (``extract/_walks.c``) against the walk in Python
(``extract/units.py``): the same units, in the same order, with the same counts, whatever
the markup; and the Python walk wherever the C one cannot be trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import selectolax
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from plainpage.extract import cwalks, units
from plainpage.extract.measure import CARD_LINK_CHARS

_walks = cwalks._walks  # built at install when a C compiler is at hand; CI always has one

ROOT = Path(__file__).parent
needs_c = pytest.mark.skipif(
    _walks is None and not os.environ.get("CI"),
    reason="the C module is not built here: pip install -e . with gcc and python3-dev")

# Texts with what the counts turn on: the white space nonspace leaves out (and some it
# keeps), the commas of patterns.COMMAS, characters of one to four UTF-8 bytes.
_TEXT = st.text(alphabet=st.sampled_from(
    " \n\t\r\xa0\u2009\u3000\x0b,，、،؛；.abcXYZ019éßЖж中文😀"), max_size=40)
_TAGS = ("p", "div", "span", "li", "ul", "td", "tr", "table", "h2", "h3", "pre", "a", "b",
         "section", "article", "blockquote", "font", "center", "dd", "th", "main", "template",
         "svg", "math", "script", "textarea", "select", "noscript", "x-card")


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested elements, text and comments: the parser's tree from it is what is walked."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        kind = draw(st.sampled_from(("text", "text", "element", "element", "comment")))
        if kind == "text":
            parts.append(draw(_TEXT))
        elif kind == "comment":
            parts.append(f"<!--{draw(_TEXT)}-->")
        else:
            tag = draw(st.sampled_from(_TAGS))
            closed = draw(st.booleans())  # an unclosed tag: the parser decides its end
            parts.append(f"<{tag}>{draw(_markup(depth + 1))}" + (f"</{tag}>" if closed else ""))
    return "".join(parts)


def _in_c(body: LexborNode, tree: LexborHTMLParser) -> tuple[list[units.Unit], ...]:
    """The C walk itself (``units.find`` would not ask it if the probe disagreed)."""
    assert cwalks.bound() is _walks
    return _walks.units(body.mem_id, tree, *units._C_ARGUMENTS)


def _both(html: str | bytes) -> tuple[list[list[tuple[int, ...]]], ...]:
    """The units the C walk and the Python walk find, as (mem_id, chars, commas, links)."""
    tree = LexborHTMLParser(html)
    body = tree.body
    assert body is not None

    def rows(found: tuple[list[units.Unit], ...]) -> list[list[tuple[int, ...]]]:
        return [[(node.mem_id, *counts) for node, *counts in kind] for kind in found]
    return rows(_in_c(body, tree)), rows(units.find(body, tree, in_c=False))


def test_ci_walks_in_c() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only CI is sure to have a C compiler")
    assert cwalks.WALKS is not None
    assert units.IN_C  # (the probe agreed)


@needs_c
def test_the_projects_pages_walk_alike() -> None:
    pages = sorted(ROOT.glob("*/*/source.html")) + sorted(
        (ROOT.parent / "rules" / "fixtures").glob("*/*.html"))
    assert len(pages) > 20
    found = 0
    for page in pages:
        in_c, in_python = _both(page.read_bytes())
        assert in_c == in_python, page
        found += len(in_c[0]) + len(in_c[1])
    assert found > 100  # (pages with units, not only empty walks)


@needs_c
@settings(max_examples=400, deadline=None)
@given(_markup())
def test_any_markup_walks_alike(markup: str) -> None:
    in_c, in_python = _both(f"<body>{markup}</body>")
    assert in_c == in_python


@needs_c
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=60), _markup())
def test_bytes_that_are_not_utf8_walk_alike(raw: bytes, markup: str) -> None:
    # Lexbor keeps bytes it cannot decode; both walks read them as selectolax does (U+FFFD).
    in_c, in_python = _both(b"<body><div>" + raw + markup.encode() + raw + b"</div></body>")
    assert in_c == in_python


@needs_c
def test_a_unit_is_counted_as_strings_nonspace_counts() -> None:
    text = "Eleven words\xa0in a row,\u3000with a far-eastern space、and commas，here"
    tree = LexborHTMLParser(f"<body><div>{text}<!-- a comment --> <b>not direct</b></div>"
                            f"<p>{text}</p></body>")
    deep, direct = _in_c(tree.body, tree)
    # U+3000 is white space to str.split, not to nonspace (nor to the Python walk)
    chars = len(text) - text.count(" ") - text.count("\xa0")
    assert [(node.tag, *counts) for node, *counts in deep] == [("p", chars, 3, 0)]
    assert [(node.tag, *counts) for node, *counts in direct] == [("div", chars, 3, 0)]


@needs_c
def test_links_are_counted_in_deep_units_only() -> None:
    prose = "Enough words for a unit of text here"
    card, almost = "x " * CARD_LINK_CHARS, "y " * (CARD_LINK_CHARS - 1)
    tree = LexborHTMLParser(f"<body><p>{prose} <a href=/a>a link, short</a> <a><b>and</b> "
                            f"another</a> <a href=/c>{card}</a> <a>{almost}</a></p>"
                            f"<div>{prose} <a href=/d>a link in a div</a></div></body>")
    deep, direct = _in_c(tree.body, tree)
    # links shorter than a card's count; the div's are not its direct text
    assert [links for *_, links in deep] == [
        len("alink,short") + len("andanother") + CARD_LINK_CHARS - 1]
    assert [links for *_, links in direct] == [0]


@needs_c
@pytest.mark.parametrize(("depth", "elements", "stopped"), [
    (60, 0, False), (150, 0, True), (400, 0, True), (300, 12_000, True)])
def test_nested_units_stop_counting_links_alike(depth: int, elements: int, stopped: bool
                                                ) -> None:
    # <h2><a><h2><a>…: every heading holds all the headings below it, so link counting
    # would walk depth² elements. It stops past a first allowance, or, on a page with
    # many elements, past twice their number: at the same unit in both walks.
    html = ("<body>" + "<i></i>" * elements
            + "<h2><a href=/>A heading with a link, long enough " * depth + "</body>")
    in_c, in_python = _both(html)
    assert in_c == in_python
    links = [row[-1] for row in in_c[0]]
    assert len(links) == depth and links[0] > 0
    # the innermost headings come last: past the allowance (about depth² steps), no count
    assert (links[-1] == 0) == stopped


@needs_c
def test_the_walk_starts_at_the_node_itself() -> None:
    tree = LexborHTMLParser("<body><div id=top>" + "Its own text, long enough. " * 2
                            + "<div>And its child's, long enough too.</div></div>")
    top = tree.css_first("#top")
    found = _in_c(top, tree)[1]
    assert [node.attributes.get("id") for node, *_ in found] == ["top", None]
    assert [(n.mem_id, c) for n, c, *_ in found] == [
        (n.mem_id, c) for n, c, *_ in units.find(top, tree, in_c=False)[1]]


@needs_c
def test_the_units_nodes_are_the_trees_own() -> None:
    tree = LexborHTMLParser("<body><p>" + "A sentence long enough, to be a unit. " * 2 + "</p>")
    (node, *_), = _in_c(tree.body, tree)[0]
    assert node.parser is tree
    assert node.html.startswith("<p>") and node.parent.tag == "body"


def test_a_node_of_another_tree_is_walked_in_python() -> None:
    # The C walk's nodes keep the parser they are given alive: a body of another tree
    # would outlive its own document.
    html = "<body><p>" + "A sentence long enough, to be a unit. " * 2 + "</p>"
    tree, other = LexborHTMLParser(html), LexborHTMLParser(html)
    (node, *_), = units.find(tree.body, other)[0]
    assert node.parser is tree


@needs_c
def test_the_c_walk_refuses_what_is_not_a_parser() -> None:
    tree = LexborHTMLParser("<body><p>text</p>")
    with pytest.raises(TypeError, match="LexborHTMLParser"):
        _walks.units(tree.body.mem_id, "a parser", *units._C_ARGUMENTS)


@needs_c
def test_another_selectolax_is_walked_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``bind`` reads selectolax's Cython interface, which another release may lay out anew.
    monkeypatch.setattr(selectolax, "__version__", "1.1.0")
    assert cwalks.bound() is None
    monkeypatch.undo()
    assert cwalks.bound() is _walks
