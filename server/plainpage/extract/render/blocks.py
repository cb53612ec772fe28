"""Block constructors of the render stage.

Each function turns finished pieces into a ``Block`` with its text, Markdown and HTML.
HTML is assembled only from allow-listed tags, text escaped here or in ``inline``, and URLs
that ``sanitize.Urls`` vetted, so every block's ``html`` is safe on its own; render still
runs nh3 over the joined document as the guarantee.
"""

from __future__ import annotations

from typing import NamedTuple

from ...model import Block
from . import markdown as md
from .inline import Inline
from .sanitize import escape_attr, escape_text, md_url

__all__ = [
    "Cell", "code", "figure", "heading", "image_html", "image_markdown", "listing",
    "paragraph", "quote", "rule", "table", "term", "text_of",
]

_MAX_COLSPAN = 50  # a colspan of 10000 must not make 10000 empty cells


class Cell(NamedTuple):
    """One table cell: its text, Markdown and HTML (each one line), and its shape."""

    text: str
    markdown: str
    html: str
    header: bool
    colspan: int = 1
    rowspan: int = 1


def text_of(blocks: list[Block] | tuple[Block, ...], sep: str) -> str:
    """The readable text of ``blocks``: figures (captions) are not body text."""
    return sep.join(b.text for b in blocks if b.text and b.type != "figure")


def paragraph(inline: Inline) -> Block | None:
    """A paragraph; ``<br>`` lines become "\\n", a Markdown hard break and ``<br>``."""
    texts, mds, htmls = inline.lines()
    if not texts:
        return None
    if len(texts) == len(mds) == len(htmls) == 1:  # one line (most paragraphs): no joins
        # positional (type, text, html, markdown): keywords cost twice as much per block
        return Block("paragraph", texts[0], f"<p>{htmls[0]}</p>", md.escape_line_start(mds[0]))
    return Block("paragraph", "\n".join(texts), "<p>" + "<br>".join(htmls) + "</p>",
                 "\\\n".join(md.escape_line_start(line) for line in mds))


def heading(inline: Inline, level: int) -> Block | None:
    """A heading h1–h6: one line in text and Markdown."""
    texts, mds, htmls = inline.lines()
    if not texts:
        return None
    return Block(
        "heading",
        text=" ".join(texts),
        markdown="#" * level + " " + " ".join(mds),
        html=f"<h{level}>" + "<br>".join(htmls) + f"</h{level}>",
        level=level,
    )


def term(inline: Inline) -> Block | None:
    """A definition-list term: a paragraph in bold."""
    texts, mds, htmls = inline.lines()
    if not texts:
        return None
    body = " ".join(mds)
    if not body.startswith("**"):
        body = f"**{body}**"
    return Block("paragraph", text=" ".join(texts), markdown=body,
                 html="<p><strong>" + "<br>".join(htmls) + "</strong></p>")


def code(raw: str, language: str | None) -> Block | None:
    """A code block: the text exactly as in ``<pre>``, less blank lines at either end."""
    lines = raw.split("\n")
    while lines and not lines[0].strip():
        del lines[0]
    while lines and not lines[-1].strip():
        del lines[-1]
    if not lines:
        return None
    lines[-1] = lines[-1].rstrip()
    body = "\n".join(lines)
    return Block("code", text=body, markdown=md.fence(body, language),
                 html=f"<pre><code>{escape_text(body)}</code></pre>",
                 language=language)


def figure(src: str, alt: str, size: str,
           caption: tuple[str, str, str] | None) -> Block:
    """An image, with its caption (text, Markdown, HTML) when it has one.

    ``size`` is the ready ``width``/``height`` attribute text (digits only, or empty).
    """
    alt = " ".join(alt.split())
    img, image_md = image_html(src, alt, size), image_markdown(src, alt)
    if not caption or not caption[0]:
        return Block("figure", html=f"<figure>{img}</figure>", markdown=image_md,
                     src=src, alt=alt)
    text, cap_md, cap_html = caption
    return Block("figure", text=text,
                 markdown=f"{image_md}\\\n{md.escape_line_start(cap_md)}",
                 html=f"<figure>{img}<figcaption>{cap_html}</figcaption></figure>",
                 src=src, alt=alt, caption=text)


def image_html(src: str, alt: str, size: str) -> str:
    """An ``<img>`` element (``src`` vetted, ``size`` ready attribute text)."""
    return f'<img src="{escape_attr(src)}" alt="{escape_attr(alt)}"{size}>'


def image_markdown(src: str, alt: str) -> str:
    """A Markdown image."""
    return f"![{md.escape(alt)}]({md_url(src)})"


def rule() -> Block:
    """A thematic break (``<hr>``)."""
    return Block("rule", markdown="---", html="<hr>")


def quote(children: list[Block]) -> Block | None:
    """A block quote holding ``children``."""
    if not children:
        return None
    return Block(
        "quote",
        text=text_of(children, "\n\n"),
        markdown=md.quote("\n\n".join(b.markdown for b in children)),
        html="<blockquote>" + "".join(b.html for b in children) + "</blockquote>",
        children=tuple(children),
    )


def listing(items: list[list[Block]], ordered: bool, start: int) -> Block | None:
    """A list of items, each given as the blocks found inside its ``<li>``."""
    built = []
    for blocks in items:
        if blocks:
            number = start + len(built)
            built.append(_item(blocks, f"{number}. " if ordered else "- "))
    if not built:
        return None
    tag = "ol" if ordered else "ul"
    start_attr = f' start="{start}"' if ordered and start != 1 else ""
    return Block(
        "list",
        text="\n".join(item.text for item in built if item.text),
        markdown="\n".join(item.markdown for item in built),
        html=f"<{tag}{start_attr}>" + "".join(item.html for item in built) + f"</{tag}>",
        ordered=ordered,
        children=tuple(built),
    )


def _item(blocks: list[Block], marker: str) -> Block:
    """One list item: its leading paragraph is the item's own text, the rest its children."""
    lead = blocks[0] if blocks[0].type == "paragraph" else None
    rest = blocks[1:] if lead is not None else blocks
    body = blocks[0].markdown
    for block in blocks[1:]:
        body += ("\n" if block.type == "list" else "\n\n") + block.markdown
    first, _, more = body.partition("\n")
    markdown = marker + first
    if more:
        markdown += "\n" + md.indent(more, " " * len(marker))
    inner = lead.html[3:-4] if lead is not None else ""  # "<p>…</p>" → "…"
    return Block(
        "item",
        text=text_of(blocks, "\n"),
        markdown=markdown,
        html="<li>" + inner + "".join(b.html for b in rest) + "</li>",
        children=tuple(rest),
    )


def table(rows: list[list[Cell]], header_rows: int) -> Block | None:
    """A data table; Markdown takes the first row as the header even when it is not one."""
    texts: list[tuple[str, ...]] = []
    mds: list[list[str]] = []
    for row in rows:
        text_row: list[str] = []
        md_row: list[str] = []
        for cell in row:
            pad = [""] * (min(cell.colspan, _MAX_COLSPAN) - 1)
            text_row += [cell.text, *pad]
            md_row += [cell.markdown, *pad]
        texts.append(tuple(text_row))
        mds.append(md_row)
    if not any(any(row) for row in texts):
        return None
    width = max(len(row) for row in texts)
    return Block(
        "table",
        text="\n".join(" | ".join(cell for cell in row if cell) for row in texts),
        markdown=md.table(mds, width),
        html=_table_html(rows, header_rows),
        rows=tuple(texts),
        header_rows=header_rows,
    )


def _table_html(rows: list[list[Cell]], header_rows: int) -> str:
    parts = ["<table>"]
    if header_rows:
        parts.append("<thead>")
        parts.extend(_row_html(row) for row in rows[:header_rows])
        parts.append("</thead>")
    if len(rows) > header_rows:
        parts.append("<tbody>")
        parts.extend(_row_html(row) for row in rows[header_rows:])
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)


def _row_html(row: list[Cell]) -> str:
    cells = []
    for cell in row:
        tag = "th" if cell.header else "td"
        span = f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
        if cell.rowspan > 1:
            span += f' rowspan="{cell.rowspan}"'
        cells.append(f"<{tag}{span}>{cell.html}</{tag}>")
    return "<tr>" + "".join(cells) + "</tr>"
