"""Running the extractors over a corpus: one process, pages in sequence, peers interleaved.

Timing protocol (see the corpora README: only side-by-side ratios mean anything):

* all peers get the same decoded ``str``; each call is timed alone with
  ``time.perf_counter``, the adapter's own conversion to text included (the count of
  ``<img>``/``<table>``/``<pre>`` in its HTML output is taken after the clock stops);
* on every page the peers run in a rotating order (page i starts with peer i mod k), so
  cache warmth and GC pauses left by one peer do not always land on the same neighbour;
* the first ``warmup`` pages of each corpus's timed sample run untimed (imports, lazy
  compilation, CPU caches); their outputs are still scored;
* only the timed sample (evenly spaced pages, ``time_sample`` per corpus, 0 = all) runs
  every peer fresh; other pages may take trafilatura/readability outputs from the cache.

An exception from an extractor counts as empty output, is counted, and the run goes on.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import OutputCache, html_key
from .corpora import AppealTruth, Page, Ref, SnippetTruth, load
from .peers import Adapter, Result, with_element_counts

_UNSAFE = re.compile(r"[^\w.-]+")
_MAX_EXAMPLES = 3


@dataclass(slots=True)
class Output:
    """One extractor's output on one page. ``ms`` is set only for timed calls; ``origin``
    says whether it ran now, came from another corpus of this run, or from the cache."""

    result: Result
    error: str | None = None
    ms: float | None = None
    origin: str = "run"


@dataclass(slots=True)
class PeerLog:
    """Per corpus and peer: call times (ms), errors, and where outputs came from."""

    times: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)
    error_pages: list[str] = field(default_factory=list)
    origins: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """How to run: which peers, whether and how much to time, where to dump texts."""

    peers: tuple[str, ...]
    timing: bool = True
    time_sample: int = 150
    warmup: int = 5
    dump: Path | None = None


def sample_indices(n: int, sample: int, warmup: int) -> tuple[frozenset[int], frozenset[int]]:
    """(warm-up, timed) page indices: ``sample`` evenly spaced pages (all when 0 or ≥ n),
    of which the first ``warmup`` only warm up."""
    count = n if sample <= 0 or sample >= n else sample
    chosen = sorted({i * n // count for i in range(count)}) if count else []
    return frozenset(chosen[:warmup]), frozenset(chosen[warmup:])


class Runner:
    """Runs the adapters over pages; shares outputs between corpora that hold the same page
    (appeals reuses zyte/mozilla/trafilatura pages) and with the on-disk cache."""

    def __init__(self, config: RunConfig, adapters: dict[str, Adapter],
                 cache: OutputCache | None,
                 keep: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.config = config
        self.adapters = adapters
        self.cache = cache
        self.keep = keep  # (source, id) of pages a later corpus will need again
        self._memo: dict[tuple[str, str], dict[str, Output]] = {}

    def run(self, corpus: str, refs: list[Ref],
            on_page: Callable[[Page, dict[str, Output]], None]) -> dict[str, PeerLog]:
        """Extract every page of ``refs`` with every peer and hand each page to ``on_page``."""
        logs = {peer: PeerLog() for peer in self.config.peers}
        warm, timed = frozenset(), frozenset()
        if self.config.timing and corpus != "appeals":  # appeals pages are timed at source
            warm, timed = sample_indices(len(refs), self.config.time_sample, self.config.warmup)
        start = last = time.monotonic()
        for i, ref in enumerate(refs):
            page = load(ref)
            outputs = self._page(page, i, i in warm or i in timed, i in timed)
            for peer, out in outputs.items():
                _log(logs[peer], page, out)
            on_page(page, outputs)
            if self.config.dump is not None:
                dump_page(self.config.dump, page, outputs)
            now = time.monotonic()
            if now - last > 5 or i + 1 == len(refs):
                last = now
                print(f"  [{corpus}] {i + 1}/{len(refs)} pages, {now - start:.0f}s",
                      file=sys.stderr, flush=True)
        if self.cache is not None:
            self.cache.save()
        return logs

    def _page(self, page: Page, index: int, fresh: bool, timed: bool) -> dict[str, Output]:
        key = (page.source, page.id)
        memo = self._memo.get(key, {})
        digest = html_key(page.html) if self.cache is not None else ""
        peers = self.config.peers
        shift = index % len(peers)
        outputs: dict[str, Output] = {}
        for peer in peers[shift:] + peers[:shift]:
            if not fresh and peer in memo:
                outputs[peer] = Output(memo[peer].result, memo[peer].error, origin="memo")
                continue
            hit = self.cache.get(peer, page.source, page.id, digest) if (
                self.cache is not None and not fresh) else None
            if hit is not None:
                outputs[peer] = Output(hit[0], hit[1], origin="cache")
                continue
            outputs[peer] = call(self.adapters[peer], page, timed)
            if self.cache is not None:
                self.cache.put(peer, page.source, page.id, digest, outputs[peer].result,
                               outputs[peer].error)
        if key in self.keep:
            self._memo[key] = outputs
        return {peer: outputs[peer] for peer in peers}


def call(adapter: Adapter, page: Page, timed: bool) -> Output:
    """Run one adapter on one page; an exception becomes an empty result plus its message."""
    start = time.perf_counter()
    try:
        result = adapter(page.html, page.url)
    except Exception as exc:  # noqa: BLE001 - a failing extractor must not stop the run
        return Output(Result(), f"{type(exc).__name__}: {exc}"[:300])
    elapsed = (time.perf_counter() - start) * 1000
    if not isinstance(result, Result):
        return Output(Result(), f"adapter returned {type(result).__name__}")
    # Counting elements needs a parse of the output: after the clock, not on it.
    return Output(with_element_counts(result), None, elapsed if timed else None)


def _log(log: PeerLog, page: Page, out: Output) -> None:
    log.origins[out.origin] = log.origins.get(out.origin, 0) + 1
    if out.ms is not None:
        log.times.append(out.ms)
    if out.error is not None:
        log.errors += 1
        log.error_pages.append(page.id)
        if len(log.examples) < _MAX_EXAMPLES:
            log.examples.append(f"{page.id}: {out.error}")


def dump_page(directory: Path, page: Page, outputs: dict[str, Output]) -> None:
    """Write each extractor's text, and the truth, as <dir>/<corpus>/<id>.<peer>.txt."""
    folder = directory / page.corpus
    folder.mkdir(parents=True, exist_ok=True)
    stem = _UNSAFE.sub("_", page.id)[:120]
    for peer, out in outputs.items():
        body = out.result.text if out.error is None else f"[error] {out.error}\n"
        (folder / f"{stem}.{peer}.txt").write_text(body, encoding="utf-8")
    (folder / f"{stem}.truth.txt").write_text(truth_text(page), encoding="utf-8")


def truth_text(page: Page) -> str:
    """The page's truth as text: the clean article, or the labelled snippets/blocks."""
    truth = page.truth
    if isinstance(truth, SnippetTruth):
        return "".join([f"+ {s}\n" for s in truth.with_] + [f"- {s}\n" for s in truth.without])
    if isinstance(truth, AppealTruth):
        return "".join(f"{'KEEP' if r.negative else 'DROP ' + r.kind}: {r.text}\n"
                       for r in truth.records)
    return truth.text
