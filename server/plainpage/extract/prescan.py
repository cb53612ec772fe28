"""Pre-scan: refuse, in one linear pass, documents that would cost the parser far too much.

Lexbor follows the HTML tree-construction spec faithfully, and the spec walks the stack of
open elements ("has a p element in button scope", "any other end tag", reconstructing the
active formatting elements …) on most tags. So the parser's cost is not the size of the
input but roughly Σ (depth of the stack) over the tags: 100 000 nested ``<div>`` take 30 s,
and so do 4 000 nested divs followed by 100 000 ``<div></div>`` pairs. Attribute counts are
super-linear too (40 000 attributes on one tag: 11 s), formatting elements that are closed
implicitly are re-created in every later paragraph, and options directly inside a
``<select>`` cost time quadratic in their number (measurements: security notes §7.1).

The scan tokenizes tags exactly as the HTML tokenizer does (attribute quoting included, so a
quoted ``>`` cannot hide a tag and an odd quote cannot swallow one), skips comments and the
content of raw-text elements, and keeps a small model of the stack of open elements:

* void elements are never pushed; ``/>`` is *not* honoured (the parser ignores it on HTML
  elements, so honouring it would let ``<div/>`` × 100 000 through);
* an end tag closes its element only where the tree builder would: inside the scope
  boundaries for the elements closed "in scope" (div, li, p, table parts …), up to the
  nearest special element for the others (so ``<x><section></x>`` does not close the
  section), by the foreign-content rules inside svg/math; every decision is O(1) from
  per-name index lists, so the scan stays linear;
* the implicit closes that keep real pages shallow are modelled: a new ``<p>``/block closes
  an open p in button scope, ``<li>``/``<dd>``/``<dt>`` close their previous item, headings,
  options, table cells, rows and sections close their predecessors;
* formatting elements (b, i, a, font …) count twice: on the stack and in the list of active
  formatting elements (with the spec's limit of three identical entries);
* svg/math content is foreign: raw-text skipping is switched off inside it, and breakout tags
  pop it.

Limits, all from ``Options``: ``max_input_bytes`` (length of the text), ``max_elements``
(start tags), ``max_tag_bytes`` (from ``<`` to ``>``; a tag cut off by the end of the input
is not held to it, the parser drops it unread), ``max_attributes`` (on one tag, and on all
``<html>`` or all ``<body>`` tags together, since the parser merges those), ``max_depth``
(the modelled stack plus the active formatting elements) and a work budget of
``max_depth × 25 000`` stack steps (about 0.1–0.4 s of parsing), which counts the stack
walks, the attribute comparisons of every tag of 128 bytes or more, re-created formatting
elements and options piling up in a ``<select>``.

On real pages (the 1 945 pages of the evaluation corpora) the modelled depth is within a
few elements of Lexbor's real depth (median ratio 1.1) and stays under 400, the work under
2 million steps. There is no shortcut on tag counts alone: ten thousand tags can cost Lexbor
seconds (formatting elements re-created in every paragraph, thousands of attributes per
tag, unlisted elements nested deep), so every document gets the model. It is a model, not
the parser: the work budget of a worker process remains the backstop.
"""

from __future__ import annotations

import re

from ..errors import DocumentTooComplex
from ..options import Options

__all__ = ["check"]

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
_TOKEN = re.compile(
    "<(?:"
    "(!--(?:>|->|(?:[^-]++|-(?!-!?>))*+(?:--!?>)?)|[!?][^>]*+>?|/(?![A-Za-z>])[^>]*+>?)"
    f"|((?i:{_RAW_NAMES}))(?=[{_WS}/>])({_ATTRS})(>)"
    f"(?:[^<]++|<(?!/(?i:\\2)[{_WS}/>]))*+"
    f"|(/?)([A-Za-z][^{_WS}/>]*+)({_ATTRS})(>)?"
    ")")
_ATTR = re.compile(f"[^{_WS}/>][^{_WS}/>=]*+(?:[{_WS}]*+=[{_WS}]*+"
                   f"(?:\"[^\"]*+\"|'[^']*+'|[^{_WS}>]*+))?+")
_FONT_BREAKOUT = re.compile(f"(?:^|[{_WS}/])(?:color|face|size)(?:[{_WS}/=]|$)", re.I)

# The screen (_Scan.provably_cheap): formatting, option, html/body and svg/math start tags.
_RAW_START = re.compile(f"<(?i:{_RAW_NAMES})(?=[{_WS}/>])")
_SCREEN = re.compile(
    "<(?:(?P<f>[bBiIsSuU]|[eE][mM]|[tT][tT]|(?i:big|code|font|nobr|small|strike|strong))"
    "|(?P<o>(?i:option))|(?P<html>(?i:html))|(?P<body>(?i:body))|(?P<foreign>(?i:svg|math)))"
    f"(?=[{_WS}/>]|\\Z)")

_FOREIGN_TAG = re.compile(f"<(/?)(?i:svg|math)(?=[{_WS}/>])")
_RAW_OR_COMMENT = re.compile(f"<!--|<(?i:{_RAW_NAMES})(?=[{_WS}/>])")

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


def check(text: str, options: Options) -> None:
    """Raise ``DocumentTooComplex`` if parsing ``text`` would cost far too much."""
    if len(text) > options.max_input_bytes:
        raise DocumentTooComplex(
            f"refused before parsing: {len(text)} characters exceed max_input_bytes="
            f"{options.max_input_bytes}")
    scan = _Scan(text, options)
    if not scan.provably_cheap():
        scan.run()


def _foreign_is_plain(text: str) -> bool:
    """True when no <svg>/<math> span holds a raw-text start tag or a comment.

    Inside svg/math, <style> and <script> content is markup, which the screen's counts
    would skip as raw text; an inline icon closed before the page's scripts is harmless.
    Spans run from a start tag to its matching end tag (to the end of the text when
    unclosed); a "</svg>" the parser would not honour can only end a span late, never
    early, unless it sits in a comment or raw text inside the span, and those send the page
    to the model.
    """
    depth, start = 0, 0
    for m in _FOREIGN_TAG.finditer(text):
        if m[1]:
            if depth:
                depth -= 1
                if not depth and _RAW_OR_COMMENT.search(text, start, m.start()):
                    return False
        else:
            if not depth:
                start = m.start()
            depth += 1
    return not depth or _RAW_OR_COMMENT.search(text, start) is None


def _last(indices: list[int] | None) -> int:
    return indices[-1] if indices else -1


class _Scan:
    """One pass over one document; the modelled stack of open elements lives here."""

    __slots__ = ("text", "opts", "stack", "pos", "special", "item_stop", "scope", "native",
                 "elements", "work", "budget", "afe", "afe_names", "afe_total", "anchor",
                 "options_in_select", "svg", "math", "merged", "long_tag")

    def __init__(self, text: str, options: Options) -> None:
        self.text, self.opts = text, options
        self.stack: list[str] = []            # names; foreign entries carry the _F prefix
        self.pos: dict[str, list[int]] = {}   # stack indices of each name
        self.special: list[int] = []          # stack indices carrying each mark
        self.item_stop: list[int] = []
        self.scope: list[int] = []
        self.native: list[int] = []           # HTML entries pushed while svg/math was open
        self.elements = self.work = self.afe_total = self.options_in_select = 0
        self.budget = options.max_depth * _WORK_PER_DEPTH
        self.afe: dict[str, int] = {}         # active formatting elements by name + attributes
        self.afe_names: dict[str, list[str]] = {}
        self.anchor = False                   # an <a> is in the active formatting list
        self.svg = self.math = 0              # <svg>/<math> not yet closed by </svg>, </math>
        self.merged = {"html": 0, "body": 0}
        # Tags shorter than this cannot break the length or attribute limits (an attribute
        # takes at least two bytes), so the hot loop does not count their attributes.
        self.long_tag = min(_COUNTED_TAG, options.max_tag_bytes, 2 * options.max_attributes)

    def provably_cheap(self) -> bool:
        """True when counts alone prove that ``run`` would accept the document.

        The model's depth is at most the tags plus the formatting elements, its work at
        most tags × (depth + re-created formatting) plus the options and the attribute
        comparisons; when those bounds fit the limits, and the long tags (checked exactly,
        as in the model) break none, the model cannot refuse and need not run. This saves
        it on about half of real pages; anything unusual falls through to the model.
        """
        text, opts = self.text, self.opts
        tags = text.count("<")  # every tag, comment and stray '<': an upper bound
        if tags > opts.max_elements:
            return False
        counts = {"f": 0, "o": 0, "html": 0, "body": 0}
        first_foreign = len(text)
        for m in _SCREEN.finditer(text):
            if m.lastgroup == "foreign":
                first_foreign = min(first_foreign, m.start())
            else:
                counts[m.lastgroup or ""] += 1
        formatting = counts["f"] + 1  # and one <a>
        if tags + formatting >= opts.max_depth or counts["html"] > 1 or counts["body"] > 1:
            return False
        work = (tags * (tags + formatting + formatting * (_AFE_WEIGHT + 1))
                + _OPTION_WEIGHT * counts["o"] ** 2)
        if work > self.budget or (first_foreign < len(text) and not _foreign_is_plain(text)):
            return False  # (raw text after svg/math may be markup: the model rescans it)
        return self._long_tags_fit(work)

    def _long_tags_fit(self, work: int) -> bool:
        """The screen's exact check of long tags (length, attributes, their work)."""
        long_tag, max_tag, max_attributes = (
            self.long_tag, self.opts.max_tag_bytes, self.opts.max_attributes)
        for m in _TOKEN.finditer(self.text):
            start = m.start()
            if m.end() - start < long_tag or m[1] is not None:
                continue  # short, or a comment
            if m[2] is not None:  # raw text, none after svg/math: its content is text
                end, attrs, complete = m.end(4), m[3], True
            else:
                end, attrs, complete = m.end(), m[7], m[8] is not None
            if complete and end - start > max_tag:
                return False
            count = len(_ATTR.findall(attrs)) if end - start >= long_tag else 0
            work += count * count
            if count > max_attributes or work > self.budget:
                return False
        return True

    def run(self) -> None:
        pos: int | None = 0
        while pos is not None:
            pos = self._scan_from(pos)

    # One flat loop on purpose: a method call per tag would double the pre-scan's cost.
    def _scan_from(self, start: int) -> int | None:  # noqa: C901
        """Scan from ``start``; return where to resume scanning, or None to stop.

        The common tags (a generic, block, item, void or anchor start tag, a foreign start
        tag inside svg/math, an end tag closing the current node or nothing at all) are
        handled here, with the counters in locals; the rest go to ``_start``/``_end``.
        """
        text, stack, pos, long_tag = self.text, self.stack, self.pos, self.long_tag
        max_depth, max_elements, budget = self.opts.max_depth, self.opts.max_elements, self.budget
        special, item_stop, scope, native = self.special, self.item_stop, self.scope, self.native
        fast, slow_end, marks = _FAST_START, _SLOW_END, _MARKS
        work, elements, afe = self.work, self.elements, self.afe_total
        foreign_open = bool(self.svg or self.math)
        for m in _TOKEN.finditer(text, start):
            slash, name, close = m.group(5, 6, 8)
            if name is None:
                if m[2] is None:
                    continue  # a comment, consumed whole
                self.work, self.elements = work, elements
                resume = self._raw(m)
                if resume != 0:
                    return resume
                work, elements = self.work, self.elements
                continue
            begin, end = m.span()
            if close is None or end - begin >= long_tag:
                work += self._check_tag(begin, end, m[7], close is not None)
            name = name.lower()
            top = stack[-1] if stack else ""
            if slash:
                work += len(stack)
                if work > budget:
                    self._refuse_work(begin)
                if top == name and name not in slow_end:
                    stack.pop()
                    pos[name].pop()
                    depth = len(stack)
                    if special and special[-1] == depth:
                        special.pop()
                        if item_stop and item_stop[-1] == depth:
                            item_stop.pop()
                        if scope and scope[-1] == depth:
                            scope.pop()
                    if native and native[-1] == depth:
                        native.pop()
                    if name == "a" and self.anchor:
                        self.anchor = False
                        afe -= 1
                        self.afe_total = afe
                    continue
                if not pos.get(name) and top[:1] != _F and name not in _FORMATTING:
                    continue  # nothing to close: the parser ignores it
            else:
                entry = None
                if top[:1] == _F:
                    if top not in _FOREIGN_IP and name not in _BREAKOUT and name != "font":
                        entry = _F + name  # '/>' is not honoured: see the module docstring
                else:
                    kind = fast.get(name, _PUSH)
                    if kind is _VOID_KIND:
                        elements += 1
                        work += len(stack)
                        if elements > max_elements or work > budget:
                            self.work, self.elements = work, elements - 1
                            self._count_start(begin)  # raises, naming the limit
                        continue
                    if kind is _ANCHOR:
                        entry = name
                        if not self.anchor:  # else the adoption agency swaps the old one out
                            self.anchor = True
                            afe += 1
                            self.afe_total = afe
                    elif kind is _PUSH or (kind is not _SLOW and not (
                            pos.get(kind[0]) or pos.get(kind[-1]))):
                        entry = name
                if entry is not None:
                    depth = len(stack)
                    elements += 1
                    work += depth + afe * (_AFE_WEIGHT + 1)
                    if depth + afe >= max_depth or elements > max_elements or work > budget:
                        self.work, self.elements = work, elements - 1
                        self._count_start(begin)
                    stack.append(entry)
                    indices = pos.get(entry)
                    if indices is None:
                        pos[entry] = [depth]
                    else:
                        indices.append(depth)
                    mark = marks.get(entry)
                    if mark:
                        special.append(depth)
                        if mark & _ITEM_STOP_MARK:
                            item_stop.append(depth)
                        if mark & _SCOPE_MARK:
                            scope.append(depth)
                    if foreign_open and entry[0] != _F:
                        native.append(depth)
                    continue
            self.work, self.elements = work, elements
            resume = self._end(name) if slash else self._start(name, m[7], begin)
            if resume != 0:
                return resume
            work, elements, afe = self.work, self.elements, self.afe_total
            foreign_open = bool(self.svg or self.math)
        self.work, self.elements = work, elements
        return None

    # -- start tags ---------------------------------------------------------------------

    def _count_start(self, where: int) -> None:
        """Account for one start tag: elements, depth and work; refuse past a limit."""
        self.elements += 1
        if self.elements > self.opts.max_elements:
            self._refuse(f"more than max_elements={self.opts.max_elements} tags", where)
        depth = len(self.stack) + self.afe_total
        if depth >= self.opts.max_depth:
            self._refuse(f"elements nested deeper than max_depth={self.opts.max_depth}",
                         where)
        self.work += depth + self.afe_total * _AFE_WEIGHT
        if self.work > self.budget:
            self._refuse_work(where)

    def _raw(self, m: re.Match[str]) -> int | None:
        """A raw-text element matched with its content: skip it, or rescan it as markup."""
        where = m.start()
        if m.end(4) - where >= self.long_tag:
            self.work += self._check_tag(where, m.end(4), m[3], True)
        if self.svg or self.math:
            # Perhaps foreign content, where <style> or <title> hold markup: rescan it.
            self._start(m[2].lower(), m[3], where)
            return m.end(4)
        self._count_start(where)
        return 0

    def _start(self, name: str, attrs: str, where: int) -> int | None:
        """A start tag that needs a second look; 0 to go on, None to stop scanning."""
        stack = self.stack
        if stack and stack[-1][0] == _F and stack[-1] not in _FOREIGN_IP:
            if name not in _BREAKOUT and not (name == "font" and _FONT_BREAKOUT.search(attrs)):
                self._push(_F + name, where)  # '/>' is not honoured: see the module docstring
                return 0
            while stack and stack[-1][0] == _F and stack[-1] not in _FOREIGN_IP:
                self._pop_to(len(stack) - 1)
        if name in _VOID:
            self._count_start(where)
            return 0
        if name in self.merged or name == "head":
            self._merge(name, attrs, where)
            return 0
        if name == "plaintext" and not (self.svg or self.math):
            self._count_start(where)
            return None  # everything after it is text
        if not self._close_implied(name):
            self._count_start(where)  # ignored by the tree builder, still tokenized
            return 0
        return self._insert(name, attrs, where)

    def _insert(self, name: str, attrs: str, where: int) -> int:
        if name in _FORMATTING:
            self._add_formatting(name, attrs)
        if name == "svg" or name == "math":
            self._push(_F + name, where)
            if name == "svg":
                self.svg += 1
            else:
                self.math += 1
            return 0
        if name == "select":
            self.options_in_select = 0
        self._push(name, where)
        return 0

    def _close_implied(self, name: str) -> bool:
        """Pop what the tree builder closes before inserting ``name``; False: not inserted."""
        pos, stack = self.pos, self.stack
        if name in _CLOSES_P:
            p = _last(pos.get("p"))
            if p > max(_last(self.scope), _last(pos.get("button"))):
                self._pop_to(p)
        if name in _HEADINGS:
            if stack and stack[-1] in _HEADINGS:
                self._pop_to(len(stack) - 1)
        elif name == "li":
            self._close_to(_last(pos.get("li")), _last(self.item_stop),
                           _last(pos.get("dd")), _last(pos.get("dt")))
        elif name == "dd" or name == "dt":
            self._close_to(max(_last(pos.get("dd")), _last(pos.get("dt"))),
                           _last(self.item_stop), _last(pos.get("li")))
        elif name in _TABLE_SCOPED:
            return self._close_table_part(name)
        elif name == "button":
            self._close_to(_last(pos.get("button")), _last(self.scope))
        elif name == "option" or name == "optgroup":
            self._close_option(name)
        elif name == "select" and pos.get("select"):
            self._pop_to(pos["select"][-1])
            return False  # a <select> inside a <select> only closes it
        elif name == "form" and pos.get("form"):
            return False  # a nested form is ignored while one is open
        return True

    def _close_to(self, target: int, *stops: int) -> None:
        """Pop to ``target`` if no stop lies above it (all are stack indices, -1: none)."""
        if target > max(stops):
            self._pop_to(target)

    def _close_table_part(self, name: str) -> bool:
        """Cells, rows and row groups close their open predecessor; outside a table the
        tree builder ignores them (False)."""
        pos = self.pos
        if not (pos.get("table") or pos.get("template")):
            return False
        floor = max(_last(pos.get("table")), _last(pos.get("template")))
        if name in _CELLS:
            self._close_to(max(_last(pos.get("td")), _last(pos.get("th"))), floor)
        elif name == "tr":
            self._close_to(_last(pos.get("tr")), floor)
        elif name in _SECTIONS:
            self._close_to(max(_last(pos.get(section)) for section in _SECTIONS), floor)
        return True

    def _close_option(self, name: str) -> None:
        stack = self.stack
        if stack and stack[-1] == "option":
            self._pop_to(len(stack) - 1)
        if name == "optgroup" and self.pos.get("select") and stack[-1:] == ["optgroup"]:
            self._pop_to(len(stack) - 1)
        if name == "option" and stack[-1:] == ["select"]:
            # Lexbor re-runs the selectedness algorithm over every option on each insert.
            self.options_in_select += 1
            self.work += self.options_in_select * _OPTION_WEIGHT

    def _add_formatting(self, name: str, attrs: str) -> None:
        """Book a formatting element into the active formatting list (Noah's Ark: ≤ 3)."""
        if name == "a":
            if not self.anchor:  # at most one <a> is active: a new one swaps the old out
                self.anchor = True
                self.afe_total += 1
            return
        if name == "nobr" and self.afe_names.get(name):
            self._drop_formatting(name)  # the adoption agency removes the previous one
        key = f"{name} {attrs}"
        count = self.afe.get(key, 0) + 1
        self.afe[key] = count
        self.afe_names.setdefault(name, []).append(key)
        if count <= 3:
            self.afe_total += 1

    def _drop_formatting(self, name: str) -> None:
        if name == "a":
            if self.anchor:
                self.anchor = False
                self.afe_total -= 1
            return
        keys = self.afe_names.get(name)
        if keys:
            key = keys.pop()
            count = self.afe[key]
            if count <= 3:
                self.afe_total -= 1
            self.afe[key] = count - 1

    def _merge(self, name: str, attrs: str, where: int) -> None:
        """<html>/<body> again: the parser merges their attributes, quadratically."""
        self._count_start(where)
        if name in self.merged:
            self.merged[name] += len(_ATTR.findall(attrs))
            if self.merged[name] > self.opts.max_attributes:
                self._refuse(f"more than max_attributes={self.opts.max_attributes} "
                             f"attributes on all <{name}> tags together", where)

    # -- end tags -----------------------------------------------------------------------

    def _end(self, name: str) -> int:
        """An end tag the hot loop could not settle; always 0 (scanning goes on)."""
        if name in _FORMATTING:
            self._drop_formatting(name)
        stack = self.stack
        if name == "svg" or name == "math" or (stack and stack[-1][0] == _F):
            if self._end_foreign(name):
                return 0
        target = _last(self.pos.get(name))
        if target >= 0 and target > self._end_floor(name):
            self._pop_to(target)
        return 0

    def _end_foreign(self, name: str) -> bool:
        """Foreign content: an end tag closes the nearest foreign element of its name, if no
        HTML element lies above that; True if it did (or if nothing else can match)."""
        target = _last(self.pos.get(_F + name))
        if target < 0 or _last(self.native) > target:
            return name == "svg" or name == "math"  # HTML rules cannot close those
        self._pop_to(target)
        if name == "svg":
            self.svg -= 1
        elif name == "math":
            self.math -= 1
        return True

    def _end_floor(self, name: str) -> int:
        """The highest stack index that keeps an end tag from reaching its element."""
        pos = self.pos
        if name == "p":
            return max(_last(self.scope), _last(pos.get("button")))
        if name == "li":
            return max(_last(self.scope), _last(pos.get("ol")), _last(pos.get("ul")))
        if name in _TABLE_SCOPED:  # in table scope (and only inside a table)
            return max(_last(pos.get("table")), _last(pos.get("template")), 0)
        if name == "table":
            return _last(pos.get("template"))
        if name in _MARKS:  # "has an element in scope": the element may be a boundary itself
            return _last(self.scope) - 1
        return _last(self.special)  # any other end tag stops at a special element

    # -- the stack model ----------------------------------------------------------------

    def _push(self, entry: str, where: int) -> None:
        self._count_start(where)
        stack = self.stack
        index = len(stack)
        stack.append(entry)
        self.pos.setdefault(entry, []).append(index)
        mark = _MARKS.get(entry)
        if mark:
            self.special.append(index)
            if mark & _ITEM_STOP_MARK:
                self.item_stop.append(index)
            if mark & _SCOPE_MARK:
                self.scope.append(index)
        if (self.svg or self.math) and entry[0] != _F:
            self.native.append(index)

    def _pop_to(self, index: int) -> None:
        """Pop the stack down to ``index`` (that entry included)."""
        pos = self.pos
        for entry in self.stack[index:]:
            pos[entry].pop()
        del self.stack[index:]
        for marked in (self.special, self.item_stop, self.scope, self.native):
            while marked and marked[-1] >= index:
                marked.pop()

    # -- limits -------------------------------------------------------------------------
    def _check_tag(self, start: int, end: int, attrs: str, complete: bool) -> int:
        """Length and attribute limits for a long tag (or the unfinished last one).

        Returns the tag's work: the parser compares each attribute with the ones before it.
        Shorter tags are not counted: under _COUNTED_TAG bytes a tag holds at most 64
        attributes, so their cost grows only linearly with the input (max_input_bytes).
        """
        max_tag = self.opts.max_tag_bytes
        if complete and end - start > max_tag:
            self._refuse(f"a tag longer than max_tag_bytes={max_tag}", start)
        count = len(_ATTR.findall(attrs))
        if count > self.opts.max_attributes:
            self._refuse(f"a tag with {count} attributes (max_attributes="
                         f"{self.opts.max_attributes})", start)
        return count * count

    def _refuse_work(self, where: int | None) -> None:
        self._refuse(f"a tree too costly to build (more than {self.budget} stack steps, "
                     f"max_depth={self.opts.max_depth} × {_WORK_PER_DEPTH})", where)

    def _refuse(self, what: str, where: int | None) -> None:
        place = ""
        if where is not None:
            line = self.text.count("\n", 0, where) + 1
            place = f" at line {line}, offset {where}"
        raise DocumentTooComplex(f"refused before parsing: {what}{place}")
