"""The state of one scan: the modelled stack of open elements, its counters and limits.

``_Stack`` holds what the scan knows and the primitive steps on it (count a start tag,
push, pop, check a long tag, refuse); ``model._Scan`` drives it from the tokens with the
tree builder's rules.
"""

from __future__ import annotations

from ...errors import DocumentTooComplex
from ...options import Options
from .grammar import (
    _AFE_WEIGHT,
    _ATTR,
    _COUNTED_TAG,
    _F,
    _ITEM_STOP_MARK,
    _MARKS,
    _SCOPE_MARK,
    _WORK_PER_DEPTH,
)


class _Stack:
    """The modelled stack of open elements of one document, with its counters."""

    __slots__ = ("text", "opts", "stack", "pos", "special", "item_stop", "scope", "native",
                 "elements", "work", "budget", "afe", "afe_names", "afe_total", "anchor",
                 "options_in_select", "svg", "math", "foreign_raw", "merged", "long_tag")

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
        self.foreign_raw = False              # raw text seen in svg/math (see _Scan._raw)
        self.merged = {"html": 0, "body": 0}
        # Tags shorter than this cannot break the length or attribute limits (an attribute
        # takes at least two bytes), so the hot loop does not count their attributes.
        self.long_tag = min(_COUNTED_TAG, options.max_tag_bytes, 2 * options.max_attributes)

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
