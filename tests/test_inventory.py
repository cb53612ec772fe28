"""The one walk over a parsed page (extract/inventory.py) and what parse, marks and clean read
from it: each list must be what the selector or tag walk it replaced would have found, on
the odd markup the corpora lack too."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from plainpage.extract import clean, cwalks, inventory, parse, site
from plainpage.extract.paging import _head_links
from plainpage.options import Options
from plainpage.rules import Rule, Transform

CONTROLS = ", ".join(inventory.CONTROLS)
needs_c = pytest.mark.skipif(
    cwalks.WALKS is None and not os.environ.get("CI"),
    reason="the C walks are not built here: pip install -e . with gcc and python3-dev")

DOCUMENTS = {
    "plain": "<html><head><title>T</title><meta name=a content=b><link rel=canonical href=/c>"
             "<script>var a;</script><style>p{}</style></head><body><p>Text</p></body></html>",
    "nested silent": "<body><div><svg><script>x</script><style>y</style><title>icon</title>"
                     "<foreignObject><button>B</button><input name=q><noscript>n</noscript>"
                     "<iframe></iframe></foreignObject></svg></div><p>after</p></body>",
    "template": "<body><template><script>t</script><button>tb</button><noscript>x</noscript>"
                "</template><p>after</p><template><template><input></template></template>",
    "dialog controls": "<body><dialog><form><input type=email name=email><button>Go</button>"
                       "<select><option>a<option>b</select></form></dialog><input name=q>",
    "media fallback": "<body><video><object><embed></object><a href=x>x</a><button>play"
                      "</button></video><audio><noscript>n</noscript></audio><canvas><input>"
                      "</canvas><map><area href=x><button>m</button></map>",
    "head noscript": "<html><head><noscript><link rel=stylesheet href=a.css><style>s</style>"
                     "<meta name=x content=y></noscript><title>T</title></head><body>"
                     "<noscript><noscript><p>twice</p></noscript><img src=a.png></noscript>",
    "math": "<body><math><style>m</style><mi>x</mi><annotation-xml encoding='text/html'>"
            "<script>s</script><input></annotation-xml></math>",
    "upper case": "<HTML><HEAD><TITLE>T</TITLE><LINK REL=Canonical HREF=/c><META NAME=a "
                  "CONTENT=b></HEAD><BODY><SCRIPT>x</SCRIPT><SVG><STYLE>s</STYLE></SVG>"
                  "<BUTTON>b</BUTTON><SELECT><OPTGROUP><OPTION>o</OPTGROUP></SELECT></BODY>",
    "head tags in body": "<body><meta name=m content=v><link rel=canonical href=/b>"
                         "<base href=/x/><title>late</title><style>s</style><textarea>t"
                         "</textarea></body>",
    "after html": "<html><head></head><body><p>x</p></body></html><script>late</script>"
                  "<input name=late><meta name=late content=1>",
    "frameset": "<html><head><title>F</title><script>s</script></head><frameset>"
                "<frame src=a></frameset></html>",
    "no head or body tags": "<title>T</title><p>text<script>s</script><input>",
    "hidden around controls": "<body><div hidden><form><input><button>b</button></form>"
                              "<noscript>n</noscript></div><div style='display:none'><div "
                              "hidden><select><option>x</select></div></div><input name=q>",
    "empty": "",
}


def mem_ids(nodes: Iterable[LexborNode]) -> list[int]:
    return [node.mem_id for node in nodes]


def mem_id(node: LexborNode | None) -> int | None:
    return node.mem_id if node is not None else None


@pytest.mark.parametrize("markup", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_the_walk_lists_what_the_tag_walks_and_selectors_found(markup: str) -> None:
    tree = LexborHTMLParser(markup)
    found = inventory.take(tree)
    assert mem_ids(found.scripts) == mem_ids(tree.tags("script"))
    assert mem_ids(found.metas) == mem_ids(tree.tags("meta"))
    assert mem_ids(found.links) == mem_ids(tree.tags("link"))
    assert mem_ids(found.bases) == mem_ids(tree.tags("base"))
    others = [tag for tag in inventory.SILENT if tag not in ("script", "meta", "link")]
    assert sorted(mem_ids(found.silent)) == sorted(
        node.mem_id for tag in others for node in tree.tags(tag))
    assert mem_id(found.head_title) == mem_id(tree.css_first("head > title"))
    head, body = tree.head, tree.body
    assert found.head_links == (len(head.css("link")) if head is not None else 0)
    assert mem_ids(found.noscripts) == (mem_ids(body.css("noscript")) if body else [])
    assert mem_ids(found.controls) == (mem_ids(body.css(CONTROLS)) if body else [])


def listed(found: inventory.Inventory) -> list[object]:
    return [mem_ids(getattr(found, name)) for name in inventory._LISTS if name != "titles"] + [
        mem_id(found.head_title), found.head_links]


def test_ci_walks_in_c() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only CI is sure to have a C compiler")
    assert inventory.IN_C  # (the probe agreed)


@needs_c
@pytest.mark.parametrize("markup", [*DOCUMENTS.values(), *(
    page.read_text(encoding="utf-8")
    for page in sorted(Path(__file__).parent.glob("*/*/source.html")))])
def test_the_c_walk_lists_what_the_python_walk_lists(markup: str) -> None:
    tree = LexborHTMLParser(markup)
    if tree.root is None:
        return
    assert listed(inventory._take_in_c(tree, tree.root)) == listed(
        inventory.take(tree, in_c=False))


_TAGS = ("html", "head", "body", "title", "meta", "link", "base", "script", "style", "svg",
         "math", "template", "noscript", "iframe", "input", "button", "select", "option",
         "textarea", "p", "div", "frameset", "frame", "table", "video", "object", "dialog")


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TAGS), st.booleans(), st.sampled_from(
    ("", "x", "<!-- c -->", " "))), max_size=30))
def test_any_markup_is_listed_alike(parts: list[tuple[str, bool, str]]) -> None:
    markup = "".join(f"<{tag}>{text}" + (f"</{tag}>" if closed else "")
                     for tag, closed, text in parts)
    tree = LexborHTMLParser(markup)
    if tree.root is None:
        return
    assert listed(inventory._take_in_c(tree, tree.root)) == listed(
        inventory.take(tree, in_c=False))


@pytest.mark.parametrize("markup", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_dropping_the_listed_elements_is_strip_tags(markup: str) -> None:
    stripped, dropped = LexborHTMLParser(markup), LexborHTMLParser(markup)
    stripped.strip_tags(list(inventory.SILENT))
    found = inventory.take(dropped)
    clean._drop_silent(found)
    assert dropped.html == stripped.html
    body = dropped.body
    if body is None:
        return
    # What is left of the lists is what a selector finds now, also once more is removed.
    assert mem_ids(clean._attached(found.noscripts)) == mem_ids(body.css("noscript"))
    assert mem_ids(clean._attached(found.controls)) == mem_ids(body.css(CONTROLS))
    for node in body.css("[hidden], [style], noscript"):
        node.decompose()
    assert mem_ids(clean._attached(found.controls)) == mem_ids(body.css(CONTROLS))


CANONICAL_HEADS = [
    '<link rel="canonical" href="/a">',
    '<link rel="CANONICAL" href="/a">',
    '<link rel=" canonical" href="/a"><link rel="canonical" href="/b">',
    '<link rel="canonical"><link rel="canonical" href="/b">',
    '<link rel="canonical" href><link rel="canonical" href="/b">',
    '<link rel="canonical" xlink:href="/x"><link rel="canonical" href="/b">',
    '<link rel="canonıcal" href="/dotless"><link rel="alternate" href="/c">',
    '<link rel="alternate" href="/c">',
    "",
]
CANONICAL_BODIES = [
    "",
    '<link rel="canonical" href="/in-body">',
    '<svg><link rel="canonical" xlink:href="/svg"></svg><link rel="canonical" href="/b">',
]


@pytest.mark.parametrize("head", CANONICAL_HEADS)
@pytest.mark.parametrize("body", CANONICAL_BODIES)
def test_the_canonical_link_is_the_selectors(head: str, body: str) -> None:
    tree = LexborHTMLParser(f"<html><head>{head}</head><body>{body}</body></html>")
    found = inventory.take(tree)
    assert mem_id(parse._canonical_link(tree, found.links)) == mem_id(
        tree.css_first('link[rel="canonical"][href]'))


JSONLD_SCRIPTS = [
    '<script type="application/ld+json">{}</script>',
    '<script type="Application/LD+JSON">{}</script>',
    '<script type=" application/ld+json">{}</script><script type="application/json">{}</script>',
    '<script>{}</script><script type>{}</script><script type="">{}</script>',
    '<svg><script xlink:type="application/ld+json">{}</script></svg>',
    '<svg><script xlink:type="text/plain" type="application/ld+json">{}</script></svg>',
    '<script xlink:type="application/ld+json">{}</script>',
    '<script type="application/ld+json">{}</script><svg><script type="application/ld+json">'
    "{}</script></svg>",
]


@pytest.mark.parametrize("scripts", JSONLD_SCRIPTS)
def test_the_jsonld_scripts_are_the_selectors(scripts: str) -> None:
    tree = LexborHTMLParser(f"<html><head>{scripts}</head><body>{scripts}</body></html>")
    assert mem_ids(parse._jsonld_scripts(tree, inventory.take(tree))) == mem_ids(
        tree.css('script[type="application/ld+json"]'))


@pytest.mark.parametrize("head", [
    '<link rel="next" href="/2"><link rel=prev><link href="/x"><link REL="Next" HREF="/3">',
    '<noscript><link rel="next" href="/n"></noscript><link rel="next" xlink:href="/x">',
    "",
])
@pytest.mark.parametrize("walked", [True, False], ids=["walked", "transformed"])
def test_the_head_links_are_the_selectors(head: str, walked: bool) -> None:
    page = parse.parse(f"<html><head>{head}</head><body><link rel=next href=/body>"
                       "</body></html>", "https://example.com/story")
    if not walked:
        page.inventory = None
    assert page.tree.head is not None
    expected = [node.attributes for node in page.tree.head.css("link[rel][href]")]
    assert list(_head_links(page)) == expected


def test_a_rule_that_changes_the_tree_has_clean_walk_it_again() -> None:
    # The walk in parse listed no <iframe>: the rule makes one, and clean must remove it.
    page = parse.parse("<html><head><title>T</title></head><body><article><p>Text</p>"
                       '<p class="player">Player</p></article></body></html>',
                       "https://example.com/a")
    rule = Rule(host="example.com", transform=(Transform("rename", "p.player", to="iframe"),))
    site.transform(page, rule)
    assert page.tree.css_first("iframe") is not None
    assert clean.clean(page, Options()) == []
    assert page.tree.css_first("iframe") is None
    assert page.body is not None and page.body.text() == "Text"
