"""Output of a run: Markdown tables on stdout, ``bench/out/results.json``, an optional chart
(F1 against median ms/page) and an optional per-page CSV.

``results`` (built by ``__main__``) is {"meta": {...}, "corpora": {corpus: {"peers":
{peer: {"metrics", "timing", "errors", ...}}, "ratios": {...}}}}.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .evaluate import WCXB_TYPES

_MOZ_META = ("title", "byline", "byline_name", "lang", "dir", "siteName", "excerpt",
             "publishedTime", "published_day")
_MOZ_ELEMENTS = ("img", "table", "pre")
_ELEMENTS_NOTE = ("img / table / pre: share of pages whose count of that element in the "
                  "extractor's HTML equals expected.html's (over pages where either is "
                  "non-zero), then found/expected totals; – where the output cannot show it.")


def timing_stats(times: Sequence[float]) -> dict[str, float | int | None]:
    """Median, p95 (nearest rank) and mean of call times in ms."""
    if not times:
        return {"n": 0, "median": None, "p95": None, "mean": None}
    ordered = sorted(times)
    n = len(ordered)
    mid = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    p95 = ordered[max(0, math.ceil(0.95 * n) - 1)]
    return {"n": n, "median": mid, "p95": p95, "mean": sum(ordered) / n}


def ratios(peers: dict[str, Any], subject: str = "plainpage") -> dict[str, float]:
    """Median-time ratio of ``subject`` to every other peer (< 1: subject is faster)."""
    mine = peers.get(subject, {}).get("timing", {}).get("median")
    if not mine:
        return {}
    return {peer: mine / data["timing"]["median"] for peer, data in peers.items()
            if peer != subject and data["timing"].get("median")}


def _f(value: Any, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _ms(timing: dict[str, Any]) -> list[str]:
    return [_f(timing.get("median"), 1), _f(timing.get("p95"), 1)]


def element_cell(rate: dict[str, Any] | None) -> str:
    """"82.1% (40/42)": pages with equal counts, then found/expected totals; "–" when the
    extractor's output does not show that kind of element."""
    if rate is None:
        return "–"
    return f"{_pct(rate['match'])} ({rate['found']}/{rate['expected']})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _corpus_rows(corpus: str, peers: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    timing = ["median ms", "p95 ms", "errors"]
    rows: list[list[str]] = []
    if corpus in ("zyte", "mozilla"):
        header = ["extractor", "F1", "P", "R", "exact"]
        if corpus == "mozilla":
            header += list(_MOZ_META) + list(_MOZ_ELEMENTS)
        for peer, data in peers.items():
            m = data["metrics"]
            row = [peer, _f(m["f1"]), _f(m["precision"]), _f(m["recall"]), _pct(m["accuracy"])]
            if corpus == "mozilla":
                row += [_pct(m["meta"].get(k)) for k in _MOZ_META]
                row += [element_cell(m.get("elements", {}).get(k)) for k in _MOZ_ELEMENTS]
            rows.append(row + _ms(data["timing"]) + [str(data["errors"])])
    elif corpus == "wcxb":
        header = ["extractor", "F1 all"] + list(WCXB_TYPES) + [
            "with%", "without%", "title", "author", "date"]
        for peer, data in peers.items():
            m = data["metrics"]
            types = [_f(m["by_type"].get(t, {}).get("f1")) for t in WCXB_TYPES]
            meta = [_pct(m["meta"].get(k)) for k in ("title", "author", "date")]
            rows.append([peer, _f(m["f1"])] + types + [_pct(m["with"]), _pct(m["without"])]
                        + meta + _ms(data["timing"]) + [str(data["errors"])])
    elif corpus == "trafilatura":
        header = ["extractor", "F1", "P", "R", "snippet acc."]
        for peer, data in peers.items():
            m = data["metrics"]
            rows.append([peer, _f(m["f1"]), _f(m["precision"]), _f(m["recall"]),
                         _pct(m["accuracy"])] + _ms(data["timing"]) + [str(data["errors"])])
    else:
        return _appeals_rows(peers)
    return header + timing, rows


def _appeals_rows(peers: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    kinds = sorted({k for d in peers.values() for k in d["metrics"]["leakage_by_kind"]})
    header = (["extractor", "leakage"] + [f"leak {k}" for k in kinds]
              + ["false strip", "det. recall"] + [f"det {k}" for k in kinds]
              + ["det. precision", "errors"])
    rows = []
    for peer, data in peers.items():
        m = data["metrics"]
        det = m.get("detection_recall_by_kind", {})
        rows.append([peer, _pct(m["leakage"])]
                    + [_pct(m["leakage_by_kind"].get(k)) for k in kinds]
                    + [_pct(m["false_stripping"]), _pct(m.get("detection_recall"))]
                    + [_pct(det.get(k)) for k in kinds]
                    + [_pct(m.get("detection_precision")), str(data["errors"])])
    return header, rows


def markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    meta = results["meta"]
    out = [f"# plainpage side-by-side benchmark ({meta['date']})", "",
           f"Input: {meta['input']}. Timing: {meta['timing']}.", "",
           f"trafilatura: {meta['trafilatura_settings']}.", ""]
    for corpus, data in results["corpora"].items():
        peers = data["peers"]
        first = next(iter(peers.values()), {})
        pages = first.get("metrics", {}).get("pages", "?")
        out += [f"## {corpus} ({pages} pages)", ""]
        header, rows = _corpus_rows(corpus, peers)
        out += _table(header, rows) + [""]
        if corpus == "mozilla":
            out += [_ELEMENTS_NOTE, ""]
        if data.get("ratios"):
            parts = [f"{r:.2f}× {peer}" for peer, r in data["ratios"].items()]
            out += ["plainpage median time = " + ", ".join(parts) + "", ""]
        for peer, info in peers.items():
            for example in info.get("error_examples", []):
                out.append(f"- {peer} error: {example}")
        out.append("")
    out.append(f"Total run time: {meta['elapsed_s']:.0f} s")
    return "\n".join(out) + "\n"


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the results as pretty JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_page_scores(rows: list[dict[str, Any]], peers: Sequence[str], path: Path) -> None:
    """Per-page CSV: corpus, page, type, metric, one column per peer, and plainpage minus
    trafilatura when both ran (sort by it to find the worst pages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    delta = "plainpage" in peers and "trafilatura" in peers
    fields = ["corpus", "page", "page_type", "metric", *peers] + (["delta"] if delta else [])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            line = {k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in row.items()}
            if delta:
                line["delta"] = f"{row['plainpage'] - row['trafilatura']:.4f}"
            writer.writerow(line)


def chart(results: dict[str, Any], path: Path) -> bool:
    """F1 against median ms/page, one point per extractor and corpus (log x). False when
    matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(9, 6))
    # Colour says which extractor, marker which corpus; each point is also labelled.
    markers = dict(zip(results["corpora"], "osD^v<>", strict=False))
    colours = {}
    for corpus, data in results["corpora"].items():
        for peer, info in data["peers"].items():
            ms, f1 = info["timing"].get("median"), info["metrics"].get("f1")
            if not ms or f1 is None:
                continue
            colour = colours.setdefault(peer, f"C{len(colours)}")
            ax.scatter(ms, f1, marker=markers[corpus], color=colour, s=45)
            ax.annotate(f"{peer} · {corpus}", (ms, f1), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
    handles = [plt.Line2D([], [], color=c, marker="o", ls="", label=p)
               for p, c in colours.items()]
    handles += [plt.Line2D([], [], color="grey", marker=m, ls="", label=c)
                for c, m in markers.items() if c != "appeals"]
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.set_xscale("log")
    ax.set_xlabel("median ms/page (log)")
    ax.set_ylabel("F1")
    ax.set_title("Extraction quality against speed, per corpus")
    ax.grid(True, which="both", alpha=0.3)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return True
