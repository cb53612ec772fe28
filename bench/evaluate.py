"""Per-page scores and corpus summaries, built on ``scoring``.

``score_page`` turns one page's outputs into a small record per peer (kept for the whole
run, unlike the HTML and texts); ``summarise`` folds a corpus's records into its metrics;
``page_value`` is the one number per page the per-page CSV shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from . import scoring
from .corpora import AppealTruth, Page, SnippetTruth, TextTruth, WcxbTruth
from .peers import Result

#: Peers that report the blocks they removed (detection metrics apply only to them).
REPORTS_REMOVALS = frozenset({"plainpage"})
WCXB_TYPES = ("article", "forum", "product", "collection", "listing", "documentation",
              "service")
#: Readability.js metadata key → Result field.
MOZILLA_FIELDS = MappingProxyType({
    "title": "title", "byline": "byline", "lang": "lang", "dir": "dir",
    "siteName": "site_name", "excerpt": "excerpt", "publishedTime": "date"})
PAGE_METRIC = MappingProxyType({
    "zyte": "shingle_f1", "mozilla": "shingle_f1", "wcxb": "word_f1",
    "trafilatura": "snippet_accuracy", "appeals": "blocks_right"})

Record = dict[str, Any]


def score_page(page: Page, peer: str, result: Result) -> Record:
    """One peer's score record for one page."""
    truth = page.truth
    if isinstance(truth, WcxbTruth):
        return _wcxb_page(truth, result)
    if isinstance(truth, SnippetTruth):
        tp, fn, fp, tn = scoring.snippet_counts(result.text, truth.with_, truth.without)
        return {"tp": tp, "fn": fn, "fp": fp, "tn": tn}
    if isinstance(truth, AppealTruth):
        return _appeals_page(truth, result, peer in REPORTS_REMOVALS)
    record: Record = {"sh": scoring.shingle_match(truth.text, result.text)}
    if page.corpus == "mozilla":
        record["meta"] = _mozilla_meta(truth, result)
        record["elements"] = _element_pairs(truth, result)
    return record


def _element_pairs(truth: TextTruth, result: Result) -> dict[str, tuple[int, int]]:
    """(expected, found) count per element kind the extractor reports."""
    if truth.elements is None or result.elements is None:
        return {}
    return {kind: (truth.elements.get(kind, 0), found)
            for kind, found in result.elements.items()}


def _mozilla_meta(truth: TextTruth, result: Result) -> dict[str, bool | None]:
    # Exact after whitespace normalisation, rated only where Readability.js found a value
    # (None otherwise: an extractor that answers nothing must not score on null fields);
    # published_day compares just the calendar day of publishedTime.
    matches: dict[str, bool | None] = {}
    for key, attr in MOZILLA_FIELDS.items():
        want = scoring.ws(truth.meta.get(key))
        matches[key] = want == scoring.ws(getattr(result, attr)) if want else None
    published = truth.meta.get("publishedTime")
    matches["published_day"] = scoring.same_date(published, result.date) if published else None
    # The byline as names: Readability.js keeps "By", dates and labels in its byline, which
    # plainpage leaves out by design; this column compares the names as WCXB's author does.
    byline = truth.meta.get("byline")
    matches["byline_name"] = scoring.same_name(byline, result.byline) if scoring.ws(byline) \
        else None
    return matches


def _wcxb_page(truth: WcxbTruth, result: Result) -> Record:
    p, r, f1 = scoring.word_prf(result.text, truth.text)
    return {
        "type": truth.page_type, "p": p, "r": r, "f1": f1,
        "with": scoring.snippet_rate(result.text, truth.with_),
        "without": scoring.snippet_rate(result.text, truth.without),
        # None where the truth has no value: nothing to match against.
        "title": scoring.same_name(truth.title, result.title) if truth.title else None,
        "author": scoring.same_name(truth.author, result.byline) if truth.author else None,
        "date": scoring.same_date(truth.date, result.date) if truth.date else None,
    }


def _appeals_page(truth: AppealTruth, result: Result, detects: bool) -> Record:
    text = scoring.norm(result.text)
    positives = [r for r in truth.records if not r.negative]
    negatives = [r for r in truth.records if r.negative]
    record: Record = {
        "leaked": [(r.kind, scoring.block_in(r.text, text)) for r in positives],
        "stripped": [not scoring.block_in(r.text, text) for r in negatives],
    }
    if detects:
        removed = [scoring.norm(block.text) for block in result.removed]
        record["detected"] = [(r.kind, any(scoring.block_in(r.text, b) for b in removed))
                              for r in positives]
        record["removed_pos"] = sum(any(scoring.block_in(r.text, b) for r in positives)
                                    for b in removed)
        record["removed_neg"] = sum(any(scoring.block_in(r.text, b) for r in negatives)
                                    for b in removed)
        record["removed"] = len(removed)
    return record


def page_value(corpus: str, record: Record) -> float:
    """The per-page number of the CSV (higher is better in every corpus)."""
    if corpus in ("zyte", "mozilla"):
        return scoring.page_shingle_f1(record["sh"])
    if corpus == "wcxb":
        return record["f1"]
    if corpus == "trafilatura":
        total = record["tp"] + record["fn"] + record["fp"] + record["tn"]
        return (record["tp"] + record["tn"]) / total if total else 1.0
    right = [not leak for _, leak in record["leaked"]] + [not s for s in record["stripped"]]
    return sum(right) / len(right) if right else 1.0


def summarise(corpus: str, records: Sequence[Record]) -> dict[str, Any]:
    """A corpus's metrics for one peer."""
    if corpus in ("zyte", "mozilla"):
        summary = scoring.shingle_summary([r["sh"] for r in records])
        if corpus == "mozilla":
            summary["meta"] = _rates([r["meta"] for r in records])
            summary["elements"] = scoring.element_rates([r["elements"] for r in records])
        return summary
    if corpus == "wcxb":
        return _wcxb_summary(records)
    if corpus == "trafilatura":
        totals = Counter()
        for r in records:
            totals.update({k: r[k] for k in ("tp", "fn", "fp", "tn")})
        summary = scoring.snippet_summary(totals["tp"], totals["fn"], totals["fp"],
                                          totals["tn"])
        return {**summary, "pages": len(records)}
    return _appeals_summary(records)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rates(rows: Sequence[dict[str, bool | None]]) -> dict[str, float | None]:
    keys = list(rows[0]) if rows else []
    return {k: _mean([float(r[k]) for r in rows if r.get(k) is not None]) for k in keys}


def _wcxb_summary(records: Sequence[Record]) -> dict[str, Any]:
    by_type = {kind: [r for r in records if r["type"] == kind] for kind in WCXB_TYPES}
    return {
        "f1": _mean([r["f1"] for r in records]),
        "precision": _mean([r["p"] for r in records]),
        "recall": _mean([r["r"] for r in records]),
        "with": _mean([r["with"] for r in records]),
        "without": _mean([r["without"] for r in records]),
        "by_type": {kind: {"f1": _mean([r["f1"] for r in rows]), "pages": len(rows)}
                    for kind, rows in by_type.items() if rows},
        "meta": _rates([{k: r[k] for k in ("title", "author", "date")} for r in records]),
        "meta_pages": {k: sum(r[k] is not None for r in records)
                       for k in ("title", "author", "date")},
        "pages": len(records),
    }


def _appeals_summary(records: Sequence[Record]) -> dict[str, Any]:
    leaked = [pair for r in records for pair in r["leaked"]]
    stripped = [s for r in records for s in r["stripped"]]
    kinds = sorted({kind for kind, _ in leaked})
    summary: dict[str, Any] = {
        "leakage": _mean([float(x) for _, x in leaked]),
        "leakage_by_kind": {k: _mean([float(x) for kind, x in leaked if kind == k])
                            for k in kinds},
        "false_stripping": _mean([float(x) for x in stripped]),
        "positives": len(leaked), "negatives": len(stripped), "pages": len(records),
    }
    if records and "detected" in records[0]:
        detected = [pair for r in records for pair in r["detected"]]
        pos = sum(r["removed_pos"] for r in records)
        neg = sum(r["removed_neg"] for r in records)
        summary["detection_recall"] = _mean([float(x) for _, x in detected])
        summary["detection_recall_by_kind"] = {
            k: _mean([float(x) for kind, x in detected if kind == k]) for k in kinds}
        # Only labelled blocks say anything: a removed block matching neither is unknown.
        summary["detection_precision"] = pos / (pos + neg) if pos + neg else None
        summary["removed_blocks"] = sum(r["removed"] for r in records)
        summary["removed_matching"] = {"positive": pos, "negative": neg}
    return summary
