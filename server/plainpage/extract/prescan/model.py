"""The scan: one linear pass over the tokens, applying the tree builder's rules.

What it models and why is told in the package docstring (``prescan/__init__.py``); the
state it works on is ``stack._Stack``.
"""

from __future__ import annotations

import re

from . import screen
from .grammar import (
    _AFE_WEIGHT,
    _ANCHOR,
    _ASCII_LOWER,
    _ATTR,
    _BREAKOUT,
    _CELLS,
    _CLOSES_P,
    _F,
    _FAST_START,
    _FONT_BREAKOUT,
    _FOREIGN_IP,
    _FORMATTING,
    _HEADINGS,
    _ITEM_STOP_MARK,
    _MARKS,
    _OPTION_WEIGHT,
    _PUSH,
    _SCOPE_MARK,
    _SECTIONS,
    _SLOW,
    _SLOW_END,
    _TABLE_SCOPED,
    _TOKEN,
    _TOKEN_FOREIGN,
    _VOID,
    _VOID_KIND,
)
from .stack import _Stack


def _last(indices: list[int] | None) -> int:
    return indices[-1] if indices else -1


class _Scan(_Stack):
    """One pass over one document; the modelled stack of open elements is ``_Stack``'s."""

    __slots__ = ()

    def provably_cheap(self, utf8: bytes | None = None) -> bool:
        """True when counts alone prove that ``run`` would accept the document (``screen``);
        ``utf8``: the text encoded as UTF-8, if at hand (it counts faster)."""
        return screen.provably_cheap(self.text, self.opts, self.budget, utf8)

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
        token = _TOKEN_FOREIGN if foreign_open and self.foreign_raw else _TOKEN  # see _raw
        for m in token.finditer(text, start):
            slash, name, close = m.group(5, 6, 8)
            if name is None:
                if m[2] is not None:  # else a comment, consumed whole
                    self.work, self.elements = work, elements
                    resume = self._raw(m)
                    if resume:
                        return resume
                    work, elements = self.work, self.elements
                continue
            begin, end = m.span()
            if close is None or end - begin >= long_tag:
                work += self._check_tag(begin, end, m[7], close is not None)
            # grammar._lower, inlined (a call per tag is a tenth of this loop)
            name = name.lower() if name.isascii() else name.translate(_ASCII_LOWER)
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
            if bool(self.svg or self.math) != foreign_open:
                if self.foreign_raw:
                    return m.end()  # svg/math opened or all closed: switch tokenizers
                foreign_open = not foreign_open
            work, elements, afe = self.work, self.elements, self.afe_total
        self.work, self.elements = work, elements
        return None

    # -- start tags ---------------------------------------------------------------------

    def _raw(self, m: re.Match[str]) -> int:
        """A raw-text start tag; 0 to go on, or where to resume scanning.

        With svg/math closed it comes with its content, which is skipped. With them open
        the content may be markup (foreign content, where <style> or <title> hold
        elements): the tag is placed as a start tag and the content read on as tokens. If
        ``_TOKEN`` matched the content too, scanning resumes after the tag, and from then
        on ``_TOKEN_FOREIGN`` (the tag alone) reads whatever svg/math holds: matching the
        content again and again made nested raw-text start tags quadratic (``<svg>
        <script>`` + ``<script>`` × 100 000: 40 s). Before that, ``_TOKEN`` is kept, to
        spare svg icons two restarts each.
        """
        where = m.start()
        if m.end(4) - where >= self.long_tag:
            self.work += self._check_tag(where, m.end(4), m[3], True)
        if not (self.svg or self.math):
            self._count_start(where)
            return 0
        self._start(m[2].lower(), m[3], where)
        if m.end() == m.end(4):
            return 0
        self.foreign_raw = True
        return m.end(4)

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
