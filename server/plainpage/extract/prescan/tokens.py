"""The screen's regexes: ``grammar._TOKEN``'s tokenizer, run in C between the stops.

A scanner is one ``text (?: '<' skip text )*+ (?: stop | end )`` match, so ``finditer``
walks the text with one Python step per stop instead of one per tag. A skip item is always
a whole token as ``_TOKEN`` reads it, so every stop falls on one of ``_TOKEN``'s token
boundaries:

* text, a '<' that starts no token, a comment or bogus comment (``_TOKEN``'s first group);
* a *plain* tag: complete, with at most ``most`` attributes, its name neither counted by
  the screen nor raw text, in a narrowed form of ``_TOKEN``'s grammar: one or more
  whitespace before each attribute, ASCII names, a value right after '='.
  Anything else (a quote inside a name, ``a = b``, ``a="x"b``, ``<a/b>`` …) fails the
  plain form, never finds another reading (every part is possessive or, for a value, an
  alternation whose branches exclude one another), and is a stop. When it matches,
  ``_TOKEN`` reads the same tag, to the same '>', with as many attributes.
* while nothing foreign is open (``scanner(most, foreign=False)``), a script or style
  element: a plain start tag named in ASCII, and its content up to the end tag. ``_TOKEN``
  reads it as one token too (its groups 2-4), to the same end: its end-tag test
  ``(?ai:\\2)`` compares ASCII letters in either case, spelled out letter by letter
  here (``_end_letter``).

The skip items after '<' are one flat alternation (``_skips``), because re pays per step,
not per character: every alternative it enters, every iteration of a group (and the last,
failing one), every run of a character class costs it tens to hundreds of instructions,
while it tests an alternative's leading '/' or character class before entering it. So the
start tags' names are told apart by those classes (``_name_starts``), not by lookaheads,
a value is one alternation ending in an empty branch, not an optional group around one,
and the branches come in the order of their frequency on real pages. The order is
otherwise free: branches that can match at the same place match the same token (a bare end
tag is also an end tag; a comment's forms keep ``_TOKEN``'s order). Whether a plain name
ends at whitespace, '/' or '>' needs no lookahead either: the attributes begin with
whitespace, or the tag ends with ``[ws/]*>``.

The stop is ``_TOKEN``'s own tag grammar (raw-text element with its content, or tag).
``content_scanner`` reads raw-text content as markup with ``endpos`` at the element's end
tag; it skips only text, plain tags and lone '<', whose matches never look past their last
character, so whatever it matches before ``endpos`` it would match without one.

Possessive loops hold no capturing group: CPython 3.11's re then fails with "The span of
capturing group is wrong". The patterns are compiled once per ``most`` (a few values).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from string import ascii_lowercase

from ...options import Options
from .grammar import _ATTRS, _COMMENT_ALT, _COMMENT_BODY, _RAW_NAMES, _WS

# Start tags the screen must see: formatting, option, html/body (merged), svg/math.
_COUNTED = ("b big code em font i nobr s small strike strong tt u option html body svg math")
_MOST = (0, 1, 2, 4, 8, 16, 32)
# Raw-text elements skipped whole while nothing foreign is open (the others are few).
_SKIPPED_RAW = ("script", "style")
# The names a plain start tag may not have, and the first letters of those, ordered by how
# often the tags of real pages begin with them (span, meta, img, h2, ul …).
_STOPPED = (*_COUNTED.split(), *_RAW_NAMES.split("|"))
_LETTERS = "smihubtonfecx"
_NAME_CHARS = "-0123456789" + ascii_lowercase  # (and the upper-case letters)


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


def _one_of(chars: str, but: set[str]) -> str:
    """A character class of ``chars`` (letters in either case) without those in ``but``."""
    kept = [c for c in chars if c not in but]
    return "[" + "".join(kept) + "".join(c.upper() for c in kept if c.isalpha()) + "]"


def _name_starts() -> tuple[list[str], list[str]]:
    """How the name of a plain start tag may begin: one branch per prefix ``p`` of the
    stopped names up to two letters long ("", "s", "sc" …), which matches ``p`` in any case
    and then one character that no stopped name has after ``p``. A stopped name matches none:
    after ``p`` it has a character the branch excludes, or it ends at ``p``, shorter than the
    branch. The few other names that match none are stopped too, harmlessly ("st",
    "stream": one tag in the Zyte corpus); "span", "main", "noscript", "footer" are plain.
    (The branches for the empty prefix and the first letters; those for two letters.)
    """
    def after(prefix: str) -> set[str]:
        return {name[len(prefix)] for name in _STOPPED
                if len(name) > len(prefix) and name.startswith(prefix)}

    firsts = sorted(after(""), key=_LETTERS.index)
    short = [_one_of(ascii_lowercase, after(""))]
    short += [_any_case(first) + _one_of(_NAME_CHARS, after(first)) for first in firsts]
    long = [_any_case(first + second) + _one_of(_NAME_CHARS, after(first + second))
            for first in firsts for second in sorted(after(first))]
    return short, long


_NAME_STARTS = _name_starts()


def _stopped_table() -> bytes:
    """``_name_starts`` as a table for the scanner in C (``_stops.c``): a start tag's name
    passes none of the branches exactly when its first three characters (all of it, if it
    is shorter) begin a stopped name. One byte per three characters: 0 for none (a shorter
    name), 1-26 for a letter in either case, 27 for any other."""
    table = bytearray(28 ** 3)
    for name in _STOPPED:
        for k in (1, 2, 3):
            slots = [ord(c) - ord("a") + 1 for c in name[:k]] + [0] * (3 - len(name[:k]))
            table[(slots[0] * 28 + slots[1]) * 28 + slots[2]] = 1
    return bytes(table)


STOPPED_TABLE = _stopped_table()
_NAME_REST = "[-A-Za-z0-9]*+"
# A '<' that starts no token (what follows the '<'): not before an ASCII letter, '!', '?'
# or '/' (but "</>"). Tag names begin with an ASCII letter, and raw-text names are matched
# in ASCII only (``(?ai:…)``), so "<ſcript>" is text, as it is to the parser.
_NOT_A_TOKEN = "(?![A-Za-z!?]|/(?!>))"
_STOP = (f"(?P<tok><(?:(?P<raw>(?ai:{_RAW_NAMES}))(?=[{_WS}/>])(?P<rattrs>{_ATTRS})(?P<rclose>>)"
         f"(?:[^<]++|<(?!/(?ai:(?P=raw))[{_WS}/>]))*+"
         f"|(?P<slash>/?)(?P<name>[A-Za-z][^{_WS}/>]*+)(?P<attrs>{_ATTRS})(?P<close>>)?))")


# A token of raw-text content read as markup, cut at the end of the element's end tag: a
# comment (group 1) or a complete tag (slash, name, attributes, '>'), in ``_TOKEN``'s
# grammar except that a quoted value must be closed and an '=' followed by a value. Where
# ``_TOKEN`` falls back on another reading (an unclosed quote read as an unquoted value …),
# which may depend on what lies past the cut, this one fails instead; so when it matches a
# tag, ``_TOKEN`` reads the same tag, cut or not. A comment that ends before the content
# does is read the same too (a cut one ends at the cut).
_STRICT_ATTRS = (f"(?:[{_WS}/]++|[^{_WS}/>][^{_WS}/>=]*+"
                 f"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"|'[^']*+'|(?![\"'])[^{_WS}>]*+)"
                 f"|(?![{_WS}]*+=)))*+")
CONTENT_TOKEN = re.compile(
    f"<(?:{_COMMENT_ALT}|(/?)([A-Za-z][^{_WS}/>]*+)({_STRICT_ATTRS})>)")


def _plain_attributes(most: int) -> str:
    """At most ``most`` attributes and the tag's end. A value's forms exclude one another
    by their first two characters; the empty branch last is "no value"."""
    value = f"(?:=\"[^\"]*+\"|='[^']*+'|=[^{_WS}>\"'=<`]++|)"
    return f"(?:[{_WS}]++[-a-zA-Z0-9_:.@]++{value}){{0,{most}}}+[{_WS}/]*+>"


def _end_letter(letter: str) -> str:
    """The characters ``(?ai:\\2)`` takes for ``letter`` in the name of a start tag: the
    letter in either case, and nothing else (ASCII matching: not "İ" for "i")."""
    return f"[{letter}{letter.upper()}]"


def _plain_raw(name: str, most: int) -> str:
    """A script or style element (after its '<') with a plain start tag named in ASCII,
    and its content as ``_TOKEN`` reads it, up to the first end tag that ``(?ai:\\2)`` finds
    or the end: each '<' of the content is read with the text after it, so that the text
    is read once."""
    end_tag = f"/{''.join(_end_letter(c) for c in name)}[{_WS}/>]"
    return f"{_any_case(name)}{_plain_attributes(most)}[^<]*+(?:<(?!{end_tag})[^<]*+)*+"


def _skips(most: int, raw: bool, comments: bool) -> str:
    """The skip items after their '<' (see the module docstring): plain tags, scripts and
    styles if ``raw``, comments if ``comments``, a '<' that starts no token."""
    rest = _NAME_REST + _plain_attributes(most)
    short, long = _NAME_STARTS
    branches = [f"/[A-Za-z]{_NAME_REST}>", *(start + rest for start in short)]
    if raw:
        branches += [_plain_raw(name, most) for name in _SKIPPED_RAW]
    branches += [*(start + rest for start in long), f"/[A-Za-z]{rest}"]
    if comments:
        branches.append(_COMMENT_BODY)
    branches.append(_NOT_A_TOKEN)
    return f"(?:{'|'.join(branches)})"


@cache
def scanner(most: int, foreign: bool = True) -> re.Pattern[str]:
    """Skip to the next stop (raw-text element, counted tag or any other tag) or the end.

    With ``foreign`` False (no svg/math open: raw text is only text) the plain script and
    style elements are skipped whole too."""
    skips = _skips(most, raw=not foreign, comments=True)
    return re.compile(f"[^<]*+(?:<{skips}[^<]*+)*+(?:{_STOP}|<|\\Z)")  # (a lone '<': a fallback)


@cache
def content_scanner(most: int) -> re.Pattern[str]:
    """Skip the text, plain tags and lone '<' of raw-text content read as markup."""
    return re.compile(f"[^<]*+(?:<{_skips(most, raw=False, comments=False)}[^<]*+)*+")


def most_attributes(length: int, budget: int, opts: Options) -> int | None:
    """How many attributes a plain tag may have; None: the screen cannot help.

    Plain tags hold at most ``most`` attributes each and, as tokens never overlap and an
    attribute takes two bytes, fewer than ``length / 2`` together: their attribute
    comparisons add up to at most ``most × length / 2``, kept to a quarter of the budget.
    The screen never checks a tag's length, so no tag may be able to break
    ``max_tag_bytes``.
    """
    if length > opts.max_tag_bytes:
        return None
    ceiling = max(min(budget // max(2 * length, 1), opts.max_attributes), 0)
    return _MOST[bisect_right(_MOST, ceiling) - 1]  # (the largest not above the ceiling)
