"""Assembling the Article: what the plain text holds beyond the rendered blocks."""

from __future__ import annotations

import plainpage

PROSE = ("The river rose slowly through the night, and by morning the lower town was under "
         "water, its streets turned to canals. Residents who stayed climbed onto their roofs. ")


def test_soft_hyphens_are_not_part_of_the_plain_text() -> None:
    # Typesetting hints ("Hoch&shy;wasser") split words for search and copy; the HTML keeps
    # them, where they stay invisible.
    html = (f"<html><body><article><p>Das Hoch&shy;was&shy;ser kam nachts. {PROSE}</p>"
            f"<p>{PROSE}</p><p>{PROSE}</p></article></body></html>")
    article = plainpage.extract(html)
    assert "Das Hochwasser kam nachts." in article.text
    assert "\u00ad" not in article.text
    assert "\u00ad" in article.html
    # The blocks say the same as the text they make up.
    assert "\u00ad" not in article.blocks[0].text and "\u00ad" in article.blocks[0].html
