"""Loaders for the evaluation corpora in ``../shared/corpora`` (read in place, never copied).

Each corpus is listed cheaply first (``refs``: ids and truth, no HTML) so the runner knows
its size, then each page's HTML is read only when it is extracted (``load``). Every page is
decoded to ``str`` by ``textify.decode_page`` before any extractor sees it.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .textify import count_elements, decode_page, html_text

CORPORA = ("zyte", "mozilla", "wcxb", "trafilatura", "appeals")
_MOZILLA_META = ("title", "byline", "lang", "dir", "siteName", "excerpt", "publishedTime")


@dataclass(frozen=True, slots=True)
class TextTruth:
    """Zyte and Mozilla: the clean article text (Mozilla: plus Readability.js metadata and
    the ``<img>``/``<table>``/``<pre>`` counts of ``expected.html``)."""

    text: str
    meta: dict[str, str | None] = field(default_factory=dict)
    elements: dict[str, int] | None = None


@dataclass(frozen=True, slots=True)
class WcxbTruth:
    """WCXB: main content, snippets and the page's metadata and type."""

    text: str
    with_: tuple[str, ...]
    without: tuple[str, ...]
    title: str | None
    author: str | None
    date: str | None
    page_type: str


@dataclass(frozen=True, slots=True)
class SnippetTruth:
    """trafilatura-pages: snippets that must / must not appear."""

    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AppealRecord:
    """One labelled block of appeals/dev.jsonl."""

    kind: str
    text: str
    negative: bool


@dataclass(frozen=True, slots=True)
class AppealTruth:
    """All labelled blocks of one page."""

    records: tuple[AppealRecord, ...]


Truth = TextTruth | WcxbTruth | SnippetTruth | AppealTruth


@dataclass(frozen=True, slots=True)
class Ref:
    """A page before its HTML is read. ``source`` is the corpus the HTML file belongs to
    (for appeals: zyte, mozilla or trafilatura), so outputs can be shared between corpora."""

    corpus: str
    source: str
    id: str
    url: str | None
    truth: Truth
    path: Path


@dataclass(frozen=True, slots=True)
class Page:
    """A page ready to extract: ``html`` is decoded text."""

    corpus: str
    source: str
    id: str
    html: str
    url: str | None
    truth: Truth


def read_bytes(path: Path) -> bytes:
    """File bytes, gunzipped when the name ends in .gz."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def load(ref: Ref) -> Page:
    """Read and decode the HTML of ``ref``."""
    html = decode_page(read_bytes(ref.path))
    return Page(ref.corpus, ref.source, ref.id, html, ref.url, ref.truth)


def iter_pages(refs: list[Ref]) -> Iterator[Page]:
    """The pages of ``refs``, loaded one at a time."""
    for ref in refs:
        yield load(ref)


def zyte_refs(root: Path) -> list[Ref]:
    """Zyte article-extraction-benchmark: ground-truth.json + html/<id>.html.gz."""
    base = root / "zyte"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Ref("zyte", "zyte", pid, item.get("url"), TextTruth(item.get("articleBody") or ""),
            base / "html" / f"{pid}.html.gz")
        for pid, item in sorted(truth.items())
    ]


def mozilla_refs(root: Path) -> list[Ref]:
    """Mozilla Readability test pages: source.html, expected.html (→ text), metadata."""
    base = root / "mozilla" / "pages"
    refs = []
    for folder in sorted(p for p in base.iterdir() if (p / "source.html").is_file()):
        expected = folder / "expected.html"
        html = decode_page(expected.read_bytes()) if expected.is_file() else ""
        meta_path = folder / "expected-metadata.json"
        raw = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        meta = {key: raw.get(key) for key in _MOZILLA_META}
        truth = TextTruth(html_text(html), meta, count_elements(html))
        refs.append(Ref("mozilla", "mozilla", folder.name, None, truth, folder / "source.html"))
    return refs


def wcxb_page_type(data: dict) -> str:
    """The page type as WCXB's evaluate.py reads it (``category`` is ``collection``)."""
    internal = data.get("_internal") or {}
    kind = internal.get("page_type", {})
    if isinstance(kind, dict):
        kind = kind.get("primary", "article")
    if not isinstance(kind, str):
        kind = "article"
    return "collection" if kind == "category" else kind


def wcxb_refs(root: Path) -> list[Ref]:
    """WCXB dev split: dev/html/<id>.html.gz + dev/ground-truth/<id>.json."""
    base = root / "wcxb" / "dev"
    refs = []
    for path in sorted((base / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gt = data.get("ground_truth")
        if not isinstance(gt, dict):
            continue
        truth = WcxbTruth(
            text=gt.get("main_content") or "",
            with_=tuple(gt.get("with") or ()),
            without=tuple(gt.get("without") or ()),
            title=gt.get("title") or None,
            author=gt.get("author") or None,
            date=gt.get("publish_date") or None,
            page_type=wcxb_page_type(data),
        )
        refs.append(Ref("wcxb", "wcxb", path.stem, data.get("url"), truth,
                        base / "html" / f"{path.stem}.html.gz"))
    return refs


def trafilatura_refs(root: Path) -> list[Ref]:
    """trafilatura-pages: evaldata.json maps each URL to its file and snippets."""
    base = root / "trafilatura-pages"
    evaldata = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    refs = []
    for url, item in sorted(evaldata.items(), key=lambda kv: kv[1]["file"]):
        path = base / item["file"]
        if not path.is_file():
            continue
        truth = SnippetTruth(tuple(item.get("with") or ()), tuple(item.get("without") or ()))
        refs.append(Ref("trafilatura", "trafilatura", item["file"], url, truth, path))
    return refs


def appeals_refs(root: Path) -> list[Ref]:
    """appeals/dev.jsonl grouped by page; each page's HTML and URL come from its corpus."""
    by_page: dict[tuple[str, str], list[AppealRecord]] = defaultdict(list)
    with (root / "appeals" / "dev.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                rec = json.loads(line)
                by_page[(rec["corpus"], rec["page"])].append(
                    AppealRecord(rec["kind"], rec["text"], bool(rec["negative"])))
    sources = _source_index(root, {corpus for corpus, _ in by_page})
    refs = []
    for (corpus, page), records in sorted(by_page.items()):
        source = sources[corpus].get(page)
        if source is None:
            raise FileNotFoundError(f"appeals: {corpus} page {page!r} not found")
        refs.append(Ref("appeals", corpus, page, source.url, AppealTruth(tuple(records)),
                        source.path))
    return refs


def _source_index(root: Path, corpora: set[str]) -> dict[str, dict[str, Ref]]:
    return {name: {ref.id: ref for ref in LOADERS[name](root)} for name in corpora}


LOADERS: MappingProxyType[str, Callable[[Path], list[Ref]]] = MappingProxyType({
    "zyte": zyte_refs,
    "mozilla": mozilla_refs,
    "wcxb": wcxb_refs,
    "trafilatura": trafilatura_refs,
    "appeals": appeals_refs,
})
