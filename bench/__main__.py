"""``python -m bench``: score plainpage and its peers on the shared corpora, side by side.

Examples (from the repo root)::

    python -m bench                                  # everything, all four peers
    python -m bench --only zyte --limit 30 --no-timing
    python -m bench --peers trafilatura,readability,floor --chart bench/out/chart.png
    python -m bench --only wcxb --dump /tmp/dump --page-scores bench/out/pages.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path
from typing import Any

from . import evaluate, peers, report
from .cache import OutputCache
from .corpora import CORPORA, LOADERS, Ref
from .runner import RunConfig, Runner

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CORPORA = BENCH_DIR.parent / ".." / "shared" / "corpora"
INPUT_NOTE = ("the same decoded str for every extractor (UTF-8; else the page's <meta "
              "charset>; else cp1252)")


def _csv(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in items if v not in allowed]
    if unknown or not items:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}")
    return items


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                    help="corpora folder (default: ../shared/corpora from the repo root)")
    ap.add_argument("--only", type=lambda v: _csv(v, CORPORA, "corpus"), default=CORPORA,
                    help="comma-separated corpora: " + ",".join(CORPORA))
    ap.add_argument("--peers", type=lambda v: _csv(v, peers.PEERS, "peer"),
                    default=peers.PEERS, help="comma-separated extractors: "
                    + ",".join(peers.PEERS))
    ap.add_argument("--limit", type=int, default=0, help="pages per corpus (0 = all)")
    ap.add_argument("--no-timing", action="store_true", help="score only, time nothing")
    ap.add_argument("--time-sample", type=int, default=150,
                    help="pages per corpus timed with every peer run fresh, evenly spaced "
                         "(0 = all pages; default 150)")
    ap.add_argument("--warmup", type=int, default=5,
                    help="untimed warm-up pages at the start of each timed sample")
    ap.add_argument("--no-cache", action="store_true",
                    help="run trafilatura/readability on every page instead of reusing "
                         "bench/out/cache outputs for untimed pages")
    ap.add_argument("--trafilatura-comments", action="store_true",
                    help="call trafilatura with include_comments=True (its own default; "
                         "off by default here, as in the reference figures)")
    ap.add_argument("--chart", type=Path, help="write a PNG of F1 against median ms/page")
    ap.add_argument("--dump", type=Path, help="write every extractor's text per page here")
    ap.add_argument("--page-scores", type=Path, help="write per-page scores as CSV here")
    ap.add_argument("--json", type=Path, default=BENCH_DIR / "out" / "results.json",
                    help="where to write the JSON results (default bench/out/results.json)")
    return ap.parse_args(argv)


def run_corpus(runner: Runner, corpus: str, refs: list[Ref],
               names: tuple[str, ...]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run and score one corpus: its results entry and its per-page CSV rows."""
    records: dict[str, list[evaluate.Record]] = {peer: [] for peer in names}
    rows: list[dict[str, Any]] = []

    def on_page(page: Any, outputs: dict[str, Any]) -> None:
        values = {}
        for peer, out in outputs.items():
            record = evaluate.score_page(page, peer, out.result)
            records[peer].append(record)
            values[peer] = evaluate.page_value(corpus, record)
        page_type = getattr(page.truth, "page_type", "")
        page_id = page.id if corpus != "appeals" else f"{page.source}/{page.id}"
        rows.append({"corpus": corpus, "page": page_id, "page_type": page_type,
                     "metric": evaluate.PAGE_METRIC[corpus], **values})

    logs = runner.run(corpus, refs, on_page)
    result = {peer: {
        "metrics": evaluate.summarise(corpus, records[peer]),
        "timing": report.timing_stats(logs[peer].times),
        "errors": logs[peer].errors,
        "error_examples": logs[peer].examples,
        "error_pages": logs[peer].error_pages,
        "origins": logs[peer].origins,
    } for peer in names}
    return {"peers": result, "ratios": report.ratios(result)}, rows


def _meta(args: argparse.Namespace) -> dict[str, Any]:
    timing = "off" if args.no_timing else (
        f"one process, time.perf_counter per call, peers in rotating order per page, "
        f"{args.warmup} warm-up pages, "
        + (f"{args.time_sample} evenly spaced pages per corpus" if args.time_sample > 0
           else "all pages") + "; appeals pages are timed in their own corpora")
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "corpora": str(args.corpora.resolve()),
        "peers": {name: peers.version(name) for name in args.peers},
        "input": INPUT_NOTE,
        "timing": timing,
        "trafilatura_settings": peers.trafilatura_settings(args.trafilatura_comments),
        "limit": args.limit or None,
        "cache": not args.no_cache,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    args.only = tuple(c for c in CORPORA if c in args.only)  # appeals last: reuses outputs
    started = time.monotonic()
    if not args.corpora.is_dir():
        print(f"corpora folder not found: {args.corpora}", file=sys.stderr)
        return 2
    peers.quiet_logs()
    adapters = {name: peers.make(name, args.trafilatura_comments) for name in args.peers}
    variant = {"trafilatura": "-comments" if args.trafilatura_comments else ""}
    cache = None if args.no_cache else OutputCache(
        BENCH_DIR / "out" / "cache",
        {name: peers.fingerprint(name, variant.get(name, ""))
         for name in args.peers if name in peers.CACHEABLE})
    config = RunConfig(args.peers, not args.no_timing, args.time_sample, args.warmup, args.dump)
    refs = {c: LOADERS[c](args.corpora)[: args.limit or None] for c in args.only}
    keep = frozenset((r.source, r.id) for r in refs.get("appeals", []))
    runner = Runner(config, adapters, cache, keep)
    results: dict[str, Any] = {"meta": _meta(args), "corpora": {}}
    page_rows: list[dict[str, Any]] = []
    for corpus in args.only:
        print(f"{corpus}: {len(refs[corpus])} pages", file=sys.stderr, flush=True)
        results["corpora"][corpus], rows = run_corpus(runner, corpus, refs[corpus], args.peers)
        page_rows += rows
    results["meta"]["elapsed_s"] = time.monotonic() - started
    print(report.markdown(results))
    report.write_json(results, args.json)
    print(f"results: {args.json}", file=sys.stderr)
    if args.page_scores:
        report.write_page_scores(page_rows, args.peers, args.page_scores)
    if args.chart and not report.chart(results, args.chart):
        print("--chart: matplotlib is not installed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
