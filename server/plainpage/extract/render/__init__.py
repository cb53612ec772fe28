"""Render stage: the content root → typed blocks → plain text, Markdown and sanitised HTML.

One walk over the root (``walk``) builds the blocks, each with its own text, Markdown and
HTML; this module joins them and sanitises the joined HTML once with nh3.

The package's parts, in the order a node meets them:

- ``walk``: the one pass over the content root; dispatches each element by tag.
- ``inline``: one paragraph's text, Markdown and HTML, with its inline markup.
- ``figures``, ``media``: images (``<figure>``, ``<img>``, ``<picture>``) and their sources.
- ``tables``: rows, cells, header; data table or page layout.
- ``pre``: a code block's exact text and its language.
- ``notes``: footnote references and the back-links of the notes.
- ``blocks``: finished pieces → ``Block`` (text, Markdown, HTML).
- ``markdown``: Markdown escaping, code fences, pipe tables, nesting.
- ``sanitize``: the URL policy and the nh3 allow-list that keep the output safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ...model import Block
from ...options import Options
from ..page import Page
from .blocks import text_of
from .sanitize import Urls, clean
from .walk import walk

__all__ = ["Rendered", "from_blocks", "render"]


@dataclass(frozen=True, slots=True)
class Rendered:
    """The article body in every output form.

    ``text`` joins the blocks' text with blank lines and leaves figures out (a caption
    without its image is not body text); ``markdown`` joins every block's Markdown;
    ``html`` is the blocks' HTML, sanitised as one document.
    """

    blocks: tuple[Block, ...] = ()
    text: str = ""
    markdown: str = ""
    html: str = ""


def render(roots: Sequence[LexborNode], page: Page, drops: frozenset[int],
           options: Options) -> Rendered:
    """Render the content subtrees at ``roots`` in order (a lead figure, then the article),
    skipping the nodes whose mem_id is in ``drops``."""
    if not roots:
        return Rendered()
    return from_blocks(walk(roots, Urls(page.base_url), drops, options))


def from_blocks(blocks: Sequence[Block]) -> Rendered:
    """Text, Markdown and sanitised HTML of finished blocks (one page's, or several pages'
    joined: ``join``)."""
    found = tuple(blocks)
    return Rendered(
        blocks=found,
        text=text_of(found, "\n\n"),
        markdown="\n\n".join(block.markdown for block in found if block.markdown),
        html=clean("".join(block.html for block in found)),
    )
