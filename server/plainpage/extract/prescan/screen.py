"""The screen: a pass in C over the tags that proves, without the stack model, that a
document is cheap.

Run before the model on every document (see ``_Scan.provably_cheap``). It may only answer
True when ``_Scan.run`` would accept; anything it cannot prove goes to the model.

Why True is safe. The model adds ``len(stack)`` for every token and ``151 × afe`` more for
every start tag (``afe``: the active formatting elements), plus the attribute comparisons
of long tags and the options piling up in a select; the stack holds at most one entry per
start tag, the active formatting list at most one per formatting start tag and one <a>.
Every token starts with a '<' of its own, every start tag with a '<' not followed by '/'.
So with ``T`` = the number of '<', ``S`` = T, or T minus the number of '</', ``F`` = the
formatting start tags + 1 and ``O`` the option start tags, the model refuses neither on
depth (``S + F < max_depth``) nor on elements (``S <= max_elements``) nor on work when
``T × S + 151 × S × F + 5 O² + attribute work`` fits the budget.

The tags are read in C (``tokens.py``'s regexes, or the same scan in ``_stops.c``
where it was built): the scanner skips text, comments and *plain* tags
(complete, at most ``most`` attributes, a name that is neither counted nor raw text), and
while nothing foreign is open scripts and styles with a plain start tag, and stops at the
rest, which are counted and checked here as the model checks them (``_stops.c`` also
passes the plain formatting and option start tags, counting them: being plain, their
attributes are within the plain tags' bound, and ``_counted`` adds up the rest). Tags never
overlap and an attribute takes two bytes, so the tags with at most ``most`` attributes
compare at most ``most × n / 2`` of them (``n``: the length of the text); a tag shorter
than ``2 × most`` bytes is one of those, a longer one is counted (or bounded by its
length). No tag can break ``max_tag_bytes``: the screen only reads texts shorter than that.

Foreign content. Inside svg/math the model reads the content of raw-text elements (style,
script, title …) as markup. After the first svg/math start tag the screen reads their
content as markup too (besides skipping it), so it sees the tokens of either reading, and
it gives up unless the markup reading ends exactly at the element's end tag, where both
readings meet again: from there on the tokens are the same whichever the model chose.
Before that first svg/math start tag, and again after an svg/math element known to close
(``_simple_foreign_end``, read in C too: ``_stops.simple_foreign_end``), raw text is only
text to the model: a script or style skipped whole adds nothing but its start tag's
attributes, which the plain tags' bound covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from ...options import Options
from .. import strings
from .grammar import (
    _AFE_WEIGHT,
    _ATTR,
    _BREAKOUT,
    _F,
    _FOREIGN_IP,
    _OPTION_WEIGHT,
    _RAW_NAMES,
    _TOKEN,
    _TOKEN_FOREIGN,
    _lower,
)
from .tokens import CONTENT_TOKEN, STOPPED_TABLE, content_scanner, most_attributes, scanner

try:  # the scanner in C (_stops.c), built at install when a C compiler is at hand
    from . import _stops as _in_c
except ImportError:  # pragma: no cover - the same stops, found by re
    _in_c = None

# A stop: begin (-1: none, the text ended), end, name, its attributes (their text, or from
# the C scanner already their count), whether an end tag, for a raw-text element the end
# of its start tag (its content runs from there to ``end``) else -1, and the plain
# formatting and option start tags passed on the way (the C scanner counts those; re stops
# at them).
Stop = tuple[int, int, str, str | int, bool, int, int, int]

_GUESSED = 512      # stopped tags shorter than this are not counted but bounded
_SIMPLE_FOREIGN = 64  # tokens read ahead for the end of an svg/math element
# ``_Screen._foreign_end`` remembers this many distinct svg/math elements by their markup
# (pages repeat a few icons in every menu item).
_ICONS = 16
# Start tags that are not simply pushed as a foreign element inside svg/math.
_NOT_PUSHED = _BREAKOUT | {"font", "svg", "math"} | {name.lstrip(_F) for name in _FOREIGN_IP}
_RAW = re.compile(f"(?ai:{_RAW_NAMES})")  # (a name _TOKEN reads as raw text, fullmatched)
_FORMATTING, _OPTION, _MERGED, _FOREIGN_START = 1, 2, 3, 4
_KIND = {
    **dict.fromkeys(("b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                     "strong", "tt", "u"), _FORMATTING),
    "option": _OPTION, "html": _MERGED, "body": _MERGED, "svg": _FOREIGN_START,
    "math": _FOREIGN_START,
}


class _Screen:
    """The counts of one screen pass over a text, and the bound they prove."""

    __slots__ = ("text", "opts", "budget", "most", "guess", "tags", "starts", "formatting",
                 "options", "work", "seen_starts", "merged", "foreign", "foreign_until", "icons",
                 "in_c")

    def __init__(self, text: str, opts: Options, budget: int, most: int, tags: int,
                 starts: int | None) -> None:
        self.text, self.opts, self.budget, self.most = text, opts, budget, most
        self.tags, self.starts = tags, starts  # starts: None until the '</' are counted
        self.guess = min(_GUESSED, 2 * opts.max_attributes)  # (fewer than max_attributes)
        self.formatting = self.options = self.seen_starts = 0
        self.work = most * len(text) // 2      # attribute work and options' work so far
        self.merged = {"html": 0, "body": 0}
        # svg/math may be open (the model then reads raw text as markup), until the end
        # of a simple svg/math element (``_simple_foreign_end``) or for good (None).
        self.foreign, self.foreign_until = False, None
        self.icons: dict[str, dict[str, int]] = {}  # see _foreign_end
        self.in_c = False  # whether ``scan`` reads with the C scanner

    def fits(self, starts: int) -> bool:
        """True if the model's bounds fit its limits with ``starts`` start tags."""
        formatting = self.formatting + 1  # and one <a>
        return (starts <= self.opts.max_elements and starts + formatting < self.opts.max_depth
                and self.tags * starts + (_AFE_WEIGHT + 1) * starts * formatting + self.work
                <= self.budget)

    def scan(self, in_c: bool = True) -> bool:
        """Read the stops of the whole text; False as soon as the bound cannot fit.
        ``in_c``: with the scanner in C when it is built (the tests compare the two)."""
        self.in_c = in_c and _in_c is not None
        stops = self._stops_in_c() if self.in_c else self._stops()
        for begin, end, name, attrs, slash, raw_close, formatting, options in stops:
            if (formatting or options) and not self._counted(formatting, options):
                return False
            if begin < 0:
                break
            if self.foreign_until is not None and begin >= self.foreign_until:
                self.foreign, self.foreign_until = False, None  # the simple element closed
            if raw_close < 0:
                if not self._tag(begin, end, name, attrs, not slash):
                    return False
            elif not self._tag(begin, raw_close, name, attrs, True) or (
                    self.foreign and not self._content(raw_close, end, name)):
                return False
        return True

    def _stops_in_c(self) -> Iterator[Stop]:
        """The stops ``_stops`` yields, from ``_stops.next_stop``: it reads from the end of
        the last stop each time, as the scanner for what is open then (``self.foreign``)."""
        text, most, pos, next_stop = self.text, self.most, 0, _in_c.next_stop
        while True:
            (begin, pos, name, name_end, count, slash, raw_close, _, formatting,
             options) = next_stop(text, pos, most, not self.foreign, STOPPED_TABLE)
            yield (begin, pos, text[name:name_end], count, slash, raw_close, formatting,
                   options)
            if begin < 0:
                return

    def _stops(self) -> Iterator[Stop]:
        """The stops of the scanner's matches over the text. While nothing foreign is
        open, plain scripts and styles are skipped whole (their content is text for the
        model too): after each stop that opens or closes svg/math, the scan goes on with
        the other scanner from the end of that stop, a token boundary."""
        scanners = {foreign: scanner(self.most, foreign) for foreign in (False, True)}
        start = 0
        while True:
            foreign = self.foreign
            for m in scanners[foreign].finditer(self.text, start):
                begin = m.start(1)
                if begin < 0:  # the end of the text, or a '<' that starts no token
                    continue
                # _STOP's groups but the whole token and the '>'s: ``groups()`` would copy
                # the token, a script's content included
                raw, rattrs, slash, name, attrs = m.group(2, 3, 5, 6, 7)
                if raw is None:
                    yield begin, m.end(), name, attrs, bool(slash), -1, 0, 0
                else:
                    yield begin, m.end(), raw, rattrs, False, m.end(4), 0, 0
                # (``scan`` has read the stop and may have changed ``self.foreign``)
                if self.foreign != foreign:
                    start = m.end()
                    break
            else:
                return

    def _counted(self, formatting: int, options: int) -> bool:
        """Count plain formatting and option start tags the C scanner passed, as ``_tag``
        counts them one by one (an option adds 5 × (2k − 1) as the k-th: 5 O² in all);
        False if the bound no longer fits. The checks come in batches, which changes
        nothing but when the scan stops: the bound only grows."""
        self.seen_starts += formatting + options
        self.formatting += formatting
        self.work += _OPTION_WEIGHT * ((self.options + options) ** 2 - self.options ** 2)
        self.options += options
        return self.fits(self.starts if self.starts is not None else self.seen_starts)

    def _tag(self, begin: int, end: int, name: str, attrs: str | int, start: bool) -> bool:
        """Count one stopped tag and check its attributes (``attrs``: their text, or their
        count).

        A tag of ``length`` bytes holds fewer than ``length / 2`` attributes: under
        ``2 × most`` bytes the tag is covered by the plain tags' bound, under
        ``self.guess`` its work is bounded by ``length² / 4``; longer ones are counted.
        """
        length = end - begin
        grew = length >= 2 * self.most  # whether the bound grew: check it (now and then
        if grew:                        # for start tags alone, which only raise ``S``)
            if length < self.guess:
                self.work += length * length // 4
            else:  # (counting stops past the limit: a huge tag goes to the model at once)
                most = self.opts.max_attributes
                count = attrs if isinstance(attrs, int) else sum(
                    1 for _ in islice(_ATTR.finditer(attrs), most + 1))
                if count > most:
                    return False
                self.work += count * count
        if start:
            self.seen_starts += 1  # (each at a '<' of its own: S is at least that)
            lowered = _lower(name)
            kind = _KIND.get(lowered)
            if kind == _FORMATTING:
                self.formatting += 1
            elif kind == _OPTION:
                self.options += 1
                self.work += _OPTION_WEIGHT * (2 * self.options - 1)  # 5 O² in all
            elif kind == _MERGED:  # the parser merges the attributes of every <html>/<body>
                count = attrs if isinstance(attrs, int) else len(_ATTR.findall(attrs))
                self.merged[lowered] += count
                if self.merged[lowered] > self.opts.max_attributes:
                    return False
            elif kind == _FOREIGN_START:
                # With nothing foreign open, the model opens this one (and only then).
                self.foreign_until = (None if self.foreign
                                      else self._foreign_end(end, name, begin + 1))
                self.foreign = True
            grew = grew or kind == _FORMATTING or kind == _OPTION or not self.seen_starts % 256
        return not grew or self.fits(self.starts if self.starts is not None else self.seen_starts)

    def _foreign_end(self, pos: int, name: str, name_at: int) -> int | None:
        """``_simple_foreign_end``, remembered per markup, so that an icon repeated in every
        menu item is read once (``name_at``: where the start tag's name is). An end it finds
        depends only on the text from ``pos`` to that end: the end tag found there closes
        with its '>', the tokens before it end before it, and no token's match looks past
        its own end. A None is not remembered (it may rest on text further on)."""
        root, text = _lower(name), self.text
        seen = self.icons.setdefault(root, {})
        for markup, length in seen.items():
            if text.startswith(markup, pos):
                return pos + length
        found = (_in_c.simple_foreign_end(text, pos, name_at, name_at + len(name)) if self.in_c
                 else _simple_foreign_end(text, pos, root))
        if found is not None and len(seen) < _ICONS:
            seen[text[pos:found]] = found - pos
        return found

    def _content(self, start: int, end: int, raw: str) -> bool:
        """The content of a raw-text element ``raw`` read as markup, as the model reads it
        while svg/math is open: check its tokens; True if that reading meets the raw-text
        reading again, at the end tag or just after it.

        Raw-text start tags inside may be read either way again (the model may have closed
        svg/math meanwhile): one of the same name ends where this one does, at ``end``, so
        the markup reading simply goes on; one whose content holds no '<' is read the
        same either way; any other is left to the model.
        """
        text = self.text
        content = None if self.in_c else content_scanner(self.most)  # (compiled per most)
        end_tag = _TOKEN.match(text, end)  # None only when the content runs to the end
        meet = end_tag.end() if end_tag else end
        pos = start
        while True:
            if content is None:  # (the same position, see _stops.c)
                pos = _in_c.content_skip(text, pos, end, self.most, STOPPED_TABLE)
            else:
                pos = content.match(text, pos, end).end()  # never crosses end (tokens.py)
            if pos == end:
                return True
            m = CONTENT_TOKEN.match(text, pos, meet)  # (read the same without the cut)
            if m is None or m[1] is not None:  # unreadable, or a comment: it must end
                if m is None or m.end() > end:  # before the end tag
                    return False
            elif not self._tag(pos, m.end(), m[3], m[4], not m[2]):
                return False
            elif not m[2] and _RAW.fullmatch(m[3]):
                if m.end() > end or not (_same_name(m[3], raw)
                                         or _text_only(text, m.end(), end, m[3])):
                    return False
            elif m.end() > end:  # e.g. "a<b … </script>": one tag up to the end tag's '>'
                return m.end() == meet
            pos = m.end()


def _simple_foreign_end(text: str, pos: int, root: str) -> int | None:
    """Where an svg/math element opened by the model (from HTML) at ``pos`` surely closes
    again, with the model's svg/math counters back at 0; None if that is not sure.

    Sure for the usual icon: a few tags (read as the model reads them while svg/math is
    open), each start tag pushed as a foreign element (no break-out, font, integration
    point, raw text or nested svg/math) and each end tag closing a foreign element on the
    way, up to the end tag of the element itself, which the model then pops and counts
    closed. None of those touch the HTML elements underneath.
    """
    stack = [root]
    for _ in range(_SIMPLE_FOREIGN):
        m = _TOKEN_FOREIGN.search(text, pos)
        if m is None or m[2] is not None:
            return None
        pos = m.end()
        if m[6] is None:
            continue  # a comment
        name = _lower(m[6])
        if m[8] is None or (not m[5] and name in _NOT_PUSHED):
            return None
        if m[5]:
            if name not in stack:
                return None  # the model would look for an HTML element to close
            del stack[len(stack) - 1 - stack[::-1].index(name):]
            if not stack:
                return pos
        else:
            stack.append(name)
    return None


def _same_name(name: str, other: str) -> bool:
    """Names the end-tag search of a raw-text element treats alike: ``(?ai:…)`` folds ASCII
    letters only (``lower`` alone would also fold the Kelvin sign to "k")."""
    return name.isascii() and other.isascii() and name.lower() == other.lower()


def _text_only(text: str, start: int, end: int, raw: str) -> bool:
    """True if the content of raw-text element ``raw`` from ``start`` runs, without a '<',
    to its end tag before ``end`` (then reading it as markup finds the same text)."""
    first = text.find("<", start, end)
    close = text[first + 2:first + 3 + len(raw)]
    return (first >= 0 and text[first + 1:first + 2] == "/" and len(close) == len(raw) + 1
            and _same_name(close[:-1], raw) and close[-1] in "\t\n\f\r />")


def provably_cheap(text: str, opts: Options, budget: int, utf8: bytes | None = None,
                   in_c: bool = True) -> bool:
    """True when the screen proves that ``_Scan.run`` would accept the document. ``utf8``:
    the text encoded as UTF-8, if at hand (see ``_count``); ``in_c``: see ``scan``."""
    most = most_attributes(len(text), budget, opts)
    if most is None:
        return False
    tags = _count(text, utf8, "<")
    screen = _Screen(text, opts, budget, most, tags, None)
    # Counting the '</' costs more than the '<': only when the '<' alone may not do.
    if not screen.fits(tags):
        screen.starts = tags - _count(text, utf8, "</")
        if not screen.fits(screen.starts):
            return False  # (before the scan: no count of formatting can make it fit)
    if not screen.scan(in_c):
        return False
    if screen.starts is None and not screen.fits(tags):
        screen.starts = tags - _count(text, utf8, "</")
    return screen.fits(screen.starts if screen.starts is not None else tags)


def _count(text: str, utf8: bytes | None, mark: str) -> int:
    """How often ``mark`` (ASCII) occurs in the text: in its UTF-8 bytes when given, where
    an ASCII byte only ever stands for its character, so the counts are equal. A single
    byte is found there by memchr (``bytes.replace``), where ``str.count`` compares every
    character (the '<' of a median page: 30 µs instead of 80); ``strings.count_of`` in C
    compares sixteen bytes at a time in the str itself (15 µs)."""
    if len(mark) == 1 and strings.IN_C:
        return strings.count_of(text, mark)
    if utf8 is None:
        return text.count(mark)
    if len(mark) == 1:
        return len(utf8) - len(utf8.replace(mark.encode(), b""))
    return utf8.count(mark.encode())
