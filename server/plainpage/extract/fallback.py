"""Second opinion: readability-lxml, consulted only when our own choice is weak.

It parses the document again with lxml (the one place the pipeline pays for a second
parse), so it runs only below ``Options.fallback_below`` confidence, and its answer is taken
only when it finds clearly more article text than we did.
"""

from __future__ import annotations

from ..options import Options
from .page import Page
from .parse import parse_fragment
from .render import Rendered, render

# Its answer must hold this many times our text, and at least this many characters.
_GAIN = 2.0
_MIN_CHARS = 250
# Characters lxml refuses in a tree ("All strings must be XML compatible"): the C0
# controls but tab, LF and CR, and the two non-characters. Never visible text; left in,
# one makes readability-lxml fail and log a traceback (on stderr where nothing else logs).
_NOT_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def second_opinion(text: str, page: Page, ours: Rendered, options: Options) -> Rendered | None:
    """readability-lxml's article, rendered like ours, when it is clearly the better one."""
    # Imported here: lxml and readability take ~150 ms to import and most pages never
    # get this far (a CLI run or a worker start would pay for them every time).
    from lxml.etree import LxmlError
    from readability import Document
    from readability.readability import Unparseable

    try:
        summary = Document(text.translate(_NOT_XML), url=page.url).summary(html_partial=True)
    except (Unparseable, LxmlError, ValueError):
        return None
    root = parse_fragment(summary)
    if root is None:
        return None
    theirs = render((root,), page, frozenset(), options)
    if len(theirs.text) < max(_MIN_CHARS, _GAIN * len(ours.text)):
        return None
    return theirs
