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
tag, unlisted elements nested deep). But the model's bounds are far from its limits on real
pages, so a screen (``screen.py``) first reads the tags in C (``_stops.c``, or ``re`` where
that was not built), stopping only at the few that matter (formatting, option, html/body,
svg/math, raw text after svg/math, many attributes), and proves from what it counted that
the model would accept; only what it cannot prove gets the model (118 of the 1 945 corpus
pages, the biggest mostly, and every hostile document). It is a model, not the parser: the
work budget of a worker process remains the backstop.
"""

from __future__ import annotations

from ...errors import DocumentTooComplex
from ...options import Options
from .model import _Scan

__all__ = ["check"]


def check(text: str, options: Options, utf8: bytes | None = None) -> None:
    """Raise ``DocumentTooComplex`` if parsing ``text`` would cost far too much. ``utf8``,
    when given, is ``text`` encoded as UTF-8 (``decode.Decoded.utf8``): the screen counts
    the '<' faster there."""
    if len(text) > options.max_input_bytes:
        raise DocumentTooComplex(
            f"refused before parsing: {len(text)} characters exceed max_input_bytes="
            f"{options.max_input_bytes}")
    scan = _Scan(text, options)
    if not scan.provably_cheap(utf8):
        scan.run()
