"""The screen: counts that prove, without the stack model, that a document is cheap.

Run before the model on every document (see ``_Scan.provably_cheap``); it needs only the
scan's text, options, work budget and long-tag threshold, never the modelled stack.
"""

from __future__ import annotations

from ...options import Options
from .grammar import (
    _AFE_WEIGHT,
    _ATTR,
    _FOREIGN_TAG,
    _OPTION_WEIGHT,
    _RAW_OR_COMMENT,
    _SCREEN,
    _TOKEN,
)


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


def provably_cheap(text: str, opts: Options, budget: int, long_tag: int) -> bool:
    """True when counts alone prove that ``run`` would accept the document.

    The model's depth is at most the tags plus the formatting elements, its work at
    most tags × (depth + re-created formatting) plus the options and the attribute
    comparisons; when those bounds fit the limits, and the long tags (checked exactly,
    as in the model) break none, the model cannot refuse and need not run. This saves
    it on about half of real pages; anything unusual falls through to the model.
    """
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
    if work > budget or (first_foreign < len(text) and not _foreign_is_plain(text)):
        return False  # (raw text after svg/math may be markup: the model rescans it)
    return _long_tags_fit(text, opts, budget, long_tag, work)


def _long_tags_fit(text: str, opts: Options, budget: int, long_tag: int, work: int) -> bool:
    """The screen's exact check of long tags (length, attributes, their work)."""
    max_tag, max_attributes = opts.max_tag_bytes, opts.max_attributes
    for m in _TOKEN.finditer(text):
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
        if count > max_attributes or work > budget:
            return False
    return True
