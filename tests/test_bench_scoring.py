"""The benchmark's metrics on tiny hand-made texts, with results worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

# bench/ is a top-level folder of the repo (pytest's pythonpath puts the root on sys.path).
from bench import evaluate, scoring
from bench.cache import OutputCache, html_key
from bench.corpora import AppealRecord, AppealTruth, Page, SnippetTruth, TextTruth
from bench.peers import RemovedBlock, Result, with_element_counts
from bench.report import element_cell, ratios, timing_stats
from bench.runner import sample_indices
from bench.textify import count_elements, decode_page, html_text

ARTICLE = "The quick brown fox jumps over the lazy dog near the river bank."


def _summary(*pairs: tuple[str, str]) -> dict[str, float]:
    return scoring.shingle_summary([scoring.shingle_match(t, p) for t, p in pairs])


def test_identical_texts_score_one() -> None:
    summary = _summary((ARTICLE, "The quick brown fox jumps over the lazy dog near the river "
                                 "bank!"))
    assert summary["f1"] == summary["precision"] == summary["recall"] == 1.0
    assert summary["accuracy"] == 1.0  # punctuation is not a token


def test_disjoint_texts_score_zero() -> None:
    summary = _summary((ARTICLE, "Completely different words appear in this other sentence"))
    assert summary["f1"] == summary["precision"] == summary["recall"] == 0.0
    assert summary["accuracy"] == 0.0


def test_partial_case_by_hand() -> None:
    # truth a b c d e → shingles abcd, bcde; prediction a b c d → abcd.
    # tp=1, fp=0, fn=1 → normalised 1/2, 0, 1/2 → P=1, R=1/2, F1=2/3.
    match = scoring.shingle_match("a b c d e", "a b c d")
    assert (match.tp, match.fp, match.fn) == (0.5, 0.0, 0.5)
    summary = _summary(("a b c d e", "a b c d"))
    assert summary["precision"] == 1.0
    assert summary["recall"] == 0.5
    assert summary["f1"] == pytest.approx(2 / 3)


def test_shingles_are_a_multiset_and_short_texts_one_shingle() -> None:
    assert scoring.shingles("a b") == {("a", "b"): 1}
    assert scoring.shingles("") == {}
    # a repeated prediction earns its first copy only: tp 1, fp 1, fn 0 → P = 1/2
    match = scoring.shingle_match("w x y z", "w x y z w x y z")
    assert match.fp > 0 and scoring.precision_score(match.tp, match.fp, match.fn) < 1


def test_zyte_tokens_keep_case_and_unicode() -> None:
    assert scoring.tokens("Zażółć gęślą jaźń, 2019!") == ["Zażółć", "gęślą", "jaźń", "2019"]
    assert not scoring.shingle_match("Hello big wide world", "hello big wide world").exact


def test_fp_fn_zero_counts_one_and_tp_fp_zero_counts_zero() -> None:
    assert scoring.precision_score(0.0, 0.0, 0.0) == 1.0
    assert scoring.recall_score(0.0, 0.0, 0.0) == 1.0
    assert scoring.precision_score(0.0, 0.0, 1.0) == 0.0
    assert scoring.recall_score(0.0, 1.0, 0.0) == 0.0


def test_empty_output_leaves_precision_but_costs_recall() -> None:
    # Page 2 has tp+fp = 0, so it is outside the precision mean (Zyte's rule).
    summary = _summary((ARTICLE, ARTICLE), (ARTICLE, ""))
    assert summary["precision"] == 1.0
    assert summary["recall"] == 0.5
    assert summary["f1"] == pytest.approx(2 / 3)


def test_word_f1() -> None:
    assert scoring.word_prf("Hello World", "hello world") == (1.0, 1.0, 1.0)
    assert scoring.word_prf("alpha beta", "gamma delta") == (0.0, 0.0, 0.0)
    # pred a b c, truth a b d e: overlap 2 → P 2/3, R 1/2, F1 4/7
    p, r, f1 = scoring.word_prf("a b c", "a b d e")
    assert (p, r) == (pytest.approx(2 / 3), 0.5)
    assert f1 == pytest.approx(4 / 7)
    assert scoring.word_prf("", "") == (1.0, 1.0, 1.0)
    assert scoring.word_prf("extra", "") == (0.0, 0.0, 0.0)
    assert scoring.word_prf("", "truth") == (0.0, 0.0, 0.0)


def test_snippet_rate_is_lowercase_substring() -> None:
    text = "Breaking News: The Council Met Today."
    assert scoring.snippet_rate(text, ["the council met", "NEWS:"]) == 1.0
    assert scoring.snippet_rate(text, ["council met", "missing words"]) == 0.5
    assert scoring.snippet_rate(text, []) == 1.0  # no snippets counts 1.0 (WCXB)


def test_snippet_counts_and_summary() -> None:
    text = "First paragraph here.\nSecond Paragraph there."
    counts = scoring.snippet_counts(text, ["first PARAGRAPH", "here. second", "absent"],
                                    ["second paragraph", "Newsletter"])
    assert counts == (2, 1, 1, 1)  # tp, fn, fp, tn
    summary = scoring.snippet_summary(*counts)
    assert summary["precision"] == pytest.approx(2 / 3)
    assert summary["recall"] == pytest.approx(2 / 3)
    assert summary["accuracy"] == pytest.approx(3 / 5)


def test_appeal_norm() -> None:
    assert scoring.norm("  Support us — Donate NOW!! ") == "support us donate now"
    assert scoring.norm("Spen\u00adde\u200bn") == "spenden"
    assert scoring.norm("ﬁnd ＡＢＣ") == "find abc"  # NFKC: ligature, full-width
    assert scoring.norm("Wesprzyj nas, darowizną") == "wesprzyj nas darowizną"
    assert scoring.norm(None) == ""


def test_block_in_uses_first_80_normalised_chars() -> None:
    block = "Support our journalism! " + "x" * 100
    article = scoring.norm("Intro. SUPPORT our journalism " + "x" * 60 + " end")
    assert scoring.block_in(block, article)
    assert not scoring.block_in("Sign up for our newsletter", article)


def test_dates_and_names() -> None:
    assert scoring.same_date("2019-04-02T10:20:00Z", "2019-04-02")
    assert scoring.same_date("2025-09", "2025-09-14")
    assert scoring.same_date("2025-09-04", "2025/9/4")
    assert not scoring.same_date("2025-09-04", "2025-09-05")
    assert not scoring.same_date(None, None)
    assert scoring.same_name("Jane Doe", "By JANE  doe")
    assert scoring.same_name("Cats & Dogs: A Story", "cats dogs a story")
    assert not scoring.same_name("Jane Doe", "Jane Doe, John Roe")


def _appeal_page() -> Page:
    records = (
        AppealRecord("appeal", "Please donate to keep us going", False),
        AppealRecord("newsletter", "Sign up for our newsletter", False),
        AppealRecord("appeal", "The charity asked readers to donate blood", True),
        AppealRecord("share", "The minister shared the report", True),
    )
    return Page("appeals", "zyte", "p1", "", None, AppealTruth(records))


def test_appeals_leakage_stripping_and_detection() -> None:
    text = "The charity asked readers to donate blood. Please donate to keep us going!"
    removed = (RemovedBlock("newsletter", "Sign up for our newsletter today"),
               RemovedBlock("share", "The minister shared the report."))
    record = evaluate.score_page(_appeal_page(), "plainpage", Result(text, removed=removed))
    summary = evaluate.summarise("appeals", [record])
    assert summary["leakage"] == 0.5
    assert summary["leakage_by_kind"] == {"appeal": 1.0, "newsletter": 0.0}
    assert summary["false_stripping"] == 0.5
    assert summary["detection_recall_by_kind"] == {"appeal": 0.0, "newsletter": 1.0}
    assert summary["detection_precision"] == 0.5  # one removed block is a hard negative
    other = evaluate.score_page(_appeal_page(), "trafilatura", Result(text))
    assert "detection_recall" not in evaluate.summarise("appeals", [other])


def test_trafilatura_pages_page_value() -> None:
    page = Page("trafilatura", "trafilatura", "x", "", None, SnippetTruth(("kept",), ("nav",)))
    record = evaluate.score_page(page, "floor", Result("kept text and nav"))
    assert evaluate.page_value("trafilatura", record) == 0.5


def test_html_text_breaks_blocks_not_inline() -> None:
    html = "<div><p>One <b>bo</b>ld</p><p>Two</p><ul><li>a</li><li>b</li></ul><script>x</script>"
    assert html_text(html) == "One bold\nTwo\na\nb"


def test_decode_page_falls_back_to_declared_charset() -> None:
    data = '<meta charset="windows-1250"><p>Zażółć</p>'.encode("cp1250")
    assert "Zażółć" in decode_page(data)
    assert decode_page("żółw".encode()) == "żółw"


def test_sample_indices_even_spread_and_warmup() -> None:
    warm, timed = sample_indices(100, 10, 3)
    assert sorted(warm) == [0, 10, 20]
    assert sorted(timed) == [30, 40, 50, 60, 70, 80, 90]
    warm, timed = sample_indices(7, 0, 2)
    assert len(warm) == 2 and len(timed) == 5


def test_timing_stats_and_ratios() -> None:
    stats = timing_stats([float(i) for i in range(1, 101)])
    assert (stats["median"], stats["p95"], stats["n"]) == (50.5, 95.0, 100)
    assert timing_stats([])["median"] is None
    peers = {"plainpage": {"timing": {"median": 5.0}}, "trafilatura": {"timing": {"median": 50.0}},
             "floor": {"timing": {"median": 1.0}}}
    assert ratios(peers) == {"trafilatura": 0.1, "floor": 5.0}


def test_output_cache_round_trip_and_stale_page(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path, {"trafilatura": "trafilatura-x"})
    result = Result("body", "Title", removed=(RemovedBlock("share", "Share this"),))
    cache.put("trafilatura", "zyte", "p1", html_key("<p>a</p>"), result, None)
    cache.put("floor", "zyte", "p1", html_key("<p>a</p>"), result, None)  # not cacheable
    cache.save()
    fresh = OutputCache(tmp_path, {"trafilatura": "trafilatura-x"})
    assert fresh.get("trafilatura", "zyte", "p1", html_key("<p>a</p>")) == (result, None)
    assert fresh.get("trafilatura", "zyte", "p1", html_key("<p>b</p>")) is None
    assert fresh.get("floor", "zyte", "p1", html_key("<p>a</p>")) is None


def test_element_counts_of_an_html_fragment() -> None:
    html = ("<figure><img src=a.jpg></figure><p><img src=b.png>x</p><table><tr><td>1</td></tr>"
            "</table><pre>code</pre><pre><code>more</code></pre>")
    assert count_elements(html) == {"img": 2, "table": 1, "pre": 2}
    assert count_elements("  ") == {"img": 0, "table": 0, "pre": 0}


def test_element_rates_count_pages_with_equal_counts() -> None:
    pages = [
        {"img": (2, 2), "table": (1, 0), "pre": (0, 0)},  # img right, table lost
        {"img": (3, 1), "table": (0, 0), "pre": (0, 0)},  # img short
        {"img": (0, 0), "table": (0, 1), "pre": (0, 0)},  # a table found that is not there
        {"img": (0, 0), "table": (0, 0), "pre": (4, 4)},  # nothing but code, all kept
    ]
    rates = scoring.element_rates(pages)
    assert rates["img"] == {"match": 0.5, "pages": 2, "expected": 5, "found": 3}
    assert rates["table"] == {"match": 0.0, "pages": 2, "expected": 1, "found": 1}
    assert rates["pre"] == {"match": 1.0, "pages": 1, "expected": 4, "found": 4}
    # A kind an extractor cannot output is left out, not counted as zero.
    only_tables = scoring.element_rates([{"table": (1, 1)}, {"table": (2, 1)}])
    assert list(only_tables) == ["table"] and only_tables["table"]["match"] == 0.5
    assert scoring.element_rates([{}, {}]) == {}


def test_mozilla_record_pairs_expected_and_found_elements() -> None:
    truth = TextTruth("Text", {}, {"img": 3, "table": 1, "pre": 0})
    page = Page("mozilla", "mozilla", "p", "", None, truth)
    found = with_element_counts(Result("Text", html="<img src=a><img src=b><pre>x</pre>"))
    assert found.html is None and found.elements == {"img": 2, "table": 0, "pre": 1}
    record = evaluate.score_page(page, "plainpage", found)
    assert record["elements"] == {"img": (3, 2), "table": (1, 0), "pre": (0, 1)}
    summary = evaluate.summarise("mozilla", [record])
    assert summary["elements"]["img"] == {"match": 0.0, "pages": 1, "expected": 3, "found": 2}
    assert evaluate.score_page(page, "floor", Result("Text"))["elements"] == {}
    # trafilatura reports tables only: its counts stand, nothing is added for the rest.
    tables_only = with_element_counts(Result("Text", elements={"table": 1}))
    assert tables_only.elements == {"table": 1}


def test_element_cells_of_the_mozilla_table() -> None:
    assert element_cell({"match": 0.75, "pages": 4, "expected": 10, "found": 9}) == (
        "75.0% (9/10)")
    assert element_cell(None) == "–"


def test_cached_result_keeps_element_counts(tmp_path: Path) -> None:
    cache = OutputCache(tmp_path, {"readability": "readability-x"})
    result = Result("body", elements={"img": 1, "table": 0, "pre": 2})
    cache.put("readability", "mozilla", "p1", html_key("<p>a</p>"), result, None)
    cache.save()
    fresh = OutputCache(tmp_path, {"readability": "readability-x"})
    assert fresh.get("readability", "mozilla", "p1", html_key("<p>a</p>")) == (result, None)
