"""Table structure for the render stage: rows and cells, the header, and whether a table
is data or page layout.

A layout table (one column, one row, nested tables, or one cell holding the page's prose)
is flattened into its paragraphs; only data tables become table blocks. A table that says
it holds data (header cells, a caption, a summary) or is a regular grid of several rows
stays a table even when its cells hold long paragraphs.
"""

from __future__ import annotations

from typing import NamedTuple

from selectolax.lexbor import LexborNode

__all__ = ["Grid", "is_layout", "scan", "span"]

_SECTIONS = frozenset({"thead", "tbody", "tfoot"})
_CELLS = frozenset({"td", "th"})
_PROSE = "p, div, ul, ol, dl, blockquote, pre, section, article, h1, h2, h3, h4, h5, h6"
_LONG_PROSE = 200  # characters of one block inside a cell that make it a layout table
_GRID_ROWS = 3  # rows of one width from which a table with long cells is still data


class Grid(NamedTuple):
    """The cell nodes of a table, row by row, with its header row count and caption."""

    rows: list[list[LexborNode]]
    header_rows: int
    caption: LexborNode | None


def scan(table: LexborNode, drops: frozenset[int]) -> Grid:
    """Rows in display order (thead, body rows, tfoot), skipping dropped rows and cells."""
    head: list[list[LexborNode]] = []
    body: list[list[LexborNode]] = []
    foot: list[list[LexborNode]] = []
    caption = None
    for part in table.iter():
        tag = part.tag
        if tag in _SECTIONS:
            into = head if tag == "thead" else foot if tag == "tfoot" else body
            for row in part.iter():
                if row.tag == "tr":
                    _add_row(row, into, drops)
        elif tag == "tr":
            _add_row(part, body, drops)
        elif tag == "caption" and part.mem_id not in drops:
            caption = part
    header = len(head)
    if not header:  # no <thead>: leading rows made only of <th> are the header
        while header < len(body) and all(cell.tag == "th" for cell in body[header]):
            header += 1
    return Grid(head + body + foot, header, caption)


def _add_row(row: LexborNode, into: list[list[LexborNode]], drops: frozenset[int]) -> None:
    if drops and row.mem_id in drops:
        return
    cells = [cell for cell in row.iter() if cell.tag in _CELLS
             and not (drops and cell.mem_id in drops)]
    if cells:
        into.append(cells)


def is_layout(table: LexborNode, grid: Grid) -> bool:
    """True for a table used to lay out the page rather than to hold data."""
    rows = grid.rows
    if len(rows) <= 1 or max(len(row) for row in rows) <= 1:
        return True
    attrs = table.attributes
    if (attrs.get("role") or "").strip().lower() in ("presentation", "none"):
        return True
    if len(table.css("table")) > 1:  # css() includes the table itself
        return True
    if grid.header_rows or grid.caption is not None or attrs.get("summary") or any(
            cell.tag == "th" for row in rows for cell in row):
        return False  # it says it holds data
    if not any(len(block.text()) >= _LONG_PROSE for block in table.css(_PROSE)):
        return False
    # Long prose in a cell: page layout, unless the table is a regular grid (several rows
    # of the same width) where no one cell holds most of the text (notes in a column).
    widths = {len(row) for row in rows}
    if len(rows) < _GRID_ROWS or len(widths) > 1:
        return True
    sizes = [len(cell.text()) for row in rows for cell in row]
    return max(sizes) * 2 > sum(sizes)


def span(value: str | None) -> int:
    """A colspan/rowspan value as a small positive int (1 when absent or nonsense)."""
    if not value:
        return 1
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        return 1
    return max(1, min(int(value), 1000))
