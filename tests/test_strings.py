"""The string work in C (``extract/_strings.c``) against the Python it stands in for
(``extract/strings.py``): the same UTF-8 bytes, character and word counts, normal forms and
look-ups, whatever the text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage.extract import decode, strings
from plainpage.extract.classify.lexicon import LEXICON

try:
    from plainpage.extract import _strings
except ImportError:  # built at install when a C compiler is at hand; CI always has one
    _strings = None

PAGES = Path(__file__).parent / "pages"
needs_c = pytest.mark.skipif(
    _strings is None and not os.environ.get("CI"),
    reason="the C module is not built here: pip install -e . with gcc and python3-dev")

# Characters where the C code takes a short cut or a turn: white space of str.split (ASCII,
# Latin-1, the separators past 255), the case mappings that are not one character for one
# (İ, a final Σ, the Kelvin sign), Latin-1 capitals and the signs around them, General
# Punctuation (folded as is), letters past Latin-1, digits that are not ASCII, "_".
TRICKY = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f"
          "\u205f\u3000\u180e\u200b"
          "İıΣσςΑ\u212aKkÀÞàþ×÷ßµªº²¹¼ÿ\u0178"
          "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2060«»¡¿"
          "ﬁǄǅǆДдЯяΩω٣\U0001d7d8\U0001f600_'’-:.,(")
_texts = st.text(alphabet=st.sampled_from(TRICKY + "abcXYZ019 "), max_size=80) | st.text(
    max_size=60)
# the detector's look-up, in C and in Python (built once: 130 000 members)
_LEXICON = (strings.lookup(LEXICON.raw_cues, LEXICON.raw_firm),
            strings.lookup(LEXICON.raw_cues, LEXICON.raw_firm, in_c=False))


def _by_the_regex(text: str) -> str:
    """What the normal form is: the runs of letters and digits, one space between."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _page_texts() -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    texts = []
    for source in sorted(PAGES.glob("*/source.html")):
        tree = LexborHTMLParser(source.read_text(encoding="utf-8"))
        texts += [node.text(separator=" ") for node in tree.css("p, li, div, h1, h2, a")]
    return texts


def assert_alike(text: str, sets: tuple[frozenset[str], ...] | None = None) -> None:
    assert _strings.word_count(text) == strings._word_count(text) == len(text.split())
    assert _strings.nonspace(text) == strings._nonspace(text)
    assert _strings.normal(text) == strings._normal(text) == _by_the_regex(text)
    in_c, in_python = _LEXICON if sets is None else (
        strings.lookup(*sets), strings.lookup(*sets, in_c=False))
    assert in_c(text) == in_python(text)


@needs_c
def test_ci_builds_the_c_module() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only CI is sure to have a C compiler")
    assert _strings is not None
    assert strings.word_count is _strings.word_count  # bound at import, no wrapper between


@needs_c
def test_the_projects_pages_read_alike() -> None:
    texts = _page_texts()
    assert len(texts) > 100
    for text in texts:
        assert_alike(text)


@needs_c
@settings(max_examples=600, deadline=None)
@given(_texts)
def test_any_text_reads_alike(text: str) -> None:
    assert_alike(text)


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.lists(_texts, min_size=1, max_size=4), _texts)
def test_any_words_are_found_alike(members: list[str], text: str) -> None:
    # sets made of the text's own words (lower-cased, as members are), of other words and
    # of forms with punctuation stuck to them, so that hits are as common as misses
    own = frozenset(text.lower().split())
    other = frozenset(word.lower() for member in members for word in member.split())
    stuck = frozenset(f"({word}:" for word in own) | frozenset(list(own)[:1])
    assert_alike(text, (own, other, stuck))
    assert_alike(text, (other,))


@needs_c
def test_every_character_of_the_short_cuts_is_found_as_str_lower_finds_it() -> None:
    # The C code folds ASCII, Latin-1 and General Punctuation itself and hashes each word's
    # core; any other character goes to str.lower. Every character up to U+2100, upper and
    # lower, alone and with punctuation around it, must be found where Python finds it.
    chars = [chr(c) for c in range(0x2100) if not 0xD800 <= c <= 0xDFFF]
    for group in range(0, len(chars), 64):
        batch = chars[group:group + 64]
        members = frozenset(f"{c}x{c}".lower() for c in batch)
        scan, expected = strings.lookup(members), strings.lookup(members, in_c=False)
        for c in batch:
            for text in (f"{c}x{c}", f"{c.upper()}X{c.upper()}", f"({c}x{c}:", f"a {c}x{c}"):
                assert scan(text) == expected(text), (hex(ord(c)), text)


def test_the_white_space_short_cut_holds_for_this_interpreter() -> None:
    # _strings.c reads no character between 255 and U+1680 as white space without asking
    assert not any(chr(c).isspace() for c in range(256, 0x1680))


@needs_c
def test_non_ascii_members_and_words() -> None:
    scan = strings.lookup(frozenset({"σας", "i̇stanbul"}), frozenset({"ǆemal"}))
    assert scan("ΣΑΣ x") == (2, 1)  # a capital sigma at a word's end lower-cases to ς
    assert scan("ΣΑΣΑ") == (1, 0)  # "σασα": not a member
    assert scan("σασ") == (1, 0)  # a small σ stays σ
    assert scan("İstanbul") == (1, 1)  # İ lower-cases to two characters
    assert scan("Ǆemal") == (1, 2)
    assert _strings.normal("İstanbul ΣΑΣ. ﬁne a_b") == "i stanbul σας ﬁne a b"


@needs_c
def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        _strings.word_count(b"bytes")
    with pytest.raises(TypeError):
        _strings.Lookup({"a set"})  # a set could change under the filter
    with pytest.raises(TypeError):
        _strings.Lookup()
    with pytest.raises(TypeError):
        _strings.Lookup(frozenset(), x=frozenset())
    with pytest.raises(TypeError):
        _strings.Lookup(frozenset({"a"})).scan(None)
    # members that are not str are never found, and do not get in the way
    assert _strings.Lookup(frozenset({1, "a"})).scan("a 1") == (2, 1)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_the_python_normal_form_is_the_regexs(text: str) -> None:
    assert strings._normal(text) == _by_the_regex(text)


def test_the_python_answers() -> None:
    # what both must answer, spelled out
    scan = strings.lookup(frozenset({"share", "(share"}), frozenset({"donate"}), in_c=False)
    assert scan("Please SHARE this") == (3, 1)
    assert scan("(Share donate") == (2, 3)
    assert scan("(Share: donate") == (2, 2)  # "(share:" is neither member
    assert scan("") == (0, 0)
    assert strings._normal("Don’t “share” — read-more!") == "don t share read more"
    assert strings._nonspace(" a\xa0b\tc\r\nd ") == 4
    assert re.fullmatch(r"[^\W_]+", "ǆemal")  # the normal form's words are these runs


# -- UTF-8 ----------------------------------------------------------------------------------

# A character of each UTF-8 width, the edges between widths, and the widest str kinds.
EDGES = "\x00\x7f\x80\xff\u0100\u07ff\u0800\ufffd\uffff\U00010000\U0010ffff"


@needs_c
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab<> \n" + EDGES), max_size=100) | st.text())
def test_any_text_encodes_as_str_encode_does(text: str) -> None:
    assert _strings.utf8(text) == text.encode("utf-8")


@needs_c
@pytest.mark.parametrize("wide", ["é", "\u2019", "\U0001f600"])
@pytest.mark.parametrize("length", [0, 1, 7, 8, 15, 16, 17, 31, 33, 1000])
def test_ascii_runs_of_every_length_around_wide_characters(wide: str, length: int) -> None:
    # the runs are read 16 bytes at a time: every offset of the first and last wide one
    for at in {0, length // 2, length}:
        text = "x" * at + wide + "y" * (length - at) + wide
        assert _strings.utf8(text) == text.encode("utf-8")


@needs_c
@pytest.mark.parametrize("text", ["\ud800", "ab\udfff", "é\ud83d", "\U0001f600\udc00x"])
def test_a_surrogate_gets_none_and_decode_still_repairs_it(text: str) -> None:
    assert _strings.utf8(text) is None
    with pytest.raises(UnicodeEncodeError):
        strings.utf8(text)  # what str.encode says, whichever encoded
    decoded = decode.decode(text)
    assert "\ufffd" in decoded.text
    assert decoded.utf8 is None or decoded.utf8 == decoded.text.encode("utf-8")


# -- counts of characters -------------------------------------------------------------------

@needs_c
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/ \n\t\ra\xa0é" + EDGES), max_size=300),
       st.sampled_from(["<", "</", " \n\t\r\xa0", "\xa0", "abcdefgh"]))
def test_characters_are_counted_alike(text: str, chars: str) -> None:
    for wide in ("", "\u2019", "\U0001f600"):  # all three str widths
        assert _strings.count_of(text + wide, chars) == strings._count_of(text + wide, chars)
    assert _strings.count_of(text, "<") == text.count("<")


def test_count_of_takes_one_to_eight_latin1_characters() -> None:
    for count_of in {strings.count_of, strings._count_of}:
        assert count_of("a<b<<", "<") == 3
        for bad in ("", "é\u2019", "abcdefghi"):
            with pytest.raises(TypeError):
                count_of("text", bad)
