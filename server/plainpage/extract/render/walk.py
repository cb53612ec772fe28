"""The render walk: one pass over the content root that turns nodes into Blocks.

Block-level elements end the paragraph being built and start their own blocks; inline
elements add to it (``inline.Inline``). The walker's state is where blocks go (``out``:
the root, a quote or a list item), the paragraph in the making (``para``) and what a
finished paragraph becomes (``kind``: "p" paragraph, "h" heading, "dt" term, or "cell",
where block boundaries are line breaks inside one table cell or caption).

Dispatch is by Lexbor's numeric tag id (reading ``tag_id`` costs a third of ``tag``, which
builds a string); the ids of the standard tags are read once, at import, from a probe
document. Custom and unknown elements fall back to their name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...model import Block
from ...options import Options
from . import blocks, figures, notes, pre, tables
from .inline import BR, MARK, Inline, link_marks
from .sanitize import Urls, escape_attr

__all__ = ["walk"]

_MAX_STATIC_ID = 4096  # Lexbor's own tag ids are below ~200; bigger ones are per document
_MAX_DEPTH = 150  # deeper subtrees become plain text: Python's recursion limit is near
# The opening and closing marks (text, Markdown, HTML) of inline formatting elements.
_FORMATS = {
    tag: (("", md_mark, f"<{out}>"), ("", md_mark, f"</{out}>"))
    for tag, md_mark, out in (
        ("em", "*", "em"), ("i", "*", "i"), ("cite", "*", "em"), ("dfn", "*", "em"),
        ("var", "*", "em"), ("strong", "**", "strong"), ("b", "**", "b"), ("s", "~~", "s"),
        ("strike", "~~", "s"), ("del", "~~", "del"), ("ins", "", "ins"), ("sub", "", "sub"),
        ("sup", "", "sup"), ("mark", "", "mark"), ("small", "", "small"))
}
_MATH_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})  # MathML's visible text
_PERMALINKS = frozenset({"", "\u00b6", "\u00a7", "#", "\U0001f517"})  # ¶ § # 🔗
_QUOTES = (("\u201c", "\u201c", "<q>"), ("\u201d", "\u201d", "</q>"))
# Elements that never hold readable content (clean should have removed most already);
# a <label> names a form control, which is skipped too.
SKIP = frozenset({
    "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "param",
    "canvas", "svg", "input", "select", "textarea", "head", "title", "meta",
    "link", "base", "audio", "video", "source", "track", "map", "area", "datalist", "option",
    "optgroup", "portal", "rp", "dialog", "slot", "wbr", "label",
})
# Containers whose content flows as blocks of its own.
BLOCKS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "header", "footer", "aside",
    "nav", "address", "center", "details", "summary", "form", "fieldset", "legend", "hgroup",
    "search", "li", "dd", "dl", "figcaption", "caption", "thead", "tbody", "tfoot", "tr",
    "td", "th", "colgroup", "col", "marquee", "noframes",
})
# Inline elements without markup of their own: only their content counts.
TRANSPARENT = frozenset({
    "span", "font", "time", "u", "bdi", "bdo", "big", "nobr", "data", "output",
    "ruby", "rt", "rb", "meter", "progress", "tt", "blink",
    "button",  # only long-texted ones survive clean: accordion and FAQ questions
})


class Walker:
    """Turns one content root into a list of blocks (see the module docstring)."""

    __slots__ = ("depth", "drops", "fig_bare", "fig_len", "fig_out", "images", "kind", "level",
                 "links", "out", "para", "tables", "urls")

    def __init__(self, urls: Urls, drops: frozenset[int], options: Options) -> None:
        self.urls, self.drops = urls, drops
        self.images, self.tables = options.include_images, options.include_tables
        self.links = options.include_links
        self.out: list[Block] = []
        self.para = Inline()
        self.kind, self.level, self.depth = "p", 0, 0
        self.fig_out: list[Block] | None = None  # where the last image went, and its index
        self.fig_len = -1
        self.fig_bare = False  # that image named no source but a bare src (see noscript)

    # --- the walk -------------------------------------------------------------------

    def children(self, node: LexborNode) -> None:
        """Visit the children of ``node`` in order (the hot loop: kept flat on purpose)."""
        if self.depth >= _MAX_DEPTH and self.too_deep(node):
            return
        self.depth += 1
        drops = self.drops
        table = _CELL if self.kind == "cell" else _DISPATCH
        child = node.first_child
        while child is not None:
            tid = child.tag_id
            if tid == _TEXT:  # Inline.add, inlined: this runs for every text node
                text = child.text_content
                if text:
                    para = self.para
                    if text.isspace():
                        if para.has_text:
                            para.parts.append(" ")
                    else:
                        para.parts.append(text.replace(MARK, "") if MARK in text else text)
                        para.has_text = True
                        para.after_br = False
            elif tid != _COMMENT and not (drops and child.mem_id in drops):
                (table.get(tid) or self._by_name(child))(self, child)
            child = child.next
        self.depth -= 1

    def too_deep(self, node: LexborNode) -> bool:
        """At ``_MAX_DEPTH``, ``node`` becomes plain text. Handlers that visit children
        themselves instead of through ``children()`` count ``depth`` and ask this too."""
        if self.depth < _MAX_DEPTH:
            return False
        self.para.add(node.text(separator=" "))
        return True

    def _by_name(self, node: LexborNode) -> Handler:
        """The handler of a tag the id table does not know (custom elements, mostly)."""
        tag = node.tag
        if not tag or tag[0] == "-":  # None: a processing instruction (<?php … ?>)
            return Walker.skip
        found = (_CELL_NAMED if self.kind == "cell" else _NAMED).get(tag)
        return found or (Walker.block if "-" in tag else Walker.children)

    def visit(self, node: LexborNode) -> None:
        """Visit one node of any kind (used outside the hot loop)."""
        tid = node.tag_id
        if tid == _TEXT:
            self.para.add(node.text_content)
        elif tid != _COMMENT and not (self.drops and node.mem_id in self.drops):
            table = _CELL if self.kind == "cell" else _DISPATCH
            (table.get(tid) or self._by_name(node))(self, node)

    def flush(self) -> None:
        """End the paragraph in the making, emitting it as a block of the current kind."""
        para = self.para
        if not para.has_text:
            if para.parts:
                self.para = Inline()
            return
        kind = self.kind
        if kind == "cell":  # a block boundary inside a cell: a line break
            if not para.after_br:
                para.parts.append(BR)
                para.after_br = True
            return
        if kind == "h":
            block = blocks.heading(para, self.level)
        elif kind == "dt":
            block = blocks.term(para)
        else:
            block = blocks.paragraph(para)
        self.para = Inline()
        if block is not None:
            self.out.append(block)

    def contained(self, node: LexborNode) -> list[Block]:
        """The blocks found inside ``node``, collected apart from the current output."""
        self.flush()
        saved = self.out, self.kind
        self.out, self.kind = [], "p"
        self.children(node)
        self.flush()
        found = self.out
        self.out, self.kind = saved
        return found

    def capture(self, node: LexborNode) -> tuple[str, str, str]:
        """The text, Markdown and HTML of ``node`` as one line each (cells, captions)."""
        saved = self.para, self.kind
        self.para, self.kind = Inline(), "cell"
        self.children(node)
        texts, mds, htmls = self.para.lines()
        self.para, self.kind = saved
        return " ".join(texts), " ".join(mds), "<br>".join(htmls)

    # --- block handlers ---------------------------------------------------------------

    def block(self, node: LexborNode) -> None:
        # Most block elements meet an empty paragraph (nothing added: nothing to flush);
        # testing here saves a call per side of the commonest element.
        if self.para.parts:
            self.flush()
        self.children(node)
        if self.para.parts:
            self.flush()

    def as_kind(self, node: LexborNode, kind: str, level: int) -> None:
        """Walk ``node`` with its paragraphs becoming ``kind`` blocks (headings, terms)."""
        self.flush()
        saved = self.kind, self.level
        self.kind, self.level = kind, level
        self.children(node)
        self.flush()
        self.kind, self.level = saved

    def rule(self, node: LexborNode) -> None:
        self.flush()
        if self.out and self.out[-1].type != "rule":
            self.out.append(blocks.rule())

    def br(self, node: LexborNode) -> None:
        if self.para.br():
            self.flush()

    def quote(self, node: LexborNode) -> None:
        found = blocks.quote(self.contained(node))
        if found is not None:
            self.out.append(found)

    def pre(self, node: LexborNode) -> None:
        self.flush()
        found = blocks.code(pre.text(node), pre.language(node))
        if found is not None:
            self.out.append(found)

    def listing(self, node: LexborNode, ordered: bool) -> None:
        self.flush()
        if self.too_deep(node):
            return
        start = tables.span(node.attributes.get("start")) if ordered else 1
        saved = self.out, self.kind
        self.kind = "p"
        items = self._items(node)
        self.out, self.kind = saved
        found = blocks.listing(items, ordered, start)
        if found is not None:
            self.out.append(found)

    def _items(self, node: LexborNode) -> list[list[Block]]:
        """The blocks of each item; content outside any ``<li>`` becomes an item too."""
        items: list[list[Block]] = []
        self.out = []
        self.depth += 1  # lists nested straight in lists never pass through children()
        for child in node.iter(include_text=True):
            tid = child.tag_id
            if tid == _LI and not (self.drops and child.mem_id in self.drops):
                self._loose_item(items)
                items.append(self.contained(child))
            elif tid in _LISTS and items and not self.out and not self.para.has_text:
                loose, self.out = self.out, items[-1]  # a list nested straight in a list
                self.visit(child)                      # belongs to the item before it
                self.out = loose
            else:
                self.visit(child)
        self.depth -= 1
        self._loose_item(items)
        return items

    def _loose_item(self, items: list[list[Block]]) -> None:
        self.flush()
        if self.out:
            items.append(self.out)
            self.out = []

    def table(self, node: LexborNode) -> None:
        self.flush()
        grid = tables.scan(node, self.drops)
        if tables.is_layout(node, grid):
            self.children(node)  # its rows and cells are plain containers
            self.flush()
            return
        if not self.tables:
            return
        if grid.caption is not None:
            self.block(grid.caption)
        rows = [[self._cell(cell) for cell in row] for row in grid.rows]
        found = blocks.table(rows, grid.header_rows)
        if found is not None:
            self.out.append(found)

    def _cell(self, cell: LexborNode) -> blocks.Cell:
        attrs = cell.attributes
        text, markdown, html = self.capture(cell)
        return blocks.Cell(text, markdown, html, cell.tag_id == _TH,
                           tables.span(attrs.get("colspan")), tables.span(attrs.get("rowspan")))

    # --- inline handlers --------------------------------------------------------------

    def formatted(self, node: LexborNode, marks: tuple[tuple[str, str, str], ...]) -> None:
        text = _only_text(node)
        if text is not None:  # the common case, a run of text: no mark-and-wrap needed
            self.para.add_wrapped(text, marks[0], marks[1])
            return
        para = self.para
        start = para.mark()
        self.children(node)
        if self.para is para:  # no block boundary inside: wrap what was added
            para.wrap(start, marks[0], marks[1])

    def link(self, node: LexborNode) -> None:
        raw = node.attrs.get("href")
        if raw and raw[0] == "#":
            text = _only_text(node)
            text = node.text(deep=True) if text is None else text
            if text.strip() in _PERMALINKS or notes.is_backlink(node, text):
                return  # a heading's "¶" self-link or a note's "↩", not text
            label = notes.linked_sup(node)
            if label:
                notes.reference(self, raw, label)
                return
        href = self.urls.link(raw) if self.links else None
        if href is None:
            self.children(node)
        else:
            self.formatted(node, link_marks(href))

    def abbr(self, node: LexborNode) -> None:
        title = " ".join((node.attrs.get("title") or "").split())
        attr = f' title="{escape_attr(title)}"' if title else ""
        self.formatted(node, (("", "", f"<abbr{attr}>"), ("", "", "</abbr>")))

    def code(self, node: LexborNode) -> None:
        self.para.add_code(node.text())

    def skip(self, node: LexborNode) -> None:
        pass

    def math(self, node: LexborNode) -> None:
        """MathML as text, its tokens spaced ("a x 2 + b x + c = 0"; the sanitised HTML
        holds no MathML), its annotations (a TeX copy) left out; display math is a line of
        its own. MathJax's copy for screen readers, beside its visual rendering, is skipped
        (the rendering's text is already there)."""
        parent = node.parent
        if parent is not None and "assistive" in (parent.attrs.get("class") or "").lower():
            return
        text = " ".join(_math_text(node).split())
        if not text:
            return
        if (node.attrs.get("display") or "").strip().lower() == "block":
            self.flush()
            self.para.add(text)
            self.flush()
        else:
            self.para.add(f" {text} ")


def _math_text(node: LexborNode) -> str:
    """The text of MathML's token elements: nothing else in <math> is shown as text (a
    <style> smuggled inside is markup a browser never displays)."""
    parts = []
    for sub in node.traverse(include_text=True):
        if sub.tag_id == _TEXT:
            parent = sub.parent
            if parent is not None and parent.tag in _MATH_TOKENS \
                    and not _in_annotation(sub, node):
                parts.append(sub.text_content or "")
    return " ".join(parts)


def _in_annotation(text: LexborNode, math: LexborNode) -> bool:
    parent = text.parent
    while parent is not None and parent.mem_id != math.mem_id:
        if parent.tag in ("annotation", "annotation-xml"):
            return True
        parent = parent.parent
    return False


def _only_text(node: LexborNode) -> str | None:
    """The text of ``node`` when its one child is a text node, else None."""
    child = node.first_child
    if child is not None and child.tag_id == _TEXT and child.next is None:
        return child.text_content
    return None


Handler = Callable[[Walker, LexborNode], None]


def _heading(level: int) -> Handler:
    return lambda w, node: w.as_kind(node, "h", level)


def _formatted(marks: tuple[tuple[str, str, str], ...]) -> Handler:
    return lambda w, node: w.formatted(node, marks)


_NAMED: dict[str, Handler] = {
    **{tag: Walker.skip for tag in SKIP},
    **{tag: Walker.block for tag in BLOCKS},
    **{tag: Walker.children for tag in TRANSPARENT},
    **{f"h{n}": _heading(n) for n in range(1, 7)},
    **{tag: _formatted(marks) for tag, marks in _FORMATS.items()},
    **{tag: (lambda w, node: w.listing(node, False)) for tag in ("ul", "menu", "dir")},
    **{tag: Walker.code for tag in ("code", "kbd", "samp")},
    **{tag: figures.img for tag in ("img", "amp-img", "image")},
    "ol": lambda w, node: w.listing(node, True),
    "dt": lambda w, node: w.as_kind(node, "dt", 0),
    "q": _formatted(_QUOTES),
    "hr": Walker.rule, "br": Walker.br, "blockquote": Walker.quote, "pre": Walker.pre,
    "table": Walker.table, "figure": figures.figure, "picture": figures.picture,
    "noscript": figures.noscript, "a": Walker.link, "abbr": Walker.abbr,
    "acronym": Walker.abbr, "math": Walker.math,
    "sup": lambda w, node: notes.sup(w, node, _FORMATS["sup"]),
}
# Inside a table cell or a caption everything is flattened to lines of inline content.
_CELL_NAMED: dict[str, Handler] = {
    **_NAMED,
    **{tag: Walker.block for tag in (
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "menu", "dir", "li", "dt",
        "blockquote", "pre", "table", "figure", "hr")},
    # A <noscript> copy of a lazy image would show it twice in the cell.
    "noscript": Walker.skip,
}


def _tag_ids() -> dict[str, int]:
    """Lexbor's numeric id of every tag named above, read from a probe document.

    Standard tags have fixed, small ids; a tag Lexbor does not know gets an id made per
    document (a pointer), which could name another tag elsewhere, so those are left out.
    A tag missing here is still handled, through ``Walker._by_name``.
    """
    nested = {"html", "body", "head", "table", "caption", "colgroup", "col", "thead",
              "tbody", "tfoot", "tr", "td", "th", "select", "optgroup", "option"}
    probe = ("<table><caption></caption><colgroup><col></colgroup><thead><tr><th></th></tr>"
             "</thead><tbody><tr><td></td></tr></tbody><tfoot></tfoot></table>"
             "<select><optgroup><option></option></optgroup></select><p>t<!--c--></p>"
             + "".join(f"<{tag}></{tag}>" for tag in sorted(set(_NAMED) - nested)))
    root = LexborHTMLParser(probe).root
    assert root is not None
    return {node.tag: node.tag_id for node in root.traverse(include_text=True)
            if node.tag_id < _MAX_STATIC_ID}


_IDS = _tag_ids()
_TEXT, _COMMENT = _IDS["-text"], _IDS["-comment"]
_LI, _TH = _IDS["li"], _IDS["th"]
_LISTS = frozenset({_IDS["ul"], _IDS["ol"]})
_DISPATCH = {_IDS[tag]: handler for tag, handler in _NAMED.items() if tag in _IDS}
_CELL = {_IDS[tag]: handler for tag, handler in _CELL_NAMED.items() if tag in _IDS}


def walk(roots: Sequence[LexborNode], urls: Urls, drops: frozenset[int],
         options: Options) -> list[Block]:
    """The blocks of ``roots`` (and of nothing outside them), in reading order."""
    walker = Walker(urls, drops, options)
    for root in roots:
        walker.visit(root)
        walker.flush()
    out = walker.out
    while out and out[-1].type == "rule":
        out.pop()
    return out
