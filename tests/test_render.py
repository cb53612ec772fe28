"""The render stage: content subtree → typed blocks → text, Markdown and sanitised HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plainpage
from plainpage.extract.parse import parse
from plainpage.extract.render import Rendered, render
from plainpage.extract.render.media import largest
from plainpage.extract.render.sanitize import Urls, clean
from plainpage.model import Block
from plainpage.options import Options

URL = "https://news.test/2024/story.html"


def run(body: str, *, root: str = "article", url: str | None = URL, drop: str | None = None,
        **options: bool) -> Rendered:
    """Render ``body`` placed in an <article>, dropping the nodes matched by ``drop``."""
    page = parse(f"<html><body><article>{body}</article></body></html>", url)
    node = page.tree.css_first(root)
    drops = frozenset(n.mem_id for n in page.tree.css(drop)) if drop else frozenset()
    return render((node,), page, drops, Options(**options))


def kinds(rendered: Rendered) -> list[str]:
    return [block.type for block in rendered.blocks]


def walk_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    found = []
    for block in blocks:
        found.append(block)
        found.extend(walk_blocks(block.children))
    return found


# --- paragraphs, whitespace, line breaks ------------------------------------------------

def test_div_with_direct_text_keeps_every_run():
    rendered = run("<div>Intro text<p>para</p>tail</div>")
    assert kinds(rendered) == ["paragraph"] * 3
    assert rendered.text == "Intro text\n\npara\n\ntail"


def test_whitespace_collapses_and_nbsp_becomes_a_space():
    rendered = run("<p>  a \n\t b&nbsp; c  <span> d</span>e </p>")
    assert rendered.text == "a b c de"


def test_single_br_is_a_line_break_in_every_format():
    (block,) = run("<p>one<br>two</p>").blocks
    assert (block.text, block.markdown, block.html) == ("one\ntwo", "one\\\ntwo",
                                                        "<p>one<br>two</p>")


def test_two_brs_in_a_row_split_paragraphs():
    rendered = run("<div>one<br><br>two<br> \n <br>three<br></div>")
    assert [b.text for b in rendered.blocks] == ["one", "two", "three"]


def test_outputs_join_blocks_with_blank_lines():
    rendered = run("<h2>Head</h2><p>Body <b>text</b>.</p>")
    assert rendered.text == "Head\n\nBody text."
    assert rendered.markdown == "## Head\n\nBody **text**."
    assert rendered.html == "<h2>Head</h2><p>Body <b>text</b>.</p>"


def test_unknown_custom_elements_are_blocks_and_spans_are_inline():
    rendered = run("<p><span>a</span><span>b</span></p><my-card>inside</my-card>")
    assert [b.text for b in rendered.blocks] == ["ab", "inside"]


# --- headings and inline markup -----------------------------------------------------------

def test_heading_level_and_markdown():
    (block,) = run("<h3>Sub <em>title</em></h3>").blocks
    assert (block.type, block.level, block.text) == ("heading", 3, "Sub title")
    assert block.markdown == "### Sub *title*"
    assert block.html == "<h3>Sub <em>title</em></h3>"


def test_inline_markup_keeps_edge_spaces_outside_markers():
    (block,) = run("<p>a<em> spaced </em>word <strong>bold</strong> <code>x`y</code></p>"
                   ).blocks
    assert block.text == "a spaced word bold x`y"
    assert block.markdown == "a *spaced* word **bold** ``x`y``"
    assert block.html == "<p>a <em>spaced</em> word <strong>bold</strong> <code>x`y</code></p>"


def test_q_abbr_and_empty_wrappers():
    (block,) = run('<p><q>Hi</q> <abbr title="World Health Org">WHO</abbr> <em> </em>x</p>'
                   ).blocks
    assert block.text == "\u201cHi\u201d WHO x"
    assert block.html == '<p><q>Hi</q> <abbr title="World Health Org">WHO</abbr> x</p>'


def test_page_text_is_escaped_in_markdown():
    rendered = run("<p>*not em* _x_ [y](z) a\\b</p><p># no heading</p><p>1. no list</p>"
                   "<p>&lt;b&gt;raw&lt;/b&gt;</p>")
    assert [b.markdown for b in rendered.blocks] == [
        "\\*not em\\* \\_x\\_ \\[y\\](z) a\\\\b", "\\# no heading", "1\\. no list",
        "\\<b>raw\\</b>"]
    assert rendered.blocks[3].html == "<p>&lt;b&gt;raw&lt;/b&gt;</p>"


def test_links_resolve_against_the_base_url():
    (block,) = run('<p><a href="../x/y?a=1&amp;b=2">rel</a> <a href="/root">root</a> '
                   '<a href="#note">note</a> <a href="https://ext.test/">ext</a></p>').blocks
    assert block.text == "rel root note ext"
    assert block.markdown == ("[rel](https://news.test/x/y?a=1&b=2) "
                              "[root](https://news.test/root) "
                              "[note](https://news.test/2024/story.html#note) "
                              "[ext](https://ext.test/)")
    assert '<a href="https://news.test/x/y?a=1&amp;b=2" rel="noopener noreferrer nofollow">' \
        in block.html


def test_links_stay_relative_without_a_base_url():
    (block,) = run('<p><a href="/root">root</a></p>', url=None).blocks
    assert block.markdown == "[root](/root)"


def test_links_can_be_switched_off():
    rendered = run('<p>see <a href="/x">this</a></p>', include_links=False)
    assert rendered.markdown == "see this"
    assert rendered.html == "<p>see this</p>"


def test_fragment_link_with_markup_inside_keeps_its_text():
    (block,) = run('<p>See <a href="#setup"><em>setup</em></a> first.</p>').blocks
    assert block.text == "See setup first."
    assert "[*setup*](https://news.test/2024/story.html#setup)" in block.markdown


@pytest.mark.parametrize("ref", [
    '<sup id="r1"><a href="#fn1">1</a></sup>', '<sup><a href="#fn1">[1]</a></sup>',
    '<a href="#fn1"><sup>1</sup></a>',
])
def test_footnote_reference_does_not_glue_onto_the_word(ref):
    (block,) = run(f"<p>Opened in 1897{ref} by the city.</p>").blocks
    assert block.text == "Opened in 1897[1] by the city."
    assert "1897[\\[1\\]](https://news.test/2024/story.html#fn1) by" in block.markdown
    assert '1897<sup><a href="https://news.test/2024/story.html#fn1"' in block.html


def test_superscript_that_is_no_reference_stays_superscript():
    (block,) = run('<p>E = mc<sup>2</sup>, see <sup><a href="/notes">notes</a></sup>.</p>'
                   ).blocks
    assert block.html.startswith("<p>E = mc<sup>2</sup>, see <sup><a href=")


def test_footnote_back_links_are_left_out():
    rendered = run('<ol><li id="fn1">A source. <a href="#r1">\u21a9\ufe0e</a></li>'
                   '<li id="fn2">Another. <a href="#r2" role="doc-backlink"><span>back</span>'
                   '</a></li></ol>')
    assert rendered.text == "A source.\nAnother."
    assert "#r" not in rendered.markdown and "#r" not in rendered.html


def test_link_around_a_block_keeps_the_block_and_drops_the_link():
    rendered = run('<a href="/story"><h2>Title</h2><p>Teaser</p></a>')
    assert kinds(rendered) == ["heading", "paragraph"]
    assert "](" not in rendered.markdown


# --- lists, definition lists, quotes, rules -------------------------------------------------

def test_nested_lists():
    rendered = run('<ul><li>one</li><li>two<ol start="3"><li>three</li><li>four</li></ol>'
                   "</li></ul>")
    (block,) = rendered.blocks
    assert block.type == "list" and not block.ordered
    assert block.text == "one\ntwo\nthree\nfour"
    assert block.markdown == "- one\n- two\n  3. three\n  4. four"
    assert block.html == ('<ul><li>one</li><li>two<ol start="3"><li>three</li><li>four</li>'
                          "</ol></li></ul>")
    first, second = block.children
    assert (first.type, first.text, first.children) == ("item", "one", ())
    (nested,) = second.children
    assert nested.type == "list" and nested.ordered
    assert [item.text for item in nested.children] == ["three", "four"]


def test_ordered_list_continuation_indent_follows_the_marker_width():
    (block,) = run('<ol start="9"><li>nine<ul><li>sub</li></ul></li><li>ten</li></ol>').blocks
    assert block.markdown == "9. nine\n   - sub\n10. ten"


def test_list_nested_straight_in_a_list_joins_the_item_before():
    (block,) = run("<ul><li>a</li><ul><li>b</li></ul></ul>").blocks
    assert block.markdown == "- a\n  - b"


def test_item_with_several_paragraphs_stays_one_item():
    (block,) = run("<ul><li><p>first</p><p>second</p></li></ul>").blocks
    (item,) = block.children
    assert item.text == "first\nsecond"
    assert block.markdown == "- first\n\n  second"


def test_definition_list_terms_are_bold_paragraphs():
    rendered = run("<dl><dt>Term</dt><dd>Its meaning.</dd></dl>")
    assert [b.markdown for b in rendered.blocks] == ["**Term**", "Its meaning."]
    assert rendered.blocks[0].html == "<p><strong>Term</strong></p>"


def test_blockquote_holds_its_blocks():
    (block,) = run("<blockquote><p>First</p>loose<p>Second</p></blockquote>").blocks
    assert block.type == "quote"
    assert [child.text for child in block.children] == ["First", "loose", "Second"]
    assert block.markdown == "> First\n>\n> loose\n>\n> Second"
    assert block.html == "<blockquote><p>First</p><p>loose</p><p>Second</p></blockquote>"


def test_rules_are_kept_between_content_only():
    rendered = run("<hr><p>a</p><hr><hr><p>b</p><hr>")
    assert kinds(rendered) == ["paragraph", "rule", "paragraph"]
    assert rendered.markdown == "a\n\n---\n\nb"


# --- code -------------------------------------------------------------------------------------

def test_pre_keeps_whitespace_and_names_its_language():
    (block,) = run('<pre class="language-python"><code>def f():\n\n    return 1\n</code></pre>'
                   ).blocks
    assert (block.type, block.language) == ("code", "python")
    assert block.text == "def f():\n\n    return 1"
    assert block.markdown == "```python\ndef f():\n\n    return 1\n```"
    assert block.html == "<pre><code>def f():\n\n    return 1</code></pre>"


@pytest.mark.parametrize(("markup", "language"), [
    ('<pre class="brush: js; gutter: false">x</pre>', "js"),
    ('<pre><code class="hljs lang-go">x</code></pre>', "go"),
    ('<pre data-lang="Rust">x</pre>', "rust"),
    ('<pre class="highlight">x</pre>', None),
])
def test_code_language_sources(markup, language):
    (block,) = run(markup).blocks
    assert block.language == language


def test_pre_keeps_first_line_indent_highlight_spans_and_br():
    rendered = run('<pre>\n    indented\n      more</pre><pre><span class="k">def</span> '
                   "<span>f</span>():</pre><pre>a<br>b</pre>")
    assert [b.text for b in rendered.blocks] == ["    indented\n      more", "def f():", "a\nb"]


def test_code_fence_outgrows_backticks_and_markup_is_escaped():
    (block,) = run("<pre>```\n&lt;script&gt;alert(1)&lt;/script&gt;\n```</pre>").blocks
    assert block.text == "```\n<script>alert(1)</script>\n```"
    assert block.markdown.startswith("````\n") and block.markdown.endswith("\n````")
    assert block.html == "<pre><code>```\n&lt;script&gt;alert(1)&lt;/script&gt;\n```</code></pre>"


# --- tables -----------------------------------------------------------------------------------

DATA_TABLE = ("<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>"
              "<tr><td>a|b</td><td>1</td></tr><tr><td>c</td><td><b>2</b></td></tr></tbody></table>")


def test_data_table_with_header():
    (block,) = run(DATA_TABLE).blocks
    assert block.type == "table"
    assert block.rows == (("Name", "Value"), ("a|b", "1"), ("c", "2"))
    assert block.header_rows == 1
    assert block.markdown == "| Name | Value |\n| --- | --- |\n| a\\|b | 1 |\n| c | **2** |"
    assert block.html == ("<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>"
                          "<tr><td>a|b</td><td>1</td></tr><tr><td>c</td><td><b>2</b></td></tr>"
                          "</tbody></table>")


def test_table_without_header_uses_first_row_in_markdown():
    (block,) = run("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
                   ).blocks
    assert block.header_rows == 0
    assert block.markdown == "| a | b |\n| --- | --- |\n| c | d |"
    assert "<thead>" not in block.html


def test_leading_th_row_is_the_header_and_colspan_pads():
    (block,) = run("<table><tr><th>k</th><th>v</th></tr><tr><td colspan=2>wide</td></tr>"
                   "<tr><td>x</td><td>y</td></tr></table>").blocks
    assert block.header_rows == 1
    assert block.rows[1] == ("wide", "")
    assert '<td colspan="2">wide</td>' in block.html


def test_tables_can_be_switched_off():
    rendered = run(f"<p>before</p>{DATA_TABLE}", include_tables=False)
    assert kinds(rendered) == ["paragraph"]


def test_single_column_layout_table_is_flattened():
    rendered = run("<table><tr><td><p>First paragraph.</p></td></tr>"
                   "<tr><td>Second <b>one</b>.</td></tr></table>", include_tables=False)
    assert kinds(rendered) == ["paragraph", "paragraph"]
    assert rendered.text == "First paragraph.\n\nSecond one."


def test_table_of_long_prose_is_flattened():
    prose = "A long sentence of running article text. " * 8
    rendered = run(f"<table><tr><td><p>{prose}</p></td><td>side</td></tr>"
                   f"<tr><td><p>{prose}</p></td><td>more</td></tr></table>")
    assert "table" not in kinds(rendered)
    assert rendered.text.count("A long sentence") == 16


@pytest.mark.parametrize("declares", [
    "<caption>Notes</caption>", "<thead><tr><td>When</td><td>What</td></tr></thead>",
    "<tr><th>When</th><th>What</th></tr>",
])
def test_table_that_says_it_holds_data_stays_a_table_despite_long_cells(declares):
    prose = "A long note explaining what changed on that day and why it matters. " * 4
    rendered = run(f"<table>{declares}<tr><td>Mon</td><td><p>{prose}</p></td></tr>"
                   f"<tr><td>Tue</td><td>short</td></tr></table>")
    assert "table" in kinds(rendered)


def test_regular_grid_of_long_notes_stays_a_table():
    note = "The first sailing leaves from the temporary pontoon; the slipway is resurfaced. " * 3
    rows = "".join(f"<tr><td>{d} Nov</td><td>Route {d}</td><td><p>{note}</p></td></tr>"
                   for d in (3, 17, 24))
    (block,) = run(f"<table>{rows}</table>").blocks
    assert block.type == "table" and len(block.rows) == 3


def test_image_in_a_table_cell_stays_in_the_cell():
    (block,) = run('<table><tr><th>Boat</th><th>Access</th></tr><tr><td>Curlew</td>'
                   '<td><img src="/icons/ok.svg" alt="step-free" width="16" height="16"> Yes'
                   '</td></tr><tr><td>Gannet</td><td><picture><source srcset="/n.webp">'
                   '<img alt="no"></picture></td></tr></table>').blocks
    assert block.rows == (("Boat", "Access"), ("Curlew", "Yes"), ("Gannet", ""))
    assert "| Curlew | ![step-free](https://news.test/icons/ok.svg) Yes |" in block.markdown
    assert "| Gannet | ![no](https://news.test/n.webp) |" in block.markdown
    assert ('<td><img src="https://news.test/icons/ok.svg" alt="step-free" width="16" '
            'height="16"> Yes</td>') in block.html


# --- images -----------------------------------------------------------------------------------

def test_figure_with_caption_is_one_block_and_caption_is_not_body_text():
    rendered = run('<p>Body.</p><figure><img src="/img/a.jpg" alt="A cat" width="640" '
                   'height="480"><figcaption>The <em>cat</em>, resting.</figcaption></figure>')
    assert kinds(rendered) == ["paragraph", "figure"]
    figure = rendered.blocks[1]
    assert (figure.src, figure.alt, figure.caption) == (
        "https://news.test/img/a.jpg", "A cat", "The cat, resting.")
    assert figure.markdown == "![A cat](https://news.test/img/a.jpg)\\\nThe *cat*, resting."
    assert figure.html == ('<figure><img src="https://news.test/img/a.jpg" alt="A cat" '
                           'width="640" height="480"><figcaption>The <em>cat</em>, resting.'
                           "</figcaption></figure>")
    assert rendered.text == "Body."


def test_standalone_image_is_a_figure_without_caption():
    rendered = run('<p>Text<img src="b.png" alt="B">more</p>')
    assert kinds(rendered) == ["paragraph", "figure", "paragraph"]
    assert rendered.blocks[1].src == "https://news.test/2024/b.png"
    assert rendered.blocks[1].caption == ""


@pytest.mark.parametrize(("markup", "src"), [
    ('<img src="data:image/gif;base64,R0lGOD" data-src="/real.jpg">', "/real.jpg"),
    ('<img src="/spacer.gif" data-lazy-src="/lazy.jpg">', "/lazy.jpg"),
    ('<img srcset="/s.jpg 320w, /l.jpg?w=1280,h=960 1280w, /m.jpg 640w">',
     "/l.jpg?w=1280,h=960"),
    ('<img src="data:image/gif;base64,R0lGOD" data-srcset="/a.jpg 1x,/b.jpg 2x">', "/b.jpg"),
    ('<picture><source srcset="/p-small.webp 480w, /p-big.webp 960w"><img alt="P"></picture>',
     "/p-big.webp"),
    ('<picture><source srcset="/p.webp"><img src="/p.jpg"></picture>', "/p.jpg"),
])
def test_lazy_image_sources(markup, src):
    (block,) = run(markup).blocks
    assert block.src == "https://news.test" + src


def test_noscript_image_replaces_a_bare_placeholder():
    # Lexbor parses <noscript> content as elements, so its <img> is found by the walk.
    rendered = run('<img src="data:image/gif;base64,R0lGOD" class="lazy">'
                   '<noscript><img src="/ns.jpg" alt="NS"></noscript>')
    assert [(b.type, b.src, b.alt) for b in rendered.blocks] == [
        ("figure", "https://news.test/ns.jpg", "NS")]


def test_noscript_copy_of_a_lazy_image_is_not_repeated():
    rendered = run('<img data-src="/a.jpg"><noscript><img src="/a-full.jpg"></noscript>'
                   "<noscript>Please enable JavaScript.</noscript>")
    assert [b.src for b in rendered.blocks] == ["https://news.test/a.jpg"]


def test_noscript_original_replaces_a_bare_src_preview():
    # A bare src names no lazy source: it may be a blurred preview of the noscript original.
    rendered = run('<p>a</p><img src="/max/60/shot.png?q=20" alt="Shot"><noscript>'
                   '<img src="/max/2000/shot.png" alt="Shot"></noscript><p>b</p>')
    assert [b.src for b in rendered.blocks if b.type == "figure"] == [
        "https://news.test/max/2000/shot.png"]
    rendered = run('<figure><div><img src="/max/60/shot.png?q=20"></div><img><noscript>'
                   '<img src="/max/2000/shot.png"></noscript><figcaption>Cap</figcaption>'
                   '</figure>')
    assert [(b.src, b.caption) for b in rendered.blocks] == [
        ("https://news.test/max/2000/shot.png", "Cap")]


def test_figure_parts_are_found_at_any_depth():
    # The figure's images (amp-img too) and its first caption, however deeply nested.
    rendered = run('<figure><div><amp-img src="/a.jpg" alt="A"></amp-img></div>'
                   '<div><div><figcaption>First</figcaption></div></div>'
                   "<figcaption>Second</figcaption></figure>")
    assert [(b.src, b.alt, b.caption) for b in rendered.blocks] == [
        ("https://news.test/a.jpg", "A", "First")]
    (block,) = run('<picture><span><img src="/b.jpg" alt="B"></span></picture>').blocks
    assert (block.src, block.alt) == ("https://news.test/b.jpg", "B")


def test_picture_source_for_narrow_screens_only_is_passed_over():
    (block,) = run('<picture><source media="(max-width: 600px)" srcset="/small.jpg">'
                   '<source srcset="/wide.jpg 1600w"><img alt="W"></picture>').blocks
    assert block.src == "https://news.test/wide.jpg"


def test_noscript_holding_the_page_itself_is_rendered():
    prose = "Content written for readers without scripts. " * 6
    rendered = run(f"<noscript><h2>Story</h2><p>{prose}</p></noscript>")
    assert kinds(rendered) == ["heading", "paragraph"]


def test_noscript_copy_inside_a_figure_is_only_a_fallback():
    rendered = run('<figure><img data-src="/a.jpg"><noscript><img src="/b.jpg"></noscript>'
                   "<figcaption>Cap</figcaption></figure>")
    assert [(b.src, b.caption) for b in rendered.blocks] == [("https://news.test/a.jpg", "Cap")]


def test_tracking_pixels_and_switched_off_images_are_dropped():
    assert run('<p>a</p><img src="/pixel.gif" width="1" height="1">').text == "a"
    assert kinds(run('<p>a</p><img src="/p.gif" width="0" height="0">')) == ["paragraph"]
    assert kinds(run('<p>a</p><img src="/line.gif" width="464" height="2">')) == ["paragraph"]
    # A lone zero beside a real width is "auto" in careless markup, not a pixel.
    assert kinds(run('<p>a</p><img src="/a.jpg" width="570" height="0">')) == [
        "paragraph", "figure"]
    rendered = run('<figure><img src="/a.jpg"><figcaption>Cap</figcaption></figure>'
                   '<img src="/b.jpg"><p>text</p>', include_images=False)
    assert kinds(rendered) == ["paragraph"]


def test_emoji_images_stay_in_the_sentence():
    (block,) = run('<p>Hi <img class="emoji" alt="\U0001F600" src="/e.png"> there</p>').blocks
    assert block.text == "Hi \U0001F600 there"


def test_figure_without_image_keeps_caption_only_with_content():
    rendered = run("<figure><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr>"
                   "</table><figcaption>Table 1</figcaption></figure>"
                   "<figure><iframe src='https://video.test/'></iframe>"
                   "<figcaption>Watch</figcaption></figure>")
    assert kinds(rendered) == ["table", "paragraph"]
    assert rendered.blocks[1].text == "Table 1"


# --- what is skipped ----------------------------------------------------------------------------

def test_dropped_nodes_are_skipped_entirely():
    rendered = run('<p>keep <span class="x">gone</span>this</p><div class="x"><p>drop me</p>'
                   "</div><ul><li>one</li><li class='x'>two</li></ul>", drop=".x")
    assert rendered.text == "keep this\n\none"


def test_dropped_root_renders_nothing():
    assert run("<p>text</p>", drop="article") == Rendered()


def test_no_root_renders_nothing():
    page = parse("<p>x</p>", URL)
    assert render((), page, frozenset(), Options()) == Rendered()


def test_elements_without_readable_content_are_skipped():
    # Buttons are the clean stage's call (short ones go, accordion questions stay).
    rendered = run("<p>a</p><script>var x = 1</script><style>p{}</style>"
                   "<select><option>O</option></select><textarea>T</textarea>"
                   "<label>Quantity <input type=number></label>"
                   "<template><p>tpl</p></template><svg><text>s</text></svg><p>b</p>")
    assert rendered.text == "a\n\nb"


def test_very_deep_nesting_degrades_to_text_instead_of_failing():
    rendered = run("<div>" * 600 + "deep <b>text</b>" + "</div>" * 600)
    assert rendered.text == "deep text"


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt&colon;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)><text>svgtext</text></svg>",
    "<svg><a><set attributeName=href to=javascript:alert(1) /><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="data:text/html,x">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img src=x name=cookie id=__proto__>',
    '<details open ontoggle=alert(1)>d</details>',
    "<!--<img src=x onerror=alert(1)>-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
_BAD_HTML = re.compile(
    r"<(?:script|style|svg|math|iframe|object|embed|form|button|base|meta|link|template|"
    r"noscript)|\son\w+\s*=|javascript:|vbscript:|data:|\s(?:style|srcset|id|name)=", re.I)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_never_reaches_html_or_markdown(payload):
    rendered = run(f"<p>lead</p>{payload}")
    assert rendered.blocks[0].text == "lead"
    for html in [rendered.html, *(b.html for b in walk_blocks(rendered.blocks))]:
        assert not _BAD_HTML.search(html), html
    assert not re.search(r"javascript:|vbscript:|data:", rendered.markdown, re.I)
    assert not re.search(r"(?<!\\)<", rendered.markdown.replace("\\\\", "")), rendered.markdown


def test_unsafe_link_keeps_its_text_and_loses_its_href():
    rendered = run('<p><a href="javascript:alert(1)">click</a></p>')
    assert (rendered.text, rendered.markdown, rendered.html) == ("click", "click",
                                                                 "<p>click</p>")


def test_image_with_handler_keeps_only_its_resolved_src():
    (_, figure) = run("<p>lead</p><img src=x onerror=alert(1)>").blocks
    assert figure.html == '<figure><img src="https://news.test/2024/x" alt=""></figure>'


def test_escaped_markup_in_text_stays_inert():
    (block,) = run("<p>&lt;img src=x onerror=alert(1)&gt;</p>").blocks
    assert block.text == "<img src=x onerror=alert(1)>"
    assert block.html == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"
    assert block.markdown == "\\<img src=x onerror=alert(1)>"


def test_benign_markup_survives_sanitising():
    rendered = run('<p>ok <b>bold</b> <a href="https://example.com/">link</a></p>')
    assert rendered.html == ('<p>ok <b>bold</b> <a href="https://example.com/" '
                             'rel="noopener noreferrer nofollow">link</a></p>')


RICH = (DATA_TABLE + '<h2>T &amp; "q"</h2><p>A &lt;b&gt; <a href="/x?a=1&amp;b=\'2\'">l</a> '
        '<abbr title="a &quot;b&quot; &lt;c&gt;">ab</abbr> <code>&lt;x&gt;</code></p>'
        '<ul><li>i<ol><li>j</li></ol></li></ul><blockquote><p>q</p></blockquote>'
        '<figure><img src="/a.jpg?x=1&amp;y=2" alt="it\'s &quot;<b>&quot;">'
        "<figcaption>c</figcaption></figure><pre>a &amp; b\xa0c</pre>"
        "<dl><dt>t</dt><dd>d</dd></dl><hr><p>e</p>")


def test_every_block_html_is_already_clean():
    rendered = run(RICH)
    for block in walk_blocks(rendered.blocks):
        assert clean(block.html) == block.html
    assert rendered.html == "".join(block.html for block in rendered.blocks)


# --- URL policy and srcset parsing ------------------------------------------------------------

@pytest.mark.parametrize(("raw", "resolved"), [
    ("/x", "https://news.test/x"),
    ("x/y.jpg", "https://news.test/2024/x/y.jpg"),
    ("../up", "https://news.test/up"),
    ("?page=2", "https://news.test/2024/story.html?page=2"),
    ("//cdn.test/i.png", "https://cdn.test/i.png"),
    ("  https://ext.test/a\n", "https://ext.test/a"),
    ("mailto:a@b.test", "mailto:a@b.test"),
    ("javascript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("\x0e javascript:alert(1)", None),
    ("data:text/html,x", None),
    ("ftp://files.test/x", None),
    ("", None),
])
def test_link_urls_are_resolved_and_vetted(raw, resolved):
    assert Urls(URL).link(raw) == resolved


def test_image_urls_allow_only_http():
    urls = Urls(URL)
    assert urls.image("mailto:a@b.test") is None
    assert urls.image("/i.png") == "https://news.test/i.png"


def test_an_untrusted_base_is_no_base():
    assert Urls("javascript:alert(1)").link("x/y") == "x/y"
    assert Urls(None).link("javascript:alert(1)") is None


@pytest.mark.parametrize(("srcset", "best"), [
    ("a.jpg 320w, b.jpg 1280w, c.jpg 640w", "b.jpg"),
    ("a.jpg?w=1,2 100w,b.jpg 200w", "b.jpg"),
    ("a.jpg, b.jpg 2x", "b.jpg"),
    ("only.jpg", "only.jpg"),
    ("data:image/gif;base64,x 2000w, real.jpg 10w", "real.jpg"),
    ("", None),
])
def test_largest_srcset_candidate(srcset, best):
    assert largest(srcset) == best


def test_a_literal_mark_character_in_page_text_cannot_pose_as_markup():
    (block,) = run("<p>a\x01b <em>c\x01</em> d</p>").blocks
    assert (block.text, block.markdown, block.html) == ("ab c d", "ab *c* d",
                                                        "<p>ab <em>c</em> d</p>")


# --- any fragment: no crash, no sentinel leaks, block HTML already clean ------------------------

_TEXT = st.text(alphabet=" \n\tab*_`[]<>&#-1.|\\\xa0é", max_size=10).map(
    lambda s: s.replace("&", "&amp;").replace("<", "&lt;"))
_LEAVES = st.one_of(_TEXT, st.sampled_from([
    "<br>", "<hr>", '<img src="/a.jpg" alt="x">', '<img data-src="/b.jpg" src="data:,">',
    '<a href="javascript:x">j</a>', "<code>`x`</code>", '<img class="emoji" alt="*">',
]))
_TAGS = ["p", "div", "span", "em", "b", "code", "pre", "ul", "ol", "li", "table", "tr", "td",
         "th", "blockquote", "h2", "q", "figure", "figcaption", "noscript", "dl", "dt", "dd",
         'a href="/x y"', "abbr title='t'", "my-card", "picture", "sup"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_TAGS), st.lists(children, max_size=4)).map(
        lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0].split()[0]}>")


@settings(max_examples=200, deadline=None)
@given(st.recursive(_LEAVES, _element, max_leaves=30))
def test_any_fragment_renders_clean_html_without_sentinels(fragment):
    rendered = run(fragment)
    for output in (rendered.text, rendered.markdown, rendered.html):
        assert "\x00" not in output and "\x01" not in output
    for block in walk_blocks(rendered.blocks):
        assert block.text or block.children or block.src or block.type == "rule"  # not empty
        assert clean(block.html) == block.html, (fragment, block.html)
    assert clean(rendered.html) == rendered.html


def test_paragraphs_of_only_zero_width_characters_are_not_emitted():
    rendered = run("<p>a</p><p>\u200b</p><p>\ufeff \u200b</p><p>b</p>")
    assert rendered.text == "a\n\nb"


def test_mathml_becomes_spaced_text_without_its_annotations() -> None:
    html = ("<html><body><article><p>The river rose slowly through the night and the town "
            "waited. When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, the roots are</p>"
            "<math display='block'><semantics><mrow><mi>x</mi><mo>=</mo><mn>2</mn></mrow>"
            "<annotation encoding='application/x-tex'>x = 2</annotation></semantics></math>"
            "<p>and the engineers will inspect the arches on Thursday, the mayor said.</p>"
            "<p>Other text <span class='MJX_Assistive_MathML'><math><mi>y</mi></math></span>"
            " stays as it was written by the reporter for the evening paper.</p>"
            "</article></body></html>")
    article = plainpage.extract(html)
    assert "When a ≠ 0 , the roots are" in article.text
    assert "\n\nx = 2\n\n" in article.text  # display math on a line of its own, no TeX copy
    assert "Other text stays" in article.text  # MathJax's screen-reader copy is skipped
    assert "<math" not in article.html
