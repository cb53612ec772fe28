"""Turning corpus bytes into text: page decoding and HTML → plain text with block breaks.

Both the readability-lxml adapter (its ``summary()`` is HTML) and the Mozilla loader (its
``expected.html``) need the *text* of an HTML fragment. Block elements end a line, so words
of adjacent paragraphs never glue into one token; inline elements add nothing, so
``<b>foo</b>bar`` stays ``foobar`` as a browser would render it.
"""

from __future__ import annotations

import codecs
import inspect
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "-comment"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: A page that is UTF-8 but for a few broken bytes (a truncated character) stays UTF-8.
_MAX_BAD_UTF8 = 8


def decode_page(data: bytes) -> str:
    """Decode a stored page: UTF-8; else its declared ``<meta charset>``; else UTF-8 if only
    a few bytes are broken (a truncated character); else cp1252.

    Every extractor gets this same ``str``, so none is charged for (or helped by) its own
    charset detection.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:8192])
    if match:
        try:
            codec = codecs.lookup(match.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            codec = ""
        if codec and codec not in ("utf-8", "utf-8-sig"):
            return data.decode(codec, errors="replace")
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= _MAX_BAD_UTF8:
        return lenient
    return data.decode("cp1252", errors="replace")


def html_text(html: str) -> str:
    """Plain text of an HTML document or fragment, one line per block element."""
    if not html.strip():
        return ""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts)
    return tidy_lines("".join(parts))


def _walk(root: LexborNode, parts: list[str]) -> None:
    # Iterative depth-first walk: deep fragments must not hit Python's recursion limit.
    # A ``None`` on the stack marks the end of a block element.
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            parts.append("\n")
            continue
        if node.is_text_node:
            parts.append(node.text_content or "")
            continue
        tag = node.tag
        if tag in _SKIP_TAGS or not (node.is_element_node or node.is_document_node):
            continue
        if tag in BLOCK_TAGS:
            parts.append("\n")
            stack.append(None)
        children = list(node.iter(include_text=True))
        stack.extend(reversed(children))


#: The elements whose survival the Mozilla fidelity rates count (issue 6's images, tables
#: and code blocks), by the tag counted.
FIDELITY_TAGS = ("img", "table", "pre")


def count_elements(html: str) -> dict[str, int]:
    """How many ``<img>``, ``<table>`` and ``<pre>`` elements an HTML fragment holds."""
    if not html.strip():
        return dict.fromkeys(FIDELITY_TAGS, 0)
    tree = LexborHTMLParser(html)
    return {tag: len(tree.css(tag)) for tag in FIDELITY_TAGS}


def tidy_lines(text: str) -> str:
    """Collapse spaces inside lines and drop empty lines (tokens are unchanged)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def converter_source() -> str:
    """Source of the HTML → text conversion, for cache keys of outputs that depend on it
    (page decoding is not part of it: the page hash already covers the decoded input)."""
    parts = [inspect.getsource(f) for f in (html_text, _walk, tidy_lines)]
    return "".join(parts) + repr(sorted(BLOCK_TAGS)) + repr(sorted(_SKIP_TAGS))
