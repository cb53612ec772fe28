"""The pre-scan screen's scanner in C (``prescan/_stops.c``) against the regexes it stands
in for (``prescan/tokens.py``): the same stops, the same ends of raw-text content read as
markup, the same counts, and so the same verdicts."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage.extract.prescan import grammar, screen, tokens
from plainpage.extract.prescan.model import _Scan
from plainpage.options import Options

try:
    from plainpage.extract.prescan import _stops
except ImportError:  # built at install when a C compiler is at hand; CI always has one
    _stops = None

pytestmark = pytest.mark.skipif(
    _stops is None and not os.environ.get("CI"),
    reason="the C scanner is not built here: pip install -e . with gcc and python3-dev")

PAGES = Path(__file__).parent / "pages"
TABLE = tokens.STOPPED_TABLE


COUNTED = {name: kind for name, kind in screen._KIND.items()
           if kind in (screen._FORMATTING, screen._OPTION)}


def regex_stops(text: str, most: int, skip_raw: bool) -> list[tuple]:
    """(begin, end, name, where the attributes start, how many, end tag?, raw close, plain
    formatting and option start tags before it), the stops the C scanner makes: it counts
    the plain formatting and option start tags, where the regexes stop."""
    stops, counted = [], {screen._FORMATTING: 0, screen._OPTION: 0}
    plain = re.compile(tokens._plain_attributes(most))
    for m in tokens.scanner(most, not skip_raw).finditer(text):
        if m.start(1) < 0:
            continue
        if m["raw"] is None:
            kind = COUNTED.get(m["name"].lower()) if m["name"].isascii() else None
            if kind and not m["slash"] and plain.fullmatch(text, m.end("name"), m.end()):
                counted[kind] += 1
                continue
            count = len(grammar._ATTR.findall(m["attrs"]))
            stop = (m.start(1), m.end(), m["name"], m.start("attrs"), count, bool(m["slash"]),
                    -1)
        else:
            count = len(grammar._ATTR.findall(m["rattrs"]))
            stop = (m.start(1), m.end(), m["raw"], m.start("rattrs"), count, False,
                    m.end("rclose"))
        stops.append((*stop, counted[screen._FORMATTING], counted[screen._OPTION]))
        counted = dict.fromkeys(counted, 0)
    stops.append((-1, len(text), "", len(text), 0, False, -1, counted[screen._FORMATTING],
                  counted[screen._OPTION]))
    return stops


def c_stops(text: str, most: int, skip_raw: bool) -> list[tuple]:
    stops, pos, begin = [], 0, 0
    while begin >= 0:
        stop = _stops.next_stop(text, pos, most, skip_raw, TABLE)
        begin, pos, name, name_end, count, slash, raw_close, attrs, formatting, options = stop
        stops.append((begin, pos, text[name:name_end], attrs, count, slash, raw_close,
                      formatting, options))
    return stops


def assert_foreign_alike(text: str) -> None:
    """Where each svg/math element surely closes: the same in C as in screen.py."""
    for found in re.finditer("<(?i:svg|math)", text):
        tag = grammar._TOKEN.match(text, found.start())
        if tag is None or tag[6] is None or tag[5] or len(tag[6]) != len(found[0]) - 1:
            continue  # (not a start tag named svg or math)
        end, name = tag.end(), tag[6]
        assert (_stops.simple_foreign_end(text, end, found.start() + 1, found.end())
                == screen._simple_foreign_end(text, end, grammar._lower(name))), (text, end)


def assert_alike(text: str) -> None:
    for most in (0, 1, 2, 32):
        for skip_raw in (True, False):
            assert c_stops(text, most, skip_raw) == regex_stops(text, most, skip_raw)
    for most in (0, 32):
        content = tokens.content_scanner(most)
        for start, end in {(0, len(text)), (len(text) // 3, len(text) // 2), (1, len(text))}:
            pos = min(start, end)
            while pos < end:
                expected = content.match(text, pos, end).end()
                assert _stops.content_skip(text, pos, end, most, TABLE) == expected
                pos = expected + 1
    assert_foreign_alike(text)
    # The C scanner counts plain formatting and option tags like any plain tag, within the
    # plain tags' bound: it may prove more, never less, and only what the model accepts.
    for options in (Options(), Options(max_depth=60), Options(max_attributes=3)):
        budget = options.max_depth * grammar._WORK_PER_DEPTH
        if screen.provably_cheap(text, options, budget, in_c=False):
            assert screen.provably_cheap(text, options, budget)
        if screen.provably_cheap(text, options, budget):
            _Scan(text, options).run()  # must not raise


def test_ci_builds_the_c_scanner() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only CI is sure to have a C compiler")
    assert _stops is not None


def test_the_names_spelled_out_in_c_are_the_grammars() -> None:
    assert _stops.RAW_NAMES == tuple(grammar._RAW_NAMES.split("|"))
    assert set(_stops.NOT_PUSHED) == screen._NOT_PUSHED
    assert _stops.SKIPPED_RAW == tokens._SKIPPED_RAW
    assert set(_stops.FORMATTING) == {name for name, kind in COUNTED.items()
                                      if kind == screen._FORMATTING}
    assert {name for name, kind in COUNTED.items() if kind == screen._OPTION} == {"option"}


def test_every_short_tag_name_stops_or_passes_as_in_re() -> None:
    # The C scanner tells plain start tags by a table of their first three characters; the
    # regexes by one branch per prefix. Every name of up to four of these characters, with
    # and without attributes, in either case.
    alphabet = "sbtmhiocnx1-"
    for length in range(1, 5):
        for letters in itertools.product(alphabet, repeat=length):
            name = "".join(letters)
            if not name[0].isalpha():
                continue
            for text in (f"<{name}>", f"<{name.upper()} a=1 b='2'>x</{name}>", f"<{name}/>"):
                assert c_stops(text, 32, True) == regex_stops(text, 32, True), text


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.iterdir()))
def test_the_golden_pages_are_read_alike(page: str) -> None:
    assert_alike((PAGES / page / "source.html").read_text(encoding="utf-8"))


PARTS = st.sampled_from([
    "text ", "é", "世界", "\U0001f600", "\x00", "\r\n", " ", "<", ">", "'", '"', "=", "/", "-",
    "<!-- c -->", "<!--", "-->", "--!>", "<!-->", "<!--->", "<!x>", "<?x?>", "</>", "</ x>",
    "</1>", "<![CDATA[", "]]>", "<\u017fcript>", "</scr\u0130pt>", "<1>", "<é>"])
NAMES = st.sampled_from([
    "div", "span", "p", "a", "b", "i", "s", "u", "em", "tt", "big", "bo", "body", "html", "svg",
    "math", "option", "script", "style", "title", "textarea", "xmp", "iframe", "noembed",
    "noframes", "SCRIPT", "Style", "scripts", "st", "stream", "h1", "x-y", "a:b", "sc", "nob",
    "g", "path", "SVG", "foreignObject", "desc", "font", "P", "br", "\u017fvg"])
ATTRIBUTES = st.sampled_from([
    "", " class=c", ' a="<b>"', " a='>'", ' a="x"b', " a = b", " a=b=c", " a=", ' a="',
    " a='", " a=`x`", " a=<", " @click=x", " :a=1", " a.b_c-d=1", "\t/", " /", "/", "//",
    ' t="</script>"', "\r\nc\x00=1", " " + " ".join(f"a{k}" for k in range(40)),
    " " + " ".join(f"a{k}=1" for k in range(3))])
TAGS = st.builds(lambda slash, name, attrs, close: f"<{slash}{name}{attrs}{close}",
                 st.sampled_from(["", "", "/"]), NAMES, ATTRIBUTES,
                 st.sampled_from([">", ">", ">", ""]))
SCRIPTS = st.builds(lambda name, body, end: f"<{name}>{body}</{end}",
                    st.sampled_from(["script", "style", "SCRIPT", "title", "xmp"]),
                    st.sampled_from(["", "a<b", "</scrip", "<!--", "x</p>", "<div a='>'>"]),
                    st.sampled_from(["script>", "Script >", "style/", "scripts>", "x>"]))
SOUP = st.lists(PARTS | TAGS | SCRIPTS, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(SOUP)
def test_random_markup_is_read_alike(text: str) -> None:
    assert_alike(text)


ICON_PARTS = st.sampled_from([
    "<svg>", "</svg>", "<SVG viewBox='0 0 9 9'>", "<svg/>", "<g>", "</g>", "</G >",
    "<path d='M1'/>", "<path>", "</path>", "<use href=#i></use>", "<math>", "<mi>x</mi>",
    "</math>", "<!-- c -->", "<!--", "<title>t</title>", "<p>", "</p>", "<font color=red>",
    "<FONT>", "text", "<", "</>", "</ x>", "<style>a</style>", "<foreignObject>", "<desc>",
    "<a b='>'>", "</a>", "<br>", "<\u017fvg>", "</svg", "<g a", "<![CDATA[x]]>", "<?x>"])


@settings(max_examples=500, deadline=None)
@given(st.lists(ICON_PARTS, max_size=80).map("".join))
def test_svg_and_math_elements_close_where_screen_py_says(text: str) -> None:
    assert_foreign_alike(text)


def test_bad_arguments_are_refused_not_read() -> None:
    with pytest.raises(TypeError):
        _stops.next_stop(b"<p>", 0, 1, True, TABLE)
    with pytest.raises(TypeError):
        _stops.next_stop("<p>", 0, 1, True)
    with pytest.raises(ValueError):
        _stops.next_stop("<p>", -1, 1, True, TABLE)
    with pytest.raises(ValueError):
        _stops.next_stop("<p>", 0, 1, True, TABLE[:-1])
    assert _stops.next_stop("<i>", 10, 1, True, TABLE)[0] == -1  # (past the end: nothing)
    with pytest.raises(ValueError):
        _stops.content_skip("<p>", 0, 4, 1, TABLE)
    with pytest.raises(ValueError):
        _stops.content_skip("<p>", 2, 1, 1, TABLE)
    with pytest.raises(ValueError):
        _stops.simple_foreign_end("<svg>", 6, 1, 4)
    with pytest.raises(TypeError):
        _stops.simple_foreign_end("<svg>", 5, 1)


def test_long_and_wide_texts_are_read_alike() -> None:
    # Past the sixteen-byte blocks of the searches and counts, in all three string widths,
    # with a character whose low byte is '<' (U+3C00) that must not count as one.
    for filler in ("x", "é", "\u3c00", "\U0001f600"):
        text = "".join(f"{filler * k}<p a='{filler * k}'>{filler}<!--{filler * k}-->"
                       for k in range(40))
        assert re.search("<", text)
        assert_alike(text)
