"""The string work the stages do most: a str as UTF-8, counts of characters, the words of a
text (how many ``str.split()`` cuts, whether any of them, lower-cased, is in given sets) and
the normal form the detector compares (lower case, letters and digits, one space between).

In C (``_strings.c``) where it was built at install; the same answers in Python otherwise
(``tests/test_strings.py`` holds the two to each other). The functions are bound at import:
the stages call some of them hundreds of times a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

try:  # built at install when a C compiler is at hand
    from . import _strings as _in_c
except ImportError:  # pragma: no cover - the same answers from str methods and re
    _in_c = None

__all__ = ["IN_C", "count_of", "lookup", "nonspace", "normal", "utf8", "word_count"]

#: Whether the C module answers (callers with a faster fallback of their own ask).
IN_C = _in_c is not None
_WORD_RE = re.compile(r"[^\W_]+")  # a run of letters and digits
# What ``_normal`` strips from a word's ends before it needs the regex: none of these is a
# letter or digit, so the runs are the same.
_PUNCTUATION = ":.,!?;)»…\"”'(«“„¿¡[’‘-–—/*"
_ASCII_SPACE = b" \n\t\r"  # what ``nonspace`` leaves out of an ASCII text

#: A text's (``len(text.split())``, the bits of the sets some lower-cased word is in).
Scan = Callable[[str], tuple[int, int]]


def utf8(text: str) -> bytes:
    """``text.encode("utf-8")``, which raises ``UnicodeEncodeError`` on a surrogate (the C
    encoder answers None there, and leaves the error to str.encode)."""
    encoded = _in_c.utf8(text) if _in_c is not None else None
    return encoded if encoded is not None else text.encode("utf-8")


def _count_of(text: str, chars: str) -> int:
    """How often any of ``chars`` (1 to 8 Latin-1 characters) occurs in ``text``."""
    if not 1 <= len(chars) <= 8 or max(chars) > "\xff":
        raise TypeError("count_of(text: str, chars: str), 1 to 8 Latin-1 characters")
    return sum(text.count(char) for char in set(chars))


def _nonspace(text: str) -> int:
    """Characters of ``text`` that are not whitespace (space, newline, tab, CR, NBSP): the
    size of a text wherever one is measured."""
    if text.isascii():  # a flag of the string, not a scan
        # one C pass drops all four instead of a count per character
        return len(text.encode("ascii").translate(None, _ASCII_SPACE))
    # Each count is a loop over the string; ``in`` is a much faster scan, so the rare
    # characters are counted only where they occur (about a third less on big texts).
    size = len(text) - text.count(" ")
    if "\n" in text:
        size -= text.count("\n")
    if "\t" in text:
        size -= text.count("\t")
    if "\r" in text:
        size -= text.count("\r")
    if "\xa0" in text:
        size -= text.count("\xa0")
    return size


def _word_count(text: str) -> int:
    """``len(text.split())``."""
    return len(text.split())


def _normal(text: str) -> str:
    """The runs of letters and digits of the lower-cased text, one space between:
    ``" ".join(_WORD_RE.findall(text.lower()))``, word by word (a run never spans white
    space). Most words are one run already (``isalnum`` is the regex's ``[^\\W_]`` for a
    whole string) or one with punctuation stuck to it; the regex, about 90 ns a character,
    only splits the others ("fox’s")."""
    runs: list[str] = []
    for word in text.lower().split():
        if word.isalnum():
            runs.append(word)
            continue
        core = word.strip(_PUNCTUATION)
        if core.isalnum():
            runs.append(core)
        elif core:
            runs += _WORD_RE.findall(core)
    return " ".join(runs)


def lookup(*sets: frozenset[str], in_c: bool = True) -> Scan:
    """A scan of texts against ``sets`` of lower-case words: ``(len(text.split()), met)``,
    bit ``i`` of ``met`` set when a word of ``text.lower().split()`` is in ``sets[i]``.
    ``in_c``: in C when it is built (the tests compare the two)."""
    if in_c and _in_c is not None:
        return _in_c.Lookup(*sets).scan

    def scan(text: str) -> tuple[int, int]:
        words = text.lower().split()
        met = 0
        for i, found in enumerate(sets):
            if not found.isdisjoint(words):
                met |= 1 << i
        return len(words), met

    return scan


count_of: Callable[[str, str], int] = _count_of if _in_c is None else _in_c.count_of
nonspace: Callable[[str], int] = _nonspace if _in_c is None else _in_c.nonspace
normal: Callable[[str], str] = _normal if _in_c is None else _in_c.normal
word_count: Callable[[str], int] = _word_count if _in_c is None else _in_c.word_count
