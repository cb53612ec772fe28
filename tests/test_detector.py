"""The generic boilerplate detector: appeals, nags, newsletter boxes and read-more lines
go, with their kind and the signals that fired; article prose that uses the same words
stays. Every case runs through ``plainpage.extract`` on a small page written for it."""

from __future__ import annotations

import pytest

import plainpage
from plainpage.extract.classify.lexicon import normalise

PROSE = [
    "The council met on Tuesday evening to discuss the budget for the coming year, which "
    "had been delayed twice because of disagreements over the cost of road repairs.",
    "Officials said the final figure would be published next week, after a review by the "
    "regional auditor, and that residents could comment on it until the end of the month.",
    "Several members argued that the repairs should be spread over three years, while "
    "others wanted the work finished before winter, when the damage usually gets worse.",
    "The mayor said she expected a compromise and thanked the staff who had prepared the "
    "figures, noting that the process had been longer than anyone had hoped.",
]


def page(extra: str, *, before: str = "", lang: str = "en") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in PROSE)
    return (f"<html lang='{lang}'><head><title>Budget talks</title></head><body>"
            f"<main><article><h1>Budget talks</h1>{before}{paragraphs}{extra}</article></main>"
            "</body></html>")


def removed_kinds(html: str, phrase: str) -> list[str]:
    article = plainpage.extract(html, "https://news.example/a")
    assert phrase not in article.text, f"{phrase!r} leaked into the text"
    assert PROSE[0] in article.text and PROSE[-1] in article.text
    return [r.kind for r in article.removed if phrase in r.text]


@pytest.mark.parametrize(("block", "phrase", "kind"), [
    # appeals, several languages
    ("<div class='box'><h3>Support our journalism</h3><p>We are independent and free to "
     "read. If you can, make a donation today.</p><a href='/donate'>Donate</a></div>",
     "make a donation today", "appeal"),
    ("<div class='x'><p>Ihnen hat der Artikel gefallen? Bitte helfen Sie uns und spenden Sie "
     "jetzt via Überweisung oder PayPal!</p></div>", "spenden Sie jetzt", "appeal"),
    ("<div><p>Wesprzyj nas! Przekaż darowiznę na niezależne dziennikarstwo.</p>"
     "<a href='https://patronite.pl/x'>Wspieraj</a></div>", "Przekaż darowiznę", "appeal"),
    ("<p>Soutenez-nous : faites un don pour un journalisme indépendant.</p>",
     "faites un don", "appeal"),
    # subscription nags
    ("<div class='cta'><p>Subscribe now for the full story and unlimited access.</p>"
     "<a href='/subscribe'>Subscribe</a></div>", "for the full story", "subscribe"),
    ("<p>Abonnez-vous : 1€ le premier mois, puis accès illimité.</p>", "premier mois",
     "subscribe"),
    # newsletters
    ("<div><h4>Get our newsletter</h4><p>The day's best stories in your inbox every "
     "morning.</p></div>", "in your inbox", "newsletter"),
    ("<p>Newsletter abonnieren und nichts mehr verpassen</p>", "Newsletter abonnieren",
     "newsletter"),
    # read-more lines and lists
    ("<p>Read more: <a href='/x'>The mayor's plan for the old harbour</a></p>",
     "The mayor's plan for the old harbour", "readmore"),
    ("<p>Czytaj też: <a href='/y'>Ten region Polski ma najniższe bezrobocie</a></p>",
     "Ten region Polski", "readmore"),
    ("<p><strong>Lire aussi</strong> <a href='/z'>Le budget de la ville en débat</a></p>",
     "Le budget de la ville en débat", "readmore"),
    ("<p>LEGGI ANCHE &gt;&gt; Il bilancio del comune</p>", "Il bilancio del comune",
     "readmore"),
    # share, comments, ads
    ("<div><span>Share this article</span> <a href='https://twitter.com/intent/tweet?u=1'>X"
     "</a> <a href='https://www.facebook.com/sharer/sharer.php?u=1'>Facebook</a></div>",
     "Share this article", "share"),
    ("<h3>Leave a Reply</h3>", "Leave a Reply", "comments"),
    ("<p>Advertisement</p>", "Advertisement", "ad"),
])
def test_boilerplate_goes_with_its_kind(block: str, phrase: str, kind: str) -> None:
    assert kind in removed_kinds(page(block), phrase)


@pytest.mark.parametrize("prose", [
    # articles *about* donations, subscriptions, newsletters, comments and sharing
    "The charity said donations had fallen by a third this year, and that it would ask "
    "members to support a new appeal for the flood victims in the spring.",
    "Die Errichtung erfolgte aus Spendenmitteln der Regierung, die das Projekt über zehn "
    "Jahre unterstützt hatte, wie der Verein am Montag mitteilte.",
    "Subscription services now make up most of the company's revenue, and analysts expect "
    "the number of subscribers to keep growing through next year.",
    "Viewers can now leave a comment or reply to videos shared by colleagues, and the "
    "comments are visible to everyone in the team, the company said.",
    "The regimes have come together to support the creation of an alliance, setting up "
    "closer economic ties and mutual defense assistance.",
    "Marketers send digital newsletters to their email list to keep customers informed of "
    "new products, and most of them measure how many readers open each issue.",
    "Related to this, the court found that the company had not shared the data with "
    "anyone outside the group, as the regulator had first suspected.",
])
def test_article_prose_with_the_same_words_stays(prose: str) -> None:
    article = plainpage.extract(page(f"<p>{prose}</p>"), "https://news.example/a")
    assert prose in article.text
    assert not any(prose[:40] in r.text for r in article.removed)


def test_reason_names_the_signals_that_fired() -> None:
    html = page("<p>Read more: <a href='/x'>The mayor's plan for the old harbour</a></p>")
    article = plainpage.extract(html, "https://news.example/a")
    [hit] = [r for r in article.removed if r.kind == "readmore"]
    assert hit.reason.startswith("generic detector:")
    assert "read more" in hit.reason and "score" in hit.reason
    assert hit.selector.endswith("p")


def test_banner_beside_the_article_is_reported_not_only_dropped() -> None:
    html = ("<html><body><header><a href='/donate'>Support us!</a></header><main><article>"
            + "".join(f"<p>{text}</p>" for text in PROSE) + "</article></main></body></html>")
    article = plainpage.extract(html, "https://news.example/a")
    assert ("appeal", "Support us!") in [(r.kind, r.text) for r in article.removed]


def test_detector_off_keeps_the_block() -> None:
    html = page("<p>Read more: <a href='/x'>The mayor's plan for the old harbour</a></p>")
    options = plainpage.Options(clean_boilerplate=False)
    assert "The mayor's plan" in plainpage.extract(html, options=options).text


def test_a_short_line_of_cue_words_is_a_button() -> None:
    html = page("<p><a href='/s'>Suscríbete</a></p>", lang="es")
    article = plainpage.extract(html, "https://news.example/a")
    assert "Suscríbete" not in article.text


def test_an_email_field_makes_a_sign_up_box() -> None:
    box = ("<div><p>Sign up for the morning briefing</p><form action='/s'>"
           "<input type='email' name='email'><button>Go</button></form></div>")
    assert "newsletter" in removed_kinds(page(box), "morning briefing")


def test_a_donate_button_says_what_the_box_is_for() -> None:
    box = ("<div class='x'><p>Independent reporting needs readers like you.</p>"
           "<button type='button'>Donate now</button></div>")
    article = plainpage.extract(page(box), "https://news.example/a")
    [hit] = [r for r in article.removed if "readers like you" in r.text]
    assert hit.kind == "appeal" and "button" in hit.reason
    assert "data-plainpage" not in article.html  # the traces never reach the output


def test_only_the_traces_clean_leaves_say_what_a_box_is_for() -> None:
    # The page's own attribute of the same name is not a button clean took out.
    box = ("<div class='x' data-plainpage-button='Donate now'><p>Independent reporting needs"
           " readers like you.</p></div>")
    article = plainpage.extract(page(box), "https://news.example/a")
    assert not any("button" in r.reason for r in article.removed)


@pytest.mark.parametrize("text", [
    "Read more: the “Council” won’t meet—again…", "snake_case and kebab-case (maybe)",
    "İstanbul ΟΔΟΣ Straße l'abonnement", "  12,5 % — 3×4 = x²  ", "", "!!! ???",
    # punctuation stuck to either end, around a word or around more punctuation
    "(share) «lire “don’t” [1] *bold* --x--y-- (a_b) ...more: “ ” ¿qué? l’abonné…",
])
def test_the_pre_tests_first_words_are_the_lower_cased_texts(text: str) -> None:
    # The pre-test lower-cases a block's first few words, not its whole text: the words
    # must be the same (lower() makes no white space and reads no word's neighbours).
    assert [token.lower() for token in text.split()] == text.lower().split()
    first = [word for token in text.lower().split()[:3] for word in normalise(token).split()]
    assert normalise(" ".join(text.split(None, 3)[:3])).split(" ") == (first or [""])
