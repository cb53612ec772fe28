"""The screen's regexes: ``grammar._TOKEN``'s tokenizer, run in C between the stops.

A scanner is one ``(?: skip )*+ (?: stop | end )`` match, so ``finditer`` walks the text
with one Python step per stop instead of one per tag. A skip item is always a whole token
as ``_TOKEN`` reads it, so every stop falls on one of ``_TOKEN``'s token boundaries:

* text, a '<' that starts no token, a comment or bogus comment (``_TOKEN``'s first group);
* a *plain* tag: complete, with at most ``most`` attributes, its name neither counted by
  the screen nor raw text, in a narrowed form of ``_TOKEN``'s grammar: one or more
  whitespace before each attribute, ASCII names, a value right after '='.
  Anything else (a quote inside a name, ``a = b``, ``a="x"b``, ``<a/b>`` …) fails the
  plain form, never finds another reading (every part is possessive), and is a stop.
  When it matches, ``_TOKEN`` reads the same tag, to the same '>', with as many attributes.
* while nothing foreign is open (``scanner(most, foreign=False)``), a script or style
  element: a plain start tag named in ASCII, and its content up to the end tag. ``_TOKEN``
  reads it as one token too (its groups 2-4), to the same end: its end-tag test
  ``(?i:\\2)`` compares lower-cased characters, which for an ASCII name is spelled out
  letter by letter (``_end_letter``).

The stop is ``_TOKEN``'s own tag grammar (raw-text element with its content, or tag).
``content_scanner`` reads raw-text content as markup with ``endpos`` at the element's end
tag; it skips only text, plain tags and lone '<', whose matches never look past their last
character, so whatever it matches before ``endpos`` it would match without one.

Possessive loops hold no capturing group: CPython 3.11's re then fails with "The span of
capturing group is wrong". The patterns are compiled on first use, through re's cache.
"""

from __future__ import annotations

import re

from ...options import Options
from .grammar import _ATTRS, _COMMENT_ALT, _COMMENT_BODY, _RAW_NAMES, _WS

# Start tags the screen must see: formatting, option, html/body (merged), svg/math.
_COUNTED = ("b big code em font i nobr s small strike strong tt u option html body svg math")
_MOST = (0, 1, 2, 4, 8, 16, 32)
# Raw-text elements skipped whole while nothing foreign is open (the others are few).
_SKIPPED_RAW = ("script", "style")


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


def _name_start() -> str:
    """The first letter of a plain start tag's name: not that of a counted or raw name.

    One branch per first letter, each opening with a character class, so re tests the
    letter before entering a branch (a case-insensitive alternation of all names costs
    four times as much).
    """
    names = _COUNTED.split() + _RAW_NAMES.split("|")
    rests: dict[str, list[str]] = {}
    for name in names:
        rests.setdefault(name[0], []).append(name[1:])
    others = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in rests)
    branches = [f"[{others}{others.upper()}]"]
    for first, rest in rests.items():
        ends = "|".join(_any_case(r) for r in sorted(rest, key=len, reverse=True))
        branches.append(f"[{first}{first.upper()}](?!(?:{ends})[{_WS}/>])")
    return f"(?:{'|'.join(branches)})"


_NAME_START = _name_start()
_VALUE = f"(?:=(?:\"[^\"]*+\"|'[^']*+'|[^{_WS}>\"'=<`]++))?+"
_COMMENT = f"<(?:{_COMMENT_BODY})"
# A '<' that starts no token: not before an ASCII letter, '!', '?' or '/' (but "</>"), nor
# before any other letter, since ``(?i:script)`` matches "ſcript" and "scrıpt" too.
_NOT_A_TOKEN = "<(?![A-Za-z!?\\x80-\\U0010ffff]|/(?!>))"
_STOP = (f"(?P<tok><(?:(?P<raw>(?i:{_RAW_NAMES}))(?=[{_WS}/>])(?P<rattrs>{_ATTRS})(?P<rclose>>)"
         f"(?:[^<]++|<(?!/(?i:(?P=raw))[{_WS}/>]))*+"
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


def _plain(most: int) -> str:
    """A plain tag with at most ``most`` attributes (see the module docstring)."""
    return f"<(?:/[A-Za-z]|{_NAME_START})[-A-Za-z0-9]*+{_plain_attributes(most)}"


def _plain_attributes(most: int) -> str:
    return f"(?:[{_WS}]++[-a-zA-Z0-9_:.@]++{_VALUE}){{0,{most}}}+[{_WS}/]*+>"


def _end_letter(letter: str) -> str:
    """The characters ``(?i:\\2)`` takes for ``letter`` in the name of a start tag: re
    compares the two lower-cased, and "İ" lower-cases to "i" ("ı" and "ſ" do not)."""
    return f"[{letter}{letter.upper()}" + ("\\u0130" if letter == "i" else "") + "]"


# For each skipped raw-text element: its start tag's name in ASCII, and its content as
# ``_TOKEN`` reads it, up to the first end tag that ``(?i:\2)`` finds or the end.
_RAW_PARTS = tuple(
    ("".join(f"[{c}{c.upper()}]" for c in name) + f"(?=[{_WS}/>])",
     f"(?:[^<]++|<(?!/{''.join(_end_letter(c) for c in name)}[{_WS}/>]))*+")
    for name in _SKIPPED_RAW)


def _plain_raw(most: int) -> str:
    """A script or style element with a plain start tag named in ASCII, and its content."""
    return "|".join(f"<{name}{_plain_attributes(most)}{content}" for name, content in _RAW_PARTS)


def scanner(most: int, foreign: bool = True) -> re.Pattern[str]:
    """Skip to the next stop (raw-text element, counted tag or any other tag) or the end.

    With ``foreign`` False (no svg/math open: raw text is only text) the plain script and
    style elements are skipped whole too."""
    raw = "" if foreign else f"|{_plain_raw(most)}"
    skip = f"[^<]*+(?:{_plain(most)}{raw}|{_COMMENT}|{_NOT_A_TOKEN})"
    return re.compile(f"(?:{skip})*+[^<]*+(?:{_STOP}|<|\\Z)")  # ('<' before "ſ…" and such)


def content_scanner(most: int) -> re.Pattern[str]:
    """Skip the text, plain tags and lone '<' of raw-text content read as markup."""
    return re.compile(f"(?:[^<]++|{_plain(most)}|{_NOT_A_TOKEN})*+")


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
    ceiling = min(budget // max(2 * length, 1), opts.max_attributes)
    return max(most for most in _MOST if most <= max(ceiling, 0))
