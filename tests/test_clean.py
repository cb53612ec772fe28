"""The clean stage: what is never article content leaves the tree; hidden text and form
controls are handed on as pending removals with their text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from plainpage.extract import clean as clean_module
from plainpage.extract import cwalks
from plainpage.extract.clean import Pending, clean
from plainpage.extract.page import Page
from plainpage.extract.parse import parse
from plainpage.options import Options

URL = "https://news.test/story.html"
PROSE = (
    "The river rose slowly through the night, and by morning the lower town was under water. "
    "Residents who had stayed behind climbed onto their roofs and waited for the boats. "
)


def cleaned(body: str) -> tuple[Page, list[Pending]]:
    page = parse(f"<html><head><title>T</title></head><body>{body}</body></html>", URL)
    return page, clean(page, Options())


def body_text(page: Page) -> str:
    assert page.body is not None
    return " ".join(page.body.text(separator=" ").split())


def body_html(page: Page) -> str:
    assert page.body is not None
    return page.body.html or ""


# --- silent removals -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("markup", "tag"),
    [
        ("<script>var secret = 'SCRIPTTEXT';</script>", "script"),
        ("<style>.x { content: 'STYLETEXT'; }</style>", "style"),
        ('<iframe src="https://ads.test/">IFRAMETEXT</iframe>', "iframe"),
        ("<svg><text>SVGTEXT</text><title>SVGTITLE</title></svg>", "svg"),
        ("<template><p>TEMPLATETEXT</p></template>", "template"),
        ("<object><p>OBJECTTEXT</p></object>", "object"),
        ("<canvas>CANVASTEXT</canvas>", "canvas"),
        ("<video>VIDEOTEXT</video>", "video"),
    ],
    ids=lambda v: v if v.isalpha() else "",
)
def test_non_content_elements_are_removed_silently(markup: str, tag: str) -> None:
    page, pending = cleaned(f"<article><p>{PROSE}</p>{markup}</article>")
    assert page.tree.css_first(tag) is None
    assert "TEXT" not in body_text(page) and "SVGTITLE" not in body_text(page)
    assert PROSE.split()[0] in body_text(page)
    assert pending == []  # never readable text: nothing to report


def test_clean_changes_nothing_on_a_plain_article() -> None:
    page, pending = cleaned(f"<article><h2>Flood</h2><p>{PROSE}</p></article>")
    assert pending == []
    assert body_text(page) == "Flood " + PROSE.strip()


# --- hidden elements -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "opening",
    [
        "<div hidden>",
        '<div style="display:none">',
        '<div style="color: red; DISPLAY : None;">',
        '<div style="visibility: hidden">',
    ],
    ids=["hidden-attr", "display-none", "display-none-spaced-upper", "visibility-hidden"],
)
def test_hidden_elements_are_removed_and_reported(opening: str) -> None:
    page, pending = cleaned(f"<article><p>{PROSE}</p>{opening}Secret   offer inside</div>"
                            "</article>")
    assert "Secret" not in body_text(page)
    assert PROSE.split()[0] in body_text(page)
    assert len(pending) == 1
    removed = pending[0].removed
    assert removed.kind == "hidden"
    assert removed.text == "Secret offer inside"  # whitespace collapsed
    assert removed.reason
    assert removed.selector.endswith("div")


def test_pending_parent_is_where_the_hidden_node_sat() -> None:
    page, pending = cleaned(f'<article id="story"><p>{PROSE}</p>'
                            "<div hidden>Hidden words</div></article>")
    assert [p.parent.tag for p in pending] == ["article"]
    assert pending[0].parent.attributes.get("id") == "story"


@pytest.mark.parametrize(
    "opening",
    ['<div style="display: block">', '<div style="overflow: hidden">',
     '<div style="border: none">', '<div class="hidden-xs">'],
    ids=["display-block", "overflow-hidden", "border-none", "hidden-class"],
)
def test_visible_elements_with_lookalike_styles_stay(opening: str) -> None:
    # "none"/"hidden" in a style that does not hide the element must not remove text.
    page, pending = cleaned(f"<article><p>{PROSE}</p>{opening}Visible words here</div>"
                            "</article>")
    assert "Visible words here" in body_text(page)
    assert pending == []


def test_hidden_element_without_text_is_removed_without_a_report() -> None:
    page, pending = cleaned(f'<article><p>{PROSE}</p><div hidden><img src="a.png"></div>'
                            "</article>")
    assert page.tree.css_first("img") is None
    assert pending == []


def test_nested_hidden_nodes_are_reported_once() -> None:
    page, pending = cleaned(
        f"<article><p>{PROSE}</p>"
        # Whitespace between the tags: Removed.text joins text nodes as they are.
        '<div hidden>Outer words <span style="display:none">inner words</span> '
        '<p style="visibility:hidden">deep words</p></div></article>'
    )
    assert len(pending) == 1
    assert pending[0].removed.text == "Outer words inner words deep words"
    assert "words" not in body_text(page).replace(PROSE.strip(), "")


def test_hidden_wrapper_holding_most_of_the_page_is_kept() -> None:
    # Anti-flicker pages hide the whole page until a script reveals it.
    page, pending = cleaned(
        f'<div style="opacity:0; visibility:hidden"><article><p>{PROSE}</p>'
        f"<p>{PROSE}</p></article></div><footer>Small print</footer>"
    )
    assert body_text(page).count("The river rose") == 2
    assert all(p.removed.text.count("The river rose") == 0 for p in pending)


def test_small_hidden_block_inside_a_kept_hidden_wrapper_is_still_removed() -> None:
    page, pending = cleaned(
        f'<div hidden><article><p>{PROSE}</p><p>{PROSE}</p>'
        '<div style="display:none">Popup text</div></article></div>'
    )
    assert body_text(page).count("The river rose") == 2
    assert "Popup text" not in body_text(page)
    assert [p.removed.text for p in pending] == ["Popup text"]


# --- form controls ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("control", "text"),
    [
        ("<button>Subscribe</button>", "Subscribe"),
        ("<select>\n<option>Sort by date</option>\n<option>Sort by name</option></select>",
         "Sort by date Sort by name"),
        ("<textarea>Write a comment</textarea>", "Write a comment"),
    ],
    ids=["button", "select", "textarea"],
)
def test_form_controls_are_removed_as_noise(control: str, text: str) -> None:
    page, pending = cleaned(f"<article><p>{PROSE}</p>{control}</article>")
    assert text.split()[0] not in body_text(page)
    assert [(p.removed.kind, p.removed.text) for p in pending] == [("noise", text)]
    assert pending[0].removed.reason


def test_textless_input_is_removed_without_a_report() -> None:
    page, pending = cleaned(f'<article><p>{PROSE}</p><input type="text" value="q"></article>')
    assert page.tree.css_first("input") is None
    assert pending == []


def test_long_texted_button_is_kept() -> None:
    # An accordion's question is a button, and it is part of the FAQ the reader came for.
    question = "How long does the delivery take to reach rural addresses?"
    page, pending = cleaned(f"<main><button>{question}</button><p>{PROSE}</p>"
                            "<button>Share</button></main>")
    assert question in body_text(page)
    assert "Share" not in body_text(page)
    assert [p.removed.text for p in pending] == ["Share"]


# --- <noscript> ------------------------------------------------------------------------------

def test_noscript_with_a_short_note_is_dropped() -> None:
    page, pending = cleaned(f"<article><p>{PROSE}</p><noscript>Please enable JavaScript to "
                            "view the comments.</noscript></article>")
    assert "JavaScript" not in body_text(page)
    assert pending == []


def test_noscript_with_an_image_is_kept() -> None:
    page, _ = cleaned(f'<article><p>{PROSE}</p><noscript><img src="photo.jpg" alt="Flood">'
                      "</noscript></article>")
    img = page.tree.css_first("img")
    assert img is not None and img.attributes.get("src") == "photo.jpg"


def test_noscript_with_the_page_text_is_kept() -> None:
    page, _ = cleaned(f"<div id='app'></div><noscript><article><p>{PROSE}</p><p>{PROSE}</p>"
                      "</article></noscript>")
    assert body_text(page).count("The river rose") == 2


# --- edge cases ------------------------------------------------------------------------------

def test_all_pending_removals_carry_text_and_a_selector() -> None:
    _, pending = cleaned(
        f"<article><p>{PROSE}</p><div hidden>One</div><form><button>Go</button>"
        "<select><option>Two</option></select></form><span style='display:none'>Three</span>"
        "</article>"
    )
    assert sorted(p.removed.text for p in pending) == ["Go", "One", "Three", "Two"]
    for item in pending:
        assert item.removed.selector and item.removed.reason


def test_clean_on_an_empty_body_returns_nothing() -> None:
    page, pending = cleaned("")
    assert pending == []
    assert body_text(page) == ""


def test_clean_does_not_touch_the_head_facts() -> None:
    page = parse('<html><head><title>T</title><script type="application/ld+json">'
                 '{"@type": "Article"}</script></head><body><p>Body.</p></body></html>', URL)
    clean(page, Options())
    assert page.jsonld == [{"@type": "Article"}]
    assert page.tree.css_first("script") is None
    assert "Body." in body_html(page)


@pytest.mark.parametrize("cls", ["sr-only", "visually-hidden", "screen-reader-text"])
def test_text_for_screen_readers_only_is_removed_and_reported(cls: str) -> None:
    page, pending = cleaned(f'<p>Visible prose stays here.</p><span class="{cls}">'
                            "Opens in a new window</span>")
    assert "Opens in a new window" not in body_text(page)
    assert [(p.removed.kind, p.removed.text) for p in pending] == [
        ("hidden", "Opens in a new window")]


def test_screen_reader_text_with_two_of_the_class_names_is_reported_once() -> None:
    page, pending = cleaned(
        '<p>Visible prose stays here.</p>'
        '<span class="visually-hidden screen-reader-text">Opens a tab</span>'
        '<div class="sr-only"><span class="visuallyhidden">Skip</span> on</div>')
    assert "Opens a tab" not in body_text(page) and "Skip" not in body_text(page)
    assert [p.removed.text for p in pending] == ["Opens a tab", "Skip on"]


@pytest.mark.parametrize(("hidden_chars", "kept"), [(800, True), (600, False)])
def test_hidden_share_is_measured_against_all_of_the_page_text(hidden_chars: int,
                                                               kept: bool) -> None:
    # Hundreds of small nodes come first (700 characters): the hidden block is kept only
    # when it holds at least half of the page's text, however the length is found.
    crumbs = "".join("<span>ab</span>" for _ in range(350))
    page, pending = cleaned(f'{crumbs}<div hidden>{"w" * hidden_chars}</div>')
    assert ("w" * hidden_chars in body_text(page)) is kept
    assert len(pending) == (0 if kept else 1)


# --- panels a reader opens with one click ------------------------------------------------------

@pytest.mark.parametrize(
    "opening",
    [
        '<div role="tabpanel" hidden>',
        '<div class="tab-pane fade" style="display:none">',
        '<div class="accordion-body collapse" style="display: none">',
        '<div class="faq-answer" hidden>',
    ],
    ids=["tabpanel-role", "tab-pane", "accordion-collapse", "faq-answer"],
)
def test_hidden_tab_panels_and_accordion_bodies_stay(opening: str) -> None:
    page, pending = cleaned(f"<article><p>{PROSE}</p>{opening}Care instructions: wash cold"
                            "</div></article>")
    assert "Care instructions" in body_text(page)
    assert pending == []


def test_hidden_menus_are_still_removed_beside_a_kept_panel() -> None:
    page, pending = cleaned(f'<article><p>{PROSE}</p><div role="tabpanel" hidden>Sizes and fit'
                            '</div><ul class="menu collapsed" style="display:none"><li>Shop all'
                            "</li></ul></article>")
    assert "Sizes and fit" in body_text(page)
    assert "Shop all" not in body_text(page)
    assert [p.removed.text for p in pending] == ["Shop all"]


# --- the hidden and screen-reader attribute tests in C (``_walks.flagged``) ----------------

needs_c = pytest.mark.skipif(
    cwalks.WALKS is None and not os.environ.get("CI"),
    reason="the C walks are not built here: pip install -e . with gcc and python3-dev")


def _flagged_both(markup: str | bytes) -> None:
    """The C walk lists what Lexbor's selectors list, node for node and repeat for repeat."""
    tree = LexborHTMLParser(markup)
    body = tree.body
    if body is None:
        return
    cwalks.bound()
    in_c = cwalks.WALKS.flagged(body.mem_id, tree, clean_module._C_TESTS)
    by_css = [body.css(clean_module._selector(tests))
              for tests in (clean_module._HIDDEN, clean_module._SCREEN_READER)]
    assert [[node.mem_id for node in found] for found in in_c] == [
        [node.mem_id for node in found] for found in by_css]


def test_ci_reads_the_flags_in_c() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only CI is sure to have a C compiler")
    assert clean_module.FLAGGED_IN_C  # (the probe agreed)


@needs_c
def test_the_projects_pages_are_flagged_alike() -> None:
    pages = sorted(Path(__file__).parent.glob("*/*/source.html"))
    assert len(pages) > 20
    for page in pages:
        _flagged_both(page.read_bytes())


_VALUES = st.sampled_from(("", "none", "NONE", "display: None", "hidden", "visibility:HIDDEN",
                           "sr-only", "SR-ONLY", "x sr-onlyx", "screen", "screen-reader",
                           "Hidden", "hid den", "nonE hidden"))


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("div", "p", "svg", "span", "g", "li")),
                          st.dictionaries(st.sampled_from(("class", "style", "hidden", "id",
                                                           "CLASS", "data-hidden")),
                                          _VALUES, max_size=3)), max_size=12))
def test_any_attributes_are_flagged_alike(elements: list[tuple[str, dict[str, str]]]) -> None:
    _flagged_both("<body>" + "".join(
        f"<{tag} " + " ".join(f'{name}="{value}"' for name, value in attributes.items()) + ">x"
        for tag, attributes in elements))
