"""The inline accumulator of the render stage: one paragraph's text, Markdown and HTML.

The walk appends raw text nodes to one list. Inline markup (emphasis, links, code spans,
quotation marks) is stored apart, in ``marks``, with a ``MARK`` character standing in the
text where it goes. When the paragraph is finished its raw text is joined, whitespace is
collapsed and the text is escaped once for Markdown and once for HTML — a few calls per
paragraph instead of several per text node — and then the marks are put back in.

``<br>`` is a ``BR`` (NUL) character until then: Lexbor drops NUL from text. A page can
hold a literal ``MARK`` (\\x01) in its text, so ``add`` strips it.
"""

from __future__ import annotations

from . import markdown as md
from .sanitize import LINK_REL, escape_attr, escape_text, md_url

__all__ = ["BR", "MARK", "Inline", "Lines", "collapse", "link_marks"]

BR = "\x00"
MARK = "\x01"
_MARK_OR_BR = BR + MARK
Mark = tuple[str, str, str]  # the same piece of markup as (text, Markdown, HTML)
Lines = tuple[list[str], list[str], list[str]]


class Inline:
    """One paragraph in the making (see the module docstring).

    The marks are kept as three parallel lists, one per format, so finishing a paragraph
    hands each format its pieces without rebuilding them.
    """

    __slots__ = ("after_br", "has_text", "mark_html", "mark_md", "mark_text", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mark_text: list[str] = []
        self.mark_md: list[str] = []
        self.mark_html: list[str] = []
        self.has_text = False  # any visible character yet
        self.after_br = False  # the last visible thing was a <br>

    def add(self, raw: str) -> None:
        """Append a text node's raw text (entities already decoded by the parser)."""
        if not raw or raw.isspace():
            if self.has_text:  # a separator between words; leading space is dropped
                self.parts.append(" ")
            return
        if MARK in raw:  # a page may hold a literal \x01; it must not pose as a mark
            raw = raw.replace(MARK, "")
        self.parts.append(raw)
        self.has_text = True
        self.after_br = False

    def add_mark(self, text: str, markdown: str, html: str) -> None:
        """Append a piece of markup the caller made safe for each format."""
        self.parts.append(MARK)
        self.mark_text.append(text)
        self.mark_md.append(markdown)
        self.mark_html.append(html)
        if text.strip():
            self.has_text = True
            self.after_br = False

    def add_code(self, raw: str) -> None:
        """Append an inline code span (literal in Markdown: no escaping inside)."""
        code = " ".join(raw.split())
        if code:
            self.add_mark(code, md.code_span(code),
                          f"<code>{escape_text(code)}</code>")

    def br(self) -> bool:
        """Record a ``<br>``; True when it is the second in a row (the paragraph splits)."""
        if not self.has_text:
            return False
        if self.after_br:
            return True
        self.parts.append(BR)
        self.after_br = True
        return False

    def mark(self) -> tuple[int, int]:
        """Where an inline element starts, for ``wrap``."""
        return len(self.parts), len(self.mark_md)

    def wrap(self, start: tuple[int, int], opening: Mark, closing: Mark) -> bool:
        """Put everything added since ``start`` between two marks.

        Whitespace at the edges moves outside ("* foo *" is not emphasis); an element
        with nothing visible inside is not wrapped at all (False).
        """
        p0, k0 = start
        parts = self.parts
        inner = parts[p0] if len(parts) == p0 + 1 else "".join(parts[p0:])
        core = inner.strip()
        if not core.strip(_MARK_OR_BR) and not any(t.strip() for t in self.mark_text[k0:]):
            return False
        if len(core) == len(inner):
            parts[p0:] = [MARK, core, MARK]
        else:
            lead = inner[: len(inner) - len(inner.lstrip())]
            parts[p0:] = [lead, MARK, core, MARK, inner[len(inner.rstrip()):]]
        self.mark_text.insert(k0, opening[0])
        self.mark_md.insert(k0, opening[1])
        self.mark_html.insert(k0, opening[2])
        self.mark_text.append(closing[0])
        self.mark_md.append(closing[1])
        self.mark_html.append(closing[2])
        return True

    def add_wrapped(self, raw: str, opening: Mark, closing: Mark) -> None:
        """Append one text node between two marks: ``wrap`` for the common inline
        element that holds nothing but text, without re-joining and re-splitting."""
        core = raw.strip()
        if MARK in core:
            core = core.replace(MARK, "")
        if not core:
            self.add(raw)
            return
        parts = self.parts
        if self.has_text and raw[0].isspace():
            parts.append(" ")
        parts += (MARK, core, MARK)
        if raw[-1].isspace():
            parts.append(" ")
        self.mark_text += (opening[0], closing[0])
        self.mark_md += (opening[1], closing[1])
        self.mark_html += (opening[2], closing[2])
        self.has_text = True
        self.after_br = False

    def lines(self) -> Lines:
        """The finished paragraph: its non-empty lines as text, Markdown and HTML. Soft
        hyphens stay in the HTML and Markdown (invisible break hints) and leave the text,
        where they would split words for search and copy."""
        raw = "".join(self.parts)
        if not self.mark_md and BR not in raw:  # one line of plain text: most paragraphs
            line = collapse(raw)
            if not line:
                return [], [], []
            text = line.replace("\xad", "") if "\xad" in line else line
            return [text], [md.escape(line)], [escape_text(line)]
        texts, mds, htmls = self._lines(raw)
        if "\xad" in "".join(texts):  # one scan (joining one line copies nothing)
            texts = [text.replace("\xad", "") for text in texts]
        return texts, mds, htmls

    def _lines(self, raw: str) -> Lines:
        if BR not in raw:
            line = collapse(raw)
            if not line:
                return [], [], []
            return self._fill(line, 0, len(self.mark_md))
        texts: list[str] = []
        mds: list[str] = []
        htmls: list[str] = []
        k = 0
        for part in raw.split(BR):
            line = collapse(part)
            if line:
                n = line.count(MARK)
                text, markdown, html = self._fill(line, k, k + n)
                k += n
                texts += text
                mds += markdown
                htmls += html
        return texts, mds, htmls

    def _fill(self, line: str, k0: int, k1: int) -> Lines:
        """Escape ``line`` once per format, then put marks k0…k1 in where MARK stands."""
        if k0 == k1:
            return [line], [md.escape(line)], [escape_text(line)]
        texts = self.mark_text[k0:k1]
        text = _fill(line, texts) if any(texts) else line.replace(MARK, "")
        if text[:1] == " " or text[-1:] == " " or "  " in text:
            text = " ".join(text.split())  # a mark without text (an image) left a gap
        return ([text], [_fill(md.escape(line), self.mark_md[k0:k1])],
                [_fill(escape_text(line), self.mark_html[k0:k1])])


def link_marks(href: str) -> tuple[Mark, Mark]:
    """The marks that make a link to ``href`` (already vetted) in every format."""
    return (("", "[", f'<a href="{escape_attr(href)}" rel="{LINK_REL}">'),
            ("", f"]({md_url(href)})", "</a>"))


def _fill(line: str, pieces: list[str]) -> str:
    """``line`` with its MARK characters replaced by ``pieces``, in order."""
    segments = line.split(MARK)
    out = [""] * (2 * len(segments) - 1)
    out[::2] = segments
    out[1::2] = pieces
    return "".join(out)


_INVISIBLE = "\u200b\ufeff\u2060\u00ad "


def collapse(raw: str) -> str:
    """Whitespace runs to one space, ends trimmed; a few scans skip the split for text
    that has no run to collapse (most paragraphs of a tidy page). The two-character scan
    goes last: it costs twenty times a one-character one (no memchr)."""
    if "\n" in raw or "\xa0" in raw or "\t" in raw or "\r" in raw or "\x0c" in raw \
            or "  " in raw:
        line = " ".join(raw.split())
    else:
        line = raw.strip()
    # A line of only zero-width characters (editors leave "\u200b" paragraphs) is empty.
    if line and len(line) < 8 and not line.strip(_INVISIBLE):
        return ""
    return line
