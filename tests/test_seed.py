"""The seed page, the one this project exists for (see ../shared/seed/README.md).

The fixture lays the seed's visible text out the way the news site does: a donation banner
in the site header, the headline, a lead photo with caption and credit, ten paragraphs, a
boxed four-paragraph appeal and a "Read more" button. With the site rule and with the
generic detector alone, the result must be the same: the ten paragraphs as text, the
headline as title, the caption with the figure, the appeals and "Read more" reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import plainpage
from plainpage.model import Article
from plainpage.rules import RuleSet, load_dir

RULES = Path(__file__).resolve().parents[1] / "rules"
FIXTURE = RULES / "fixtures" / "themoscowtimes.com" / "niger.html"
URL = ("https://www.themoscowtimes.com/2023/12/04/"
       "russian-officials-visit-niger-to-bolster-military-ties-a83301")
TITLE = "Russian Officials Visit Niger to Bolster Military Ties"
CAPTION = ("Russian Deputy Defense Minister Yunus-Bek Yevkurov. "
           "Vadim Savitsky / Russian Defense Ministry / TASS")
FIRST = ("A Russian delegation led by the deputy defense minister met with Niger's military "
         "leaders in Niamey on Monday, Nigerien authorities said, with the two countries "
         "agreeing to strengthen military cooperation.")
LAST = ("Burkina Faso and Niger on Saturday joined Mali in quitting the G5 anti-jihadist force "
        "in Africa's Sahel region, the latest blow to the fight against insurgents in one of "
        "the world's most troubled zones.")


def _paragraphs() -> list[str]:
    """The ten news paragraphs, read from the fixture's own markup (not from the result),
    with whitespace as plain text has it (the page puts a no-break space in one)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(FIXTURE.read_text(encoding="utf-8"))
    return [" ".join(p.text().split()) for p in tree.css(".article__content > p")]


@pytest.fixture(scope="module", params=["rule", "generic"])
def article(request: pytest.FixtureRequest) -> Article:
    rules = load_dir(RULES) if request.param == "rule" else RuleSet()
    if request.param == "rule":
        assert rules.match(URL) is not None and not rules.problems
    return plainpage.extract(FIXTURE.read_bytes(), URL, rules=rules)


def test_fixture_holds_the_ten_paragraphs() -> None:
    paragraphs = _paragraphs()
    assert len(paragraphs) == 10 and paragraphs[0] == FIRST and paragraphs[-1] == LAST


def test_text_is_exactly_the_ten_paragraphs(article: Article) -> None:
    assert article.text == "\n\n".join(_paragraphs())


def test_title_is_the_headline(article: Article) -> None:
    assert article.title == TITLE


def test_caption_stays_with_the_lead_figure(article: Article) -> None:
    figures = [block for block in article.blocks if block.type == "figure"]
    assert [figure.caption for figure in figures] == [CAPTION]
    assert article.blocks[0].type == "figure"  # the lead photo comes before the text
    assert CAPTION not in article.text


def test_appeals_and_read_more_are_reported(article: Article) -> None:
    kinds = [(r.kind, r.text) for r in article.removed]
    assert ("appeal", "Support The Moscow Times!") in kinds
    box = [text for kind, text in kinds if text.startswith("… we have a small favor to ask.")]
    assert len(box) == 1 and box[0].endswith("Thank you.")
    assert kinds.count(("appeal", box[0])) == 1  # the four paragraphs, as one block
    assert ("readmore", "Read more") in kinds
    assert all(r.reason and r.selector for r in article.removed)
    assert len(article.removed) == 3  # nothing reported twice, nothing else taken out


def test_reasons_name_the_rule_or_the_signals(article: Article, request: pytest.FixtureRequest
                                              ) -> None:
    expected = "rule themoscowtimes.com.toml" if "rule" in request.node.callspec.id \
        else "generic detector"
    assert all(r.reason.startswith(expected) for r in article.removed)
