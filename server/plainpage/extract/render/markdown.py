"""Markdown helpers for the render stage: escaping, code spans and fences, pipe tables,
and the indentation and quoting that nest one block's Markdown inside another.

Text from the page is escaped so that it stays text: a ``<script>`` typed in an article is
shown, never rendered, by any CommonMark renderer.
"""

from __future__ import annotations

import re

__all__ = [
    "code_span", "escape", "escape_line_start", "fence", "indent", "quote", "table",
]

# A line starting like a block marker ("# ", "> ", "- ", "+ ", "===", "|", "~~~") would
# change the block's type; a backslash in front keeps it a paragraph. An ordered-list
# marker ("1. ", "2) ") is escaped at its delimiter: a backslash before a digit is literal.
_BLOCK_START = "#>+=|~-"
_ORDERED_START = re.compile(r"\d{1,9}(?=[.)](?:\s|$))")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Escape inline Markdown syntax in a run of page text: a backslash before each of
    \\ ` * _ [ ] <. "<" matters most: CommonMark passes raw HTML through, so an unescaped
    "<img onerror=…>" in text would become markup.

    Seven ``in`` scans cost a tenth of one regex search over a paragraph; written out
    one by one, not looped over a tuple, they cost a third less again (most text has
    none of these characters, so the loop's own steps were most of the cost)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "`" in text:
        text = text.replace("`", "\\`")
    if "*" in text:
        text = text.replace("*", "\\*")
    if "_" in text:
        text = text.replace("_", "\\_")
    if "[" in text:
        text = text.replace("[", "\\[")
    if "]" in text:
        text = text.replace("]", "\\]")
    if "<" in text:
        text = text.replace("<", "\\<")
    return text


def escape_line_start(line: str) -> str:
    """Escape a block-level marker at the start of one line of a paragraph."""
    first = line[:1]  # one character decides (a regex call costs more than the test)
    if first and first in _BLOCK_START:
        return "\\" + line
    if not first.isdecimal():  # what \d matches: an ordered-list marker starts with one
        return line
    digits = _ORDERED_START.match(line)
    if digits:
        return f"{line[:digits.end()]}\\{line[digits.end():]}"
    return line


def code_span(code: str) -> str:
    """``code`` as an inline code span, with a fence longer than any backtick run in it."""
    runs = _BACKTICKS.findall(code)
    ticks = "`" * (max(map(len, runs)) + 1 if runs else 1)
    if runs and (code.startswith("`") or code.endswith("`")):
        code = f" {code} "
    return f"{ticks}{code}{ticks}"


def fence(code: str, language: str | None) -> str:
    """A fenced code block; the fence outgrows any backtick run inside the code."""
    ticks = "```"
    while ticks in code:
        ticks += "`"
    return f"{ticks}{language or ''}\n{code}\n{ticks}"


def indent(md: str, prefix: str) -> str:
    """Indent every non-empty line of ``md`` by ``prefix`` (list item continuation)."""
    return "\n".join(prefix + line if line else line for line in md.split("\n"))


def quote(md: str) -> str:
    """Prefix every line with "> " (a bare ">" on blank lines keeps the quote unbroken)."""
    return "\n".join("> " + line if line else ">" for line in md.split("\n"))


def table(rows: list[list[str]], width: int) -> str:
    """A GFM pipe table; the first row is the header (a table without one still needs it)."""
    lines = [_row(rows[0], width), "|" + " --- |" * width]
    lines.extend(_row(row, width) for row in rows[1:])
    return "\n".join(lines)


def _row(cells: list[str], width: int) -> str:
    padded = [cell.replace("|", "\\|") for cell in cells] + [""] * (width - len(cells))
    return "| " + " | ".join(padded) + " |"
