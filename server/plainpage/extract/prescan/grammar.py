"""The pre-scan's vocabulary: its token regexes, tag-name tables and weights.

Shared by the screen (``screen.py``, ``tokens.py``) and the stack model (``stack.py``,
``model.py``); everything here is an immutable constant.
"""

from __future__ import annotations

import re
from string import ascii_lowercase, ascii_uppercase

_WS = "\\t\\n\\f\\r "
_ATTRS = (f"(?:[{_WS}/]++|[^{_WS}/>][^{_WS}/>=]*+"
          f"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"|'[^']*+'|[^{_WS}>]*+))?+)*+")
_RAW_NAMES = "script|style|textarea|title|xmp|iframe|noembed|noframes"
# One token per match, so the whole document is one finditer:
#   group 1: a comment (to "-->", "--!>" or the end; "<!-->" and "<!--->" close at once)
#            or a bogus comment / doctype / CDATA / "<?…>" / "</1…>" (to the first ">");
#   groups 2-4: a raw-text start tag (name, attributes, ">") with its content, up to the
#            first "</name" followed by a space, "/" or ">" (or the end);
#   groups 5-8: any other start or end tag (slash, name, attributes, closing ">").
# The attribute grammar is the tokenizer's: quotes only open a value right after '=', so a
# quoted '>' cannot end a tag early and a stray quote cannot swallow the tags after it.
# Every alternative succeeds once it has started, so the scan stays linear.
_COMMENT_BODY = "!--(?:>|->|(?:[^-]++|-(?!-!?>))*+(?:--!?>)?)|[!?][^>]*+>?|/(?![A-Za-z>])[^>]*+>?"
_COMMENT_ALT = f"({_COMMENT_BODY})"
_RAW_TAG = f"((?ai:{_RAW_NAMES}))(?=[{_WS}/>])({_ATTRS})(>)"
_TAG_ALT = f"(/?)([A-Za-z][^{_WS}/>]*+)({_ATTRS})(>)?"
_TOKEN = re.compile(f"<(?:{_COMMENT_ALT}|{_RAW_TAG}(?:[^<]++|<(?!/(?ai:\\2)[{_WS}/>]))*+"
                    f"|{_TAG_ALT})")
# The same tokens while svg/math is open, where the content of a raw-text element may be
# markup: the raw-text start tag alone, its content read on as tokens.
_TOKEN_FOREIGN = re.compile(f"<(?:{_COMMENT_ALT}|{_RAW_TAG}|{_TAG_ALT})")
_ATTR = re.compile(f"[^{_WS}/>][^{_WS}/>=]*+(?:[{_WS}]*+=[{_WS}]*+"
                   f"(?:\"[^\"]*+\"|'[^']*+'|[^{_WS}>]*+))?+")
# Tag names are lower-cased as the tokenizer does, in ASCII only: ``str.lower`` would also
# turn the Kelvin sign into "k", and "<lin\u212a>" is no <link> to the parser.
_ASCII_LOWER = str.maketrans(ascii_uppercase, ascii_lowercase)


def _lower(name: str) -> str:
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


_FONT_BREAKOUT = re.compile(f"(?:^|[{_WS}/])(?:color|face|size)(?:[{_WS}/=]|$)",
                            re.I | re.A)

_WORK_PER_DEPTH = 25_000   # the work budget is max_depth × this many stack steps
_AFE_WEIGHT = 150          # re-creating a formatting element costs ~150 stack steps
_OPTION_WEIGHT = 5         # each option already in a <select> costs ~5 steps per new one
_COUNTED_TAG = 128         # tags this long get their attributes counted (see _check_tag)
_F = "\x00"                # prefix of foreign (svg/math) entries on the modelled stack


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _words("area base basefont bgsound br col embed frame hr image img input keygen "
               "link meta param source track wbr")
_FORMATTING = _words("a b big code em font i nobr s small strike strong tt u")
_HEADINGS = _words("h1 h2 h3 h4 h5 h6")
_CLOSES_P = _words(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form header hgroup hr listing main menu nav ol p pre search section "
    "summary table ul xmp li dd dt plaintext h1 h2 h3 h4 h5 h6")
_FOREIGN_IP = frozenset(_F + name for name in _words(
    "foreignobject desc title mi mo mn ms mtext annotation-xml"))
_SCOPE = _words("applet caption html table td th marquee object template") | _FOREIGN_IP
_SPECIAL = _words(  # the spec's "special" category
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img "
    "input keygen li link listing main marquee menu meta nav noembed noframes noscript "
    "object ol p param plaintext pre script search section select source style summary "
    "table tbody td template textarea tfoot th thead title tr track ul wbr xmp") | _FOREIGN_IP
_BREAKOUT = _words(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    "img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt "
    "u ul var")
_CELLS, _SECTIONS = ("td", "th"), ("tbody", "thead", "tfoot")
_TABLE_SCOPED = _words("tbody thead tfoot tr td th caption colgroup")

# Marks kept as lists of stack indices, so every scope question is answered in O(1):
# special (ends an "any other end tag" walk), item stop (ends an <li>/<dd>/<dt> walk: the
# special elements but address, div, p and the items themselves), scope (a boundary of
# "has an element in scope").
_SPECIAL_MARK, _ITEM_STOP_MARK, _SCOPE_MARK = 1, 2, 4
_MARKS: dict[str, int] = {
    name: (_SPECIAL_MARK
           | (0 if name in _words("address div p li dd dt") else _ITEM_STOP_MARK)
           | (_SCOPE_MARK if name in _SCOPE else 0))
    for name in _SPECIAL}

_PUSH, _VOID_KIND, _SLOW, _ANCHOR = ("push",), ("void",), ("slow",), ("anchor",)
# How the hot loop treats a start tag when the current node is an HTML element: a void is
# only counted; a tuple of names means "push it, unless one of these is open" (then an
# implied close needs a second look); anything not listed is simply pushed.
_FAST_START: dict[str, tuple[str, ...]] = {
    **{name: _SLOW for name in (
        _VOID | _FORMATTING | _CLOSES_P | _TABLE_SCOPED | _words(_RAW_NAMES.replace("|", " "))
        | _words("html head body svg math form select option optgroup plaintext button"))},
    **{name: ("p",) for name in _CLOSES_P - _HEADINGS
       - _words("form table hr plaintext xmp li dd dt")},
    **{name: _VOID_KIND for name in _VOID - {"hr"}},
    "li": ("p", "li"), "td": _CELLS, "th": _CELLS, "tr": ("tr",), "button": ("button",),
    "a": _ANCHOR,
}
# End tags the hot loop leaves to ``_end`` even when they close the current node.
_SLOW_END = _FORMATTING - {"a"} | {"svg", "math"}
