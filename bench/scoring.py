"""The corpus metrics, exactly as ``shared/corpora/README.md`` and ``appeals/README.md`` define
them. Pure functions on strings and numbers; nothing here knows about extractors.

* Zyte / Mozilla: 4-token shingles of ``\\w+`` (Unicode, case kept), per-page tp/fp/fn
  normalised to sum 1, precision and recall averaged over pages, F1 their harmonic mean
  (the rules of Zyte's own ``evaluate.py``).
* WCXB: per-page word F1 on lowercase ``\\w+`` multisets; snippets as lowercase substrings,
  a page without snippets counting 1.0 (WCXB's ``evaluate.py``).
* trafilatura-pages: snippet tp/fn/fp/tn over all pages.
* appeals: ``norm`` and the 80-character substring test of the appeals README.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\w+")
_NON_WORD = re.compile(r"[^\w]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")
SHINGLE = 4
APPEAL_PREFIX = 80


def tokens(text: str | None) -> list[str]:
    """``\\w+`` tokens, case kept (Zyte's tokenizer)."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is one shingle."""
    toks = tokens(text)
    grams = (tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)))
    return Counter(gram for gram in grams if gram)


@dataclass(frozen=True, slots=True)
class Shingled:
    """One page's shingle comparison: tp/fp/fn normalised to sum 1, and exact equality."""

    tp: float
    fp: float
    fn: float
    exact: bool


def shingle_match(truth: str, pred: str) -> Shingled:
    """Compare texts by shingle multisets; counts are divided by their sum (when > 0)
    so long articles weigh no more than short ones."""
    true_sh, pred_sh = shingles(truth), shingles(pred)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return Shingled(float(tp), float(fp), float(fn), tokens(truth) == tokens(pred))


def precision_score(tp: float, fp: float, fn: float) -> float:
    """Zyte's page precision: 1 when fp = fn = 0, 0 when tp = fp = 0."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    """Zyte's page recall: 1 when fp = fn = 0, 0 when tp = fn = 0."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def harmonic(p: float, r: float) -> float:
    """F1 of a precision and a recall (0 when both are 0)."""
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def shingle_summary(pages: Sequence[Shingled]) -> dict[str, float]:
    """Corpus F1/precision/recall/accuracy. Precision averages the pages with tp+fp > 0
    (an empty output does not enter it), recall those with tp+fn > 0."""
    precision = _mean([precision_score(s.tp, s.fp, s.fn) for s in pages if s.tp + s.fp > 0])
    recall = _mean([recall_score(s.tp, s.fp, s.fn) for s in pages if s.tp + s.fn > 0])
    return {
        "f1": harmonic(precision, recall),
        "precision": precision,
        "recall": recall,
        "accuracy": _mean([1.0 if s.exact else 0.0 for s in pages]),
        "pages": len(pages),
    }


def page_shingle_f1(s: Shingled) -> float:
    """One page's F1 (for the per-page CSV)."""
    return harmonic(precision_score(s.tp, s.fp, s.fn), recall_score(s.tp, s.fp, s.fn))


def word_prf(pred: str | None, truth: str | None) -> tuple[float, float, float]:
    """WCXB word precision/recall/F1 on lowercase ``\\w+`` multisets."""
    pred_toks = _TOKEN.findall((pred or "").lower())
    ref_toks = _TOKEN.findall((truth or "").lower())
    if not ref_toks:
        return (1.0, 1.0, 1.0) if not pred_toks else (0.0, 0.0, 0.0)
    if not pred_toks:
        return (0.0, 0.0, 0.0)
    overlap = sum((Counter(pred_toks) & Counter(ref_toks)).values())
    precision, recall = overlap / len(pred_toks), overlap / len(ref_toks)
    return precision, recall, harmonic(precision, recall)


def snippet_rate(text: str | None, snippets: Iterable[str]) -> float:
    """Share of snippets found as lowercase substrings; 1.0 when there are none."""
    wanted = list(snippets)
    if not wanted:
        return 1.0
    lowered = (text or "").lower()
    return sum(1 for s in wanted if s.lower() in lowered) / len(wanted)


def snippet_counts(text: str | None, with_: Iterable[str],
                   without: Iterable[str]) -> tuple[int, int, int, int]:
    """trafilatura-pages (tp, fn, fp, tn): a found ``with`` is tp, a missing one fn; a found
    ``without`` is fp, a missing one tn. Lowercase substring match, whitespace collapsed
    on both sides (line breaks in the output must not hide a snippet)."""
    hay = " ".join((text or "").lower().split())
    found_with = [" ".join(s.lower().split()) in hay for s in with_]
    found_without = [" ".join(s.lower().split()) in hay for s in without]
    tp, fp = sum(found_with), sum(found_without)
    return tp, len(found_with) - tp, fp, len(found_without) - fp


def snippet_summary(tp: int, fn: int, fp: int, tn: int) -> dict[str, float]:
    """Precision, recall and F1 over all snippets of a corpus."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    accuracy = (tp + tn) / (tp + fn + fp + tn) if tp + fn + fp + tn else 0.0
    return {"precision": precision, "recall": recall, "f1": harmonic(precision, recall),
            "accuracy": accuracy, "tp": tp, "fn": fn, "fp": fp, "tn": tn}


def norm(text: str | None) -> str:
    """The appeals README normalisation: NFKC, no soft hyphen / zero-width space, lowercase,
    every run of non-word characters one space, trimmed."""
    s = unicodedata.normalize("NFKC", text or "").replace("\u00ad", "").replace("\u200b", "")
    return " ".join(_NON_WORD.sub(" ", s.lower()).split())


def block_in(block_text: str, normed_haystack: str) -> bool:
    """Whether a labelled block's first 80 normalised characters occur in an already
    ``norm``-ed text (an extracted article, or a removed block)."""
    return norm(block_text)[:APPEAL_PREFIX] in normed_haystack


def element_rates(pages: Sequence[dict[str, tuple[int, int]]]) -> dict[str, dict[str, Any]]:
    """Per element kind, from each page's (expected, found) counts: ``match``, the share of
    pages where the counts are equal, over the pages where either is non-zero (pages with
    none on both sides say nothing); ``pages``, how many those are; and the ``expected``
    and ``found`` totals over all pages. A kind no page reports is left out."""
    kinds = dict.fromkeys(kind for page in pages for kind in page)
    out: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        pairs = [page[kind] for page in pages if kind in page]
        rated = [(want, got) for want, got in pairs if want or got]
        out[kind] = {
            "match": sum(want == got for want, got in rated) / len(rated) if rated else None,
            "pages": len(rated),
            "expected": sum(want for want, _ in pairs),
            "found": sum(got for _, got in pairs),
        }
    return out


def ws(value: object) -> str:
    """Whitespace-normalised string of a metadata value (None → "")."""
    return " ".join(str(value).split()) if value is not None else ""


def day(value: str | None) -> str:
    """The YYYY-MM-DD (or YYYY-MM) a date string starts with, zero-padded; "" if none."""
    match = _DATE.search(value or "")
    if not match:
        return ""
    year, month, dd = match.groups()
    return f"{year}-{int(month):02d}" + (f"-{int(dd):02d}" if dd else "")


def same_date(truth: str | None, pred: str | None) -> bool:
    """Dates agree to the precision the truth gives (day, or month for "2025-09")."""
    want, got = day(truth), day(pred)
    return bool(want) and got[:len(want)] == want


def same_name(truth: str | None, pred: str | None) -> bool:
    """Titles/authors agree after ``norm`` (case, punctuation, spacing) and without a
    leading "by"."""
    want, got = _strip_by(norm(truth)), _strip_by(norm(pred))
    return bool(want) and want == got


def _strip_by(value: str) -> str:
    return value[3:] if value.startswith("by ") else value
