"""``<pre>`` for the render walk: its exact text and the language the page names for it."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

__all__ = ["language", "text"]

_LANGUAGE = re.compile(
    r"(?:^|\s)(?:language-|lang-|highlight-(?:source-)?|brush:\s*)([\w+#.-]{1,30})", re.I)


def text(node: LexborNode) -> str:
    """The exact text of a ``<pre>``, with any ``<br>`` inside it as a newline."""
    if node.css_first("br") is None:
        return node.text()
    parts = []
    for sub in node.traverse(include_text=True):
        if sub.tag == "-text":
            parts.append(sub.text_content or "")
        elif sub.tag == "br":
            parts.append("\n")
    return "".join(parts)


def language(node: LexborNode) -> str | None:
    """The code language named on a ``<pre>`` or its ``<code>`` (class or data-lang)."""
    for sub in (node, node.css_first("code")):
        if sub is None:
            continue
        attrs = sub.attributes
        named = attrs.get("data-lang") or attrs.get("data-language") or ""
        found = _LANGUAGE.search(attrs.get("class") or "")
        name = found.group(1) if found else named.strip()
        if name and len(name) <= 30 and name.replace("-", "").isalnum():
            return name.lower()
    return None
